import { ValidationError, describeValue } from '@snn/core';
import type { SpikingDataset } from './dataset.js';

/**
 * The samples `indices` of a dataset, in that order (a fold, a validation split, a subset).
 *
 * @param dataset - the dataset
 * @param indices - sample indices (repeats allowed), each in [0, count)
 * @returns a new dataset with the same input size, duration and time unit
 * @throws ValidationError naming the position of an index out of range
 * @example
 * ```ts
 * const { train, test } = stratifiedKFold(ds.labels, 10, new Rng(0))[0];
 * const held = selectSpikingSamples(ds, test);
 * ```
 */
export function selectSpikingSamples(dataset: SpikingDataset, indices: ArrayLike<number>): SpikingDataset {
  const count = indices.length;
  const offsets = new Uint32Array(count + 1);
  const labels = new Uint16Array(count);
  for (let k = 0; k < count; k++) {
    const s = indices[k];
    if (!Number.isInteger(s) || s < 0 || s >= dataset.count) {
      throw new ValidationError('sample index out of range', { field: `indices[${k}]`, expected: `an integer in [0, ${dataset.count - 1}]`, found: describeValue(s) });
    }
    labels[k] = dataset.labels[s];
    offsets[k + 1] = offsets[k] + dataset.offsets[s + 1] - dataset.offsets[s];
  }
  const spikeIndices = new Uint32Array(offsets[count]);
  const times = new Float32Array(offsets[count]);
  for (let k = 0; k < count; k++) {
    const s = indices[k];
    spikeIndices.set(dataset.indices.subarray(dataset.offsets[s], dataset.offsets[s + 1]), offsets[k]);
    times.set(dataset.times.subarray(dataset.offsets[s], dataset.offsets[s + 1]), offsets[k]);
  }
  return { count, inputSize: dataset.inputSize, duration: dataset.duration, timeUnit: dataset.timeUnit, labels, offsets, indices: spikeIndices, times };
}
