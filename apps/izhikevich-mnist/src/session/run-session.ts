import { join } from 'node:path';
import {
  type BackendInfo,
  type MetricValue,
  MetricsLog,
  RUN_LAYOUT,
  checkpointPath,
  collectVersions,
  createLogger,
  createManifest,
  createProgress,
  createRunDir,
  finishManifest,
  percent,
  timePhase,
  updateManifest,
  writeManifest,
  writeResolvedConfig,
} from '@snn/cli';
import { Rng, writeFileAtomic } from '@snn/core';
import { confusionMatrix } from '@snn/readout';
import { APP_NAME, type AppIo } from '../app/io.js';
import { type DataSizes, type MnistSplits, checkMnistDir, loadMnistSplits } from '../data/mnist.js';
import { memoryUsage, toMiB } from '../metrics/memory.js';
import { renderSessionReport } from '../report/render.js';
import { APP_VERSION } from '../version.js';
import { type BestRecord, loadModelCheckpoint, saveModelCheckpoint } from './checkpoint.js';
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
}

/** Everything {@link runSession} needs. */
export interface SessionOptions<C extends SessionConfig> {
  /** Command name: `gradient`, `stdp`, `mlp`, `cnn`. */
  readonly command: string;
  /** One-line description for the report. */
  readonly note: string;
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
  /** Best selection record, or null. */
  readonly best: BestRecord | null;
  /** True when early stopping ended training. */
  readonly stoppedEarly: boolean;
}

function splitRecord(prefix: string, e: Evaluation): Record<string, MetricValue> {
  const out: Record<string, MetricValue> = { [`${prefix}_acc`]: e.accuracy };
  if (Number.isFinite(e.loss)) out[`${prefix}_loss`] = e.loss;
  for (const [k, v] of Object.entries(e.extra)) out[`${prefix}_${k}`] = v;
  out[`${prefix}_seconds`] = e.seconds;
  return out;
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
 * `<runsDir>/izhikevich-mnist/<command>/<name>/`.
 *
 * @remarks
 * Epoch e (0-based) visits the training images in a permutation drawn from a generator seeded
 * by `(seed, e)` only, so a run resumed from a checkpoint of epoch k continues exactly as the
 * uninterrupted run would. After each epoch: validation and test evaluation, one record in
 * `logs/metrics.jsonl` and `logs/metrics.csv`, `checkpoints/last.safetensors`, and
 * `best.safetensors` when the selection accuracy (validation, else test) improved. With
 * `training.early_stopping_patience` p > 0, training stops after p epochs without improvement.
 * At the end: figures, `report.html`, and the manifest's final metrics (test accuracy, memory).
 *
 * @param options - command, config, model factory, flags, streams
 * @throws `CheckpointError` for a missing or foreign `--resume-from` file; `FileFormatError`
 *   for a `--mnist-path` without the IDX files
 */
export async function runSession<C extends SessionConfig>(options: SessionOptions<C>): Promise<SessionSummary> {
  const { config, flags, io, command } = options;
  const log = createLogger({ stream: io.stderr, quiet: flags.quiet });
  // Check inputs before creating anything on disk.
  if (config.data.mnist_path !== undefined) checkMnistDir(config.data.mnist_path);
  const loaded = flags.resumeFrom !== undefined ? await loadModelCheckpoint(flags.resumeFrom, command) : null;
  const model = options.createModel(config);
  if (loaded) model.setState({ tensors: loaded.tensors, meta: loaded.meta.state }, flags.resumeFrom as string);

  const run = await createRunDir({ root: join(flags.runsDir, APP_NAME), app: command, name: flags.name, force: flags.force ?? false, rng: new Rng(config.seed) });
  const versions = collectVersions({ from: [import.meta.url, process.cwd()] });
  await writeResolvedConfig(run.path, config);
  await writeManifest(
    run.path,
    createManifest({
      app: APP_NAME,
      name: `${command}/${run.name}`,
      seed: config.seed,
      backend: options.backend,
      argv: [...options.argv],
      versions: { ...versions, packages: { ...versions.packages, '@snn-apps/izhikevich-mnist': APP_VERSION } },
    }),
  );
  try {
    log('run %s: %s%s', run.path, model.description, loaded ? ` (from ${flags.resumeFrom}, epoch ${loaded.meta.epoch})` : '');
    const data: MnistSplits = await timePhase(run.path, 'load', () => loadMnistSplits(config.data, config.seed, config.data.mnist_path, flags.testMode ?? false));
    log('data: %d training, %d validation, %d test images (%s)', data.train.count, data.validation.count, data.test.count, data.source);
    const statics = model.staticMetrics();
    const params = model.parameterCount();
    await updateManifest(run.path, { metrics: { parameters: params, ...statics } });
    const metrics = await MetricsLog.open(run.path, { warn: (m) => io.stderr.write(`warning: ${m}\n`) });
    const records: Record<string, MetricValue>[] = [];
    const csvFile = join(run.path, RUN_LAYOUT.logs, METRICS_CSV);
    const testRng = (): Rng => new Rng(streamSeed(config.seed, 'test'));
    const startEpoch = loaded?.meta.epoch ?? 0;
    let best: BestRecord | null = loaded?.meta.best ?? null;
    let stale = loaded?.meta.staleEpochs ?? 0;
    let lastTest: Evaluation | null = null;
    let epochsDone = startEpoch;
    let stoppedEarly = false;

    if (flags.testMode) {
      const test = await timePhase(run.path, 'eval', () => model.evaluate(data.test, testRng()));
      lastTest = test;
      const mem = memoryUsage(params);
      const record = { epoch: startEpoch, ...splitRecord('test', test), rss_mib: toMiB(mem.rssBytes) };
      metrics.append(record);
      records.push(record);
      await writeFileAtomic(csvFile, toCsv(records));
      await saveEvaluation(run.path, startEpoch, data.test.labels, test);
    } else {
      const t = config.training;
      for (let epoch = startEpoch; epoch < t.epochs; epoch++) {
        const rng = new Rng(streamSeed(config.seed, 'train', epoch));
        const order = rng.permutation(data.train.count);
        const label = `epoch ${epoch + 1}/${t.epochs}`;
        const progress = createProgress({ total: data.train.count, label, unit: 'img', stream: io.stderr, env: io.env, quiet: flags.quiet });
        let seen = 0;
        let correct = 0;
        const outcome = await timePhase(run.path, 'train', () =>
          model.trainEpoch(data.train, order, rng, (b) => {
            seen += b.samples;
            correct += b.correct;
            progress.increment(b.samples, { ...(Number.isFinite(b.loss) ? { loss: b.loss } : {}), acc: percent(correct / Math.max(1, seen)) });
          }),
        );
        progress.stop();
        const validation = data.validation.count > 0 ? await timePhase(run.path, 'eval', () => model.evaluate(data.validation, new Rng(streamSeed(config.seed, 'validation')))) : null;
        const test = await timePhase(run.path, 'eval', () => model.evaluate(data.test, testRng()));
        lastTest = test;
        const mem = memoryUsage(params);
        const record: Record<string, MetricValue> = {
          epoch: epoch + 1,
          train_acc: outcome.accuracy,
          ...(Number.isFinite(outcome.loss) ? { train_loss: outcome.loss } : {}),
          ...Object.fromEntries(Object.entries(outcome.extra).map(([k, v]) => [`train_${k}`, v])),
          ...(validation ? splitRecord('val', validation) : {}),
          ...splitRecord('test', test),
          train_seconds: outcome.seconds,
          train_images_per_s: outcome.samples / Math.max(outcome.seconds, 1e-9),
          rss_mib: toMiB(mem.rssBytes),
        };
        metrics.append(record);
        records.push(record);
        await writeFileAtomic(csvFile, toCsv(records));
        await saveEvaluation(run.path, epoch + 1, data.test.labels, test);
        const selection: BestRecord['metric'] = validation ? 'val_acc' : 'test_acc';
        const value = validation ? validation.accuracy : test.accuracy;
        const improved = best === null || value > best.value;
        if (improved) {
          best = { metric: selection, value, epoch: epoch + 1 };
          stale = 0;
        } else {
          stale += 1;
        }
        const meta = { command, epoch: epoch + 1, model: config.model, best, staleEpochs: stale };
        const state = model.getState();
        await saveModelCheckpoint(checkpointPath(run.path, 'last'), state, meta);
        if (improved) await saveModelCheckpoint(checkpointPath(run.path, 'best'), state, meta);
        await updateManifest(run.path, {
          lastCheckpoint: { file: `${RUN_LAYOUT.checkpoints}/last.safetensors`, epoch: epoch + 1, step: epoch + 1, savedAt: new Date().toISOString() },
          metrics: { epochs: epoch + 1, testAccuracy: test.accuracy, trainAccuracy: outcome.accuracy },
        });
        epochsDone = epoch + 1;
        log(
          '%s: train%s acc %s |%s test acc %s | %ss',
          label,
          Number.isFinite(outcome.loss) ? ` loss ${outcome.loss.toFixed(4)}` : '',
          percent(outcome.accuracy),
          validation ? ` val acc ${percent(validation.accuracy)} |` : '',
          percent(test.accuracy),
          outcome.seconds.toFixed(1),
        );
        if (t.early_stopping_patience > 0 && stale >= t.early_stopping_patience && epoch + 1 < t.epochs) {
          log('early stopping: no improvement of %s for %d epochs (best %s at epoch %d)', selection, stale, percent(best?.value ?? 0), best?.epoch ?? 0);
          stoppedEarly = true;
          break;
        }
      }
    }

    const mem = memoryUsage(params);
    const finalMetrics: Record<string, MetricValue> = {
      epochs: epochsDone,
      parameters: params,
      parameterMiB: toMiB(mem.parameterBytes),
      peakRssMiB: toMiB(mem.peakRssBytes),
      stoppedEarly,
      ...statics,
    };
    if (lastTest) {
      finalMetrics.testAccuracy = lastTest.accuracy;
      for (const [k, v] of Object.entries(lastTest.extra)) finalMetrics[`test_${k}`] = v;
    }
    // The test accuracy of the best-validation epoch is the number to report; the last epoch's is only the latest.
    const bestRecord = best ? records.find((r) => r.epoch === best?.epoch) : undefined;
    const testAtBest = bestRecord && typeof bestRecord.test_acc === 'number' ? bestRecord.test_acc : null;
    if (best) {
      finalMetrics.bestMetric = best.metric;
      finalMetrics.bestValue = best.value;
      finalMetrics.bestEpoch = best.epoch;
      if (testAtBest !== null) finalMetrics.testAccuracyAtBest = testAtBest;
    }
    await finishManifest(run.path, { metrics: finalMetrics });
    if (flags.figures ?? true) {
      const rendered = await timePhase(run.path, 'figures', () =>
        renderSessionReport({ runDir: run.path, title: `izhikevich-mnist ${command} run ${run.name}`, note: options.note, model, test: data.test, seed: config.seed, records }),
      );
      log('wrote %d figures and %s', rendered.figures.length, rendered.report);
      await finishManifest(run.path, { metrics: finalMetrics });
    }
    if (lastTest) {
      const right = Math.round(lastTest.accuracy * data.test.count);
      const what = flags.testMode ? 'test accuracy (test mode)' : 'test accuracy';
      io.stdout.write(`${what}: ${(100 * lastTest.accuracy).toFixed(2)}% (${right}/${data.test.count}) after ${epochsDone} epoch${epochsDone === 1 ? '' : 's'}\n`);
    }
    if (best && !flags.testMode) {
      const atBest = testAtBest === null || best.metric === 'test_acc' ? '' : ` (test accuracy ${(100 * testAtBest).toFixed(2)}%)`;
      io.stdout.write(`best ${best.metric}: ${(100 * best.value).toFixed(2)}% at epoch ${best.epoch}${atBest}\n`);
    }
    io.stdout.write(`run directory: ${run.path}\n`);
    return { runDir: run.path, epochs: epochsDone, testAccuracy: lastTest?.accuracy ?? Number.NaN, best, stoppedEarly };
  } catch (error) {
    await finishManifest(run.path, { status: 'failed', error }).catch(() => undefined);
    throw error;
  }
}
