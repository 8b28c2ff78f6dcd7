import { createApp, runCli } from '@snn/cli';
import type { Command } from 'commander';
import { type AppIo, processIo } from './app/io.js';
import { fromSeedArgv } from './app/seed-argv.js';
import { addEvaluateCommand } from './commands/evaluate.js';
import { addInferCommand } from './commands/infer.js';
import { addPlotCommand } from './commands/plot.js';
import { addTrainCommand } from './commands/train.js';
import { APP_VERSION } from './version.js';

/**
 * The commander program of the app: `train`, `infer`, `evaluate` and `plot`, with the global options of
 * @snn/cli (`--backend`, `--seed`, `--runs-dir`, `--quiet`).
 *
 * @param io - output streams and environment
 * @param argv - the command line, for run manifests
 */
export function createProgram(io: AppIo, argv: readonly string[] = []): Command {
  const program = createApp({
    name: 'neurospike',
    version: APP_VERSION,
    description: 'NeuroSpike-MNIST: a LIF spiking network (784-256-10, 100 steps) trained by BPTT on MNIST, with rate or latency coding',
  });
  addTrainCommand(program, io, ['neurospike', ...argv]);
  addInferCommand(program, io);
  addEvaluateCommand(program, io);
  addPlotCommand(program, io);
  return program;
}

/**
 * Runs the app on a command line (without `node` and the script) and returns the exit status:
 * 0 success, 1 run-time error, 2 invalid command line or config. Errors are printed to
 * `io.stderr` by the central handler of @snn/cli.
 *
 * @param argv - e.g. `['train', '--config', 'configs/quick.yaml']`, or the seed project's
 *   `['--mode', 'inference', '--model_path', …, '--image_path', …]` ({@link fromSeedArgv})
 * @param io - streams and environment; default the process's
 */
export async function main(argv: readonly string[], io: Partial<AppIo> = {}): Promise<number> {
  const full: AppIo = { ...processIo(), ...io };
  let args: string[];
  try {
    args = fromSeedArgv(argv);
  } catch (error) {
    full.stderr.write(`error: ${(error as Error).message}\n`);
    return 2;
  }
  return runCli(createProgram(full, args), args, { from: 'user', stdout: full.stdout, stderr: full.stderr, env: full.env, setExitCode: false });
}
