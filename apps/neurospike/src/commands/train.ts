import { join } from 'node:path';
import { RUN_LAYOUT, combineOverrides, getGlobalOptions, mergeOverrides, numberOption, parseAssignments, readConfigFile, readResolvedConfig } from '@snn/cli';
import { type Command, Option } from 'commander';
import type { AppIo } from '../app/io.js';
import { loadNeuroSpikeConfig } from '../config/load.js';
import { configSchema, resolveDependentDefaults } from '../config/schema.js';
import { openRunDir, runTraining, trainingBackend } from '../training/run-training.js';

interface TrainFlags {
  config?: string;
  name?: string;
  resume?: boolean;
  force?: boolean;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  encoding?: 'rate' | 'latency';
  residual?: boolean;
  workers?: number;
  set?: string[];
  figures: boolean;
}

/**
 * Adds `neurospike train` to the program: trains the LIF network of a config and writes a run directory.
 *
 * @param program - from `createApp`
 * @param io - output streams and environment
 * @param argv - the command line, recorded in the run manifest
 */
export function addTrainCommand(program: Command, io: AppIo, argv: readonly string[]): void {
  program
    .command('train')
    .description('train the LIF network on MNIST and write runs/neurospike/<name>/ (config, manifest, metrics, checkpoints, figures, report)')
    .option('-c, --config <file>', 'YAML or JSON config (default: built-in defaults; with --resume: the run\'s config.yaml)')
    .option('--name <name>', 'run name (default: timestamp + random suffix; with --resume: the latest run)')
    .option('--resume', 'continue the run from checkpoints/last.safetensors')
    .option('--force', 'overwrite an existing run directory of the same name')
    .addOption(numberOption('--epochs <n>', 'training epochs (training.epochs)', 'positiveInt'))
    .addOption(numberOption('--batch-size <n>', 'samples per batch (training.batch_size)', 'positiveInt'))
    .addOption(numberOption('--lr <x>', 'Adam learning rate (training.learning_rate)', 'positive'))
    .addOption(new Option('--encoding <type>', 'spike encoding (encoding.type)').choices(['rate', 'latency']))
    .option('--residual', 'identity skips between hidden layers of equal width (model.residual)')
    .addOption(numberOption('--workers <n>', 'threads sharing each batch (workers)', 'positiveInt'))
    .option('--set <key=value...>', 'override any config field, e.g. --set model.hidden_size=128 training.scheduler.type=cosine')
    .option('--no-figures', 'skip the figures and report.html at the end (neurospike plot renders them later)')
    .action(async (flags: TrainFlags, cmd: Command) => {
      const global = getGlobalOptions(cmd, io.env);
      const overrides = combineOverrides(parseAssignments(flags.set ?? []), {
        'training.epochs': flags.epochs,
        'training.batch_size': flags.batchSize,
        'training.learning_rate': flags.lr,
        'encoding.type': flags.encoding,
        'model.residual': flags.residual ? true : undefined,
        workers: flags.workers,
        seed: global.seed,
      });
      if (flags.resume) {
        const run = await openRunDir({ runsDir: global.runsDir, name: flags.name, resume: true, force: flags.force ?? false, seed: global.seed ?? 0 });
        const raw = flags.config ? await readConfigFile(flags.config) : await readResolvedConfig(run.path);
        const config = resolveDependentDefaults(mergeOverrides(raw, overrides, configSchema, { file: flags.config ?? join(run.path, RUN_LAYOUT.config) }));
        const backend = await trainingBackend(global.backend, config.workers);
        await runTraining({ config, run, backend, figures: flags.figures, quiet: global.quiet, argv, io });
        return;
      }
      const config = await loadNeuroSpikeConfig(flags.config, overrides);
      const backend = await trainingBackend(global.backend, config.workers);
      const run = await openRunDir({ runsDir: global.runsDir, name: flags.name, resume: false, force: flags.force ?? false, seed: config.seed });
      await runTraining({ config, run, backend, figures: flags.figures, quiet: global.quiet, argv, io });
    });
}
