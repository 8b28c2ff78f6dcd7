import { Rng } from '@snn/core';
import { createCnn } from '@snn/baselines';
import type { Command } from 'commander';
import type { AppIo } from '../app/io.js';
import { BaselineAdapter } from '../baseline/model.js';
import { type CnnConfig, cnnSchema } from '../config/schemas.js';
import { streamSeed } from '../session/streams.js';
import { type ChosenBackend, chooseBackend } from './backend.js';
import { addTrainingCommand } from './common.js';

/**
 * Adds `izhikevich-mnist cnn`: the CNN baseline conv32 3×3 → BN → maxpool → conv64 3×3 → BN →
 * maxpool → dense 512 ReLU → dropout 0.3 → 10, Adam 0.001, early stopping (patience 5).
 *
 * @param program - the app
 * @param io - streams
 * @param argv - command line, for the manifest
 */
export function addCnnCommand(program: Command, io: AppIo, argv: readonly string[]): void {
  let chosen: ChosenBackend | undefined;
  addTrainingCommand(program, io, argv, {
    name: 'cnn',
    description: 'CNN baseline: conv32 3×3 → BN → maxpool → conv64 3×3 → BN → maxpool → dense 512 → dropout 0.3 → 10; Adam 0.001, early stopping (patience 5)',
    energyModel: 'MACs × 4.6 pJ',
    note: 'Non-spiking baseline: convolutional network with batch normalisation trained by backprop with Adam; early stopping on validation accuracy. Energy = MACs × 4.6 pJ (Horowitz, ISSCC 2014, 45 nm).',
    schema: cnnSchema,
    lrField: 'training.learning_rate',
    batched: true,
    backend: async (request) => {
      chosen = await chooseBackend(request, 'cnn', 'gpu.js conv2d/dense forward kernels of @snn/baselines; backward pass in TypeScript');
      return chosen.info;
    },
    createModel: (config: CnnConfig) => {
      const m = config.model;
      const cnn = createCnn({ rng: new Rng(streamSeed(config.seed, 'weights')), backend: chosen?.backend, dropout: m.dropout, channels: [m.conv1_filters, m.conv2_filters], hidden: m.dense_size });
      return new BaselineAdapter(cnn, config.training, `CNN conv${m.conv1_filters}-BN-pool-conv${m.conv2_filters}-BN-pool-dense${m.dense_size}-dropout${m.dropout}-10`);
    },
  });
}
