import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MetricsLog, type RunDir, createManifest, finishManifest, writeManifest } from '@snn/cli';
import { CheckpointError, Rng, ShapeError } from '@snn/core';
import { loadNpy, saveNpy, writeFileAtomic } from '@snn/core/node';
import { type ImageDataset } from '@snn/datasets';
import { loadMnist } from '@snn/datasets/node';
import { assignNeurons, classifyByAssignment } from '@snn/readout';
import type { AppIo } from '../app/io.js';
import { APP_NAME } from '../app/io.js';
import { SEED_TDP_WATTS, snnEnergyJoules, tdpEnergyWh } from '../metrics/energy.js';
import { memoryUsage, toMiB } from '../metrics/memory.js';
import { type Projection, defaultConnectionOptions, generateConnections } from '../random-connections/generate.js';
import { type TrainingProgress, loadDiehlCookCheckpoint, saveDiehlCookCheckpoint } from './checkpoint.js';
import { type DiehlCookSettings, checkUpdateInterval } from './config.js';
import { checkInitialWeights } from './initial-weights.js';
import { DiehlCookNetwork } from './network.js';

/** Options of {@link runDiehlCookTraining}. */
export interface DiehlCookTrainOptions {
  /** Network settings (ignored when resuming: the checkpoint's are used). */
  readonly settings: DiehlCookSettings;
  /** Total examples to present (training images in order, cycling through the 60,000). */
  readonly numExamples: number;
  /** Examples between neuron-assignment updates (and accuracy log lines). */
  readonly updateInterval: number;
  /** Examples between weight snapshots (`weights/XeAe-<j>.npy`). */
  readonly weightUpdateInterval: number;
  /** Examples between checkpoints. */
  readonly saveInterval: number;
  /** RNG seed (initial weights, delays, Poisson input). */
  readonly seed: number;
  /** Directory with MNIST IDX files (default: the embedded copy). */
  readonly mnistPath?: string;
  /** Directory with initial weights from `random-connections` (`XeAe.npy`, …); default: generated from the seed. */
  readonly weightsDir?: string;
  /** Checkpoint to resume from. */
  readonly resumeFrom?: string;
  /** Run directory. */
  readonly run: RunDir;
  /** Streams. */
  readonly io: AppIo;
  /** No progress lines. */
  readonly quiet: boolean;
  /** Command line for the manifest. */
  readonly argv: readonly string[];
  /** Network sizes given explicitly on the command line; a resumed checkpoint of other sizes is an error. */
  readonly requestedSizes?: { readonly nE?: number; readonly nE2?: number };
  /** The backend the user asked for (`auto` or `js`), for the manifest. */
  readonly backendRequest?: string;
  /** Training images (for tests; default loaded from `mnistPath`). */
  readonly data?: ImageDataset;
  /** Device power for the seed's energy estimate, TDP × time, W (default {@link SEED_TDP_WATTS}). */
  readonly tdpWatts?: number;
}

/** Result of {@link runDiehlCookTraining}. */
export interface DiehlCookTrainResult {
  /** Examples presented in this session. */
  readonly presented: number;
  /** Mean wall time per example in this session, ms. */
  readonly msPerExample: number;
  /** The network at the end. */
  readonly net: DiehlCookNetwork;
  /** Last interval accuracy (layer 1), or null before the first update. */
  readonly lastAccuracy: number | null;
  /** Mean synaptic operations per training example of this session (see {@link DiehlCookNetwork.synOps}). */
  readonly synOpsPerExample: number;
  /** The seed's estimate for this session's training: TDP × training time, Wh. */
  readonly tdpTrainingEnergyWh: number;
  /** The TDP used, W. */
  readonly tdpWatts: number;
}

/** File name of the checkpoint saved after `examples` examples, inside `checkpoints/`. */
export function checkpointName(examples: number): string {
  return `checkpoint-${examples}.safetensors`;
}

/**
 * Drops the training records logged after example `next` (a run resumed from an earlier checkpoint, or killed between
 * a log line and the next save), so each interval is logged once.
 */
async function dropRecordsAfter(metrics: MetricsLog, next: number): Promise<void> {
  const records = await metrics.read();
  const kept = records.filter((r) => r.mode !== 'train' || typeof r.example !== 'number' || r.example <= next);
  if (kept.length === records.length) return;
  await writeFileAtomic(metrics.file, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
}

/** Loads MNIST from a directory or the embedded copy; errors name the directory and the missing file. */
export function loadMnistSplit(split: 'train' | 'test', mnistPath?: string): ImageDataset {
  return loadMnist({ split, ...(mnistPath ? { dir: mnistPath } : {}) });
}

async function initialProjections(settings: DiehlCookSettings, seed: number, weightsDir?: string): Promise<Projection[]> {
  const generated = generateConnections({ ...defaultConnectionOptions(settings.nE, settings.nE2), dtMs: settings.dtMs }, seed);
  const projections = [generated.inputToExc, ...(generated.excToExc2 ? [generated.excToExc2] : [])];
  if (!weightsDir) return projections;
  const names = ['XeAe.npy', 'AeAe2.npy'];
  return Promise.all(
    projections.map(async (p, k) => {
      const file = join(weightsDir, names[k]);
      const array = await loadNpy(file, { keepFloat64: true });
      const shape = array.shape;
      if (shape.length !== 2 || shape[0] !== p.nPre || shape[1] !== p.nPost) {
        throw new ShapeError('initial weights have the wrong shape', { file, expected: `[${p.nPre}, ${p.nPost}]`, found: `[${shape.join(', ')}]` });
      }
      checkInitialWeights(file, array.data as ArrayLike<number>, p.nPost);
      return { ...p, weights: Float64Array.from(array.data as ArrayLike<number>) };
    }),
  );
}

/**
 * Trains the Diehl & Cook network on MNIST training images in order, with
 * neuron assignments and interval accuracy every `updateInterval` examples and checkpoints every `saveInterval`.
 */
export async function runDiehlCookTraining(options: DiehlCookTrainOptions): Promise<DiehlCookTrainResult> {
  const { run, io } = options;
  checkUpdateInterval(options.updateInterval, options.settings);
  const data = options.data ?? loadMnistSplit('train', options.mnistPath);
  let net: DiehlCookNetwork;
  let progress: TrainingProgress;
  const rng = new Rng(options.seed);
  if (options.resumeFrom) {
    const loaded = await loadDiehlCookCheckpoint(options.resumeFrom);
    for (const [key, flag] of [
      ['nE', '--n-e'],
      ['nE2', '--n-e2'],
    ] as const) {
      const wanted = options.requestedSizes?.[key];
      if (wanted !== undefined && wanted !== loaded.settings[key]) {
        throw new CheckpointError('the checkpoint is of another network size', { file: options.resumeFrom, field: flag, expected: String(wanted), found: String(loaded.settings[key]) });
      }
    }
    net = loaded.net;
    progress = loaded.progress;
    rng.setState(progress.rng);
    if (!options.quiet) io.stderr.write(`resuming from ${options.resumeFrom} at example ${progress.nextExample}\n`);
  } else {
    net = new DiehlCookNetwork(options.settings, await initialProjections(options.settings, options.seed, options.weightsDir));
    rng.setState(new Rng(options.seed).fork().getState());
    progress = {
      nextExample: 0,
      rng: rng.getState(),
      assignments: new Array(options.settings.nE).fill(-1),
      assignments2: new Array(options.settings.nE2).fill(-1),
      intervalCounts: new Float64Array(0),
      intervalCounts2: new Float64Array(0),
      intervalLabels: [],
      intervalCorrect: 0,
      intervalCorrect2: 0,
    };
  }
  const s = net.settings;
  const manifestPath = join(run.path, 'manifest.json');
  if (!existsSync(manifestPath)) {
    await writeManifest(
      run.path,
      createManifest({
        app: APP_NAME,
        name: run.name,
        argv: options.argv,
        seed: options.seed,
        backend: { name: 'js', kernelClass: null, requested: options.backendRequest ?? 'auto', reason: 'event-driven TypeScript simulation' },
      }),
    );
  }
  const metrics = await MetricsLog.open(run.path);
  await dropRecordsAfter(metrics, progress.nextExample);
  const weightsDir = join(run.path, 'weights');
  mkdirSync(weightsDir, { recursive: true });
  let assignments: Int32Array = Int32Array.from(progress.assignments);
  let assignments2: Int32Array = Int32Array.from(progress.assignments2);
  const rows: number[][] = [];
  const rows2: number[][] = [];
  for (let r = 0; r < progress.intervalLabels.length; r++) {
    rows.push(Array.from(progress.intervalCounts.subarray(r * s.nE, (r + 1) * s.nE)));
    if (s.nE2 > 0) rows2.push(Array.from(progress.intervalCounts2.subarray(r * s.nE2, (r + 1) * s.nE2)));
  }
  const labels = [...progress.intervalLabels];
  let correct = progress.intervalCorrect;
  let correct2 = progress.intervalCorrect2;
  let lastAccuracy: number | null = null;
  const checkpoint = join(run.checkpointsDir, 'last.safetensors');
  const state = (next: number): TrainingProgress => ({
    nextExample: next,
    rng: rng.getState(),
    assignments: Array.from(assignments),
    assignments2: Array.from(assignments2),
    intervalCounts: Float64Array.from(rows.flat()),
    intervalCounts2: Float64Array.from(rows2.flat()),
    intervalLabels: [...labels],
    intervalCorrect: correct,
    intervalCorrect2: correct2,
  });
  const start = progress.nextExample;
  const t0 = performance.now();
  let tInterval = t0;
  let cpuInterval = process.cpuUsage();
  let spikes = 0;
  let spikes2 = 0;
  let presentations = 0;
  let synOps = 0;
  let sessionSynOps = 0;
  const tdp = options.tdpWatts ?? SEED_TDP_WATTS;
  for (let j = start; j < options.numExamples; j++) {
    const index = j % data.count;
    const image = data.images.subarray(index * 784, (index + 1) * 784);
    const label = data.labels[index];
    const result = net.present(image, rng, true, j % s.normalizeInterval === 0);
    const counts = Array.from(result.counts);
    rows.push(counts);
    labels.push(label);
    if (classifyByAssignment(counts, assignments, s.nE, 10)[0] === label) correct++;
    if (result.counts2) {
      const c2 = Array.from(result.counts2);
      rows2.push(c2);
      if (classifyByAssignment(c2, assignments2, s.nE2, 10)[0] === label) correct2++;
      for (const c of c2) spikes2 += c;
    }
    for (const c of counts) spikes += c;
    presentations += result.presentations;
    synOps += result.synOps;
    sessionSynOps += result.synOps;
    const done = j + 1;
    if (done % options.updateInterval === 0) {
      const now = performance.now();
      const cpu = process.cpuUsage(cpuInterval);
      lastAccuracy = correct / labels.length;
      const record: Record<string, number | string> = {
        mode: 'train',
        example: done,
        accuracy: lastAccuracy,
        mean_spikes: spikes / labels.length,
        mean_presentations: presentations / labels.length,
        ms_per_example: (now - tInterval) / labels.length,
        cpu_ms_per_example: (cpu.user + cpu.system) / 1000 / labels.length,
        // Energy by the synaptic-operation model and by the seed's TDP × time, for this interval's examples.
        synops_per_example: synOps / labels.length,
        energy_per_example_j: snnEnergyJoules(synOps / labels.length),
        tdp_energy_wh: tdpEnergyWh(tdp, (now - tInterval) / 1000),
      };
      if (s.nE2 > 0) {
        record.accuracy2 = correct2 / labels.length;
        record.mean_spikes2 = spikes2 / labels.length;
      }
      const msPer = (now - tInterval) / labels.length;
      metrics.append(record);
      if (!options.quiet) {
        const second = s.nE2 > 0 ? ` (layer 2 ${(100 * correct2 / labels.length).toFixed(2)} %, ${(spikes2 / labels.length).toFixed(1)} spikes/example)` : '';
        io.stderr.write(`example ${done}/${options.numExamples}: interval accuracy ${(100 * lastAccuracy).toFixed(2)} %${second}, ${msPer.toFixed(2)} ms/example\n`);
      }
      assignments = assignNeurons(rows.flat(), labels, s.nE, 10);
      if (s.nE2 > 0) assignments2 = assignNeurons(rows2.flat(), labels, s.nE2, 10);
      rows.length = 0;
      rows2.length = 0;
      labels.length = 0;
      correct = 0;
      correct2 = 0;
      spikes = 0;
      spikes2 = 0;
      presentations = 0;
      synOps = 0;
      tInterval = now;
      cpuInterval = process.cpuUsage();
    }
    if (done % options.weightUpdateInterval === 0) {
      await saveNpy(join(weightsDir, `XeAe-${done}.npy`), { data: net.layers[0].weights, shape: [784, s.nE] });
    }
    if (done % options.saveInterval === 0 || done === options.numExamples) {
      // Every save is kept (`checkpoint-<n>.safetensors`, what `--resume-from <n>` reads), last.safetensors is the newest.
      await saveDiehlCookCheckpoint(join(run.checkpointsDir, checkpointName(done)), net, state(done));
      await saveDiehlCookCheckpoint(checkpoint, net, state(done));
    }
  }
  const presented = Math.max(0, options.numExamples - start);
  const trainingMs = performance.now() - t0;
  const msPerExample = presented > 0 ? trainingMs / presented : 0;
  const synOpsPerExample = sessionSynOps / Math.max(1, presented);
  const tdpTrainingEnergyWh = tdpEnergyWh(tdp, trainingMs / 1000);
  await saveNpy(join(weightsDir, 'XeAe.npy'), { data: net.layers[0].weights, shape: [784, s.nE] });
  await saveNpy(join(weightsDir, 'theta_A.npy'), { data: net.layers[0].exc.theta, shape: [s.nE] });
  if (net.layers[1]) {
    await saveNpy(join(weightsDir, 'AeAe2.npy'), { data: net.layers[1].weights, shape: [s.nE, s.nE2] });
    await saveNpy(join(weightsDir, 'theta_A2.npy'), { data: net.layers[1].exc.theta, shape: [s.nE2] });
  }
  await finishManifest(run.path, {
    status: 'completed',
    metrics: {
      examples: options.numExamples,
      ms_per_example: msPerExample,
      last_interval_accuracy: lastAccuracy,
      n_e: s.nE,
      n_e2: s.nE2,
      // The same memory figures as the other commands: synapses (input and layer-2 weights, float32) and peak RSS.
      parameterMiB: toMiB(memoryUsage(net.layers.reduce((n, l) => n + l.nPre * l.n, 0)).parameterBytes),
      peakRssMiB: toMiB(memoryUsage(0).peakRssBytes),
      // This session's examples: the synaptic-operation model and the seed's TDP × training time.
      synopsPerTrainingExample: synOpsPerExample,
      energyPerTrainingExampleJ: snnEnergyJoules(synOpsPerExample),
      tdpWatts: tdp,
      tdpTrainingEnergyWh,
      tdpEnergyPerTrainingImageWh: tdpTrainingEnergyWh / Math.max(1, presented),
    },
  });
  return { presented, msPerExample, net, lastAccuracy, synOpsPerExample, tdpTrainingEnergyWh, tdpWatts: tdp };
}
