import { type Rng, ValidationError, describeValue } from '@snn/core';
import { groupByClass } from './stratified.js';

/** One fold of a K-fold split: the samples to train on and the held-out samples to test on, each sorted ascending. */
export interface Fold {
  /** Indices of the training samples (every sample not in `test`), ascending. */
  readonly train: Uint32Array;
  /** Indices of the held-out samples, ascending. */
  readonly test: Uint32Array;
}

function checkK(n: number, k: number): void {
  if (!Number.isInteger(n) || n < 2) {
    throw new ValidationError('too few samples for K-fold', { field: 'n', expected: 'an integer >= 2', found: describeValue(n) });
  }
  if (!Number.isInteger(k) || k < 2 || k > n) {
    throw new ValidationError('invalid number of folds', { field: 'k', expected: `an integer in [2, ${n}]`, found: describeValue(k) });
  }
}

function foldsFromAssignment(assign: Uint32Array, k: number): Fold[] {
  const sizes = new Uint32Array(k);
  for (const f of assign) sizes[f]++;
  const n = assign.length;
  const folds: Fold[] = [];
  for (let f = 0; f < k; f++) {
    const test = new Uint32Array(sizes[f]);
    const train = new Uint32Array(n - sizes[f]);
    let a = 0;
    let b = 0;
    for (let i = 0; i < n; i++) {
      if (assign[i] === f) test[a++] = i;
      else train[b++] = i;
    }
    folds.push({ train, test });
  }
  return folds;
}

/**
 * Splits `n` samples into `k` folds at random; each sample is in exactly one test fold.
 *
 * @remarks
 * A seeded permutation is cut into `k` consecutive parts; the first `n mod k`
 * parts get `⌈n/k⌉` samples, the rest `⌊n/k⌋`.
 *
 * @param n - number of samples, ≥ 2
 * @param k - number of folds, an integer in [2, n]
 * @param rng - seeded generator
 * @returns `k` folds, each with sorted `train` and `test` indices
 * @throws ValidationError when `k` is outside [2, n]
 *
 * @example
 * ```ts
 * const folds = kFold(10, 3, new Rng(0)); // test sizes 4, 3, 3
 * ```
 */
export function kFold(n: number, k: number, rng: Rng): Fold[] {
  checkK(n, k);
  const perm = rng.permutation(n);
  const assign = new Uint32Array(n);
  const base = Math.floor(n / k);
  const extra = n % k;
  let pos = 0;
  for (let f = 0; f < k; f++) {
    const size = base + (f < extra ? 1 : 0);
    for (let j = 0; j < size; j++) assign[perm[pos++]] = f;
  }
  return foldsFromAssignment(assign, k);
}

/**
 * K-fold split that keeps class proportions: every fold gets about `1/k` of each class.
 *
 * @remarks
 * Classes are taken in ascending label order; each class's samples are
 * shuffled and dealt to the folds in turn, continuing where the previous class
 * stopped, so fold sizes differ by at most one and each class's count per fold
 * differs by at most one between folds.
 *
 * @param labels - class label of every sample (integers)
 * @param k - number of folds, an integer in [2, labels.length]
 * @param rng - seeded generator
 * @throws ValidationError when `k` is outside [2, n] or a label is not an integer
 */
export function stratifiedKFold(labels: ArrayLike<number>, k: number, rng: Rng): Fold[] {
  checkK(labels.length, k);
  const { members } = groupByClass(labels);
  const assign = new Uint32Array(labels.length);
  let next = 0;
  for (const m of members) {
    const perm = rng.permutation(m.length);
    for (let j = 0; j < m.length; j++) {
      assign[m[perm[j]]] = next;
      next = (next + 1) % k;
    }
  }
  return foldsFromAssignment(assign, k);
}
