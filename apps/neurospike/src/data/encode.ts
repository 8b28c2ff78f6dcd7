import type { Rng, SparseSpikes, Tensor } from '@snn/core';
import type { ImageDataset } from '@snn/datasets';
import { imagesToTensor } from '@snn/datasets';
import { latencySparse, rateSparse } from '@snn/encoding';
import type { BpttBatch } from '@snn/learning';
import { shiftImages } from '../augment/shift.js';
import type { NeuroSpikeConfig } from '../config/schema.js';

/** What the encoder needs from a config: the encoding section and the number of steps. */
export interface EncodingSettings {
  /** The `encoding` section. */
  readonly encoding: NeuroSpikeConfig['encoding'];
  /** Number of time steps T (`model.num_steps`). */
  readonly numSteps: number;
}

/**
 * Encodes images as spike trains: Bernoulli rate coding (`p = clamp(gain·x, 0, 1)` per step) or
 * latency coding (one spike per pixel at `τ·(1 − x)` or `τ·ln(x/(x − θ))`), from @snn/encoding.
 *
 * @param images - `[B, 784]` (or `[B, 28, 28]`), values in [0, 1]
 * @param settings - encoding section and T
 * @param rng - draws of rate coding (latency coding draws nothing)
 * @returns sparse spikes `[B, T, 784]`
 */
export function encodeImages(images: Tensor, settings: EncodingSettings, rng: Rng): SparseSpikes {
  const e = settings.encoding;
  if (e.type === 'rate') return rateSparse(images, { numSteps: settings.numSteps, gain: e.gain, rng });
  return latencySparse(images, {
    numSteps: settings.numSteps,
    tau: e.tau,
    threshold: e.threshold,
    linear: e.linear,
    normalize: e.normalize,
    clip: e.clip,
    firstSpikeTime: e.first_spike_time,
    scope: e.scope,
  });
}

/** One encoded batch, with the dataset indices it holds. */
export interface EncodedBatch extends BpttBatch {
  /** Dataset index of each sample of the batch. */
  readonly indices: Uint32Array;
  /** Class per sample. */
  readonly labels: Int32Array;
}

/**
 * Encodes a dataset batch by batch, in the given order, drawing from one generator in sequence
 * (so the spikes depend on the order and the generator only, not on the batch size of rate coding).
 *
 * @param dataset - the images
 * @param order - dataset indices in the order to visit
 * @param batchSize - samples per batch (the last batch may be smaller)
 * @param settings - encoding section and T
 * @param rng - the stream's generator
 * @param maxShift - random shift of each image by up to this many pixels before encoding (augmentation; drawn from `rng`); default 0
 */
export function* encodedBatches(
  dataset: ImageDataset,
  order: Uint32Array,
  batchSize: number,
  settings: EncodingSettings,
  rng: Rng,
  maxShift = 0,
): Generator<EncodedBatch> {
  for (let start = 0; start < order.length; start += batchSize) {
    const indices = order.subarray(start, Math.min(order.length, start + batchSize));
    const images = shiftImages(imagesToTensor(dataset, indices), dataset.cols, maxShift, rng);
    const labels = new Int32Array(indices.length);
    for (let k = 0; k < indices.length; k++) labels[k] = dataset.labels[indices[k]];
    yield { spikes: encodeImages(images, settings, rng), labels, indices };
  }
}

/** The indices `0 … n − 1` in order. */
export function identityOrder(n: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}
