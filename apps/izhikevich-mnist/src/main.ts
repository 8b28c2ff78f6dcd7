import { createApp, runCli } from '@snn/cli';
import type { Command } from 'commander';
import { type AppIo, APP_NAME, processIo } from './app/io.js';
import { addCnnCommand } from './commands/cnn.js';
import { addGradientCommand } from './commands/gradient.js';
import { addMlpCommand } from './commands/mlp.js';
import { addStdpCommand } from './commands/stdp.js';
import { addDiehlCookCommands } from './diehl-cook/commands.js';
import { rewriteSeedFlags } from './diehl-cook/seed-flags.js';
import { addRandomConnectionsCommand } from './random-connections/command.js';
import { APP_VERSION } from './version.js';

/**
 * The commander program of the app: `gradient`, `stdp`, `mlp`, `cnn`, `diehl-cook` (train, test,
 * evaluate) and `random-connections`, with the global options of
 * @snn/cli (`--backend`, `--seed`, `--runs-dir`, `--quiet`).
 *
 * @param io - output streams and environment
 * @param argv - the command line, for run manifests
 */
export function createProgram(io: AppIo, argv: readonly string[] = []): Command {
  const program = createApp({
    name: APP_NAME,
    version: APP_VERSION,
    description: 'Izhikevich spiking networks on MNIST: surrogate-gradient and STDP/Hebbian Izhikevich SNNs, MLP and CNN baselines, and the Diehl & Cook (2015) STDP network, with spike rates, SynOps, energy, FLOPs and memory',
  });
  addGradientCommand(program, io, argv);
  addStdpCommand(program, io, argv);
  addMlpCommand(program, io, argv);
  addCnnCommand(program, io, argv);
  addDiehlCookCommands(program, io, ['izhikevich-mnist', ...argv]);
  addRandomConnectionsCommand(program, io);
  return program;
}

/**
 * Runs the app on a command line (without `node` and the script) and returns the exit status
 * (the seed script's flag spellings are read as ours for `diehl-cook train`, see {@link rewriteSeedFlags}):
 * 0 success, 1 run-time error, 2 invalid command line or config.
 *
 * @param argv - e.g. `['gradient', '--config', 'configs/gradient-tiny.yaml']`
 * @param io - streams and environment; default the process's
 */
export async function main(argv: readonly string[], io: Partial<AppIo> = {}): Promise<number> {
  const full: AppIo = { ...processIo(), ...io };
  // `diehl-cook train` also accepts the seed script's spellings (`--n_e`, `--save_path`, …).
  return runCli(createProgram(full, argv), rewriteSeedFlags(argv), { from: 'user', stdout: full.stdout, stderr: full.stderr, env: full.env, setExitCode: false });
}
