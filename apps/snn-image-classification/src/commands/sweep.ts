import { getGlobalOptions, parseAssignments } from '@snn/cli';
import type { Command } from 'commander';
import type { AppIo } from '../app/io.js';
import { runSweep } from '../sweep/run-sweep.js';

/**
 * Adds `sweep` to the program: the seed's grid over neuron type, recurrence, periodic input, hidden size and learned decays.
 *
 * @param program - from `createApp`
 * @param io - output streams and environment
 * @param argv - the command line, recorded in each run's manifest
 */
export function addSweepCommand(program: Command, io: AppIo, argv: readonly string[]): void {
  program
    .command('sweep')
    .description(
      'train every point of a grid ({lif, alif} × recurrent × periodic × hidden sizes × learn-beta) on a reduced budget, each in its parameters-hash run directory (resumable), and write sweep.csv, sweep.md, findings.json and a grouped bar figure into runs/snn-image-classification/sweeps/<name>/; prints whether each finding of the seed paper holds',
    )
    .requiredOption('-c, --config <file>', 'sweep file, e.g. configs/sweep.yaml')
    .option('--set <key=value...>', 'override fields of the sweep\'s base config, e.g. --set training.epochs=1')
    .option('--run-figures', 'also render each point\'s figures and report.html')
    .action(async (flags: { config: string; set?: string[]; runFigures?: boolean }, cmd: Command) => {
      const global = getGlobalOptions(cmd, io.env);
      const overrides = { ...parseAssignments(flags.set ?? []), ...(global.seed !== undefined ? { seed: global.seed } : {}) };
      await runSweep({ file: flags.config, overrides, runsDir: global.runsDir, backend: global.backend, runFigures: flags.runFigures ?? false, quiet: global.quiet, argv, io });
    });
}
