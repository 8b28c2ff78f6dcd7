
import {
  type BackendInfo,
  type SessionCommandOptions,
  type EpochContext,
  type MetricValue,
  ModelSelection,
  RunSession,
  checkpointPath,
  createRunDir,
  restoreOptimizer,
  saveConfusion,
  typescriptBackend,
} from '@snn/cli';
import { type BackendRequest, CheckpointError, Rng, createBackend, } from '@snn/core';
import { imagesToTensor } from '@snn/datasets';
import { Adam, type LifNetwork, trainEpoch } from '@snn/learning';
import { confusionMatrix } from '@snn/readout';
import { APP_NAME } from '../app/io.js';
import { type NeuroSpikeConfig, RESUME_FIELDS } from '../config/schema.js';
import { encodeImages, encodedBatches } from '../data/encode.js';
import { loadDataSplits } from '../data/mnist-splits.js';
import { STREAMS, streamSeed } from '../data/streams.js';
import { layerSpikeRates, traceNetwork } from '../inspect/trace.js';
import { type CheckpointExtras, loadRunCheckpoint, restoreScheduler, saveRunCheckpoint } from '../model/checkpoint.js';
import { createNetwork, lossOf, networkSizes } from '../model/network.js';
import { renderRunReport } from '../report/render-run.js';
import { APP_VERSION } from '../version.js';
import { type Evaluation, evaluateDataset } from './evaluate.js';
import { createScheduler } from './scheduler.js';

/** Number of test images whose hidden-layer spikes are recorded each epoch for the spike rates. */
export const PROBE_IMAGES = 64;

/** Options of {@link runTraining}. */
export interface TrainingOptions extends SessionCommandOptions {
  /** Validated config (flags applied). */
  readonly config: NeuroSpikeConfig;
  /** The run directory, opened by {@link openRunDir} (new, replacing, or reopened with `resume`). */
  readonly run: Awaited<ReturnType<typeof openRunDir>>;
  /** The backend training runs on, from {@link trainingBackend}. */
  readonly backend: BackendInfo;
}

/** What {@link runTraining} returns. */
export interface TrainingSummary {
  /** The run directory. */
  readonly runDir: string;
  /** Epochs completed in total (this session and before). */
  readonly epochs: number;
  /** Test accuracy after the final epoch (NaN when no epoch was run). */
  readonly testAccuracy: number;
  /** Number of test images. */
  readonly testImages: number;
  /** Model selection: the best validation epoch, or the last epoch without a validation split. */
  readonly best: CheckpointExtras['best'];
}

/**
 * The backend training runs on: `js` (the LifNetwork BPTT engine of @snn/learning has only a
 * TypeScript path). A gpu.js backend is refused rather than claimed.
 *
 * @param request - what was asked for
 * @param workers - threads sharing each batch (for the manifest's reason)
 * @throws `BackendError` for `cpu`, `webasm`, `headlessgl` or `webgpu`
 */
export function trainingBackend(request: BackendRequest, workers: number): Promise<BackendInfo> {
  return typescriptBackend(request, 'neurospike train cannot run', 'LifNetwork BPTT engine of @snn/learning', workers, 'gpu.js backends run the kernels of `neurospike infer` and `neurospike plot`');
}

function epochRng(seed: number, epoch: number): Rng {
  return new Rng(streamSeed(seed, STREAMS.trainEpoch, epoch));
}

/**
 * Trains the network of a config in a run directory on the run session of @snn/cli: the app
 * supplies the network, the data, one epoch of training, the evaluation, the spike-rate probe
 * and the figures.
 *
 * @remarks
 * Epoch e (0-based) shuffles the training images and encodes them with a generator seeded from
 * `(seed, e)` only; the test and validation sets are encoded with fixed seeds. After each epoch:
 * validation (with `training.validation` > 0) and test scores, spike rates of every layer on
 * {@link PROBE_IMAGES} test images, the schedule step (on validation accuracy, else training
 * accuracy), a metrics record, `checkpoints/last.safetensors` (weights, Adam buffers, schedule and
 * RNG state) and `best.safetensors` for the best validation epoch (the last epoch without a
 * validation split: the test set never selects). A resumed run continues with the next epoch and
 * ends with the same weights as an uninterrupted run with the same seed and `workers`.
 *
 * @param options - config, run directory, backend, output
 */
export async function runTraining(options: TrainingOptions): Promise<TrainingSummary> {
  const { config, run, io } = options;
  const app = { name: APP_NAME, version: APP_VERSION, moduleUrl: import.meta.url };
  const session = await RunSession.start({ ...options, run, app, resumeFields: RESUME_FIELDS });
  let network: LifNetwork | null = null;
  return session.run(
    async () => {
      session.log('run %s: %s network, T = %d, %s coding, backend %s', run.path, networkSizes(config.model).join('-'), config.model.num_steps, config.encoding.type, options.backend.reason);
      const data = await session.phase('load', () => loadDataSplits(config));
      session.log('data: %d training, %s validation, %d test images (%s)', data.train.count, data.validation ? String(data.validation.count) : 'no', data.test.count, data.source);
      network = createNetwork(config);
      const net = network;
      const t = config.training;
      const optimizer = new Adam(net.parameters(), { lr: t.learning_rate, beta1: t.beta1, beta2: t.beta2, weightDecay: t.weight_decay });
      const scheduler = createScheduler(optimizer, t);
      const loss = lossOf(t);
      let startEpoch = 0;
      let selection = new ModelSelection({ hasValidation: data.validation !== null });
      let nextRng = epochRng(config.seed, 0);
      if (session.resumeFrom !== undefined) {
        const checkpoint = await loadRunCheckpoint(session.resumeFrom, networkSizes(config.model));
        if (checkpoint.meta.seed !== config.seed) {
          throw new CheckpointError('checkpoint was saved by a run with another seed', { file: checkpoint.file, field: 'seed', expected: String(config.seed), found: String(checkpoint.meta.seed) });
        }
        for (const p of net.parameters()) p.value.set(checkpoint.weights[p.name].data);
        restoreOptimizer(optimizer, checkpoint);
        restoreScheduler(scheduler, checkpoint);
        startEpoch = checkpoint.meta.epoch;
        selection = new ModelSelection({ hasValidation: data.validation !== null }, { best: checkpoint.meta.best, staleEpochs: checkpoint.meta.staleEpochs ?? 0 });
        nextRng = new Rng();
        nextRng.setState(checkpoint.meta.rng.nextEpoch);
        session.log('resuming after epoch %d from %s', startEpoch, checkpoint.file);
      }
      const settings = { encoding: config.encoding, numSteps: config.model.num_steps };
      const probeCount = Math.min(PROBE_IMAGES, data.test.count);
      const probeImages = imagesToTensor(data.test, Array.from({ length: probeCount }, (_, i) => i));
      const jsBackend = await createBackend('js');
      let epochLr = optimizer.lr;
      let lastTest: Evaluation | null = null;
      const extrasOf = (c: EpochContext<Evaluation, Evaluation>): CheckpointExtras => ({
        epoch: c.epoch,
        seed: config.seed,
        encoding: config.encoding,
        numSteps: config.model.num_steps,
        scheduler: scheduler?.getState() ?? null,
        rng: { nextEpoch: epochRng(config.seed, c.epoch).getState() },
        best: selection.best,
        staleEpochs: selection.state.staleEpochs,
        metrics: { train_loss: c.training.loss, train_acc: c.training.accuracy, test_acc: c.test.accuracy, val_acc: c.validation?.accuracy ?? null },
      });

      const summary = await session.trainEpochs<Evaluation, Evaluation>({
        epochs: t.epochs,
        startEpoch,
        trainSamples: data.train.count,
        selection,
        train: async (epoch, onBatch) => {
          const rng = epoch === startEpoch ? nextRng : epochRng(config.seed, epoch);
          epochLr = optimizer.lr;
          const batches = encodedBatches(data.train, rng.permutation(data.train.count), t.batch_size, settings, rng, t.augment_shift);
          const result = await trainEpoch(net, batches, optimizer, { loss, onBatch });
          return { loss: result.loss, accuracy: result.accuracy, samples: result.samples, seconds: result.seconds };
        },
        validate: () => (data.validation ? evaluateDataset(net, data.validation, settings, streamSeed(config.seed, STREAMS.validation), loss) : null),
        test: () => {
          lastTest = evaluateDataset(net, data.test, settings, streamSeed(config.seed, STREAMS.test), loss);
          return lastTest;
        },
        epochMetrics: async (c) => {
          const probe = await traceNetwork(net, encodeImages(probeImages, settings, new Rng(streamSeed(config.seed, STREAMS.probe))), jsBackend);
          const rates = layerSpikeRates(probe);
          const hidden = rates.slice(0, -1);
          // The plateau schedule follows validation accuracy, or training accuracy without a validation split (never test).
          scheduler?.step(c.validation ? c.validation.accuracy : c.training.accuracy);
          const record: Record<string, MetricValue> = {
            lr: epochLr,
            spike_rate_hidden: hidden.length > 0 ? hidden.reduce((a, b) => a + b, 0) / hidden.length : null,
            spike_rate_output: c.test.outputSpikeRate,
          };
          rates.forEach((r, l) => {
            record[`spike_rate_fc${l + 1}`] = r;
          });
          return record;
        },
        save: async (which, c) => saveRunCheckpoint(checkpointPath(run.path, which), net, optimizer, extrasOf(c)),
        steps: () => optimizer.getState().step,
        afterEpoch: async (c) => {
          const cm = confusionMatrix(c.test.predictions, c.test.labels, net.classes);
          await saveConfusion(run.path, { epoch: c.epoch, numClasses: net.classes, matrix: Array.from(cm.matrix) });
        },
        describe: (_c, m) =>
          `lr ${epochLr.toPrecision(3)} | spike rate hidden ${m.spike_rate_hidden === null ? '-' : (m.spike_rate_hidden as number).toFixed(4)} output ${(m.spike_rate_output as number).toFixed(4)}`,
      });
      await net.close();
      network = null;
      const final: Record<string, MetricValue> = { epochs: summary.epochs };
      if (summary.finalTestAccuracy !== null) final.testAccuracy = summary.finalTestAccuracy;
      await session.complete({ metrics: final, best: summary.best, render: options.figures === false ? undefined : () => renderRunReport(run.path, jsBackend) });
      session.printResults(summary, data.test.count);
      io.stdout.write(`run directory: ${run.path}\n`);
      const tested = lastTest as Evaluation | null;
      return { runDir: run.path, epochs: summary.epochs, testAccuracy: summary.finalTestAccuracy ?? Number.NaN, testImages: tested?.samples ?? 0, best: summary.best };
    },
    async () => {
      if (network) await (network as LifNetwork).close();
    },
  );
}

/** Options of {@link openRunDir}. */
export interface OpenRunOptions {
  /** Folder of all runs (`--runs-dir`). */
  readonly runsDir: string;
  /** Run name (`--name`); default: a timestamped name, or the latest run with `resume`. */
  readonly name?: string;
  /** Reopen an existing run. */
  readonly resume: boolean;
  /** Replace an existing run (kept aside until the new run saves its first checkpoint). */
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
