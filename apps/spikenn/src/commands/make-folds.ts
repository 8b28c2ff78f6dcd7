import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type AppIo, getGlobalOptions, numberOption } from '@snn/cli';
import { Rng } from '@snn/core';
import { selectSpikingSamples, stratifiedKFold, stratifiedSubset } from '@snn/datasets';
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
    .addOption(numberOption('--max-samples <n>', 'fold a stratified, seeded subset of n training samples (default: all)', 'positiveInt'))
    .action(async (trainPath: string, testPath: string, out: string, flags: { K: number; maxSamples?: number }, cmd: Command) => {
      const seed = getGlobalOptions(cmd, io.env).seed ?? 0;
      const all = readAnySpikingDataset(trainPath);
      const rng = new Rng(seed);
      const train = flags.maxSamples !== undefined && flags.maxSamples < all.count ? selectSpikingSamples(all, stratifiedSubset(all.labels, flags.maxSamples / all.count, rng)) : all;
      readAnySpikingDataset(testPath); // checked before anything is written
      const folds = stratifiedKFold(train.labels, flags.K, rng);
      for (const [i, fold] of folds.entries()) {
        const dir = join(out, String(i));
        await mkdir(dir, { recursive: true });
        await writeSeedSpikingDataset(join(dir, 'trainset.npy'), selectSpikingSamples(train, fold.train));
        await writeSeedSpikingDataset(join(dir, 'valset.npy'), selectSpikingSamples(train, fold.test));
        await copyFile(testPath, join(dir, testPath.endsWith('.npy') ? 'testset.npy' : 'testset.snnspk'));
      }
      io.stdout.write(`wrote ${flags.K} folds of ${train.count}${train.count < all.count ? ` (a stratified subset of ${all.count})` : ''} training samples into ${out} (seed ${seed})\n`);
    });
}
