import { ShapeError } from '@snn/core';

/**
 * Checks the shapes of a recurrent-current call and returns the batch size.
 * @throws `ShapeError` when the lengths do not fit together
 */
export function checkRecurrentShapes(current: Float32Array, prevSpikes: Float32Array, weight: Float32Array, size: number): number {
  if (!Number.isInteger(size) || size < 1) {
    throw new ShapeError('invalid recurrent layer size', { field: 'size', expected: 'a positive integer', found: String(size) });
  }
  if (weight.length !== size * size) {
    throw new ShapeError('recurrent weight length does not match size × size', {
      field: 'weight',
      expected: `${size * size} (${size} × ${size})`,
      found: `${weight.length}`,
    });
  }
  if (current.length % size !== 0) {
    throw new ShapeError('current length is not a multiple of size', { field: 'current', expected: `a multiple of ${size}`, found: `${current.length}` });
  }
  if (prevSpikes.length !== current.length) {
    throw new ShapeError('previous spikes and current differ in size', {
      field: 'prevSpikes',
      expected: `${current.length} values`,
      found: `${prevSpikes.length}`,
    });
  }
  return current.length / size;
}

/**
 * Recurrent current of a spiking layer (reference): `out[b] = current[b] + z[b]·W_rec`.
 *
 * @remarks
 * `I[t] = I_ff[t] + W_recᵀ·z[t−1]`, i.e. `out[b][j] = current[b][j] + Σ_i
 * z[t−1][b][i]·W_rec[i][j]` with `W_rec` stored `[from, to]` row-major (the
 * same layout as the dense weights). The recurrent synapses of a recurrent
 * SNN, e.g. the LSNN of Bellec et al. (2018), "Long short-term memory and
 * learning-to-learn in networks of spiking neurons", NeurIPS 31. Plain
 * loops: the specification that {@link recurrentCurrentEvents} and
 * {@link recurrentKernel} are tested against.
 *
 * @param current - feed-forward current I_ff[t], `[batch, size]` row-major
 * @param prevSpikes - the layer's own spikes z[t−1], `[batch, size]` (0/1)
 * @param weight - W_rec `[size, size]` row-major, `[from, to]`
 * @param size - number of neurons in the layer
 * @returns the total current `[batch, size]`
 * @throws `ShapeError` when the lengths do not fit together
 * @example
 * ```ts
 * const out = recurrentCurrent(new Float32Array([0.5, 0]), new Float32Array([1, 0]), new Float32Array([0, 2, 0, 0]), 2);
 * // out = [0.5, 2]
 * ```
 */
export function recurrentCurrent(current: Float32Array, prevSpikes: Float32Array, weight: Float32Array, size: number): Float32Array {
  const batch = checkRecurrentShapes(current, prevSpikes, weight, size);
  const out = new Float32Array(current.length);
  const acc = new Float64Array(size);
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < size; j++) acc[j] = current[b * size + j];
    for (let i = 0; i < size; i++) {
      const z = prevSpikes[b * size + i];
      for (let j = 0; j < size; j++) acc[j] += z * weight[i * size + j];
    }
    out.set(acc, b * size);
  }
  return out;
}

/**
 * Event-driven recurrent current: adds only the weight rows of the neurons that spiked at t−1.
 *
 * @remarks
 * Equal to {@link recurrentCurrent} for 0/1 spikes, with `(spikes) × size`
 * work instead of `size²` per sample: `out[b] = current[b] + Σ_{i: z[b][i] ≠ 0}
 * z[b][i]·W_rec[i, :]`.
 *
 * @param current - feed-forward current `[batch, size]`
 * @param prevSpikes - spikes z[t−1] `[batch, size]`
 * @param weight - W_rec `[size, size]`, `[from, to]`
 * @param size - number of neurons
 * @throws `ShapeError` when the lengths do not fit together
 * @example
 * ```ts
 * const out = recurrentCurrentEvents(current, spikes, wRec, 128);
 * ```
 */
export function recurrentCurrentEvents(current: Float32Array, prevSpikes: Float32Array, weight: Float32Array, size: number): Float32Array {
  const batch = checkRecurrentShapes(current, prevSpikes, weight, size);
  const out = current.slice();
  for (let b = 0; b < batch; b++) {
    const o = b * size;
    for (let i = 0; i < size; i++) {
      const z = prevSpikes[o + i];
      if (z === 0) continue;
      const row = i * size;
      for (let j = 0; j < size; j++) out[o + j] += z * weight[row + j];
    }
  }
  return out;
}
