import type { Command } from 'commander';
import type { AppIo } from '../app/io.js';
import { renderRunReport } from '../report/render-run.js';

/**
 * Adds `plot` to the program: re-renders the figures and report.html of a run directory.
 *
 * @param program - from `createApp`
 * @param io - output streams and environment
 */
export function addPlotCommand(program: Command, io: AppIo): void {
  program
    .command('plot')
    .description('re-render figs/ and report.html of a run directory from its metrics, confusion matrix and best checkpoint')
    .requiredOption('--run <dir>', 'the run directory, e.g. runs/snn-image-classification/3f2a9c0d41b7')
    .action(async (flags: { run: string }) => {
      const rendered = await renderRunReport(flags.run);
      for (const file of rendered.figures) io.stdout.write(`${flags.run}/${file}\n`);
      io.stdout.write(`${rendered.report}\n`);
    });
}
