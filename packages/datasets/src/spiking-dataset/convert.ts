import { type SparseSpikes, ShapeError, ValidationError, describeValue } from '@snn/core';
import { type SpikingDataset, createSpikingDataset } from './dataset.js';

/** Options of {@link spikingDatasetToSparse}. */
export interface ToSparseOptions {
  /** Number of time steps T to bin the window `[0, duration]` into; a positive integer. */
  readonly numSteps: number;
  /** Which samples, in this order (default: all). */
  readonly samples?: ArrayLike<number>;
}

/** Relative slack that moves a time just below a step boundary (by float32 rounding) into the later step. */
const BIN_SLACK = 2 ** -20;

/**
 * Step of a spike time when `[0, duration]` is cut into `numSteps` equal steps:
 * `min(numSteps − 1, ⌊time · numSteps / duration · (1 + 2⁻²⁰)⌋)`.
 *
 * @remarks
 * Step `t` covers `[t · dt, (t + 1) · dt)` with `dt = duration / numSteps`;
 * a spike at exactly `duration` falls in the last step. The factor
 * `1 + 2⁻²⁰` (about 16 float32 ulps) absorbs the rounding of times stored
 * as float32 `t · dt`, so {@link sparseToSpikingDataset} followed by this
 * binning gives back the same steps.
 */
export function timeToStep(time: number, duration: number, numSteps: number): number {
  return Math.min(numSteps - 1, Math.floor(((time * numSteps) / duration) * (1 + BIN_SLACK)));
}

/**
 * Bins the continuous spike times of a {@link SpikingDataset} into `numSteps` steps, giving core's `SparseSpikes`.
 *
 * @remarks
 * Each spike goes to step {@link timeToStep}; an input that spikes more than
 * once within one step appears once (binary spikes). Row `b · numSteps + t`
 * lists the inputs of sample `b` active in step `t`, ascending.
 *
 * @param dataset - the spikes
 * @param options - `numSteps` and optionally which `samples`
 * @returns `SparseSpikes` with `batch` = number of samples, `size` = `inputSize`
 * @throws ValidationError when `numSteps` is not a positive integer or a sample index is out of range
 *
 * @example
 * ```ts
 * const sparse = spikingDatasetToSparse(ds, { numSteps: 30 });
 * sparse.offsets.length; // ds.count * 30 + 1
 * ```
 */
export function spikingDatasetToSparse(dataset: SpikingDataset, options: ToSparseOptions): SparseSpikes {
  const { numSteps } = options;
  if (!Number.isInteger(numSteps) || numSteps < 1) {
    throw new ValidationError('invalid number of time steps', { field: 'numSteps', expected: 'a positive integer', found: describeValue(numSteps) });
  }
  const chosen = options.samples ?? Uint32Array.from({ length: dataset.count }, (_, i) => i);
  const batch = chosen.length;
  const { inputSize, duration, offsets: sampleOffsets, indices, times } = dataset;
  const offsets = new Uint32Array(batch * numSteps + 1);
  let bound = 0;
  for (let b = 0; b < batch; b++) {
    const s = chosen[b];
    if (!Number.isInteger(s) || s < 0 || s >= dataset.count) {
      throw new ValidationError('sample index out of range', { field: `samples[${b}]`, expected: `an integer in [0, ${dataset.count - 1}]`, found: describeValue(s) });
    }
    bound += sampleOffsets[s + 1] - sampleOffsets[s];
  }
  const out = new Uint32Array(bound);
  let written = 0;
  for (let b = 0; b < batch; b++) {
    const s = chosen[b];
    const start = sampleOffsets[s];
    const end = sampleOffsets[s + 1];
    const keys = new Float64Array(end - start);
    for (let k = start; k < end; k++) keys[k - start] = timeToStep(times[k], duration, numSteps) * inputSize + indices[k];
    keys.sort();
    let k = 0;
    for (let t = 0; t < numSteps; t++) {
      offsets[b * numSteps + t] = written;
      const rowEnd = (t + 1) * inputSize;
      let last = -1;
      while (k < keys.length && keys[k] < rowEnd) {
        const index = keys[k] - t * inputSize;
        if (index !== last) out[written++] = index;
        last = index;
        k++;
      }
    }
  }
  offsets[batch * numSteps] = written;
  return { batch, numSteps, size: inputSize, offsets, indices: out.slice(0, written) };
}

/** Options of {@link sparseToSpikingDataset}. */
export interface FromSparseOptions {
  /** Length of one time step, in `timeUnit`; default 1. A spike in step `t` gets time `t · dt`. */
  readonly dtStep?: number;
  /** Unit of the resulting times; default `'step'`. */
  readonly timeUnit?: string;
}

/**
 * Turns binned spikes (core's `SparseSpikes`) into a {@link SpikingDataset}: a spike in step `t` gets time `t · dtStep`.
 *
 * @remarks
 * The duration is `numSteps · dtStep`. Binning the result with
 * {@link spikingDatasetToSparse} and the same `numSteps` gives back the input.
 *
 * @param spikes - `batch` samples of `numSteps` rows each
 * @param labels - one label (0..65535) per sample
 * @param options - `dtStep` (default 1) and `timeUnit` (default `'step'`)
 * @throws ShapeError when the number of labels differs from `spikes.batch`
 * @throws ValidationError when `dtStep` is not a finite number > 0 or a label is invalid
 */
export function sparseToSpikingDataset(spikes: SparseSpikes, labels: ArrayLike<number>, options: FromSparseOptions = {}): SpikingDataset {
  const dtStep = options.dtStep ?? 1;
  if (typeof dtStep !== 'number' || !Number.isFinite(dtStep) || dtStep <= 0) {
    throw new ValidationError('invalid step length', { field: 'dtStep', expected: 'a finite number > 0', found: describeValue(dtStep) });
  }
  const { batch, numSteps, size, offsets, indices } = spikes;
  if (labels.length !== batch) {
    throw new ShapeError('one label per sample needed', { field: 'labels', expected: `${batch} labels`, found: String(labels.length) });
  }
  const samples = [];
  for (let b = 0; b < batch; b++) {
    const first = offsets[b * numSteps];
    const last = offsets[(b + 1) * numSteps];
    const sIndices = indices.subarray(first, last);
    const sTimes = new Float64Array(last - first);
    for (let t = 0; t < numSteps; t++) {
      for (let k = offsets[b * numSteps + t]; k < offsets[b * numSteps + t + 1]; k++) sTimes[k - first] = t * dtStep;
    }
    samples.push({ label: labels[b], indices: sIndices, times: sTimes });
  }
  return createSpikingDataset({ inputSize: size, duration: numSteps * dtStep, timeUnit: options.timeUnit ?? 'step', samples });
}
