import { Rng, type SparseSpikes } from '@snn/core';

/** Test input: `B·T` rows of Bernoulli(p) spikes over `size` inputs, from a seeded generator (not exported by the package). */
export function spikesOf(seed: number, B: number, T: number, size: number, p: number): SparseSpikes {
  const rng = new Rng(seed);
  const offsets = [0];
  const indices: number[] = [];
  for (let r = 0; r < B * T; r++) {
    for (let i = 0; i < size; i++) if (rng.uniform() < p) indices.push(i);
    offsets.push(indices.length);
  }
  return { batch: B, numSteps: T, size, offsets: Uint32Array.from(offsets), indices: Uint32Array.from(indices) };
}

/** The largest absolute value of an array (0 when empty). */
export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) m = Math.max(m, Math.abs(values[i]));
  return m;
}
