import { Rng } from '@snn/core';
import { createMlp } from '@snn/baselines';
import type { Command } from 'commander';
import type { AppIo } from '../app/io.js';
import { BaselineAdapter } from '../baseline/model.js';
import { type MlpConfig, mlpSchema } from '../config/schemas.js';
import { streamSeed } from '../session/streams.js';
import { type ChosenBackend, chooseBackend } from './backend.js';
import { addTrainingCommand } from './common.js';

/**
 * Adds `izhikevich-mnist mlp`: the MLP baseline 784 → 512 ReLU → dropout 0.3 → 10 softmax, Adam.
 *
 * @param program - the app
 * @param io - streams
 * @param argv - command line, for the manifest
 */
export function addMlpCommand(program: Command, io: AppIo, argv: readonly string[]): void {
  let chosen: ChosenBackend | undefined;
  addTrainingCommand(program, io, argv, {
    name: 'mlp',
    description: 'MLP baseline: 784 → 512 ReLU → dropout 0.3 → 10 softmax, Adam (lr 0.001), batch 128',
    energyModel: 'MACs × 4.6 pJ',
    note: 'Non-spiking baseline: multilayer perceptron trained by backprop with Adam on softmax cross-entropy. Energy = MACs × 4.6 pJ (Horowitz, ISSCC 2014, 45 nm).',
    schema: mlpSchema,
    lrField: 'training.learning_rate',
    batched: true,
    backend: async (request) => {
      chosen = await chooseBackend(request, 'mlp', 'gpu.js dense forward kernels of @snn/baselines; backward pass in TypeScript');
      return chosen.info;
    },
    createModel: (config: MlpConfig) => {
      const m = config.model;
      const mlp = createMlp({ layers: [784, m.hidden_size, 10], activation: 'relu', dropout: m.dropout, rng: new Rng(streamSeed(config.seed, 'weights')), backend: chosen?.backend });
      return new BaselineAdapter(mlp, config.training, `MLP 784-${m.hidden_size}-10 (ReLU, dropout ${m.dropout})`);
    },
  });
}
