import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { streamSeed, updateManifest } from '@snn/cli';
import { Rng } from '@snn/core';
import { loadNpy, saveNpy } from '@snn/core/node';
import type { ImageDataset } from '@snn/datasets';
import type { AppIo } from '../app/io.js';
import { SEED_TDP_WATTS, snnEnergyJoules, tdpEnergyWh } from '../metrics/energy.js';
import { loadDiehlCookCheckpoint } from './checkpoint.js';
import type { DiehlCookNetwork } from './network.js';
import { loadMnistSplit } from './train.js';

/** Spike counts of a frozen network over a set of images. */
export interface Activity {
  /** Layer-1 counts `[N, nE]` row-major. */
  readonly counts: Float32Array;
  /** Layer-2 counts `[N, nE2]` (empty without a second layer). */
  readonly counts2: Float32Array;
  /** Labels, length N. */
  readonly labels: Int32Array;
  /** Synaptic operations over all N examples (see {@link DiehlCookNetwork.synOps}). */
  readonly synOps: number;
}

/** Stream ids of the Poisson input of the frozen passes (with `streamSeed`: one generator per example). */
export const ACTIVITY_STREAMS = Object.freeze({ train: 101, test: 102 });

/**
 * Presents images `first .. first + count − 1` to the network in test mode (weights and θ frozen) and records the
 * spike counts. Each example starts from fresh dynamics (θ and weights kept) with its own Poisson generator,
 * `streamSeed(seed, stream, index)`, so the counts of an example do not depend on which examples ran before it or
 * on how the work is split over threads.
 *
 * @param net - the trained network
 * @param data - images
 * @param first - index of the first image
 * @param count - how many
 * @param seed - run seed of the Poisson input
 * @param stream - {@link ACTIVITY_STREAMS} entry of the split
 * @param onProgress - called after every 1,000 examples with the number done
 */
export function recordActivity(net: DiehlCookNetwork, data: ImageDataset, first: number, count: number, seed: number, stream: number, onProgress?: (done: number) => void): Activity {
  const nE = net.settings.nE;
  const nE2 = net.settings.nE2;
  const counts = new Float32Array(count * nE);
  const counts2 = new Float32Array(count * nE2);
  const labels = new Int32Array(count);
  let synOps = 0;
  for (let k = 0; k < count; k++) {
    const index = first + k;
    net.resetDynamics(true);
    const r = net.present(data.images.subarray(index * 784, (index + 1) * 784), new Rng(streamSeed(seed, stream, index)), false);
    counts.set(r.counts, k * nE);
    if (r.counts2) counts2.set(r.counts2, k * nE2);
    synOps += r.synOps;
    labels[k] = data.labels[index];
    if (onProgress && (k + 1) % 1000 === 0) onProgress(k + 1);
  }
  return { counts, counts2, labels, synOps };
}

/** What a worker of {@link recordActivityThreaded} is given. */
export interface ActivityJob {
  /** Checkpoint of the network. */
  readonly checkpoint: string;
  /** MNIST directory or pickle (default: embedded). */
  readonly mnistPath?: string;
  /** Which split. */
  readonly split: 'train' | 'test';
  /** First image. */
  readonly first: number;
  /** Number of images. */
  readonly count: number;
  /** Run seed of the Poisson input. */
  readonly seed: number;
}

/** The built worker script, when the app runs from `dist/` (tests run the source: no workers). */
function workerScript(): string | undefined {
  const file = join(dirname(fileURLToPath(import.meta.url)), 'activity-worker.js');
  return existsSync(file) ? file : undefined;
}

/**
 * {@link recordActivity} over `count` images split into `threads` contiguous shares, each recorded by a worker
 * thread that loads the checkpoint itself; the counts are the same as one thread's (per-example generators). One
 * thread, or no built worker script (the app run from source), runs in-process.
 */
export async function recordActivityThreaded(job: ActivityJob, threads: number, data: ImageDataset, onProgress?: (done: number) => void): Promise<Activity> {
  const script = workerScript();
  const n = Math.max(1, Math.min(threads, job.count));
  const stream = ACTIVITY_STREAMS[job.split];
  if (n === 1 || script === undefined) {
    const { net } = await loadDiehlCookCheckpoint(job.checkpoint);
    return recordActivity(net, data, job.first, job.count, job.seed, stream, onProgress);
  }
  const bounds = Array.from({ length: n + 1 }, (_, k) => job.first + Math.round((k * job.count) / n));
  let done = 0;
  let reported = 0;
  const parts = await Promise.all(
    Array.from({ length: n }, (_, k) => {
      const share: ActivityJob = { ...job, first: bounds[k], count: bounds[k + 1] - bounds[k] };
      return new Promise<Activity>((resolve, reject) => {
        const worker = new Worker(script, { workerData: share });
        worker.on('message', (m: { progress?: number; result?: Activity }) => {
          if (m.progress) {
            done += m.progress;
            if (onProgress && done - reported >= 1000) {
              reported = done - (done % 1000);
              onProgress(reported);
            }
          }
          if (m.result) resolve(m.result);
        });
        worker.on('error', reject);
        worker.on('exit', (code) => {
          if (code !== 0) reject(new Error(`activity worker ${k} stopped with exit code ${code}`));
        });
      });
    }),
  );
  const join2 = <T extends Float32Array | Int32Array>(make: (size: number) => T, pick: (a: Activity) => T): T => {
    const out = make(parts.reduce((s, p) => s + pick(p).length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(pick(p), at);
      at += pick(p).length;
    }
    return out;
  };
  return {
    counts: join2((size) => new Float32Array(size), (a) => a.counts),
    counts2: join2((size) => new Float32Array(size), (a) => a.counts2),
    labels: join2((size) => new Int32Array(size), (a) => a.labels),
    synOps: parts.reduce((sum, p) => sum + p.synOps, 0),
  };
}

/** File names of the activity written by `diehl-cook test`, inside `<run>/activity/`. */
export const ACTIVITY_FILES = Object.freeze({
  trainCounts: 'train-counts.npy',
  trainCounts2: 'train-counts2.npy',
  trainLabels: 'train-labels.npy',
  testCounts: 'test-counts.npy',
  testCounts2: 'test-counts2.npy',
  testLabels: 'test-labels.npy',
});

/** Options of {@link runDiehlCookTest}. */
export interface DiehlCookTestOptions {
  /** Run directory of a training run (reads `checkpoints/last.safetensors`). */
  readonly runPath: string;
  /** Checkpoint file (default `<run>/checkpoints/last.safetensors`). */
  readonly checkpoint?: string;
  /** Training images used for the assignments. */
  readonly numAssign: number;
  /** Test images. */
  readonly numTest: number;
  /** Seed of the Poisson input. */
  readonly seed: number;
  /** MNIST directory (default: embedded). */
  readonly mnistPath?: string;
  /** Streams. */
  readonly io: AppIo;
  /** No progress lines. */
  readonly quiet: boolean;
  /** Images for tests (default loaded). */
  readonly data?: { readonly train: ImageDataset; readonly test: ImageDataset };
  /** Worker threads for the two passes (default 1; the counts do not depend on it). */
  readonly threads?: number;
  /** Device power for the seed's energy estimate, TDP × time, W (default {@link SEED_TDP_WATTS}). */
  readonly tdpWatts?: number;
}

/** What {@link runDiehlCookTest} measured. */
export interface DiehlCookTestResult {
  /** Wall time per example of both passes, ms. */
  readonly msPerExample: number;
  /** The activity directory. */
  readonly dir: string;
  /** Mean synaptic operations per test image (frozen network). */
  readonly synOpsPerTestImage: number;
  /** Energy per test image by the synaptic-operation model, SynOps × 0.9 pJ, J. */
  readonly energyPerTestImageJ: number;
  /** The seed's estimate per test image: TDP × the test pass's wall time ÷ test images, J. */
  readonly tdpEnergyPerTestImageJ: number;
  /** The TDP used, W. */
  readonly tdpWatts: number;
}

/**
 * Runs the frozen network over `numAssign` training images and `numTest` test images and writes the spike counts
 * and labels as `.npy` files to `<run>/activity/`; the energy per test image, by SynOps × 0.9 pJ and by the seed's
 * TDP × time, goes to the run's manifest (`test_synops_per_image`, `test_energy_per_image_j`,
 * `test_tdp_energy_per_image_j`, `tdpWatts`) when it has one.
 */
export async function runDiehlCookTest(options: DiehlCookTestOptions): Promise<DiehlCookTestResult> {
  const checkpoint = options.checkpoint ?? join(options.runPath, 'checkpoints', 'last.safetensors');
  const { net } = await loadDiehlCookCheckpoint(checkpoint);
  const train = options.data?.train ?? loadMnistSplit('train', options.mnistPath);
  const test = options.data?.test ?? loadMnistSplit('test', options.mnistPath);
  const numAssign = Math.min(options.numAssign, train.count);
  const numTest = Math.min(options.numTest, test.count);
  const dir = join(options.runPath, 'activity');
  mkdirSync(dir, { recursive: true });
  const say = (what: string) => (done: number) => {
    if (!options.quiet) options.io.stderr.write(`${what}: ${done} examples\n`);
  };
  const t0 = performance.now();
  const threads = options.threads ?? 1;
  const job = { checkpoint, ...(options.mnistPath ? { mnistPath: options.mnistPath } : {}), first: 0, seed: options.seed };
  const a = await recordActivityThreaded({ ...job, split: 'train', count: numAssign }, threads, train, say('assignment set (train)'));
  const t1 = performance.now();
  const b = await recordActivityThreaded({ ...job, split: 'test', count: numTest }, threads, test, say('test set'));
  const t2 = performance.now();
  const msPerExample = (t2 - t0) / Math.max(1, numAssign + numTest);
  const tdp = options.tdpWatts ?? SEED_TDP_WATTS;
  const synOpsPerTestImage = b.synOps / Math.max(1, numTest);
  const energy = {
    synOpsPerTestImage,
    energyPerTestImageJ: snnEnergyJoules(synOpsPerTestImage),
    tdpEnergyPerTestImageJ: (tdpEnergyWh(tdp, (t2 - t1) / 1000) * 3600) / Math.max(1, numTest),
    tdpWatts: tdp,
  };
  const nE = net.settings.nE;
  const nE2 = net.settings.nE2;
  await saveNpy(join(dir, ACTIVITY_FILES.trainCounts), { data: a.counts, shape: [numAssign, nE] });
  await saveNpy(join(dir, ACTIVITY_FILES.trainLabels), { data: a.labels, shape: [numAssign] });
  await saveNpy(join(dir, ACTIVITY_FILES.testCounts), { data: b.counts, shape: [numTest, nE] });
  await saveNpy(join(dir, ACTIVITY_FILES.testLabels), { data: b.labels, shape: [numTest] });
  if (nE2 > 0) {
    await saveNpy(join(dir, ACTIVITY_FILES.trainCounts2), { data: a.counts2, shape: [numAssign, nE2] });
    await saveNpy(join(dir, ACTIVITY_FILES.testCounts2), { data: b.counts2, shape: [numTest, nE2] });
  }
  if (existsSync(join(options.runPath, 'manifest.json'))) {
    await updateManifest(options.runPath, {
      metrics: {
        test_synops_per_image: energy.synOpsPerTestImage,
        test_energy_per_image_j: energy.energyPerTestImageJ,
        test_tdp_energy_per_image_j: energy.tdpEnergyPerTestImageJ,
        tdpWatts: tdp,
      },
    });
  }
  return { msPerExample, dir, ...energy };
}

/** Reads the activity written by {@link runDiehlCookTest}. */
export async function readActivity(runPath: string, split: 'train' | 'test', layer: 1 | 2 = 1): Promise<{ counts: Float32Array; labels: Int32Array; nNeurons: number }> {
  const dir = join(runPath, 'activity');
  const countsFile = split === 'train' ? (layer === 1 ? ACTIVITY_FILES.trainCounts : ACTIVITY_FILES.trainCounts2) : layer === 1 ? ACTIVITY_FILES.testCounts : ACTIVITY_FILES.testCounts2;
  const labelsFile = split === 'train' ? ACTIVITY_FILES.trainLabels : ACTIVITY_FILES.testLabels;
  const counts = await loadNpy(join(dir, countsFile));
  const labels = await loadNpy(join(dir, labelsFile));
  return { counts: Float32Array.from(counts.data as ArrayLike<number>), labels: Int32Array.from(labels.data as ArrayLike<number>), nNeurons: counts.shape[1] };
}
