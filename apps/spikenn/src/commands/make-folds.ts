import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type AppIo, getGlobalOptions, numberOption } from '@snn/cli';
import { Rng } from '@snn/core';
import { selectSpikingSamples, stratifiedKFold } from '@snn/datasets';
import { readAnySpikingDataset, writeSeedSpikingDataset } from '@snn/datasets/node';
import type { Command } from 'commander';
import { MAX_FOLDS } from '../config/schema.js';

/**
 * Adds `spikenn make-folds <trainset> <testset> <out>` (the seed's `ft-extract/dataset/generate_folds.py`):
 * stratified K folds of the training set; fold i holds `trainset.npy` (the other folds), `valset.npy` (fold i) and a
 * copy of the test set, the layout `spikenn kfold` reads.
 * @param program - from `createApp`
 * @param io - output streams
 */
export function addMakeFoldsCommand(program: Command, io: AppIo): void {
  program
    .command('make-folds')
    .description('split a training set into K stratified folds: <out>/<i>/trainset.npy (other folds), valset.npy (fold i), testset.npy (a copy)')
    .argument('<trainset>', 'training SpikingDataset (.npy or .snnspk)')
    .argument('<testset>', 'test SpikingDataset, copied into every fold')
    .argument('<out>', 'folder for the fold folders 0..K−1')
    .addOption(numberOption('--K <k>', 'number of folds', 'positiveInt', 10, MAX_FOLDS))
    .action(async (trainPath: string, testPath: string, out: string, flags: { K: number }, cmd: Command) => {
      const seed = getGlobalOptions(cmd, io.env).seed ?? 0;
      const train = readAnySpikingDataset(trainPath);
      readAnySpikingDataset(testPath); // checked before anything is written
      const folds = stratifiedKFold(train.labels, flags.K, new Rng(seed));
      for (const [i, fold] of folds.entries()) {
        const dir = join(out, String(i));
        await mkdir(dir, { recursive: true });
        await writeSeedSpikingDataset(join(dir, 'trainset.npy'), selectSpikingSamples(train, fold.train));
        await writeSeedSpikingDataset(join(dir, 'valset.npy'), selectSpikingSamples(train, fold.test));
        await copyFile(testPath, join(dir, testPath.endsWith('.npy') ? 'testset.npy' : 'testset.snnspk'));
      }
      io.stdout.write(`wrote ${flags.K} folds of ${train.count} training samples into ${out} (seed ${seed})\n`);
    });
}
