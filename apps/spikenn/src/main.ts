import type { Command } from 'commander';
import { addGenerateDatasetCommand } from './commands/generate-dataset.js';
import { addGridsearchBestCommand, addGridsearchCommand } from './commands/gridsearch.js';
import { addKfoldCommand, addKfoldScoreCommand } from './commands/kfold.js';
import { addMakeFoldsCommand } from './commands/make-folds.js';
import { addRunCommand } from './commands/run.js';
import { type AppIo, createApp, processIo, runCli } from '@snn/cli';
import { APP_VERSION } from './version.js';

/**
 * The commander program: `generate-dataset`, `run`, `make-folds`, `kfold`, `kfold-score`, `gridsearch`, `gridsearch-best`
 * (SpikeNN's app scripts), with the global options of @snn/cli.
 * @param io - output streams and environment
 * @param argv - the command line, for run manifests
 */
export function createProgram(io: AppIo, argv: readonly string[] = []): Command {
  const program = createApp({
    name: 'spikenn',
    version: APP_VERSION,
    description:
      'SpikeNN (Goupy, Tirilly & Bilasco, NeurIPS 2024): first-spike readouts of single-spike IF neurons trained by S2-STDP, SSTDP or R-STDP with Neuronal Competition Groups',
  });
  const full = ['spikenn', ...argv];
  addGenerateDatasetCommand(program, io);
  addRunCommand(program, io, full);
  addMakeFoldsCommand(program, io);
  addKfoldCommand(program, io, full);
  addKfoldScoreCommand(program, io);
  addGridsearchCommand(program, io, full);
  addGridsearchBestCommand(program, io);
  return program;
}

/**
 * Runs the app on a command line (without `node` and the script); returns the exit status
 * (0 success, 1 run-time error, 2 invalid command line or config).
 * @param argv - e.g. `['run', 'data', 'out', 'configs/seed.json']`
 * @param io - streams and environment; default the process's
 */
export async function main(argv: readonly string[], io: Partial<AppIo> = {}): Promise<number> {
  const full: AppIo = { ...processIo(), ...io };
  return runCli(createProgram(full, argv), argv, { from: 'user', stdout: full.stdout, stderr: full.stderr, env: full.env, setExitCode: false });
}
