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
  finishManifest,
  percent,
  prepareResume,
  timePhase,
  updateManifest,
  writeManifest,
  writeResolvedConfig,
} from '@snn/cli';
import { BackendError, type BackendRequest, CheckpointError, Rng, createBackend, describeValue, writeFileAtomic } from '@snn/core';
import { imagesToTensor } from '@snn/datasets';
import { Adam, type RecurrentClassifier, trainRecurrentEpoch } from '@snn/learning';
import { confusionMatrix } from '@snn/readout';
import { APP_NAME, type AppIo } from '../app/io.js';
import type { ImageClassificationConfig } from '../config/schema.js';
import { encodeImages, encodedBatches, encodingSettings } from '../data/encode.js';
import { loadDataSplits } from '../data/splits.js';
import { STREAMS, streamSeed } from '../data/streams.js';
import { type BestRecord, type LoadedRunCheckpoint, applyWeights, loadRunCheckpoint, restoreOptimizer, saveRunCheckpoint } from '../model/checkpoint.js';
import { createClassifier, describeModel, parameterShapes } from '../model/network.js';
import { CONFUSION_FILE, type SavedConfusion, renderRunReport } from '../report/render-run.js';
import { type RunParams, canonicalJson, runParams } from '../run/params.js';
import { type HashRun, discardReplaced, openHashRun, writeRunParams } from '../run/run-dir.js';
import { APP_VERSION } from '../version.js';
import { evaluateDataset } from './evaluate.js';

/** Number of test images run through the network after each epoch for the hidden spike rate. */
export const PROBE_IMAGES = 64;

/** Options of {@link runTraining}. */
export interface TrainingOptions {
  /** Validated config (flags applied). */
  readonly config: ImageClassificationConfig;
  /** Folder of all runs (`--runs-dir`); the run goes to `<runsDir>/snn-image-classification/<hash>/`. */
  readonly runsDir: string;
  /** `auto` (default): continue a run of the same parameters; `require` (`--resume`): fail when there is none. */
  readonly resume?: 'auto' | 'require';
  /** Start again even when the run has checkpoints (`--force-overwrite`). */
  readonly forceOverwrite?: boolean;
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
  /** The parameters hash (the run directory's name). */
  readonly hash: string;
  /** How the run directory was opened: `new`, `resume` or `overwrite`. */
  readonly mode: HashRun['mode'];
  /** Epochs completed before this session (0 unless resumed). */
  readonly startEpoch: number;
  /** Epochs completed in total. */
  readonly epochs: number;
  /** Best validation record (train/val/test accuracy of that epoch), or null when no epoch ran. */
  readonly best: BestRecord | null;
}

const GPU_JS_BACKENDS = new Set(['cpu', 'webasm', 'headlessgl', 'webgpu']);

/**
 * The backend training runs on: `js` (the RecurrentClassifier BPTT of @snn/learning has only a
 * TypeScript path). A gpu.js backend is refused rather than claimed.
 *
 * @param request - what was asked for
 * @param workers - threads sharing each batch (for the manifest's reason)
 * @throws `BackendError` for `cpu`, `webasm`, `headlessgl` or `webgpu`
 */
export async function trainingBackend(request: BackendRequest, workers: number): Promise<BackendInfo> {
  if (GPU_JS_BACKENDS.has(request)) {
    throw new BackendError('snn-image-classification cannot train on a gpu.js backend: the RecurrentClassifier BPTT of @snn/learning has only a TypeScript path', {
      field: '--backend',
      expected: 'js or auto',
      found: request,
    });
  }
  const backend = await createBackend('js');
  const threads = workers > 1 ? `${workers} threads` : '1 thread';
  const why = request === 'auto' ? 'auto: training has only a TypeScript path' : 'requested js';
  return { name: backend.name, kernelClass: backend.kernelClass, requested: request, reason: `${why}; RecurrentClassifier BPTT of @snn/learning on ${threads}` };
}

/**
 * Learning rate of a (0-based) epoch: constant, or cosine-annealed to 0 over `epochs`
 * (`lr·(1 + cos(π·epoch/epochs))/2`, PyTorch's CosineAnnealingLR closed form with T_max = epochs
 * and eta_min = 0). A pure function of the epoch, so a resumed run uses the same rates.
 *
 * @param lr - the config's `training.learning_rate`
 * @param schedule - `constant` or `cosine`
 * @param epoch - 0-based epoch index
 * @param epochs - total epochs of the run
 */
export function epochLearningRate(lr: number, schedule: 'constant' | 'cosine', epoch: number, epochs: number): number {
  if (schedule === 'constant') return lr;
  return (lr * (1 + Math.cos((Math.PI * epoch) / epochs))) / 2;
}

function epochRng(seed: number, epoch: number): Rng {
  return new Rng(streamSeed(seed, STREAMS.trainEpoch, epoch));
}

/** Config fields a resumed run must share with the saved `config.yaml` (all but `training.epochs` and `workers`). */
export const RESUME_FIELDS: readonly string[] = Object.freeze([
  'dataset',
  'model',
  'encoding',
  'data_path',
  'seed',
  'training.batch_size',
  'training.learning_rate',
  'training.lr_schedule',
  'training.beta1',
  'training.beta2',
  'training.weight_decay',
  'training.validation_fraction',
  'training.data_prop',
  'training.test_prop',
]);

function checkCheckpointParams(checkpoint: LoadedRunCheckpoint, params: RunParams): void {
  const saved = canonicalJson(checkpoint.meta.params);
  const requested = canonicalJson(params);
  if (saved !== requested) {
    throw new CheckpointError('checkpoint was saved by a run of other parameters', {
      file: checkpoint.file,
      field: '__metadata__.meta.params',
      expected: describeValue(requested),
      found: describeValue(saved),
    });
  }
}

function mean(values: Float32Array): number {
  let s = 0;
  for (const v of values) s += v;
  return values.length > 0 ? s / values.length : Number.NaN;
}

/**
 * Trains the classifier of a config in its run directory `<runsDir>/snn-image-classification/<paramsHash>/`,
 * epoch by epoch, with checkpoints, metrics, manifest updates, and (at the end) figures and the report.
 *
 * @remarks
 * The directory is opened by {@link openHashRun}: a run of the same parameters continues from its
 * last epoch (the seed's behaviour), `forceOverwrite` starts again, a directory of other parameters
 * is refused. Epoch e (0-based) shuffles and encodes the training images with a generator seeded
 * from `(seed, e)` only; validation and test images are encoded with fixed seeds. After each epoch:
 * validation and test evaluation, the hidden spike rate on {@link PROBE_IMAGES} test images, one
 * line in `logs/metrics.jsonl`, `checkpoints/last.safetensors` (weights, Adam buffers, RNG state),
 * `checkpoints/best.safetensors` and `logs/confusion.json` (test confusion matrix) when the
 * validation accuracy improved, and the manifest's `lastCheckpoint`. A resumed run therefore ends
 * with the same weights as an uninterrupted one with the same seed and `workers`.
 *
 * @param options - config, runs folder, resume policy, backend, output
 */
export async function runTraining(options: TrainingOptions): Promise<TrainingSummary> {
  const { config, io } = options;
  const log = createLogger({ stream: io.stderr, quiet: options.quiet });
  const warn = (m: string): void => {
    io.stderr.write(`warning: ${m}\n`);
  };
  const params = runParams(config);
  const run = await openHashRun({ runsDir: options.runsDir, params, resume: options.resume ?? 'auto', forceOverwrite: options.forceOverwrite ?? false });
  const backend = options.backend;
  const versions = collectVersions({ from: [import.meta.url, process.cwd()] });
  const versionInfo = { ...versions, packages: { ...versions.packages, '@snn-apps/snn-image-classification': APP_VERSION } };
  let resumeFrom: string | undefined;
  if (run.resumed) {
    const state = await prepareResume(run.path, config, RESUME_FIELDS, { warn });
    resumeFrom = state.checkpoint;
    await writeResolvedConfig(run.path, config);
    await updateManifest(run.path, { status: 'running', resumedAt: [new Date().toISOString()], command: [...options.argv], backend, versions: versionInfo, endTime: null, durationMs: null, error: null });
  } else {
    await writeResolvedConfig(run.path, config);
    await writeManifest(run.path, createManifest({ app: APP_NAME, name: run.name, seed: config.seed, backend, argv: [...options.argv], versions: versionInfo }));
    await writeRunParams(run.path, params);
  }
  let model: RecurrentClassifier | null = null;
  try {
    log('run %s (%s): %s, T = %d, %s input, %s', run.path, run.mode, describeModel(config.model), config.model.num_steps, config.encoding.periodic ? 'periodic' : 'rate', config.dataset);
    const data = await timePhase(run.path, 'load', () => loadDataSplits(config));
    log('data: %d training, %d validation, %d test images (%s); backend %s', data.train.count, data.validation.count, data.test.count, data.source, backend.reason);
    model = createClassifier(config);
    const net = model;
    const parameters = net.parameters();
    const t = config.training;
    const optimizer = new Adam(parameters, { lr: t.learning_rate, beta1: t.beta1, beta2: t.beta2, weightDecay: t.weight_decay });
    let best: BestRecord | null = null;
    let startEpoch = 0;
    let nextRng = epochRng(config.seed, 0);
    if (resumeFrom !== undefined) {
      const checkpoint = await loadRunCheckpoint(resumeFrom, { shapes: parameterShapes(config.model), dataset: config.dataset });
      checkCheckpointParams(checkpoint, params);
      applyWeights(parameters, checkpoint.weights);
      restoreOptimizer(optimizer, checkpoint);
      startEpoch = checkpoint.meta.epoch;
      best = checkpoint.meta.best;
      nextRng = new Rng();
      nextRng.setState(checkpoint.meta.rng.nextEpoch);
      log('resuming after epoch %d from %s', startEpoch, resumeFrom);
    }
    const settings = encodingSettings(config);
    const metrics = await MetricsLog.open(run.path, { warn });
    // An epoch logged after the last saved checkpoint (interrupted while saving) is trained again.
    if (resumeFrom !== undefined) await metrics.dropEpochsAfter(startEpoch);
    const probeCount = Math.min(PROBE_IMAGES, data.test.count);
    const probeSpikes = encodeImages(imagesToTensor(data.test, Array.from({ length: probeCount }, (_, i) => i)), settings, new Rng(streamSeed(config.seed, STREAMS.probe)));
    let saved = false;

    for (let epoch = startEpoch; epoch < t.epochs; epoch++) {
      const rng = epoch === startEpoch ? nextRng : epochRng(config.seed, epoch);
      optimizer.lr = epochLearningRate(t.learning_rate, t.lr_schedule, epoch, t.epochs);
      const label = `epoch ${epoch + 1}/${t.epochs}`;
      const progress = createProgress({ total: data.train.count, label, unit: 'img', stream: io.stderr, env: io.env, quiet: options.quiet });
      let seen = 0;
      let correct = 0;
      const result = await timePhase(run.path, 'train', () =>
        trainRecurrentEpoch(net, encodedBatches(data.train, rng.permutation(data.train.count), t.batch_size, settings, rng), optimizer, {
          onBatch: (b) => {
            seen += b.samples;
            correct += b.correct;
            progress.increment(b.samples, { loss: b.loss, acc: percent(correct / seen) });
          },
        }),
      );
      progress.stop();
      const imagesPerSecond = result.samples / result.seconds;
      const evaluation = await timePhase(run.path, 'eval', () => ({
        validation: evaluateDataset(net, data.validation, settings, streamSeed(config.seed, STREAMS.validation)),
        test: evaluateDataset(net, data.test, settings, streamSeed(config.seed, STREAMS.test)),
      }));
      const { validation, test } = evaluation;
      const hiddenRate = net.forward(probeSpikes).hiddenRate;
      const improved = best === null || validation.accuracy > best.valAccuracy;
      if (improved) best = { epoch: epoch + 1, valAccuracy: validation.accuracy, trainAccuracy: result.accuracy, testAccuracy: test.accuracy };
      const record: Record<string, MetricValue> = {
        epoch: epoch + 1,
        train_loss: result.loss,
        train_acc: result.accuracy,
        val_loss: validation.loss,
        val_acc: validation.accuracy,
        test_loss: test.loss,
        test_acc: test.accuracy,
        lr: optimizer.lr,
        spike_rate_hidden: hiddenRate,
      };
      if (config.model.learn_beta) {
        const d = net.decays();
        record.mean_alpha = mean(d.alpha);
        record.mean_kappa = mean(d.kappa);
        if (d.rho !== null) record.mean_rho = mean(d.rho);
      }
      Object.assign(record, {
        train_seconds: result.seconds,
        eval_seconds: validation.seconds + test.seconds,
        images_per_s: imagesPerSecond,
      });
      metrics.append(record);
      const extras = {
        epoch: epoch + 1,
        params,
        spec: net.spec,
        rng: { nextEpoch: epochRng(config.seed, epoch + 1).getState() },
        best,
        metrics: { train_loss: result.loss, train_acc: result.accuracy, val_acc: validation.accuracy, test_acc: test.accuracy },
      };
      await saveRunCheckpoint(checkpointPath(run.path, 'last'), parameters, optimizer, extras);
      if (improved) {
        await saveRunCheckpoint(checkpointPath(run.path, 'best'), parameters, optimizer, extras);
        const cm = confusionMatrix(test.predictions, test.labels, net.classes);
        const confusion: SavedConfusion = { epoch: epoch + 1, split: 'test', numClasses: net.classes, matrix: Array.from(cm.matrix) };
        await writeFileAtomic(join(run.path, RUN_LAYOUT.logs, CONFUSION_FILE), `${JSON.stringify(confusion)}\n`);
      }
      if (!saved) {
        saved = true;
        await discardReplaced(run);
      }
      await updateManifest(run.path, {
        lastCheckpoint: { file: `${RUN_LAYOUT.checkpoints}/last.safetensors`, epoch: epoch + 1, step: optimizer.getState().step, savedAt: new Date().toISOString() },
        metrics: { epochs: epoch + 1, valAccuracy: validation.accuracy, testAccuracy: test.accuracy, trainAccuracy: result.accuracy, trainImagesPerSecond: imagesPerSecond },
      });
      log(
        '%s: train loss %s acc %s | val acc %s | test acc %s | hidden rate %s | %s img/s | %ss',
        label,
        result.loss.toFixed(4),
        percent(result.accuracy),
        percent(validation.accuracy),
        percent(test.accuracy),
        hiddenRate.toFixed(4),
        imagesPerSecond.toFixed(0),
        (result.seconds + validation.seconds + test.seconds).toFixed(1),
      );
    }
    await net.destroy();
    model = null;
    const epochs = Math.max(startEpoch, t.epochs);
    if (startEpoch >= t.epochs) {
      // Under the cosine schedule the epoch count is hashed, so a larger --epochs starts another run instead.
      const hint = t.lr_schedule === 'cosine' ? 'under lr_schedule cosine a different --epochs is a new run' : 'pass --epochs N to train longer';
      log('nothing to train: the run already has %d epochs (%s)', startEpoch, hint);
    }
    const finalMetrics: Record<string, MetricValue> = { epochs, peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) };
    if (best) {
      finalMetrics.bestEpoch = best.epoch;
      finalMetrics.bestValAccuracy = best.valAccuracy;
      finalMetrics.testAccuracyAtBest = best.testAccuracy;
      finalMetrics.trainAccuracyAtBest = best.trainAccuracy;
    }
    await finishManifest(run.path, { metrics: finalMetrics });
    if (options.figures ?? true) {
      const rendered = await timePhase(run.path, 'figures', () => renderRunReport(run.path));
      log('wrote %d figures and %s', rendered.figures.length, rendered.report);
      await finishManifest(run.path, { metrics: finalMetrics });
    }
    if (best) {
      io.stdout.write(
        `best validation accuracy: ${(100 * best.valAccuracy).toFixed(2)}% at epoch ${best.epoch} (train ${(100 * best.trainAccuracy).toFixed(2)}%, test ${(100 * best.testAccuracy).toFixed(2)}%)\n`,
      );
    }
    io.stdout.write(`run directory: ${run.path} (${run.mode === 'resume' ? `resumed after epoch ${startEpoch}` : run.mode}, ${epochs} epoch${epochs === 1 ? '' : 's'})\n`);
    return { runDir: run.path, hash: run.name, mode: run.mode, startEpoch, epochs, best };
  } catch (error) {
    if (model) await model.destroy();
    await finishManifest(run.path, { status: 'failed', error }).catch(() => undefined);
    throw error;
  }
}
