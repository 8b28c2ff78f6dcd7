import { FileFormatError } from '../../errors/errors.js';
import { parseNpyHeader } from '../npy.js';
import { encodePickle } from './write.js';
import { PickleError, parsePickle, readScalar } from './read.js';
import type { PickleNdArray, PickleValue } from './values.js';
import { describePickleValue, isPickleNdArray } from './values.js';

/**
 * The numbers of a numeric NumPy array (or of one field of a record array), in C order, as float64.
 *
 * @remarks
 * Integers up to 2⁵³ and float32/float64 values are exact in a `Float64Array`.
 * @param array - an array from {@link parsePickle}
 * @param field - a field name when the array is structured (e.g. `'timestamps'`)
 * @param where - file and field for messages
 * @throws {@link PickleError} when the array is an object array, the field is missing, or the dtype is not bool/int/float
 * @example
 * ```ts
 * const times = pickleArrayNumbers(sample, 'timestamps');
 * ```
 */
export function pickleArrayNumbers(array: PickleNdArray, field?: string, where: { file?: string; field?: string } = {}): Float64Array {
  const count = array.shape.reduce((a, b) => a * b, 1);
  let dtype = array.dtype;
  let offset = 0;
  if (field !== undefined) {
    const found = array.dtype.fields.find((f) => f.name === field);
    if (!found) {
      throw new PickleError('record array lacks a field', {
        ...where,
        expected: `a field named ${JSON.stringify(field)}`,
        found: array.dtype.fields.length === 0 ? 'a plain array' : `fields ${array.dtype.fields.map((f) => f.name).join(', ')}`,
      });
    }
    dtype = found.dtype;
    offset = found.offset;
  } else if (array.dtype.fields.length > 0) {
    throw new PickleError('structured array read as plain numbers', { ...where, expected: 'a plain numeric array', found: describePickleValue(array) });
  }
  if (array.fortranOrder && array.shape.length > 1) {
    throw new PickleError('Fortran-order arrays are not supported', { ...where, expected: 'a C-order array', found: 'fortran_order True' });
  }
  const out = new Float64Array(count);
  const stride = array.dtype.itemSize;
  const fail = (what: string): never => {
    throw new PickleError('unsupported element dtype', { ...where, expected: 'a bool, integer or float dtype', found: what });
  };
  for (let i = 0; i < count; i++) {
    const v = readScalar(dtype, array.bytes, i * stride + offset, fail);
    out[i] = typeof v === 'bigint' ? Number(v) : Number(v);
  }
  return out;
}

/**
 * Decodes a `.npy` file that holds one pickled Python object (what `np.save(path, obj, allow_pickle=True)` writes
 * for a dict, a list or any non-array object): a 0-d object array whose pickle is read by {@link parsePickle}.
 *
 * @param bytes - the whole `.npy` file
 * @param file - file name for messages
 * @returns the object (`np.load(path, allow_pickle=True).item()`), or the list of objects of a 1-d object array
 * @throws {@link FileFormatError} for a bad `.npy` header or a non-object dtype
 * @throws {@link PickleError} when the pickle holds anything outside the NumPy data subset
 * @example
 * ```ts
 * const dict = decodeNpyObject(readFileSync('trainset.npy'), 'trainset.npy');
 * ```
 */
export function decodeNpyObject(bytes: Uint8Array, file?: string): PickleValue {
  const header = parseNpyHeader(bytes, file);
  if (header.descr !== '|O') {
    throw new FileFormatError('.npy file does not hold a pickled object', {
      file,
      field: 'descr',
      expected: "'|O' (an object saved with allow_pickle=True)",
      found: JSON.stringify(header.descr),
    });
  }
  const value = parsePickle(bytes.subarray(header.dataStart), { file });
  if (!isPickleNdArray(value) || !value.dtype.code.startsWith('O')) {
    throw new PickleError('.npy pickle is not an object array', { file, expected: 'a numpy object array', found: describePickleValue(value) });
  }
  return value.shape.length === 0 ? value.objects[0] : value.objects;
}

/**
 * Encodes a value as NumPy does for `np.save(path, obj, allow_pickle=True)`: a `.npy` header with dtype `|O` and
 * shape `()`, then a protocol-3 pickle of a 0-d object array holding the value (see {@link encodePickle}).
 * @param value - dicts, lists, tuples, numbers, strings, bytes and NumPy arrays ({@link PickleNdArray})
 * @example
 * ```ts
 * const bytes = encodeNpyObject({ kind: 'dict', entries: new Map([['max_time', 1]]) });
 * ```
 */
export function encodeNpyObject(value: PickleValue): Uint8Array {
  const holder: PickleNdArray = {
    kind: 'ndarray',
    subclass: 'ndarray',
    shape: [],
    dtype: { kind: 'dtype', code: 'O8', byteOrder: '|', itemSize: 8, fields: [], isRecord: false },
    fortranOrder: false,
    bytes: new Uint8Array(0),
    objects: [value],
  };
  const pickle = encodePickle(holder);
  let header = "{'descr': '|O', 'fortran_order': False, 'shape': (), }";
  const prefix = 10;
  const padding = 64 - ((prefix + header.length + 1) % 64);
  header = `${header}${' '.repeat(padding % 64)}\n`;
  const out = new Uint8Array(prefix + header.length + pickle.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  out.set(pickle, prefix + header.length);
  return out;
}

