import { UsageError, combineOverrides, getGlobalOptions, numberOption, parseAssignments } from '@snn/cli';
import type { Command } from 'commander';
import type { AppIo } from '../app/io.js';
import { loadConfig } from '../config/load.js';
import { runTraining, trainingBackend } from '../training/run-training.js';

interface TrainFlags {
  config?: string;
  dataset?: string;
  neuron?: string;
  hidden?: number;
  recurrent?: boolean;
  periodic?: boolean;
  learnBeta?: boolean;
  steps?: number;
  epochs?: number;
  batchSize?: number;
  lr?: number;
  lrSchedule?: string;
  surrogate?: string;
  workers?: number;
  set?: string[];
  resume?: boolean;
  forceOverwrite?: boolean;
  figures: boolean;
}

/**
 * Command-line overrides of `train` (and `sweep`'s `--set`) as dotted config paths.
 *
 * @param flags - parsed flags
 * @param seed - the global `--seed`, if given
 */
export function trainOverrides(flags: Omit<TrainFlags, 'figures' | 'config' | 'resume' | 'forceOverwrite'>, seed: number | undefined): Record<string, unknown> {
  return combineOverrides(parseAssignments(flags.set ?? []), {
    dataset: flags.dataset,
    'model.neuron': flags.neuron,
    'model.hidden_size': flags.hidden,
    'model.recurrent': flags.recurrent,
    'encoding.periodic': flags.periodic,
    'model.learn_beta': flags.learnBeta,
    'model.num_steps': flags.steps,
    'model.surrogate.name': flags.surrogate,
    'training.epochs': flags.epochs,
    'training.batch_size': flags.batchSize,
    'training.learning_rate': flags.lr,
    'training.lr_schedule': flags.lrSchedule,
    workers: flags.workers,
    seed,
  });
}

/**
 * Adds `train` to the program: trains the classifier of a config in its parameters-hash run directory.
 *
 * @param program - from `createApp`
 * @param io - output streams and environment
 * @param argv - the command line, recorded in the run manifest
 */
export function addTrainCommand(program: Command, io: AppIo, argv: readonly string[]): void {
  program
    .command('train')
    .description(
      'train the LIF/ALIF classifier of a config in runs/snn-image-classification/<params-hash>/ (params.json, config, manifest, metrics, checkpoints last + best, figures, report); the same parameters again resume from the last epoch',
    )
    .option('-c, --config <file>', 'YAML or JSON config (default: built-in defaults = configs/default.yaml)')
    .option('--dataset <name>', 'mnist or fashion-mnist (dataset)')
    .option('--neuron <type>', 'hidden layer type: lif or alif (model.neuron)')
    .addOption(numberOption('--hidden <n>', 'hidden neurons (model.hidden_size)', 'positiveInt'))
    .option('--recurrent', 'recurrent hidden-to-hidden weights (model.recurrent)')
    .option('--no-recurrent', 'no recurrent weights')
    .option('--periodic', 'periodic input signal instead of rate coding (encoding.periodic)')
    .option('--no-periodic', 'rate coding')
    .option('--learn-beta', 'learn the decay factors (model.learn_beta)')
    .option('--no-learn-beta', 'fixed decay factors')
    .addOption(numberOption('--steps <n>', 'time steps T (model.num_steps)', 'positiveInt'))
    .addOption(numberOption('--epochs <n>', 'training epochs (training.epochs; not part of the hash: more epochs continue a run)', 'positiveInt'))
    .addOption(numberOption('--batch-size <n>', 'samples per batch (training.batch_size)', 'positiveInt'))
    .addOption(numberOption('--lr <x>', 'Adam learning rate (training.learning_rate)', 'positive'))
    .option('--lr-schedule <name>', 'constant or cosine (training.lr_schedule)')
    .option('--surrogate <name>', 'surrogate spike derivative: fast_sigmoid, atan, sigmoid or straight_through (model.surrogate.name)')
    .addOption(numberOption('--workers <n>', 'threads sharing each batch (workers; not part of the hash)', 'positiveInt'))
    .option('--set <key=value...>', 'override any config field, e.g. --set model.tau_mem_ms=10 training.data_prop=0.1')
    .option('--resume', 'require an existing run of these parameters to continue (default: continue one if it exists)')
    .option('--force-overwrite', 'start the run of these parameters again even if it has checkpoints (old files are removed once the new run saves its first checkpoint)')
    .option('--no-figures', 'skip the figures and report.html (the plot command renders them later)')
    .action(async (flags: TrainFlags, cmd: Command) => {
      const global = getGlobalOptions(cmd, io.env);
      if (flags.resume && flags.forceOverwrite) {
        throw new UsageError('--resume and --force-overwrite cannot be used together', { field: '--force-overwrite' });
      }
      const config = await loadConfig(flags.config, trainOverrides(flags, global.seed));
      const backend = await trainingBackend(global.backend, config.workers);
      await runTraining({
        config,
        runsDir: global.runsDir,
        resume: flags.resume ? 'require' : 'auto',
        forceOverwrite: flags.forceOverwrite ?? false,
        backend,
        figures: flags.figures,
        quiet: global.quiet,
        argv,
        io,
      });
    });
}
