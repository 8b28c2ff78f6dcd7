import { ShapeError, type SparseSpikes } from '@snn/core';
import type { DenseLayer } from './dense.js';

/**
 * Dense forward pass (reference): `out[b] = x[b]·W + bias (+ x[b] when residual)`.
 *
 * @remarks
 * Plain loops, row-major, the specification the gpu.js kernel
 * ({@link denseKernel}) and the event-driven path ({@link denseForwardEvents})
 * are tested against. Loop order b, i, j keeps the inner loop on one
 * contiguous weight row.
 *
 * @param x - inputs `[batch, inSize]` row-major (e.g. spikes as 0/1, or currents)
 * @param batch - number of rows of `x`
 * @param layer - see {@link DenseLayer}
 * @returns currents `[batch, outSize]` row-major
 * @throws `ShapeError` when `x.length` is not `batch × inSize`
 * @example
 * ```ts
 * const layer = createDense(2, 3, new Rng(0));
 * const out = denseForward(new Float32Array([1, 0]), 1, layer); // row 0 of W plus the bias
 * ```
 */
export function denseForward(x: Float32Array, batch: number, layer: DenseLayer): Float32Array {
  const { inSize, outSize, weight, bias, residual } = layer;
  if (x.length !== batch * inSize) {
    throw new ShapeError('input length does not match batch × inSize', {
      field: 'x',
      expected: `${batch * inSize} (${batch} × ${inSize})`,
      found: `${x.length}`,
    });
  }
  const out = new Float32Array(batch * outSize);
  const acc = new Float64Array(outSize);
  for (let b = 0; b < batch; b++) {
    acc.set(bias);
    for (let i = 0; i < inSize; i++) {
      const xi = x[b * inSize + i];
      if (xi === 0) continue;
      const row = i * outSize;
      for (let j = 0; j < outSize; j++) acc[j] += xi * weight[row + j];
    }
    if (residual) for (let j = 0; j < outSize; j++) acc[j] += x[b * inSize + j];
    out.set(acc, b * outSize);
  }
  return out;
}

/**
 * Event-driven dense forward pass over spike trains: for each (sample, step)
 * row, the bias plus the weight rows of the inputs that spiked.
 *
 * @remarks
 * Equal to {@link denseForward} applied to the dense 0/1 spikes, but the work
 * is `(number of spikes) × outSize` instead of `rows × inSize × outSize`:
 * `out[r] = bias + Σ_{i ∈ active(r)} W[i, :]` (+ the 0/1 spikes when residual).
 *
 * @param spikes - `SparseSpikes` with `size === layer.inSize`
 * @param layer - see {@link DenseLayer}
 * @returns currents `[batch · numSteps, outSize]` row-major (row `b·T + t`)
 * @throws `ShapeError` when the spike size differs from `layer.inSize`
 * @example
 * ```ts
 * const spikes = denseToSparse(tensor([1, 0, 0, 1], [1, 2, 2])); // 1 sample, 2 steps, 2 inputs
 * const currents = denseForwardEvents(spikes, createDense(2, 4, new Rng(1)));
 * ```
 */
export function denseForwardEvents(spikes: SparseSpikes, layer: DenseLayer): Float32Array {
  const { inSize, outSize, weight, bias, residual } = layer;
  if (spikes.size !== inSize) {
    throw new ShapeError('spike size does not match the layer input size', {
      field: 'spikes.size',
      expected: `${inSize}`,
      found: `${spikes.size}`,
    });
  }
  const rows = spikes.batch * spikes.numSteps;
  const out = new Float32Array(rows * outSize);
  const acc = new Float64Array(outSize);
  const { offsets, indices } = spikes;
  for (let r = 0; r < rows; r++) {
    acc.set(bias);
    for (let k = offsets[r]; k < offsets[r + 1]; k++) {
      const row = indices[k] * outSize;
      for (let j = 0; j < outSize; j++) acc[j] += weight[row + j];
      if (residual) acc[indices[k]] += 1;
    }
    out.set(acc, r * outSize);
  }
  return out;
}
