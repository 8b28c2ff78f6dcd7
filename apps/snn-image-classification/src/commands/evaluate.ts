import { UsageError, numberOption } from '@snn/cli';
import { type Command, Option } from 'commander';
import type { AppIo } from '../app/io.js';
import { EVAL_SPLITS, type EvalSplit, formatEvaluation, runEvaluation } from '../evaluate/run-evaluate.js';

/**
 * Adds `evaluate` to the program: accuracy of a run's best checkpoint on its train, validation and test images.
 *
 * @param program - from `createApp`
 * @param io - output streams and environment
 */
export function addEvaluateCommand(program: Command, io: AppIo): void {
  program
    .command('evaluate')
    .description('accuracy and loss of a run\'s best (or last) checkpoint on its training, validation and test images; prints a table and writes <run>/evaluation.json')
    .requiredOption('--run <dir>', 'the run directory, e.g. runs/snn-image-classification/3f2a9c0d41b7')
    .addOption(new Option('--checkpoint <which>', 'which checkpoint').choices(['best', 'last']).default('best'))
    .addOption(new Option('--splits <list>', 'comma-separated splits among train, validation, test').default(EVAL_SPLITS.join(',')))
    .addOption(numberOption('--batch-size <n>', 'images per forward pass', 'positiveInt', 256))
    .option('--json', 'print the result as JSON')
    .action(async (flags: { run: string; checkpoint: 'best' | 'last'; splits: string; batchSize: number; json?: boolean }) => {
      const splits = flags.splits.split(',').map((s) => s.trim());
      for (const s of splits) {
        if (!(EVAL_SPLITS as readonly string[]).includes(s)) {
          throw new UsageError(`--splits: unknown split ${JSON.stringify(s)}`, { field: '--splits', expected: EVAL_SPLITS.join(', '), found: JSON.stringify(s) });
        }
      }
      const r = await runEvaluation({ runDir: flags.run, checkpoint: flags.checkpoint, splits: splits as EvalSplit[], batchSize: flags.batchSize });
      io.stdout.write(flags.json ? `${JSON.stringify(r)}\n` : formatEvaluation(r));
    });
}
