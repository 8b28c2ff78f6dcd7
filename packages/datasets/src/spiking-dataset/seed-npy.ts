import { FileFormatError, type PickleDtype, type PickleNdArray, type PickleValue, ValidationError, decodeNpyObject, describePickleValue, encodeNpyObject, isPickleDict, isPickleNdArray, isPickleTuple, pickleArrayNumbers } from '@snn/core';
import { type SpikingDataset, checkSpikingDataset, validateSpikingDataset } from './dataset.js';
import { decodeSpikingDataset } from './format.js';

/** Time unit given to datasets read from SpikeNN files: the seed's times are unitless, in [0, max_time). */
export const SEED_TIME_UNIT = 'a.u.';

const SEED_KEYS = ['data', 'labels', 'shape', 'max_time'];
const SEED_LAYOUT = "a dict {'data': list of record arrays (indices, timestamps), 'labels': int array, 'shape': tuple, 'max_time': number}";

/**
 * Converts the dict of a SpikeNN `SpikingDataset` file (Goupy et al. 2024, github ggoupy/SpikeNN) into a {@link SpikingDataset}.
 *
 * @remarks
 * The seed stores `{'data': [recarray(indices int16, timestamps float32), …], 'labels': int16[N], 'shape': (N, D…),
 * 'max_time': m}` (`max_time` optional, default 1) with each sample's spikes sorted by time. The input size is
 * the product of `shape[1:]`; the duration is `max_time`; times are in {@link SEED_TIME_UNIT}. Spikes that share a
 * time are reordered by index (NumPy's argsort leaves ties in any order; they are integrated together either way).
 *
 * @param value - the unpickled dict (e.g. from `decodeNpyObject`)
 * @param file - file name for messages
 * @throws FileFormatError naming the key, sample and spike for anything but that structure: other keys, a length
 *   mismatch between `data`, `labels` and `shape[0]`, unsorted spikes, a time outside [0, max_time), an index ≥ the
 *   input size, a label outside 0..65535
 */
export function seedDictToSpikingDataset(value: PickleValue, file?: string): SpikingDataset {
  const fail = (summary: string, field: string | undefined, expected: string, found: string): never => {
    throw new FileFormatError(summary, { file, field, expected, found });
  };
  if (!isPickleDict(value)) return fail('not a SpikeNN SpikingDataset', undefined, SEED_LAYOUT, describePickleValue(value));
  for (const key of value.entries.keys()) {
    if (!SEED_KEYS.includes(String(key))) fail('unknown key in a SpikeNN SpikingDataset', String(key), `only the keys ${SEED_KEYS.join(', ')}`, JSON.stringify(key));
  }
  const data = value.entries.get('data');
  const labelsValue = value.entries.get('labels');
  const shapeValue = value.entries.get('shape');
  const maxTimeValue = value.entries.has('max_time') ? value.entries.get('max_time') : 1;
  if (!Array.isArray(data)) return fail('bad SpikeNN SpikingDataset', 'data', 'a list of record arrays', describePickleValue(data));
  if (!isPickleNdArray(labelsValue)) return fail('bad SpikeNN SpikingDataset', 'labels', 'an integer array', describePickleValue(labelsValue));
  if (!isPickleTuple(shapeValue) || shapeValue.items.length < 2 || !shapeValue.items.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    return fail('bad SpikeNN SpikingDataset', 'shape', 'a tuple (N, D1, …) of non-negative integers', describePickleValue(shapeValue));
  }
  const maxTime = typeof maxTimeValue === 'bigint' ? Number(maxTimeValue) : maxTimeValue;
  if (typeof maxTime !== 'number' || !Number.isFinite(maxTime) || maxTime <= 0) return fail('bad SpikeNN SpikingDataset', 'max_time', 'a finite number > 0', describePickleValue(maxTimeValue));
  const dims = shapeValue.items as number[];
  const count = dims[0];
  const inputSize = dims.slice(1).reduce((a, b) => a * b, 1);
  if (!/^[biu]\d$/.test(labelsValue.dtype.code) || labelsValue.shape.length !== 1) {
    fail('bad SpikeNN SpikingDataset', 'labels', 'a 1-d integer array', describePickleValue(labelsValue));
  }
  if (data.length !== count || labelsValue.shape[0] !== count) {
    fail('SpikeNN SpikingDataset sizes disagree', 'labels', `${count} samples (shape[0]) in data and labels`, `${data.length} samples and ${labelsValue.shape[0]} labels`);
  }
  const labelNumbers = pickleArrayNumbers(labelsValue, undefined, { file, field: 'labels' });
  const labels = new Uint16Array(count);
  for (let s = 0; s < count; s++) {
    const l = labelNumbers[s];
    if (!(Number.isInteger(l) && l >= 0 && l <= 0xffff)) fail('invalid label', `labels[${s}]`, 'an integer in 0..65535', String(l));
    labels[s] = l;
  }
  const samples: PickleNdArray[] = [];
  let total = 0;
  data.forEach((sample, s) => {
    if (!isPickleNdArray(sample) || sample.shape.length !== 1 || !hasField(sample.dtype, 'indices') || !hasField(sample.dtype, 'timestamps')) {
      fail('bad SpikeNN sample', `data[${s}]`, 'a 1-d record array with fields indices and timestamps', describePickleValue(sample));
    }
    samples.push(sample as PickleNdArray);
    total += (sample as PickleNdArray).shape[0];
  });
  const offsets = new Uint32Array(count + 1);
  const indices = new Uint32Array(total);
  const times = new Float32Array(total);
  let k = 0;
  for (let s = 0; s < count; s++) {
    const idx = pickleArrayNumbers(samples[s], 'indices', { file, field: `data[${s}].indices` });
    const tim = pickleArrayNumbers(samples[s], 'timestamps', { file, field: `data[${s}].timestamps` });
    const start = k;
    for (let j = 0; j < idx.length; j++, k++) {
      const index = idx[j];
      const time = tim[j];
      if (!(Number.isInteger(index) && index >= 0 && index < inputSize)) {
        fail('spike index out of range', `data[${s}].indices[${j}]`, `an index in [0, ${inputSize}) (input size from shape)`, String(index));
      }
      if (!(time >= 0 && time < maxTime)) fail('spike time outside [0, max_time)', `data[${s}].timestamps[${j}]`, `a time in [0, ${maxTime})`, String(time));
      if (j > 0 && time < tim[j - 1]) fail('spikes not sorted by time', `data[${s}].timestamps[${j}]`, `a time ≥ ${tim[j - 1]} (the previous spike)`, String(time));
      indices[k] = index;
      times[k] = time;
    }
    sortTiesByIndex(indices, times, start, k);
    offsets[s + 1] = k;
  }
  const dataset: SpikingDataset = { count, inputSize, duration: maxTime, timeUnit: SEED_TIME_UNIT, labels, offsets, indices, times };
  checkSpikingDataset(dataset, FileFormatError, file);
  return dataset;
}

function hasField(dtype: PickleDtype, name: string): boolean {
  return dtype.fields.some((f) => f.name === name);
}

/** Orders each run of equal times by input index (insertion sort: runs are short). */
function sortTiesByIndex(indices: Uint32Array, times: Float32Array, start: number, end: number): void {
  for (let i = start + 1; i < end; i++) {
    const index = indices[i];
    const time = times[i];
    let j = i - 1;
    while (j >= start && times[j] === time && indices[j] > index) {
      indices[j + 1] = indices[j];
      j--;
    }
    indices[j + 1] = index;
  }
}

/**
 * The dict a SpikeNN `SpikingDataset.save` writes for a {@link SpikingDataset} (see {@link seedDictToSpikingDataset}).
 *
 * @remarks
 * Indices are int16 when the input size is at most 32767 (the seed's dtype), int32 otherwise; labels int16;
 * `shape` is `(count, inputSize)`; `max_time` is the duration. A spike at exactly `duration` is left out: the seed
 * stores only times below `max_time`, and its simulation stops at a spike at `max_time`, so the run is the same.
 * @param dataset - the dataset
 * @throws ValidationError when a label exceeds 32767 (int16)
 */
export function spikingDatasetToSeedDict(dataset: SpikingDataset): PickleValue {
  validateSpikingDataset(dataset);
  const wideIndices = dataset.inputSize > 32767;
  const indexDtype: PickleDtype = { kind: 'dtype', code: wideIndices ? 'i4' : 'i2', byteOrder: '<', itemSize: wideIndices ? 4 : 2, fields: [], isRecord: false };
  const timeDtype: PickleDtype = { kind: 'dtype', code: 'f4', byteOrder: '<', itemSize: 4, fields: [], isRecord: false };
  const recordSize = indexDtype.itemSize + 4;
  const recordDtype: PickleDtype = {
    kind: 'dtype',
    code: `V${recordSize}`,
    byteOrder: '|',
    itemSize: recordSize,
    fields: [
      { name: 'indices', dtype: indexDtype, offset: 0 },
      { name: 'timestamps', dtype: timeDtype, offset: indexDtype.itemSize },
    ],
    isRecord: true,
  };
  const data: PickleValue[] = [];
  for (let s = 0; s < dataset.count; s++) {
    const start = dataset.offsets[s];
    let end = dataset.offsets[s + 1];
    while (end > start && !(dataset.times[end - 1] < dataset.duration)) end--;
    const n = end - start;
    const bytes = new Uint8Array(n * recordSize);
    const view = new DataView(bytes.buffer);
    for (let j = 0; j < n; j++) {
      if (wideIndices) view.setInt32(j * recordSize, dataset.indices[start + j], true);
      else view.setInt16(j * recordSize, dataset.indices[start + j], true);
      view.setFloat32(j * recordSize + indexDtype.itemSize, dataset.times[start + j], true);
    }
    data.push({ kind: 'ndarray', subclass: 'recarray', shape: [n], dtype: recordDtype, fortranOrder: false, bytes, objects: [] });
  }
  const labelBytes = new Uint8Array(dataset.count * 2);
  const labelView = new DataView(labelBytes.buffer);
  for (let s = 0; s < dataset.count; s++) {
    if (dataset.labels[s] > 32767) throw new ValidationError('label does not fit the seed format (int16)', { field: `labels[${s}]`, expected: 'a label ≤ 32767', found: String(dataset.labels[s]) });
    labelView.setInt16(2 * s, dataset.labels[s], true);
  }
  const labels: PickleNdArray = {
    kind: 'ndarray',
    subclass: 'ndarray',
    shape: [dataset.count],
    dtype: { kind: 'dtype', code: 'i2', byteOrder: '<', itemSize: 2, fields: [], isRecord: false },
    fortranOrder: false,
    bytes: labelBytes,
    objects: [],
  };
  return {
    kind: 'dict',
    entries: new Map<string, PickleValue>([
      ['data', data],
      ['labels', labels],
      ['shape', { kind: 'tuple', items: [dataset.count, dataset.inputSize] }],
      ['max_time', dataset.duration],
    ]),
  };
}

/**
 * Decodes a SpikeNN `SpikingDataset` `.npy` file (a pickled dict, read without running any code).
 * @param bytes - the file
 * @param file - file name for messages
 * @throws FileFormatError (a `PickleError` for pickle content outside the NumPy data subset) naming what is wrong
 * @example
 * ```ts
 * const train = decodeSeedSpikingDataset(readFileSync('trainset.npy'), 'trainset.npy');
 * ```
 */
export function decodeSeedSpikingDataset(bytes: Uint8Array, file?: string): SpikingDataset {
  return seedDictToSpikingDataset(decodeNpyObject(bytes, file), file);
}

/**
 * Encodes a dataset as a SpikeNN `SpikingDataset` `.npy` file that `SpikingDataset.from_file` (NumPy) loads.
 * @param dataset - the dataset (see {@link spikingDatasetToSeedDict})
 */
export function encodeSeedSpikingDataset(dataset: SpikingDataset): Uint8Array {
  return encodeNpyObject(spikingDatasetToSeedDict(dataset));
}

/** Options of {@link denseToSpikingDataset}. */
export interface DenseToSpikingOptions {
  /** Spikes at or after this time are silences and left out; default 1 (the seed's `max_time`). */
  readonly maxTime?: number;
  /** Map the sorted distinct labels to 0..K−1 as the seed's `from_numpy` does (default true). */
  readonly remapLabels?: boolean;
  /** File names for messages. */
  readonly files?: {
    /** The times file. */
    readonly data?: string;
    /** The labels file. */
    readonly labels?: string;
  };
}

/**
 * Builds a {@link SpikingDataset} from dense first-spike times (what the seed's `generate_dataset.py` converts).
 *
 * @remarks
 * `times` holds, per sample, one firing time per input (row-major `[count, inputSize]`); a time ≥ `maxTime` means
 * no spike. Each sample's spikes are sorted by time, then index. Labels are mapped to 0..K−1 in sorted order of the
 * distinct values (`np.searchsorted(np.unique(y), y)`), unless `remapLabels` is false.
 * @param times - firing times, length `count × inputSize`
 * @param count - number of samples
 * @param labels - one label per sample
 * @param options - `maxTime` (default 1), `remapLabels`, file names
 * @throws ValidationError (naming the file) for a label count ≠ sample count, a negative or NaN time, a non-integer label
 * @example
 * ```ts
 * const ds = denseToSpikingDataset(Float32Array.from([0.5, 1, 0.1, 0.2]), 2, [3, 7]);
 * ds.labels; // Uint16Array [0, 1]
 * ```
 */
export function denseToSpikingDataset(times: ArrayLike<number>, count: number, labels: ArrayLike<number>, options: DenseToSpikingOptions = {}): SpikingDataset {
  const maxTime = options.maxTime ?? 1;
  const files = options.files ?? {};
  if (!(Number.isFinite(maxTime) && maxTime > 0)) throw new ValidationError('invalid max time', { field: 'maxTime', expected: 'a finite number > 0', found: String(maxTime) });
  if (labels.length !== count) {
    throw new ValidationError('labels do not match the sample count', { file: files.labels, expected: `${count} labels (one per sample of ${files.data ?? 'the data'})`, found: String(labels.length) });
  }
  if (count === 0 || times.length % count !== 0) throw new ValidationError('data size is not a whole number of samples', { file: files.data, expected: `a multiple of ${count}`, found: String(times.length) });
  const inputSize = times.length / count;
  const distinct = [...new Set(Array.from(labels))].sort((a, b) => a - b);
  const rank = new Map(distinct.map((l, i) => [l, i]));
  const outLabels = new Uint16Array(count);
  for (let s = 0; s < count; s++) {
    const l = labels[s];
    if (!Number.isInteger(l)) throw new ValidationError('label is not an integer', { file: files.labels, field: `[${s}]`, expected: 'an integer', found: String(l) });
    const mapped = options.remapLabels === false ? l : (rank.get(l) as number);
    if (mapped < 0 || mapped > 0xffff) throw new ValidationError('label out of range', { file: files.labels, field: `[${s}]`, expected: 'a label in 0..65535', found: String(l) });
    outLabels[s] = mapped;
  }
  const offsets = new Uint32Array(count + 1);
  let total = 0;
  for (let i = 0; i < times.length; i++) {
    const t = times[i];
    if (!(t >= 0)) {
      const s = Math.floor(i / inputSize);
      throw new ValidationError('firing time is negative or NaN', { file: files.data, field: `[${s}, ${i - s * inputSize}]`, expected: `a time ≥ 0 (times ≥ ${maxTime} are silences)`, found: String(t) });
    }
    if (Math.fround(t) < maxTime) total++;
  }
  const indices = new Uint32Array(total);
  const outTimes = new Float32Array(total);
  const order = new Uint32Array(inputSize);
  const key = new Float32Array(inputSize);
  let k = 0;
  for (let s = 0; s < count; s++) {
    let n = 0;
    for (let i = 0; i < inputSize; i++) {
      const t = Math.fround(times[s * inputSize + i]);
      if (t < maxTime) {
        order[n] = i;
        key[i] = t;
        n++;
      }
    }
    const active = order.subarray(0, n);
    active.sort((a, b) => key[a] - key[b] || a - b);
    for (let j = 0; j < n; j++, k++) {
      indices[k] = active[j];
      outTimes[k] = key[active[j]];
    }
    offsets[s + 1] = k;
  }
  const dataset: SpikingDataset = { count, inputSize, duration: maxTime, timeUnit: SEED_TIME_UNIT, labels: outLabels, offsets, indices, times: outTimes };
  validateSpikingDataset(dataset);
  return dataset;
}
