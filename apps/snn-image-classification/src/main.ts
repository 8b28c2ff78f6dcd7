import { createApp, runCli } from '@snn/cli';
import type { Command } from 'commander';
import { type AppIo, APP_NAME, processIo } from './app/io.js';
import { APP_VERSION } from './version.js';

/**
 * The commander program of the app, with the global options of @snn/cli
 * (`--backend`, `--seed`, `--runs-dir`, `--quiet`).
 *
 * @param io - output streams and environment
 * @param argv - the command line, for run manifests
 */
export function createProgram(io: AppIo, argv: readonly string[] = []): Command {
  const program = createApp({ name: APP_NAME, version: APP_VERSION, description: 'DESCRIPTION' });
  void io;
  void argv;
  return program;
}

/**
 * Runs the app on a command line (without `node` and the script) and returns the exit status:
 * 0 success, 1 run-time error, 2 invalid command line or config.
 *
 * @param argv - e.g. `['train', '--config', 'configs/quick.yaml']`
 * @param io - streams and environment; default the process's
 */
export async function main(argv: readonly string[], io: Partial<AppIo> = {}): Promise<number> {
  const full: AppIo = { ...processIo(), ...io };
  return runCli(createProgram(full, argv), argv, { from: 'user', stdout: full.stdout, stderr: full.stderr, env: full.env, setExitCode: false });
}
