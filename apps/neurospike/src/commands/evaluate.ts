import { getGlobalOptions, numberOption } from '@snn/cli';
import type { Command } from 'commander';
import type { AppIo } from '../app/io.js';
import { runEvaluation } from '../evaluate/run-evaluate.js';

/**
 * Adds `neurospike evaluate` to the program: test accuracy and forward-pass speed of a trained network on a backend.
 *
 * @param program - from `createApp`
 * @param io - output streams and environment
 */
export function addEvaluateCommand(program: Command, io: AppIo): void {
  program
    .command('evaluate')
    .description('test accuracy and forward-pass images/s of a trained network on one backend (js engine or gpu.js kernels)')
    .requiredOption('--model <path>', 'run directory (uses checkpoints/best, else last) or a .safetensors checkpoint')
    .addOption(numberOption('--limit <n>', 'only the first n test images', 'positiveInt'))
    .addOption(numberOption('--batch-size <n>', 'images per forward pass', 'positiveInt', 100))
    .option('--json', 'print the result as JSON')
    .action(async (flags: { model: string; limit?: number; batchSize: number; json?: boolean }, cmd: Command) => {
      const global = getGlobalOptions(cmd, io.env);
      const r = await runEvaluation({ model: flags.model, backend: global.backend, limit: flags.limit, batchSize: flags.batchSize });
      if (flags.json) {
        io.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      const right = Math.round(r.accuracy * r.images);
      io.stdout.write(`model      ${r.checkpoint} (epoch ${r.epoch})\n`);
      io.stdout.write(`backend    ${r.backend}${r.kernelClass ? ` (${r.kernelClass}, kernels of @snn/neurons)` : ' (event-driven LifNetwork engine of @snn/learning)'}\n`);
      io.stdout.write(`accuracy   ${(100 * r.accuracy).toFixed(2)}% (${right}/${r.images})\n`);
      io.stdout.write(`speed      ${r.imagesPerSecond.toFixed(1)} images/s (forward passes, ${r.forwardSeconds.toFixed(2)} s)\n`);
    });
}
