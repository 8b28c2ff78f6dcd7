
import { type BackendInfo, type SessionCommandOptions, type BestRecord, type EpochContext, type MetricValue, ModelSelection, RunSession, applyWeights, checkpointPath, restoreOptimizer, saveConfusion, typescriptBackend } from '@snn/cli';
import { type BackendRequest, CheckpointError, Rng, describeValue, } from '@snn/core';
import { imagesToTensor } from '@snn/datasets';
import { Adam, type RecurrentClassifier, trainRecurrentEpoch } from '@snn/learning';
import { confusionMatrix } from '@snn/readout';
import { APP_NAME, } from '../app/io.js';
import type { ImageClassificationConfig } from '../config/schema.js';
import { encodeImages, encodedBatches, encodingSettings } from '../data/encode.js';
import { loadDataSplits } from '../data/splits.js';
import { STREAMS, streamSeed } from '../data/streams.js';
import { type CheckpointExtras, type LoadedRunCheckpoint, loadRunCheckpoint, saveRunCheckpoint } from '../model/checkpoint.js';
import { createClassifier, describeModel, parameterShapes } from '../model/network.js';
import { renderRunReport } from '../report/render-run.js';
import { type RunParams, canonicalJson, runParams } from '../run/params.js';
import { type HashRun, openHashRun } from '../run/run-dir.js';
import { APP_VERSION } from '../version.js';
import { type Evaluation, evaluateDataset } from './evaluate.js';

/** Number of test images run through the network after each epoch for the hidden spike rate. */
export const PROBE_IMAGES = 64;

/** Options of {@link runTraining}. */
export interface TrainingOptions extends SessionCommandOptions {
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
  /** Best validation epoch (its train/val/test accuracies), or null when no epoch ran. */
  readonly best: BestRecord | null;
  /** Test accuracy after the final epoch, or null when no epoch ran in this session. */
  readonly finalTestAccuracy: number | null;
}

/**
 * The backend training runs on: `js` (the RecurrentClassifier BPTT of @snn/learning has only a
 * TypeScript path). A gpu.js backend is refused rather than claimed.
 *
 * @param request - what was asked for
 * @param workers - threads sharing each batch (for the manifest's reason)
 * @throws `BackendError` for `cpu`, `webasm`, `headlessgl` or `webgpu`
 */
export function trainingBackend(request: BackendRequest, workers: number): Promise<BackendInfo> {
  return typescriptBackend(request, 'snn-image-classification cannot train', 'RecurrentClassifier BPTT of @snn/learning', workers);
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
 * Trains the classifier of a config in its run directory `<runsDir>/snn-image-classification/<paramsHash>/`
 * on the run session of @snn/cli: the app supplies the classifier, the data, one epoch of training,
 * the evaluation, the hidden spike-rate probe and the figures.
 *
 * @remarks
 * The directory is opened by {@link openHashRun}: a run of the same parameters continues from its
 * last epoch (the seed's behaviour), `forceOverwrite` starts again, a directory of other parameters
 * is refused. Epoch e (0-based) shuffles and encodes the training images with a generator seeded
 * from `(seed, e)` only; validation and test images are encoded with fixed seeds. After each epoch:
 * validation and test scores, the hidden spike rate on {@link PROBE_IMAGES} test images, a metrics
 * record, `checkpoints/last.safetensors` (weights, Adam buffers, RNG state), and
 * `checkpoints/best.safetensors` with `logs/confusion.json` (test confusion matrix) when the
 * validation accuracy improved. A resumed run therefore ends with the same weights as an
 * uninterrupted one with the same seed and `workers`.
 *
 * @param options - config, runs folder, resume policy, backend, output
 */
export async function runTraining(options: TrainingOptions): Promise<TrainingSummary> {
  const { config, io } = options;
  const params = runParams(config);
  const run = await openHashRun({ runsDir: options.runsDir, params, resume: options.resume ?? 'auto', forceOverwrite: options.forceOverwrite ?? false });
  const app = { name: APP_NAME, version: APP_VERSION, moduleUrl: import.meta.url };
  const session = await RunSession.start({ ...options, run, app, resumeFields: RESUME_FIELDS });
  let model: RecurrentClassifier | null = null;
  return session.run(
    async () => {
      session.log('run %s (%s): %s, T = %d, %s input, %s', run.path, run.mode, describeModel(config.model), config.model.num_steps, config.encoding.periodic ? 'periodic' : 'rate', config.dataset);
      const data = await session.phase('load', () => loadDataSplits(config));
      session.log('data: %d training, %d validation, %d test images (%s); backend %s', data.train.count, data.validation.count, data.test.count, data.source, options.backend.reason);
      model = createClassifier(config);
      const net = model;
      const parameters = net.parameters();
      const t = config.training;
      const optimizer = new Adam(parameters, { lr: t.learning_rate, beta1: t.beta1, beta2: t.beta2, weightDecay: t.weight_decay });
      let selection = new ModelSelection({ hasValidation: true });
      let startEpoch = 0;
      let nextRng = epochRng(config.seed, 0);
      if (session.resumeFrom !== undefined) {
        const checkpoint = await loadRunCheckpoint(session.resumeFrom, { shapes: parameterShapes(config.model), dataset: config.dataset });
        checkCheckpointParams(checkpoint, params);
        applyWeights(parameters, checkpoint.weights);
        restoreOptimizer(optimizer, checkpoint);
        startEpoch = checkpoint.meta.epoch;
        selection = new ModelSelection({ hasValidation: true }, { best: checkpoint.meta.best, staleEpochs: 0 });
        nextRng = new Rng();
        nextRng.setState(checkpoint.meta.rng.nextEpoch);
        session.log('resuming after epoch %d from %s', startEpoch, checkpoint.file);
      }
      const settings = encodingSettings(config);
      const probeCount = Math.min(PROBE_IMAGES, data.test.count);
      const probeSpikes = encodeImages(imagesToTensor(data.test, Array.from({ length: probeCount }, (_, i) => i)), settings, new Rng(streamSeed(config.seed, STREAMS.probe)));
      const extrasOf = (c: EpochContext<Evaluation, Evaluation>): CheckpointExtras => ({
        epoch: c.epoch,
        params,
        spec: net.spec,
        rng: { nextEpoch: epochRng(config.seed, c.epoch).getState() },
        best: selection.best,
        metrics: { train_loss: c.training.loss, train_acc: c.training.accuracy, val_acc: c.validation?.accuracy ?? null, test_acc: c.test.accuracy },
      });

      const summary = await session.trainEpochs<Evaluation, Evaluation>({
        epochs: t.epochs,
        startEpoch,
        trainSamples: data.train.count,
        selection,
        train: async (epoch, onBatch) => {
          const rng = epoch === startEpoch ? nextRng : epochRng(config.seed, epoch);
          optimizer.lr = epochLearningRate(t.learning_rate, t.lr_schedule, epoch, t.epochs);
          const result = await trainRecurrentEpoch(net, encodedBatches(data.train, rng.permutation(data.train.count), t.batch_size, settings, rng), optimizer, { onBatch });
          return { loss: result.loss, accuracy: result.accuracy, samples: result.samples, seconds: result.seconds };
        },
        validate: () => evaluateDataset(net, data.validation, settings, streamSeed(config.seed, STREAMS.validation)),
        test: () => evaluateDataset(net, data.test, settings, streamSeed(config.seed, STREAMS.test)),
        epochMetrics: () => {
          const record: Record<string, MetricValue> = { lr: optimizer.lr, spike_rate_hidden: net.forward(probeSpikes).hiddenRate };
          if (config.model.learn_beta) {
            const d = net.decays();
            record.mean_alpha = mean(d.alpha);
            record.mean_kappa = mean(d.kappa);
            if (d.rho !== null) record.mean_rho = mean(d.rho);
          }
          return record;
        },
        save: (which, c) => saveRunCheckpoint(checkpointPath(run.path, which), parameters, optimizer, extrasOf(c)),
        steps: () => optimizer.getState().step,
        afterEpoch: async (c) => {
          if (!c.improved) return;
          const cm = confusionMatrix(c.test.predictions, c.test.labels, net.classes);
          await saveConfusion(run.path, { epoch: c.epoch, split: 'test', numClasses: net.classes, matrix: Array.from(cm.matrix) });
        },
        describe: (c, m) => `hidden rate ${(m.spike_rate_hidden as number).toFixed(4)} | ${(c.training.samples / Math.max(c.training.seconds, 1e-9)).toFixed(0)} img/s`,
      });
      await net.destroy();
      model = null;
      if (startEpoch >= t.epochs && t.lr_schedule === 'cosine') session.log('under lr_schedule cosine the epoch count is hashed: a different --epochs is a new run');
      const final: Record<string, MetricValue> = { epochs: summary.epochs };
      if (summary.finalTestAccuracy !== null) final.testAccuracy = summary.finalTestAccuracy;
      await session.complete({ metrics: final, best: summary.best, render: options.figures === false ? undefined : () => renderRunReport(run.path) });
      session.printResults(summary, data.test.count);
      const epochs = summary.epochs;
      io.stdout.write(`run directory: ${run.path} (${run.mode === 'resume' ? `resumed after epoch ${startEpoch}` : run.mode}, ${epochs} epoch${epochs === 1 ? '' : 's'})\n`);
      return { runDir: run.path, hash: run.name, mode: run.mode, startEpoch, epochs, best: summary.best, finalTestAccuracy: summary.finalTestAccuracy };
    },
    async () => {
      if (model) await (model as RecurrentClassifier).destroy();
    },
  );
}
