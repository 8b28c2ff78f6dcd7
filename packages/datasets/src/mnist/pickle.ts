import { FileFormatError, type PickleNdArray, type PickleTuple, type PickleValue, describePickleValue as describe, isPickleNdArray as isArray, isPickleTuple, parsePickle } from '@snn/core';
import type { ImageDataset } from '../api.js';

/** The splits of MNIST read from a pickle by {@link parseMnistPickle}. */
export interface MnistPickle {
  /** Training images: the classic file's training and validation sets in order (50,000 + 10,000), or a `(X, y)` pickle's images. */
  readonly train?: ImageDataset;
  /** Test images (the classic file's third set). */
  readonly test?: ImageDataset;
  /** `'classic'` for the `(train, valid, test)` tuple of `mnist.pkl.gz`, `'pair'` for one `(X, y)` tuple. */
  readonly layout: 'classic' | 'pair';
}

function isTuple(value: PickleValue | undefined, length: number): value is PickleTuple {
  return isPickleTuple(value) && value.items.length === length;
}

/** Reads element k of a numeric array as a number (little/big endian as its dtype says). */
function reader(array: PickleNdArray, file: string, field: string): (k: number) => number {
  const { code, byteOrder } = array.dtype;
  const view = new DataView(array.bytes.buffer, array.bytes.byteOffset, array.bytes.byteLength);
  const little = byteOrder !== '>';
  switch (code) {
    case 'u1':
      return (k) => view.getUint8(k);
    case 'i1':
      return (k) => view.getInt8(k);
    case 'u2':
      return (k) => view.getUint16(2 * k, little);
    case 'i2':
      return (k) => view.getInt16(2 * k, little);
    case 'u4':
      return (k) => view.getUint32(4 * k, little);
    case 'i4':
      return (k) => view.getInt32(4 * k, little);
    case 'i8':
      return (k) => Number(view.getBigInt64(8 * k, little));
    case 'u8':
      return (k) => Number(view.getBigUint64(8 * k, little));
    case 'f4':
      return (k) => view.getFloat32(4 * k, little);
    case 'f8':
      return (k) => view.getFloat64(8 * k, little);
    default:
      throw new FileFormatError('MNIST pickle array of an unsupported dtype', { file, field, expected: 'an integer or float array', found: `dtype ${code}` });
  }
}

/**
 * Pixels 0..255 from an image array: integers as they are (0..255), floats in [0, 1] scaled by 256 when every value is
 * a multiple of 1/256 (the classic file stores `pixel/256`), by 255 otherwise, floats above 1 taken as 0..255.
 */
function pixels(array: PickleNdArray, file: string, field: string): Uint8Array {
  const n = array.shape[0];
  const size = array.shape.slice(1).reduce((a, b) => a * b, 1);
  if (size !== 784 || array.fortranOrder) {
    throw new FileFormatError('MNIST pickle images have the wrong shape', { file, field, expected: 'a C-order array (n, 784) or (n, 28, 28)', found: describe(array) });
  }
  const read = reader(array, file, field);
  const total = n * 784;
  const float = array.dtype.code.startsWith('f');
  let max = 0;
  let on256 = true;
  for (let k = 0; k < total; k++) {
    const x = read(k);
    if (!(x >= 0)) throw new FileFormatError('MNIST pickle pixel out of range', { file, field: `${field}[${k}]`, expected: 'a value >= 0', found: String(x) });
    if (x > max) max = x;
    if (float && on256 && Math.abs(x * 256 - Math.round(x * 256)) > 1e-4) on256 = false;
  }
  if (max > 255) throw new FileFormatError('MNIST pickle pixel out of range', { file, field, expected: 'values in [0, 1] or 0..255', found: `a maximum of ${max}` });
  const scale = float && max <= 1 ? (on256 ? 256 : 255) : 1;
  const out = new Uint8Array(total);
  for (let k = 0; k < total; k++) out[k] = Math.min(255, Math.round(read(k) * scale));
  return out;
}

function labels(array: PickleNdArray, count: number, file: string, field: string): Uint8Array {
  if (array.shape.length !== 1 || array.shape[0] !== count) {
    throw new FileFormatError('MNIST pickle labels do not match the images', { file, field, expected: `an array of ${count} labels`, found: describe(array) });
  }
  const read = reader(array, file, field);
  const out = new Uint8Array(count);
  for (let k = 0; k < count; k++) {
    const y = read(k);
    if (!(Number.isInteger(y) && y >= 0 && y <= 9)) throw new FileFormatError('label outside 0..9', { file, field: `${field}[${k}]`, expected: 'a digit 0..9', found: String(y) });
    out[k] = y;
  }
  return out;
}

function pair(value: PickleValue | undefined, file: string, field: string): ImageDataset {
  if (!isTuple(value, 2) || !isArray(value.items[0]) || !isArray(value.items[1])) {
    throw new FileFormatError('unexpected MNIST pickle layout', { file, field, expected: 'a tuple (images, labels) of two arrays', found: describe(value) });
  }
  const [x, y] = value.items as [PickleNdArray, PickleNdArray];
  const images = pixels(x, file, `${field}[0]`);
  const count = x.shape[0];
  if (count === 0) throw new FileFormatError('MNIST pickle holds no images', { file, field: `${field}[0]`, expected: 'at least 1 image', found: describe(x) });
  return { images, labels: labels(y, count, file, `${field}[1]`), count, rows: 28, cols: 28 };
}

function concat(a: ImageDataset, b: ImageDataset): ImageDataset {
  const images = new Uint8Array(a.images.length + b.images.length);
  images.set(a.images);
  images.set(b.images, a.images.length);
  const labelsOut = new Uint8Array(a.count + b.count);
  labelsOut.set(a.labels);
  labelsOut.set(b.labels, a.count);
  return { images, labels: labelsOut, count: a.count + b.count, rows: 28, cols: 28 };
}

/**
 * Reads MNIST from the bytes of a Python pickle (already gunzipped): the classic `mnist.pkl.gz` layout, a tuple
 * `(train, valid, test)` of `(images, labels)` tuples of NumPy arrays (training = train followed by valid, the 60,000
 * training images in their IDX order), or one `(images, labels)` tuple (e.g. the `training.pkl.gz` /
 * `testing.pkl.gz` files of a Brian 2 Diehl & Cook script).
 *
 * @remarks
 * The pickle is read by `parsePickle` of `@snn/core`: only the opcodes and NumPy globals of this data subset are
 * interpreted and nothing is executed; anything else is a `PickleError`. Images are `(n, 784)` or `(n, 28, 28)`
 * arrays of integers 0..255 or floats in [0, 1] (the classic file's `pixel/256`, scaled back exactly); labels any
 * integer array with values 0..9.
 *
 * @param bytes - the uncompressed pickle
 * @param file - file name for messages
 * @throws PickleError for anything outside the pickle subset; FileFormatError for another layout, shape, dtype,
 *   pixel or label out of range
 * @example
 * ```ts
 * const { train, test } = parseMnistPickle(bytes, 'mnist.pkl');
 * train?.count; // 60000
 * ```
 */
export function parseMnistPickle(bytes: Uint8Array, file = 'pickle'): MnistPickle {
  const value = parsePickle(bytes, { file });
  if (isTuple(value, 3)) {
    const [train, valid, test] = value.items.map((item, k) => pair(item, file, `[${k}]`));
    return { train: concat(train, valid), test, layout: 'classic' };
  }
  if (isTuple(value, 2)) return { train: pair(value, file, 'pickle'), layout: 'pair' };
  throw new FileFormatError('unexpected MNIST pickle layout', {
    file,
    expected: 'a tuple (train, valid, test) of (images, labels) tuples, or one (images, labels) tuple',
    found: describe(value),
  });
}
