import { Rng, ValidationError, describeValue } from '@snn/core';
import type { ImageDataset } from '../api.js';
import { subsetDataset } from '../image-dataset/image-dataset.js';
import { stratifiedSample } from './stratified.js';

/** Options of {@link validationSplit}: the size of the validation part (a fraction or a count) and the seed. */
export interface ValidationSplitOptions {
  /** Fraction of the samples to hold out, in (0, 1); give this or `count`. */
  readonly fraction?: number;
  /** Number of samples to hold out, an integer in [1, n − 1]; give this or `fraction`. */
  readonly count?: number;
  /** Seed of the random choice within each class (any integer). */
  readonly seed: number;
}

/** The result of {@link validationSplit}: two disjoint datasets and the indices they came from. */
export interface ValidationSplit {
  /** The samples kept for training, in their original order. */
  readonly train: ImageDataset;
  /** The held-out samples, in their original order. */
  readonly validation: ImageDataset;
  /** Indices into the source dataset of `train`, ascending. */
  readonly trainIndices: Uint32Array;
  /** Indices into the source dataset of `validation`, ascending. */
  readonly validationIndices: Uint32Array;
}

/**
 * Holds out a class-stratified random part of a dataset for validation (MNIST or Fashion-MNIST alike).
 *
 * @remarks
 * The validation size is `count`, or `round(n · fraction)`. Class `c` with
 * `n_c` samples contributes the floor or ceiling of `n_c · size / n`
 * (largest remainder), chosen uniformly within the class by `new Rng(seed)`.
 * Both parts keep the source order; together they cover the dataset exactly once.
 *
 * @param dataset - the dataset to split
 * @param options - `fraction` or `count`, and `seed`
 * @throws ValidationError when neither or both of `fraction`/`count` are given, or the size is not in [1, n − 1]
 *
 * @example
 * ```ts
 * const { train, validation } = validationSplit(loadMnist({ split: 'train' }), { count: 5000, seed: 1 });
 * train.count; // 55000
 * ```
 */
export function validationSplit(dataset: ImageDataset, options: ValidationSplitOptions): ValidationSplit {
  const n = dataset.count;
  const { fraction, count, seed } = options;
  if ((fraction === undefined) === (count === undefined)) {
    throw new ValidationError('give exactly one of fraction and count', {
      field: 'fraction',
      expected: 'either fraction or count',
      found: `fraction ${describeValue(fraction)}, count ${describeValue(count)}`,
    });
  }
  let size: number;
  if (fraction !== undefined) {
    if (typeof fraction !== 'number' || !(fraction > 0 && fraction < 1)) {
      throw new ValidationError('invalid validation fraction', { field: 'fraction', expected: 'a number in (0, 1)', found: describeValue(fraction) });
    }
    size = Math.round(n * fraction);
  } else {
    size = count as number;
  }
  if (!Number.isInteger(size) || size < 1 || size > n - 1) {
    throw new ValidationError('invalid validation size', {
      field: fraction !== undefined ? 'fraction' : 'count',
      expected: `a validation size in [1, ${n - 1}] for ${n} samples`,
      found: fraction !== undefined ? `${fraction} (${size} samples)` : describeValue(count),
    });
  }
  const validationIndices = stratifiedSample(dataset.labels, size, new Rng(seed));
  const trainIndices = new Uint32Array(n - size);
  let v = 0;
  let t = 0;
  for (let i = 0; i < n; i++) {
    if (v < size && validationIndices[v] === i) v++;
    else trainIndices[t++] = i;
  }
  return {
    train: subsetDataset(dataset, trainIndices),
    validation: subsetDataset(dataset, validationIndices),
    trainIndices,
    validationIndices,
  };
}
