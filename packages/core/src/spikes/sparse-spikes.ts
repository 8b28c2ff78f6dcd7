import { ShapeError } from '../errors/errors.js';
import { shapeSize, type Tensor } from '../tensor/tensor.js';

/**
 * Binary spike trains stored sparsely: for every (sample, time step) the list
 * of input indices that spiked, in compressed-row form.
 *
 * @remarks
 * Row `r = b * numSteps + t` holds the active indices
 * `indices[offsets[r] .. offsets[r + 1])`, ascending. This is what the
 * event-driven paths consume: a layer touches only the weight rows of inputs
 * that spiked, so the work scales with the number of spikes, not with
 * `batch × numSteps × size`.
 */
export interface SparseSpikes {
  /** Number of samples. */
  readonly batch: number;
  /** Number of time steps per sample. */
  readonly numSteps: number;
  /** Number of inputs (neurons) per time step, e.g. 784 for MNIST pixels. */
  readonly size: number;
  /** Row starts into `indices`; length `batch * numSteps + 1`. */
  readonly offsets: Uint32Array;
  /** Active input indices, row after row, ascending within a row. */
  readonly indices: Uint32Array;
}

/**
 * Converts a dense binary spike tensor `[batch, T, ...]` into {@link SparseSpikes}.
 * Any non-zero value counts as a spike.
 * @throws {@link ShapeError} when the tensor has fewer than 3 dimensions
 */
export function denseToSparse(spikes: Tensor): SparseSpikes {
  if (spikes.shape.length < 3) {
    throw new ShapeError('spike tensor needs a batch, a time and at least one input dimension', {
      field: 'spikes',
      expected: '[batch, T, ...]',
      found: `[${spikes.shape.join(', ')}]`,
    });
  }
  const [batch, numSteps] = spikes.shape as [number, number];
  const size = shapeSize(spikes.shape.slice(2));
  const rows = batch * numSteps;
  const offsets = new Uint32Array(rows + 1);
  let count = 0;
  for (let i = 0; i < spikes.data.length; i++) if (spikes.data[i] !== 0) count++;
  const indices = new Uint32Array(count);
  let k = 0;
  for (let r = 0; r < rows; r++) {
    offsets[r] = k;
    const base = r * size;
    for (let i = 0; i < size; i++) if (spikes.data[base + i] !== 0) indices[k++] = i;
  }
  offsets[rows] = k;
  return { batch, numSteps, size, offsets, indices };
}

/** Converts {@link SparseSpikes} back to a dense 0/1 tensor of shape `[batch, T, size]`. */
export function sparseToDense(spikes: SparseSpikes): Tensor {
  const { batch, numSteps, size, offsets, indices } = spikes;
  const data = new Float32Array(batch * numSteps * size);
  for (let r = 0; r < batch * numSteps; r++) {
    for (let k = offsets[r]; k < offsets[r + 1]; k++) data[r * size + indices[k]] = 1;
  }
  return { data, shape: [batch, numSteps, size] };
}
