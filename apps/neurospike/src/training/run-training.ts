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
  prepareResume,
  timePhase,
  updateManifest,
  writeManifest,
  writeResolvedConfig,
} from '@snn/cli';
import { BackendError, type BackendRequest, CheckpointError, Rng, createBackend, writeFileAtomic } from '@snn/core';
import { imagesToTensor } from '@snn/datasets';
import { Adam, type LifNetwork, trainEpoch } from '@snn/learning';
import { confusionMatrix } from '@snn/readout';
import type { AppIo } from '../app/io.js';
import { APP_NAME } from '../app/io.js';
import { type NeuroSpikeConfig, RESUME_FIELDS } from '../config/schema.js';
import { encodeImages, encodedBatches } from '../data/encode.js';
import { loadDataSplits } from '../data/mnist-splits.js';
import { STREAMS, streamSeed } from '../data/streams.js';
import { layerSpikeRates, traceNetwork } from '../inspect/trace.js';
import { type BestRecord, applyWeights, loadRunCheckpoint, restoreOptimizer, restoreScheduler, saveRunCheckpoint } from '../model/checkpoint.js';
import { createNetwork, lossOf, networkSizes } from '../model/network.js';
import { CONFUSION_FILE, type SavedConfusion, renderRunReport } from '../report/render-run.js';
import { APP_VERSION } from '../version.js';
import { type Evaluation, evaluateDataset } from './evaluate.js';
import { createScheduler } from './scheduler.js';

/** Number of test images whose hidden-layer spikes are recorded each epoch for the spike rates. */
export const PROBE_IMAGES = 64;

/** Options of {@link runTraining}. */
export interface TrainingOptions {
  /** Validated config (flags applied). */
  readonly config: NeuroSpikeConfig;
  /** The run directory, opened by `createRunDir` (new, or reopened with `resume`). */
  readonly run: { readonly path: string; readonly name: string; readonly resumed: boolean };
  /** The backend training runs on, from {@link trainingBackend}. */
  readonly backend: BackendInfo;
  /** Render figures and report.html at the end; default true. */
  readonly figures?: boolean;
  /** Print only errors and the final results. */
  readonly quiet: boolean;
  /** Command line, for the manifest. */
  readonly argv: readonly string[];
  /** Output streams and environment. */
  readonly io: AppIo;
}

/** What {@link runTraining} returns. */
export interface TrainingSummary {
  /** The run directory. */
  readonly runDir: string;
  /** Epochs completed in total (this session and before). */
  readonly epochs: number;
  /** Test accuracy of the final network (NaN when no epoch was run). */
  readonly testAccuracy: number;
  /** Number of test images. */
  readonly testImages: number;
  /** Best model-selection value and its epoch, or null. */
  readonly best: BestRecord | null;
}

const GPU_JS_BACKENDS = new Set(['cpu', 'webasm', 'headlessgl', 'webgpu']);

/**
 * The backend training runs on: `js` (the LifNetwork BPTT engine of @snn/learning has only a
 * TypeScript path). A gpu.js backend is refused rather than claimed.
 *
 * @param request - what was asked for
 * @param workers - threads sharing each batch (for the manifest's reason)
 * @throws `BackendError` for `cpu`, `webasm`, `headlessgl` or `webgpu`
 */
export async function trainingBackend(request: BackendRequest, workers: number): Promise<BackendInfo> {
  if (GPU_JS_BACKENDS.has(request)) {
    throw new BackendError('neurospike train cannot run on a gpu.js backend: the LifNetwork BPTT engine of @snn/learning has only a TypeScript path', {
      field: '--backend',
      expected: 'js or auto (gpu.js backends run the kernels of `neurospike infer` and `neurospike plot`)',
      found: request,
    });
  }
  const backend = await createBackend('js');
  const threads = workers > 1 ? `${workers} threads` : '1 thread';
  const why = request === 'auto' ? 'auto: training has only a TypeScript path' : 'requested js';
  return { name: backend.name, kernelClass: backend.kernelClass, requested: request, reason: `${why}; event-driven BPTT engine of @snn/learning on ${threads}` };
}

function epochRng(seed: number, epoch: number): Rng {
  return new Rng(streamSeed(seed, STREAMS.trainEpoch, epoch));
}

/**
 * Trains the network of a config in a run directory, epoch by epoch, with checkpoints, metrics,
 * manifest updates, and (at the end) figures and the report.
 *
 * @remarks
 * Epoch e (0-based) shuffles the training images and encodes them with a generator seeded from
 * `(seed, e)` only; the test and validation sets are encoded with fixed seeds. After each epoch:
 * test (and validation) evaluation, spike rates of every layer on {@link PROBE_IMAGES} test
 * images, the schedule step, one line in `logs/metrics.jsonl`, `checkpoints/last.safetensors`
 * (weights, Adam buffers, schedule and RNG state), `best.safetensors` when the selection metric
 * (validation accuracy, else test accuracy) improved, and the manifest's `lastCheckpoint`.
 * A resumed run loads `last` and continues with the next epoch, so it ends with the same
 * weights as an uninterrupted run with the same seed and `workers`.
 *
 * @param options - config, run directory, backend request, output
 */
export async function runTraining(options: TrainingOptions): Promise<TrainingSummary> {
  const { config, run, io } = options;
  const log = createLogger({ stream: io.stderr, quiet: options.quiet });
  const backend = options.backend;
  const versions = collectVersions({ from: [import.meta.url, process.cwd()] });
  const versionInfo = { ...versions, packages: { ...versions.packages, '@snn-apps/neurospike': APP_VERSION } };
  let startEpoch = 0;
  let resumeFrom: string | undefined;
  if (run.resumed) {
    const state = await prepareResume(run.path, config, RESUME_FIELDS, { warn: (m) => io.stderr.write(`warning: ${m}\n`) });
    resumeFrom = state.checkpoint;
    await writeResolvedConfig(run.path, config);
    await updateManifest(run.path, { status: 'running', resumedAt: [new Date().toISOString()], command: [...options.argv], backend, versions: versionInfo, endTime: null, durationMs: null, error: null });
  } else {
    await writeResolvedConfig(run.path, config);
    await writeManifest(run.path, createManifest({ app: APP_NAME, name: run.name, seed: config.seed, backend, argv: [...options.argv], versions: versionInfo }));
  }
  let network: LifNetwork | null = null;
  try {
    log('run %s: %s network, T = %d, %s coding, backend %s', run.path, networkSizes(config.model).join('-'), config.model.num_steps, config.encoding.type, backend.reason);
    const data = await timePhase(run.path, 'load', () => loadDataSplits(config));
    log(
      'data: %d training, %s validation, %d test images (%s)',
      data.train.count,
      data.validation ? String(data.validation.count) : 'no',
      data.test.count,
      data.source,
    );
    network = createNetwork(config);
    const net = network;
    const t = config.training;
    const optimizer = new Adam(net.parameters(), { lr: t.learning_rate, beta1: t.beta1, beta2: t.beta2, weightDecay: t.weight_decay });
    const scheduler = createScheduler(optimizer, t);
    const loss = lossOf(t);
    let best: BestRecord | null = null;
    let nextRng = epochRng(config.seed, 0);
    if (resumeFrom !== undefined) {
      const checkpoint = await loadRunCheckpoint(resumeFrom, networkSizes(config.model));
      if (checkpoint.meta.seed !== config.seed) {
        throw new CheckpointError('checkpoint was saved by a run with another seed', { file: resumeFrom, field: 'seed', expected: String(config.seed), found: String(checkpoint.meta.seed) });
      }
      applyWeights(net, checkpoint.weights);
      restoreOptimizer(optimizer, checkpoint);
      restoreScheduler(scheduler, checkpoint);
      startEpoch = checkpoint.meta.epoch;
      best = checkpoint.meta.best;
      nextRng = new Rng();
      nextRng.setState(checkpoint.meta.rng.nextEpoch);
      log('resuming after epoch %d from %s', startEpoch, resumeFrom);
    }
    const settings = { encoding: config.encoding, numSteps: config.model.num_steps };
    const metrics = await MetricsLog.open(run.path, { warn: (m) => io.stderr.write(`warning: ${m}\n`) });
    const probeCount = Math.min(PROBE_IMAGES, data.test.count);
    const probeImages = imagesToTensor(data.test, Array.from({ length: probeCount }, (_, i) => i));
    const jsBackend = await createBackend('js');
    let lastTest: Evaluation | null = null;
    let imagesPerSecond = 0;

    for (let epoch = startEpoch; epoch < t.epochs; epoch++) {
      const rng = epoch === startEpoch ? nextRng : epochRng(config.seed, epoch);
      const lr = optimizer.lr;
      const label = `epoch ${epoch + 1}/${t.epochs}`;
      const progress = createProgress({ total: data.train.count, label, unit: 'img', stream: io.stderr, env: io.env, quiet: options.quiet });
      let seen = 0;
      let correct = 0;
      const result = await timePhase(run.path, 'train', () =>
        trainEpoch(net, encodedBatches(data.train, rng.permutation(data.train.count), t.batch_size, settings, rng, t.augment_shift), optimizer, {
          loss,
          onBatch: (b) => {
            seen += b.samples;
            correct += b.correct;
            progress.increment(b.samples, { loss: b.loss, acc: percent(correct / seen) });
          },
        }),
      );
      progress.stop();
      imagesPerSecond = result.samples / result.seconds;
      const test = await timePhase(run.path, 'eval', () => evaluateDataset(net, data.test, settings, streamSeed(config.seed, STREAMS.test), loss));
      const validation = data.validation ? evaluateDataset(net, data.validation, settings, streamSeed(config.seed, STREAMS.validation), loss) : null;
      lastTest = test;
      const probe = await traceNetwork(net, encodeImages(probeImages, settings, new Rng(streamSeed(config.seed, STREAMS.probe))), jsBackend);
      const rates = layerSpikeRates(probe);
      const hiddenRates = rates.slice(0, -1);
      const selection: BestRecord['metric'] = validation ? 'validation_accuracy' : 'test_accuracy';
      const selectionValue = validation ? validation.accuracy : test.accuracy;
      scheduler?.step(selectionValue);
      const improved = best === null || selectionValue > best.value;
      if (improved) best = { metric: selection, value: selectionValue, epoch: epoch + 1 };
      const record: Record<string, MetricValue> = {
        epoch: epoch + 1,
        train_loss: result.loss,
        train_acc: result.accuracy,
        test_loss: test.loss,
        test_acc: test.accuracy,
        ...(validation ? { val_loss: validation.loss, val_acc: validation.accuracy } : {}),
        lr,
        spike_rate_hidden: hiddenRates.length > 0 ? hiddenRates.reduce((a, b) => a + b, 0) / hiddenRates.length : null,
        spike_rate_output: test.outputSpikeRate,
        ...Object.fromEntries(rates.map((r, l) => [`spike_rate_fc${l + 1}`, r])),
        train_seconds: result.seconds,
        eval_seconds: test.seconds + (validation?.seconds ?? 0),
        seconds: result.seconds + test.seconds + (validation?.seconds ?? 0),
        images_per_s: imagesPerSecond,
      };
      metrics.append(record);
      const cm = confusionMatrix(test.predictions, test.labels, net.classes);
      const saved: SavedConfusion = { epoch: epoch + 1, numClasses: net.classes, matrix: Array.from(cm.matrix) };
      await writeFileAtomic(join(run.path, RUN_LAYOUT.logs, CONFUSION_FILE), `${JSON.stringify(saved)}\n`);
      const extras = {
        epoch: epoch + 1,
        seed: config.seed,
        encoding: config.encoding,
        numSteps: config.model.num_steps,
        scheduler: scheduler?.getState() ?? null,
        rng: { nextEpoch: epochRng(config.seed, epoch + 1).getState() },
        best,
        metrics: { train_loss: result.loss, train_acc: result.accuracy, test_acc: test.accuracy, val_acc: validation?.accuracy ?? null },
      };
      const lastFile = checkpointPath(run.path, 'last');
      await saveRunCheckpoint(lastFile, net, optimizer, extras);
      if (improved) await saveRunCheckpoint(checkpointPath(run.path, 'best'), net, optimizer, extras);
      await updateManifest(run.path, {
        lastCheckpoint: { file: `${RUN_LAYOUT.checkpoints}/last.safetensors`, epoch: epoch + 1, step: optimizer.getState().step, savedAt: new Date().toISOString() },
        metrics: { epochs: epoch + 1, testAccuracy: test.accuracy, trainAccuracy: result.accuracy, trainImagesPerSecond: imagesPerSecond },
      });
      log(
        '%s: train loss %s acc %s | test acc %s%s | lr %s | spike rate hidden %s output %s | %ss',
        label,
        result.loss.toFixed(4),
        percent(result.accuracy),
        percent(test.accuracy),
        validation ? ` val acc ${percent(validation.accuracy)}` : '',
        lr.toPrecision(3),
        record.spike_rate_hidden === null ? '-' : (record.spike_rate_hidden as number).toFixed(4),
        test.outputSpikeRate.toFixed(4),
        (record.seconds as number).toFixed(1),
      );
    }
    await net.close();
    network = null;
    const epochs = Math.max(startEpoch, t.epochs);
    if (startEpoch >= t.epochs) log('nothing to train: the run already has %d epochs (pass --epochs N to train longer)', startEpoch);
    const finalMetrics: Record<string, MetricValue> = { epochs, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) };
    if (lastTest) finalMetrics.testAccuracy = lastTest.accuracy;
    if (best) {
      finalMetrics.bestMetric = best.metric;
      finalMetrics.bestValue = best.value;
      finalMetrics.bestEpoch = best.epoch;
    }
    await finishManifest(run.path, { metrics: finalMetrics });
    if (options.figures ?? true) {
      const rendered = await timePhase(run.path, 'figures', () => renderRunReport(run.path, jsBackend));
      log('wrote %d figures and %s', rendered.figures.length, rendered.report);
      // Once more so that the end time and total duration include the figures.
      await finishManifest(run.path, { metrics: finalMetrics });
    }
    const testAccuracy = lastTest?.accuracy ?? Number.NaN;
    if (lastTest) {
      const right = Math.round(lastTest.accuracy * lastTest.samples);
      io.stdout.write(`test accuracy: ${(100 * lastTest.accuracy).toFixed(2)}% (${right}/${lastTest.samples}) after ${epochs} epoch${epochs === 1 ? '' : 's'}\n`);
    }
    if (best) io.stdout.write(`best ${best.metric.replace('_', ' ')}: ${(100 * best.value).toFixed(2)}% at epoch ${best.epoch}\n`);
    io.stdout.write(`run directory: ${run.path}\n`);
    return { runDir: run.path, epochs, testAccuracy, testImages: lastTest?.samples ?? 0, best };
  } catch (error) {
    if (network) await network.close();
    await finishManifest(run.path, { status: 'failed', error }).catch(() => undefined);
    throw error;
  }
}

/** Options of {@link openRunDir}. */
export interface OpenRunOptions {
  /** Folder of all runs (`--runs-dir`). */
  readonly runsDir: string;
  /** Run name (`--name`); default: a timestamped name, or the latest run with `resume`. */
  readonly name?: string;
  /** Reopen an existing run. */
  readonly resume: boolean;
  /** Overwrite an existing run. */
  readonly force: boolean;
  /** Seed for the random suffix of a default name. */
  readonly seed: number;
}

/**
 * Opens the run directory `<runsDir>/neurospike/<name>/` (see `createRunDir` of @snn/cli).
 *
 * @param options - root, name, resume/force, seed
 */
export function openRunDir(options: OpenRunOptions): ReturnType<typeof createRunDir> {
  return createRunDir({ root: options.runsDir, app: APP_NAME, name: options.name, resume: options.resume, force: options.force, rng: new Rng(options.seed) });
}
