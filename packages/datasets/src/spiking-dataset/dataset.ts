import { FileFormatError, ValidationError, describeValue } from '@snn/core';

/**
 * Labelled samples of sparse spike events `<inputIndex, time>` in continuous
 * time, the data of event-driven (e.g. time-to-first-spike) SNNs.
 *
 * @remarks
 * Stored flat, like a CSR matrix: the spikes of sample `i` are positions
 * `offsets[i] … offsets[i + 1] − 1` of `indices` and `times`. Within a
 * sample, spikes are sorted by time, ties by input index (strictly: the same
 * input cannot spike twice at the same time). Every time is in
 * `[0, duration]`, in `timeUnit`; every index is below `inputSize`. Build one
 * with {@link createSpikingDataset}, read one sample with {@link spikingSample},
 * and store it with `writeSpikingDataset`.
 */
export interface SpikingDataset {
  /** Number of samples. */
  readonly count: number;
  /** Number of inputs (e.g. 784 for MNIST pixels, 1568 for ON/OFF channels); every index is below it. */
  readonly inputSize: number;
  /** Length of each sample's time window, in `timeUnit`; every spike time is in [0, duration]. */
  readonly duration: number;
  /** Unit of `times` and `duration`, e.g. `'ms'` or `'step'`; printable ASCII, at most 15 characters. */
  readonly timeUnit: string;
  /** Class label of each sample (0..65535); length `count`. */
  readonly labels: Uint16Array;
  /** Start of each sample's spikes in `indices`/`times`; length `count + 1`, `offsets[0] = 0`. */
  readonly offsets: Uint32Array;
  /** Input index of each spike, sample after sample. */
  readonly indices: Uint32Array;
  /** Time of each spike, sample after sample, ascending within a sample. */
  readonly times: Float32Array;
}

/** One sample of a {@link SpikingDataset}: its label and its spikes (views, sorted by time then index). */
export interface SpikingSample {
  /** Class label. */
  readonly label: number;
  /** Input index of each spike. */
  readonly indices: Uint32Array;
  /** Time of each spike, ascending, in the dataset's `timeUnit`. */
  readonly times: Float32Array;
}

/** One sample as given to {@link createSpikingDataset}; spikes in any order. */
export interface SpikingSampleInput {
  /** Class label, an integer in 0..65535. */
  readonly label: number;
  /** Input index of each spike. */
  readonly indices: ArrayLike<number>;
  /** Time of each spike (same length as `indices`), in `timeUnit`. */
  readonly times: ArrayLike<number>;
}

/** What {@link createSpikingDataset} takes. */
export interface SpikingDatasetInit {
  /** Number of inputs; an integer in [1, 2³²−1]. */
  readonly inputSize: number;
  /** Length of the time window, a finite number > 0. */
  readonly duration: number;
  /** Unit of times; default `'ms'`. */
  readonly timeUnit?: string;
  /** The samples. */
  readonly samples: readonly SpikingSampleInput[];
}

type ErrorClass = typeof ValidationError | typeof FileFormatError;

/** Checks the scalar fields; `Err` and `file` choose how a failure is reported. */
export function checkSpikingHeader(
  fields: { inputSize: number; duration: number; timeUnit: string },
  Err: ErrorClass = ValidationError,
  file?: string,
): void {
  const { inputSize, duration, timeUnit } = fields;
  if (!Number.isInteger(inputSize) || inputSize < 1 || inputSize > 0xffffffff) {
    throw new Err('invalid input size', { file, field: 'inputSize', expected: 'an integer in [1, 4294967295]', found: describeValue(inputSize) });
  }
  if (typeof duration !== 'number' || !Number.isFinite(duration) || duration <= 0) {
    throw new Err('invalid duration', { file, field: 'duration', expected: 'a finite number > 0', found: describeValue(duration) });
  }
  if (typeof timeUnit !== 'string' || !/^[\x21-\x7e]{1,15}$/.test(timeUnit)) {
    throw new Err('invalid time unit', {
      file,
      field: 'timeUnit',
      expected: '1 to 15 printable ASCII characters without spaces, e.g. "ms"',
      found: describeValue(timeUnit),
    });
  }
}

/**
 * Checks every invariant of a dataset (see {@link SpikingDataset}).
 * @param dataset - the dataset to check
 * @param file - file name for messages when the dataset was read from disk (errors are then `FileFormatError`)
 * @throws ValidationError (or FileFormatError with `file`) naming the sample and spike that break a rule
 */
export function validateSpikingDataset(dataset: SpikingDataset, file?: string): void {
  checkSpikingDataset(dataset, file === undefined ? ValidationError : FileFormatError, file);
}

/** {@link validateSpikingDataset} with an explicit error class. */
export function checkSpikingDataset(dataset: SpikingDataset, Err: ErrorClass, file: string | undefined): void {
  checkSpikingHeader(dataset, Err, file);
  const { count, inputSize, duration, labels, offsets, indices, times } = dataset;
  if (labels.length !== count || offsets.length !== count + 1 || offsets[0] !== 0) {
    throw new Err('inconsistent sample arrays', {
      file,
      field: 'offsets',
      expected: `${count} labels and ${count + 1} offsets starting at 0`,
      found: `${labels.length} labels and ${offsets.length} offsets starting at ${offsets[0]}`,
    });
  }
  if (indices.length !== times.length || offsets[count] !== indices.length) {
    throw new Err('inconsistent spike arrays', {
      file,
      field: 'indices',
      expected: `${offsets[count]} indices and times (offsets[${count}])`,
      found: `${indices.length} indices and ${times.length} times`,
    });
  }
  const durationF32 = Math.fround(duration);
  for (let s = 0; s < count; s++) {
    const start = offsets[s];
    const end = offsets[s + 1];
    if (end < start) {
      throw new Err('offsets decrease', { file, field: `offsets[${s + 1}]`, expected: `>= ${start}`, found: String(end) });
    }
    for (let k = start; k < end; k++) {
      const index = indices[k];
      const time = times[k];
      if (index >= inputSize) {
        throw new Err('spike index out of range', { file, field: `samples[${s}].indices[${k - start}]`, expected: `an index < inputSize ${inputSize}`, found: String(index) });
      }
      if (!(time >= 0 && (time <= duration || time === durationF32))) {
        throw new Err('spike time outside the time window', { file, field: `samples[${s}].times[${k - start}]`, expected: `a time in [0, ${duration}]`, found: String(time) });
      }
      if (k > start) {
        const prevTime = times[k - 1];
        if (time < prevTime || (time === prevTime && index <= indices[k - 1])) {
          throw new Err('spikes not sorted by time, then index', {
            file,
            field: `samples[${s}].times[${k - start}]`,
            expected: `after spike <${indices[k - 1]}, ${prevTime}>`,
            found: `<${index}, ${time}>`,
          });
        }
      }
    }
  }
}

/**
 * Builds a {@link SpikingDataset} from per-sample spike lists, sorting each sample's spikes by time, then index.
 *
 * @remarks
 * Times are stored as float32 (sorting uses the rounded values).
 *
 * @param init - input size, duration, time unit (default `'ms'`) and samples
 * @throws ValidationError for a bad header field, a label outside 0..65535, mismatched lengths, an index ≥ inputSize, a time outside [0, duration], or the same input twice at the same time
 *
 * @example
 * ```ts
 * const ds = createSpikingDataset({
 *   inputSize: 4, duration: 10, timeUnit: 'ms',
 *   samples: [{ label: 1, indices: [3, 0], times: [2.5, 1] }],
 * });
 * spikingSample(ds, 0).indices; // Uint32Array [0, 3]
 * ```
 */
export function createSpikingDataset(init: SpikingDatasetInit): SpikingDataset {
  const timeUnit = init.timeUnit ?? 'ms';
  checkSpikingHeader({ inputSize: init.inputSize, duration: init.duration, timeUnit });
  const { samples } = init;
  const count = samples.length;
  const labels = new Uint16Array(count);
  const offsets = new Uint32Array(count + 1);
  let total = 0;
  samples.forEach((sample, s) => {
    if (!Number.isInteger(sample.label) || sample.label < 0 || sample.label > 0xffff) {
      throw new ValidationError('invalid label', { field: `samples[${s}].label`, expected: 'an integer in 0..65535', found: describeValue(sample.label) });
    }
    if (sample.indices.length !== sample.times.length) {
      throw new ValidationError('indices and times differ in length', {
        field: `samples[${s}].times`,
        expected: `${sample.indices.length} times (one per index)`,
        found: String(sample.times.length),
      });
    }
    labels[s] = sample.label;
    total += sample.indices.length;
    offsets[s + 1] = total;
  });
  const indices = new Uint32Array(total);
  const times = new Float32Array(total);
  samples.forEach((sample, s) => {
    const n = sample.indices.length;
    const idx = new Float64Array(n);
    const tim = new Float32Array(n);
    for (let k = 0; k < n; k++) {
      const index = sample.indices[k];
      if (!Number.isInteger(index) || index < 0 || index >= init.inputSize) {
        throw new ValidationError('spike index out of range', {
          field: `samples[${s}].indices[${k}]`,
          expected: `an integer in [0, ${init.inputSize - 1}]`,
          found: describeValue(index),
        });
      }
      const time = Math.fround(sample.times[k]);
      if (!(time >= 0 && (time <= init.duration || time === Math.fround(init.duration)))) {
        throw new ValidationError('spike time outside the time window', {
          field: `samples[${s}].times[${k}]`,
          expected: `a time in [0, ${init.duration}]`,
          found: describeValue(sample.times[k]),
        });
      }
      idx[k] = index;
      tim[k] = time;
    }
    const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => tim[a] - tim[b] || idx[a] - idx[b]);
    const base = offsets[s];
    for (let k = 0; k < n; k++) {
      indices[base + k] = idx[order[k]];
      times[base + k] = tim[order[k]];
    }
  });
  const dataset: SpikingDataset = { count, inputSize: init.inputSize, duration: init.duration, timeUnit, labels, offsets, indices, times };
  validateSpikingDataset(dataset);
  return dataset;
}

/**
 * Sample `i` of a dataset: its label and views of its spikes.
 * @throws ValidationError when `i` is not an integer in [0, count)
 */
export function spikingSample(dataset: SpikingDataset, i: number): SpikingSample {
  if (!Number.isInteger(i) || i < 0 || i >= dataset.count) {
    throw new ValidationError('sample index out of range', { field: 'i', expected: `an integer in [0, ${dataset.count - 1}]`, found: describeValue(i) });
  }
  const start = dataset.offsets[i];
  const end = dataset.offsets[i + 1];
  return { label: dataset.labels[i], indices: dataset.indices.subarray(start, end), times: dataset.times.subarray(start, end) };
}
