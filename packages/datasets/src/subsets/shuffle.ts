import { type Rng, ValidationError, describeValue } from '@snn/core';

/**
 * A seeded random permutation of `0 … n−1` (Fisher–Yates, `rng.permutation(n)`).
 * @param n - number of samples, an integer ≥ 0
 * @param rng - seeded generator
 * @throws ValidationError when `n` is not a non-negative integer
 */
export function shuffledIndices(n: number, rng: Rng): Uint32Array {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
    throw new ValidationError('invalid sample count', { field: 'n', expected: 'an integer >= 0', found: describeValue(n) });
  }
  return rng.permutation(n);
}

/** Options of {@link batches}. */
export interface BatchOptions {
  /** Drop a last batch smaller than `batchSize`; default false. */
  readonly dropLast?: boolean;
}

/**
 * Cuts a list of sample indices into consecutive batches of `batchSize`.
 *
 * @param indices - sample order, e.g. from {@link shuffledIndices}
 * @param batchSize - samples per batch, a positive integer
 * @param options - `dropLast` (default false: the last batch may be smaller)
 * @returns one `Uint32Array` per batch (views when `indices` is a `Uint32Array`)
 * @throws ValidationError when `batchSize` is not a positive integer
 *
 * @example
 * ```ts
 * const rng = new Rng(0);
 * for (const batch of batches(shuffledIndices(10, rng), 4)) console.log(batch.length); // 4, 4, 2
 * ```
 */
export function batches(indices: ArrayLike<number>, batchSize: number, options: BatchOptions = {}): Uint32Array[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ValidationError('invalid batch size', { field: 'batchSize', expected: 'a positive integer', found: describeValue(batchSize) });
  }
  const all = indices instanceof Uint32Array ? indices : Uint32Array.from(indices);
  const out: Uint32Array[] = [];
  for (let start = 0; start < all.length; start += batchSize) {
    const end = Math.min(all.length, start + batchSize);
    if (end - start < batchSize && options.dropLast) break;
    out.push(all.subarray(start, end));
  }
  return out;
}
