import { join } from 'node:path';
import { type BackendInfo, type BestRecord, type MetricValue, ModelSelection, RUN_LAYOUT, RunSession, checkpointPath, createRunDir, printBest } from '@snn/cli';
import { Rng } from '@snn/core';
import { writeFileAtomic } from '@snn/core/node';
import { confusionMatrix } from '@snn/readout';
import { APP_NAME, type AppIo } from '../app/io.js';
import { type DataSizes, type MnistSplits, checkMnistDir, loadMnistSplits } from '../data/mnist.js';
import { SEED_TDP_WATTS, formatJoules, tdpEnergyWh } from '../metrics/energy.js';
import { memoryUsage, toMiB } from '../metrics/memory.js';
import { renderSessionReport } from '../report/render.js';
import { APP_VERSION } from '../version.js';
import { loadModelCheckpoint, saveModelCheckpoint } from './checkpoint.js';
import { toCsv } from './csv.js';
import type { Evaluation, TrainableModel } from './model.js';
import { streamSeed } from './streams.js';

/** File in `logs/` with the metrics as CSV (the same records as `metrics.jsonl`). */
export const METRICS_CSV = 'metrics.csv';
/** File in `logs/` with the last test confusion matrix and error examples. */
export const EVALUATION_FILE = 'test-evaluation.json';

/** The config fields every command shares. */
export interface SessionConfig {
  /** Run seed. */
  readonly seed: number;
  /** Image counts and the MNIST directory. */
  readonly data: DataSizes & { readonly mnist_path?: string | undefined };
  /** Epochs and early stopping. */
  readonly training: { readonly epochs: number; readonly early_stopping_patience: number };
  /** Architecture section, stored in checkpoints. */
  readonly model: unknown;
}

/** Command-line choices of a session. */
export interface SessionFlags {
  /** Run name (default: timestamp). */
  readonly name?: string;
  /** Overwrite an existing run directory. */
  readonly force?: boolean;
  /** Checkpoint to start from. */
  readonly resumeFrom?: string;
  /** Evaluate the checkpoint only. */
  readonly testMode?: boolean;
  /** Render figures and report.html. */
  readonly figures?: boolean;
  /** Root of the run directories (`--runs-dir`). */
  readonly runsDir: string;
  /** Only errors and results. */
  readonly quiet: boolean;
  /** Device power for the seed's energy estimate (TDP × time); default {@link SEED_TDP_WATTS}. */
  readonly tdpWatts?: number;
}

/** Everything {@link runSession} needs. */
export interface SessionOptions<C extends SessionConfig> {
  /** Command name: `gradient`, `stdp`, `mlp`, `cnn`. */
  readonly command: string;
  /** One-line description for the report. */
  readonly note: string;
  /** What the per-image energy metric counts, for the summary line (e.g. `SynOps × 0.9 pJ`). */
  readonly energyModel: string;
  /** Validated config. */
  readonly config: C;
  /** Builds the model (fresh weights from the seed). */
  readonly createModel: (config: C) => TrainableModel;
  /** Backend the model computes on, for the manifest. */
  readonly backend: BackendInfo;
  /** Flags. */
  readonly flags: SessionFlags;
  /** Command line for the manifest. */
  readonly argv: readonly string[];
  /** Streams. */
  readonly io: AppIo;
}

/** What a session returns. */
export interface SessionSummary {
  /** The run directory. */
  readonly runDir: string;
  /** Epochs completed (including those before a resume). */
  readonly epochs: number;
  /** Final test accuracy (fraction). */
  readonly testAccuracy: number;
  /** Model selection (best validation epoch, or the last epoch), or null. */
  readonly best: BestRecord | null;
  /** True when early stopping ended training. */
  readonly stoppedEarly: boolean;
}

async function saveEvaluation(runDir: string, epoch: number, labels: Uint8Array, evaluation: Evaluation): Promise<void> {
  const cm = confusionMatrix(evaluation.predictions, labels, 10);
  const errors: Array<[number, number, number]> = [];
  for (let i = 0; i < labels.length && errors.length < 32; i++) {
    if (evaluation.predictions[i] !== labels[i]) errors.push([i, labels[i], evaluation.predictions[i]]);
  }
  const content = { epoch, numClasses: 10, matrix: Array.from(cm.matrix), errors };
  await writeFileAtomic(join(runDir, RUN_LAYOUT.logs, EVALUATION_FILE), `${JSON.stringify(content)}\n`);
}

/**
 * Runs one command's training (or `--test-mode` evaluation) in a fresh run directory
 * `<runsDir>/izhikevich-mnist/<command>/<name>/`, on the run session of @snn/cli: the command
 * supplies its {@link TrainableModel}.
 *
 * @remarks
 * Epoch e (0-based) visits the training images in a permutation drawn from a generator seeded
 * by `(seed, e)` only, so a run resumed from a checkpoint of epoch k continues exactly as the
 * uninterrupted run would. After each epoch: validation and test evaluation, one record in
 * `logs/metrics.jsonl` and `logs/metrics.csv`, `checkpoints/last.safetensors`, and
 * `best.safetensors` for the best validation accuracy (the last epoch without a validation split:
 * the test set never selects). With `training.early_stopping_patience` p > 0 (which needs a
 * validation split), training stops after p epochs without improvement. At the end: figures,
 * `report.html`, and the manifest's final metrics (test accuracy, memory).
 *
 * @param options - command, config, model factory, flags, streams
 * @throws `CheckpointError` for a missing or foreign `--resume-from` file; `FileFormatError`
 *   for a `--mnist-path` without the IDX files; `ValidationError` for early stopping without validation
 */
export async function runSession<C extends SessionConfig>(options: SessionOptions<C>): Promise<SessionSummary> {
  const { config, flags, io, command } = options;
  // Check inputs before creating anything on disk.
  if (config.data.mnist_path !== undefined) checkMnistDir(config.data.mnist_path);
  const loaded = flags.resumeFrom !== undefined ? await loadModelCheckpoint(flags.resumeFrom, command) : null;
  const model = options.createModel(config);
  if (loaded) model.setState({ tensors: loaded.tensors, meta: loaded.meta.state }, flags.resumeFrom as string);

  const run = await createRunDir({ root: join(flags.runsDir, APP_NAME), app: command, name: flags.name, force: flags.force ?? false, rng: new Rng(config.seed) });
  const session = await RunSession.start({
    run,
    app: { name: APP_NAME, version: APP_VERSION, moduleUrl: import.meta.url },
    manifestName: `${command}/${run.name}`,
    config,
    backend: options.backend,
    argv: options.argv,
    io,
    quiet: flags.quiet,
  });
  return session.run(async () => {
    session.log('run %s: %s%s', run.path, model.description, loaded ? ` (from ${flags.resumeFrom}, epoch ${loaded.meta.epoch})` : '');
    const data: MnistSplits = await session.phase('load', () => loadMnistSplits(config.data, config.seed, config.data.mnist_path, flags.testMode ?? false));
    session.log('data: %d training, %d validation, %d test images (%s)', data.train.count, data.validation.count, data.test.count, data.source);
    const statics = model.staticMetrics();
    const params = model.parameterCount();
    const records: Record<string, MetricValue>[] = [];
    const csvFile = join(run.path, RUN_LAYOUT.logs, METRICS_CSV);
    const testRng = (): Rng => new Rng(streamSeed(config.seed, 'test'));
    const startEpoch = loaded?.meta.epoch ?? 0;
    let lastTest: Evaluation | null = null;
    let best: BestRecord | null = null;
    let epochs = startEpoch;
    let stoppedEarly = false;
    const tdp = flags.tdpWatts ?? SEED_TDP_WATTS;
    // The seed's energy estimate beside the SynOps/MAC model: TDP × the training time of an epoch, and TDP × the
    // test time per test image (in J, the unit of energy_per_image_j).
    const tdpTest = (seconds: number): Record<string, MetricValue> => ({ test_tdp_energy_per_image_j: (tdpEnergyWh(tdp, seconds) * 3600) / Math.max(1, data.test.count) });

    if (flags.testMode) {
      const test = await session.phase('eval', () => model.evaluate(data.test, testRng()));
      lastTest = test;
      const record = { epoch: startEpoch, test_acc: test.accuracy, ...prefix('test', test.extra), test_seconds: test.seconds, ...tdpTest(test.seconds), rss_mib: toMiB(memoryUsage(params).rssBytes) };
      records.push(record);
      await writeFileAtomic(csvFile, toCsv(records));
      await saveEvaluation(run.path, startEpoch, data.test.labels, test);
    } else {
      const hasValidation = data.validation.count > 0;
      const selection = new ModelSelection(
        { hasValidation, patience: config.training.early_stopping_patience, patienceField: 'training.early_stopping_patience' },
        { best: loaded?.meta.best ?? null, staleEpochs: loaded?.meta.staleEpochs ?? 0 },
      );
      const summary = await session.trainEpochs<Evaluation, Evaluation>({
        epochs: config.training.epochs,
        startEpoch,
        trainSamples: data.train.count,
        selection,
        train: (epoch, onBatch) => {
          const rng = new Rng(streamSeed(config.seed, 'train', epoch));
          return model.trainEpoch(data.train, rng.permutation(data.train.count), rng, onBatch);
        },
        validate: () => (hasValidation ? model.evaluate(data.validation, new Rng(streamSeed(config.seed, 'validation'))) : null),
        test: async () => {
          lastTest = await model.evaluate(data.test, testRng());
          return lastTest;
        },
        epochMetrics: (c) => ({ rss_mib: toMiB(memoryUsage(params).rssBytes), train_tdp_energy_wh: tdpEnergyWh(tdp, c.training.seconds), ...tdpTest(c.test.seconds) }),
        save: async (which, c) => {
          const meta = { command, epoch: c.epoch, model: config.model, best: selection.best, staleEpochs: selection.state.staleEpochs };
          await saveModelCheckpoint(checkpointPath(run.path, which), model.getState(), meta);
        },
        afterEpoch: async (c, record) => {
          records.push({ ...record });
          await writeFileAtomic(csvFile, toCsv(records));
          await saveEvaluation(run.path, c.epoch, data.test.labels, c.test);
        },
      });
      best = summary.best;
      epochs = summary.epochs;
      stoppedEarly = summary.stoppedEarly;
    }

    const mem = memoryUsage(params);
    const finalMetrics: Record<string, MetricValue> = { epochs, parameters: params, parameterMiB: toMiB(mem.parameterBytes), stoppedEarly, ...statics };
    // The seed's totals: TDP × the training time of this session's epochs, and that divided by the training images.
    const tdpTrainingEnergyWh = records.reduce((sum, r) => sum + (typeof r.train_tdp_energy_wh === 'number' ? r.train_tdp_energy_wh : 0), 0);
    Object.assign(finalMetrics, { tdpWatts: tdp, tdpTrainingEnergyWh, tdpEnergyPerTrainingImageWh: tdpTrainingEnergyWh / Math.max(1, data.train.count) });
    const tested = lastTest as Evaluation | null;
    if (tested) {
      finalMetrics.testAccuracy = tested.accuracy;
      Object.assign(finalMetrics, prefix('test', tested.extra), tdpTest(tested.seconds));
    }
    const render = flags.figures === false
      ? undefined
      : () => renderSessionReport({ runDir: run.path, title: `izhikevich-mnist ${command} run ${run.name}`, note: `${options.note} The seed's energy estimate, TDP × time (${tdp} W), is logged beside it (tdp_* metrics).`, model, test: data.test, seed: config.seed, records });
    await session.complete({ metrics: finalMetrics, best, render });
    if (tested) {
      const right = Math.round(tested.accuracy * data.test.count);
      const what = flags.testMode ? 'test accuracy (test mode)' : 'final test accuracy';
      io.stdout.write(`${what}: ${(100 * tested.accuracy).toFixed(2)}% (${right}/${data.test.count}) after ${epochs} epoch${epochs === 1 ? '' : 's'}\n`);
    }
    if (!flags.testMode) printBest(io.stdout, best);
    if (tested) {
      const synapticModel = tested.extra.energy_per_image_j;
      const tdpPerImage = tdpTest(tested.seconds).test_tdp_energy_per_image_j as number;
      io.stdout.write(
        `energy per test image: ${typeof synapticModel === 'number' ? `${formatJoules(synapticModel)} (${options.energyModel}), ` : ''}${formatJoules(tdpPerImage)} (TDP ${tdp} W × test time, the seed's estimate)${flags.testMode ? '' : `; training: ${tdpTrainingEnergyWh.toPrecision(3)} Wh (TDP × training time)`}\n`,
      );
    }
    io.stdout.write(`run directory: ${run.path}\n`);
    return { runDir: run.path, epochs, testAccuracy: tested?.accuracy ?? Number.NaN, best, stoppedEarly };
  });
}

function prefix(name: string, values: Readonly<Record<string, MetricValue>>): Record<string, MetricValue> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [`${name}_${k}`, v]));
}
