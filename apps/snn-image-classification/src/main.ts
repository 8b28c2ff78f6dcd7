import { createApp, runCli } from '@snn/cli';
import type { Command } from 'commander';
import { APP_NAME, type AppIo, processIo } from './app/io.js';
import { addEvaluateCommand } from './commands/evaluate.js';
import { addPlotCommand } from './commands/plot.js';
import { addSweepCommand } from './commands/sweep.js';
import { addTrainCommand } from './commands/train.js';
import { APP_VERSION } from './version.js';

/**
 * The commander program of the app: `train`, `evaluate`, `sweep` and `plot`, with the global
 * options of @snn/cli (`--backend`, `--seed`, `--runs-dir`, `--quiet`).
 *
 * @param io - output streams and environment
 * @param argv - the command line, for run manifests
 */
export function createProgram(io: AppIo, argv: readonly string[] = []): Command {
  const program = createApp({
    name: APP_NAME,
    version: APP_VERSION,
    description:
      'SNN Image Classification (Gince & Lamontagne-Caron 2022): a hidden layer of LIF or ALIF neurons (optionally recurrent) and a leaky readout trained by BPTT on MNIST or Fashion-MNIST, runs keyed by a hash of the parameters, and the paper\'s parameter sweep',
  });
  addTrainCommand(program, io, [APP_NAME, ...argv]);
  addEvaluateCommand(program, io);
  addSweepCommand(program, io, [APP_NAME, ...argv]);
  addPlotCommand(program, io);
  return program;
}

/**
 * Runs the app on a command line (without `node` and the script) and returns the exit status:
 * 0 success, 1 run-time error, 2 invalid command line or config. Errors are printed to
 * `io.stderr` by the central handler of @snn/cli.
 *
 * @param argv - e.g. `['train', '--config', 'configs/tiny.yaml']`
 * @param io - streams and environment; default the process's
 */
export async function main(argv: readonly string[], io: Partial<AppIo> = {}): Promise<number> {
  const full: AppIo = { ...processIo(), ...io };
  return runCli(createProgram(full, argv), argv, { from: 'user', stdout: full.stdout, stderr: full.stderr, env: full.env, setExitCode: false });
}
