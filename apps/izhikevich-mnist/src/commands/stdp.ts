import type { Command } from 'commander';
import type { AppIo } from '../app/io.js';
import { type StdpConfig, stdpSchema } from '../config/schemas.js';
import { StdpModel } from '../stdp/model.js';
import { chooseBackend } from './backend.js';
import { addTrainingCommand } from './common.js';

/**
 * Adds `izhikevich-mnist stdp`: Izhikevich SNN 784-512-10 over 20 steps, STDP (lr 0.01) on
 * input→hidden and Hebbian learning with a teacher (lr 0.005) on hidden→output.
 *
 * @param program - the app
 * @param io - streams
 * @param argv - command line, for the manifest
 */
export function addStdpCommand(program: Command, io: AppIo, argv: readonly string[]): void {
  addTrainingCommand(program, io, argv, {
    name: 'stdp',
    description: 'Izhikevich SNN 784-512-10, Poisson rate coding over 20 steps, STDP (lr 0.01) input→hidden + contrastive Hebbian with teacher-forced output spikes (lr 0.005) hidden→output',
    energyModel: 'SynOps × 0.9 pJ',
    note: 'Izhikevich (2003) network trained without gradients: pair STDP with traces on the input weights, a contrastive Hebbian rule (teacher-forced minus free output spikes) on the output weights, column normalisation and synaptic scaling. Prediction = output neuron with most spikes. Energy = SynOps × 0.9 pJ (Horowitz, ISSCC 2014, 45 nm).',
    schema: stdpSchema,
    batched: false,
    backend: async (request) => (await chooseBackend(request, 'stdp')).info,
    createModel: (config: StdpConfig) => new StdpModel(config),
  });
}
