import type { Rng, SparseSpikes, Tensor } from '@snn/core';
import { type ImageDataset, imagesToTensor } from '@snn/datasets';
import { periodicSparse, rateSparse } from '@snn/encoding';
import type { ImageClassificationConfig } from '../config/schema.js';

/** What the encoder needs from a config: the encoding section and the number of steps. */
export interface EncodingSettings {
  /** The `encoding` section. */
  readonly encoding: ImageClassificationConfig['encoding'];
  /** Number of time steps T (`model.num_steps`). */
  readonly numSteps: number;
}

/**
 * The encoding settings of a config.
 *
 * @param config - the run config
 */
export function encodingSettings(config: Pick<ImageClassificationConfig, 'encoding' | 'model'>): EncodingSettings {
  return { encoding: config.encoding, numSteps: config.model.num_steps };
}

/**
 * Encodes images as spike trains: Bernoulli rate coding (`p = gain·x` per step, the default) or,
 * with `encoding.periodic`, a periodic code: each pixel fires regularly with a period that shrinks
 * as the pixel brightens (`P(x) = round(P_max − (P_max − P_min)·x)`, first spike at `P − 1`;
 * `periodicSparse` of @snn/encoding), no random draws. Neither is the seed's input (a latency code
 * from the first-firing time `τ·ln(x/(x − 0.2))`; README "The model").
 *
 * @param images - `[B, 784]` (or `[B, 28, 28]`), values in [0, 1]
 * @param settings - encoding section and T
 * @param rng - draws of rate coding (periodic coding draws nothing)
 * @returns sparse spikes `[B, T, 784]`
 */
export function encodeImages(images: Tensor, settings: EncodingSettings, rng: Rng): SparseSpikes {
  const e = settings.encoding;
  if (e.periodic) return periodicSparse(images, { numSteps: settings.numSteps, minPeriod: Math.min(e.min_period, settings.numSteps), maxPeriod: Math.min(e.max_period ?? settings.numSteps, settings.numSteps) });
  return rateSparse(images, { numSteps: settings.numSteps, gain: e.gain, rng });
}

/** One encoded batch, with the dataset indices it holds. */
export interface EncodedBatch {
  /** Input spikes `[B, T, 784]`. */
  readonly spikes: SparseSpikes;
  /** Class per sample. */
  readonly labels: Int32Array;
  /** Dataset index of each sample of the batch. */
  readonly indices: Uint32Array;
}

/**
 * Encodes a dataset batch by batch, in the given order, drawing from one generator in sequence.
 *
 * @param dataset - the images
 * @param order - dataset indices in the order to visit
 * @param batchSize - samples per batch (the last batch may be smaller)
 * @param settings - encoding section and T
 * @param rng - the stream's generator
 */
export function* encodedBatches(dataset: ImageDataset, order: Uint32Array, batchSize: number, settings: EncodingSettings, rng: Rng): Generator<EncodedBatch> {
  for (let start = 0; start < order.length; start += batchSize) {
    const indices = order.subarray(start, Math.min(order.length, start + batchSize));
    const labels = new Int32Array(indices.length);
    for (let k = 0; k < indices.length; k++) labels[k] = dataset.labels[indices[k]];
    yield { spikes: encodeImages(imagesToTensor(dataset, indices), settings, rng), labels, indices };
  }
}

/**
 * The indices `0 … n − 1` in order.
 *
 * @param n - count
 */
export function identityOrder(n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}
