import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@snn/core';
import { loadNpy, saveNpy } from '@snn/core/node';
import type { ImageDataset } from '@snn/datasets';
import type { AppIo } from '../app/io.js';
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
}

/**
 * Presents `count` images to the network in test mode (weights and θ frozen) and records the spike counts.
 *
 * @param net - the trained network (its dynamics are reset first; θ and weights are kept)
 * @param data - images
 * @param count - how many (the first `count`)
 * @param rng - Poisson input generator
 */
export function recordActivity(net: DiehlCookNetwork, data: ImageDataset, count: number, rng: Rng, onProgress?: (done: number) => void): Activity {
  const nE = net.settings.nE;
  const nE2 = net.settings.nE2;
  net.resetDynamics(true);
  const counts = new Float32Array(count * nE);
  const counts2 = new Float32Array(count * nE2);
  const labels = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const r = net.present(data.images.subarray(k * 784, (k + 1) * 784), rng, false);
    counts.set(r.counts, k * nE);
    if (r.counts2) counts2.set(r.counts2, k * nE2);
    labels[k] = data.labels[k];
    if (onProgress && (k + 1) % 1000 === 0) onProgress(k + 1);
  }
  return { counts, counts2, labels };
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
}

/**
 * Runs the frozen network over `numAssign` training images and `numTest` test images and writes the spike counts
 * and labels as `.npy` files to `<run>/activity/`.
 * @returns wall time per example, ms
 */
export async function runDiehlCookTest(options: DiehlCookTestOptions): Promise<{ msPerExample: number; dir: string }> {
  const checkpoint = options.checkpoint ?? join(options.runPath, 'checkpoints', 'last.safetensors');
  const { net } = await loadDiehlCookCheckpoint(checkpoint);
  const train = options.data?.train ?? loadMnistSplit('train', options.mnistPath);
  const test = options.data?.test ?? loadMnistSplit('test', options.mnistPath);
  const numAssign = Math.min(options.numAssign, train.count);
  const numTest = Math.min(options.numTest, test.count);
  const rng = new Rng(options.seed);
  const dir = join(options.runPath, 'activity');
  mkdirSync(dir, { recursive: true });
  const say = (what: string) => (done: number) => {
    if (!options.quiet) options.io.stderr.write(`${what}: ${done} examples\n`);
  };
  const t0 = performance.now();
  const a = recordActivity(net, train, numAssign, rng, say('assignment set (train)'));
  const b = recordActivity(net, test, numTest, rng, say('test set'));
  const msPerExample = (performance.now() - t0) / Math.max(1, numAssign + numTest);
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
  return { msPerExample, dir };
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
