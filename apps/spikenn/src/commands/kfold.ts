import { join, resolve } from 'node:path';
import { getGlobalOptions, numberOption, parseConfig, readConfigFile, type AppIo } from '@snn/cli';
import { ValidationError } from '@snn/core';
import { meanStd } from '@snn/readout';
import { readSearchResults, runSearchPoints } from '@snn/readout/node';
import type { Command } from 'commander';
import { MAX_FOLDS, MAX_WORKERS, runConfigSchema } from '../config/schema.js';
import type { RunResult } from '../train/run-point.js';
import { type PointConfig, WORKER_SCRIPT, describeFailures } from './points.js';

/**
 * Adds `spikenn kfold <data> <out> <config>` (SpikeNN's `kfold.py`): fold i trains on `<data>/i/` into `<out>/i/`
 * with seed i, on worker threads; `--resume` keeps finished folds.
 * @param program - from `createApp`
 * @param io - output streams
 * @param argv - command line for the manifests
 */
export function addKfoldCommand(program: Command, io: AppIo, argv: readonly string[]): void {
  program
    .command('kfold')
    .description('train one run per fold: <data>/<i>/ → <out>/<i>/ with seed i (i = 0..K−1), on worker threads; resumable')
    .argument('<data>', 'folder of fold folders 0..K−1, each with trainset.npy, valset.npy, testset.npy')
    .argument('<out>', 'search directory: search.json and one run directory per fold')
    .argument('<config>', 'SpikeNN JSON config')
    .addOption(numberOption('--K <k>', 'number of folds', 'positiveInt', 10, MAX_FOLDS))
    .addOption(numberOption('--n-proc <n>', 'worker threads (the seed: processes)', 'positiveInt', 2, MAX_WORKERS))
    .option('--resume', 'continue an interrupted K-fold run: finished folds are kept, a changed config is refused')
    .option('--no-report', 'skip figures and report.html in each fold')
    .action(async (data: string, out: string, configPath: string, flags: { K: number; nProc: number; resume?: boolean; report: boolean }, cmd: Command) => {
      const global = getGlobalOptions(cmd, io.env);
      const config = parseConfig(await readConfigFile(configPath), runConfigSchema, { file: configPath });
      const points = Array.from({ length: flags.K }, (_, i) => ({
        key: String(i),
        seed: i,
        config: { config, dataDir: resolve(join(data, String(i))), report: flags.report, argv } satisfies PointConfig,
      }));
      const outcome = await runSearchPoints({
        dir: out,
        kind: 'kfold',
        points,
        signature: { config, data: resolve(data), K: flags.K },
        workerScript: WORKER_SCRIPT,
        workers: flags.nProc,
        resume: flags.resume,
        onPoint: (e) => {
          if (global.quiet) return;
          const r = e.result as RunResult | undefined;
          io.stderr.write(`fold ${e.key}: ${e.status}${r ? ` (test ${r.testAccuracy}, epoch ${r.lastEpoch})` : ''}${e.error ? `: ${e.error}` : ''} [${e.finished}/${e.total}]\n`);
        },
      });
      describeFailures(outcome.failures, 'fold');
      await printKfoldScore(out, io);
    });
}

/**
 * Prints the K-fold score of a search directory (SpikeNN's `get_kfold_score.py`): per split the accuracies of the
 * folds and their mean ± std in percent, test accuracy taken at the epoch where each fold stopped.
 */
export async function printKfoldScore(dir: string, io: AppIo): Promise<void> {
  const { kind, keys, results } = await readSearchResults(dir);
  if (kind !== 'kfold') throw new ValidationError('not a K-fold directory', { file: dir, expected: 'a directory written by spikenn kfold', found: `a ${kind} directory` });
  const runs = keys.filter((k) => results.has(k)).map((k) => results.get(k) as unknown as RunResult);
  io.stdout.write(`Reading ${runs.length}-folds${runs.length < keys.length ? ` (${keys.length - runs.length} of ${keys.length} not finished)` : ''}...\n`);
  const show = (name: string, values: (number | null)[]) => {
    const present = values.filter((v): v is number => v !== null);
    io.stdout.write(`### ${name} ###\nAccuracies: [${present.join(', ')}]\n`);
    if (present.length > 0) {
      const s = meanStd(present);
      io.stdout.write(`${(100 * s.mean).toFixed(2)} +- ${(100 * s.std).toFixed(2)}\n`);
    }
    io.stdout.write('\n');
  };
  show('TRAIN', runs.map((r) => r.trainAccuracy));
  io.stdout.write(`Average number of epochs: ${runs.length === 0 ? 0 : runs.reduce((a, r) => a + r.lastEpoch, 0) / runs.length}\n`);
  show('VAL', runs.map((r) => r.validationAccuracy));
  show('TEST', runs.map((r) => r.testAccuracy));
}

/**
 * Adds `spikenn kfold-score <dir>` (SpikeNN's `get_kfold_score.py`).
 * @param program - from `createApp`
 * @param io - output streams
 */
export function addKfoldScoreCommand(program: Command, io: AppIo): void {
  program
    .command('kfold-score')
    .description('mean ± std over the folds of the final train, validation and test accuracy (at the epoch where each fold stopped)')
    .argument('<dir>', 'a directory written by spikenn kfold')
    .action(async (dir: string) => {
      await printKfoldScore(dir, io);
    });
}
