import { getGlobalOptions } from '@snn/cli';
import { createBackend } from '@snn/core';
import type { Command } from 'commander';
import type { AppIo } from '../app/io.js';
import { renderRunReport } from '../report/render-run.js';

/**
 * Adds `neurospike plot` to the program: re-renders the figures and report.html of a run directory.
 *
 * @param program - from `createApp`
 * @param io - output streams and environment
 */
export function addPlotCommand(program: Command, io: AppIo): void {
  program
    .command('plot')
    .description('re-render figs/ and report.html of a run directory from its metrics, confusion matrix and last checkpoint')
    .requiredOption('--run <dir>', 'the run directory, e.g. runs/neurospike/quick')
    .action(async (flags: { run: string }, cmd: Command) => {
      const global = getGlobalOptions(cmd, io.env);
      const backend = await createBackend(global.backend);
      try {
        const rendered = await renderRunReport(flags.run, backend);
        for (const file of rendered.figures) io.stdout.write(`${flags.run}/${file}\n`);
        io.stdout.write(`${rendered.report}\n`);
      } finally {
        await backend.destroy();
      }
    });
}
