import { resolve } from 'node:path';
import { getGlobalOptions, numberOption, parseConfig, readConfigFile, type AppIo } from '@snn/cli';
import { ValidationError } from '@snn/core';
import { expandGrid, rankByValidation } from '@snn/readout';
import { readSearchResults, runSearchPoints } from '@snn/readout/node';
import type { Command } from 'commander';
import { MAX_WORKERS, gridConfigSchema, runConfigSchema } from '../config/schema.js';
import type { RunResult } from '../train/run-point.js';
import { type PointConfig, WORKER_SCRIPT, describeFailures } from './points.js';

/**
 * Adds `spikenn gridsearch <data> <out> <config>` (SpikeNN's `gridsearch.py`): every point of the grid (lists
 * anywhere in the config, Cartesian product in the seed's order) trains on `<data>` with seed 0 into `<out>/<i>/`.
 * @param program - from `createApp`
 * @param io - output streams
 * @param argv - command line for the manifests
 */
export function addGridsearchCommand(program: Command, io: AppIo, argv: readonly string[]): void {
  program
    .command('gridsearch')
    .description('train every point of a grid config (lists are alternatives) on worker threads into <out>/<i>/; resumable')
    .argument('<data>', 'dataset folder with trainset.npy and valset.npy (points are ranked on validation accuracy)')
    .argument('<out>', 'search directory: search.json and one run directory per point')
    .argument('<config>', 'SpikeNN grid-search JSON config (e.g. configs/gs/s2stdp+ncg.json)')
    .addOption(numberOption('--n-proc <n>', 'worker threads', 'positiveInt', 2, MAX_WORKERS))
    .option('--resume', 'continue an interrupted grid search: finished points are kept, a changed config is refused')
    .option('--report', 'write figures and report.html for every point (off by default)')
    .action(async (data: string, out: string, configPath: string, flags: { nProc: number; resume?: boolean; report?: boolean }, cmd: Command) => {
      const global = getGlobalOptions(cmd, io.env);
      const raw = await readConfigFile(configPath);
      const grid = parseConfig(raw, gridConfigSchema, { file: configPath });
      const configs = expandGrid(grid as unknown as Record<string, unknown>, ['network'], ['regularizer', 'optimizer', 'trainer'], { file: configPath }).map((c, i) =>
        parseConfig(c, runConfigSchema, { file: `${configPath} (grid point ${i})` }),
      );
      const points = configs.map((config, i) => ({
        key: String(i),
        seed: 0,
        config: { config, dataDir: resolve(data), report: flags.report === true, argv } satisfies PointConfig,
      }));
      if (!global.quiet) io.stderr.write(`${points.length} grid points\n`);
      const outcome = await runSearchPoints({
        dir: out,
        kind: 'gridsearch',
        points,
        signature: { grid, data: resolve(data) },
        workerScript: WORKER_SCRIPT,
        workers: flags.nProc,
        resume: flags.resume,
        onPoint: (e) => {
          if (global.quiet) return;
          const r = e.result as RunResult | undefined;
          io.stderr.write(`point ${e.key}: ${e.status}${r ? ` (validation ${r.validationAccuracy}, ${r.stoppedBy} at epoch ${r.lastEpoch})` : ''}${e.error ? `: ${e.error}` : ''} [${e.finished}/${e.total}]\n`);
        },
      });
      describeFailures(outcome.failures, 'grid point');
      await printBest(out, 10, io);
    });
}

/** Prints the best points of a grid search by final validation accuracy (SpikeNN's `get_gs_best.py`). */
export async function printBest(dir: string, n: number, io: AppIo): Promise<void> {
  const { kind, keys, results } = await readSearchResults(dir);
  if (kind !== 'gridsearch') throw new ValidationError('not a grid-search directory', { file: dir, expected: 'a directory written by spikenn gridsearch', found: `a ${kind} directory` });
  const finished = keys.filter((k) => results.has(k));
  io.stdout.write(`Reading ${finished.length} experiments${finished.length < keys.length ? ` (${keys.length - finished.length} of ${keys.length} not finished)` : ''}...\n`);
  const ranked = rankByValidation(finished.map((key) => ({ key, validation: (results.get(key) as unknown as RunResult).validationHistory })));
  ranked.slice(0, n).forEach((r, i) => {
    io.stdout.write(`Top #${i + 1} config is ${resolve(dir, r.key)} with a validation accuracy of ${r.accuracy} (epoch:${r.epoch} ; std:${r.lastFiveStd}).\n`);
  });
}

/**
 * Adds `spikenn gridsearch-best <dir>` (SpikeNN's `get_gs_best.py`).
 * @param program - from `createApp`
 * @param io - output streams
 */
export function addGridsearchBestCommand(program: Command, io: AppIo): void {
  program
    .command('gridsearch-best')
    .description('the N best grid points by final validation accuracy (never by test accuracy)')
    .argument('<dir>', 'a directory written by spikenn gridsearch')
    .addOption(numberOption('--N <n>', 'number of points to show', 'positiveInt', 10))
    .action(async (dir: string, flags: { N: number }) => {
      await printBest(dir, flags.N, io);
    });
}
