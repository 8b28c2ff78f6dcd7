import type { Command } from 'commander';
import type { AppIo } from '../app/io.js';
import { type GradientConfig, gradientSchema } from '../config/schemas.js';
import { GradientModel } from '../gradient/model.js';
import { chooseBackend } from './backend.js';
import { addTrainingCommand } from './common.js';

/**
 * Adds `izhikevich-mnist gradient`: Izhikevich SNN 784-1024-10, rate-coded input over 50 steps,
 * surrogate gradient + Adam (lr 0.02, β1 0.9, β2 0.999), 30 epochs, batch 128.
 *
 * @param program - the app
 * @param io - streams
 * @param argv - command line, for the manifest
 */
export function addGradientCommand(program: Command, io: AppIo, argv: readonly string[]): void {
  addTrainingCommand(program, io, argv, {
    name: 'gradient',
    description: 'Izhikevich SNN 784-1024-10, Poisson rate coding over 50 steps, surrogate-gradient BPTT + Adam (lr 0.02), 30 epochs, batch 128 (configs/gradient.yaml: 25 steps, 18 epochs, cosine lr)',
    energyModel: 'SynOps × 0.9 pJ',
    note: 'Izhikevich (2003) spiking network trained by BPTT with a surrogate spike derivative and Adam; softmax cross-entropy on output spike counts. Energy = SynOps × 0.9 pJ (Horowitz, ISSCC 2014, 45 nm). Accuracies are fractions; spike rates are spikes per neuron per step.',
    schema: gradientSchema,
    lrField: 'training.learning_rate',
    batched: true,
    backend: async (request) => (await chooseBackend(request, 'gradient')).info,
    createModel: (config: GradientConfig) => new GradientModel(config),
  });
}
