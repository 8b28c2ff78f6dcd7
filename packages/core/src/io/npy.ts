import { FileFormatError, describeValue } from '../errors/errors.js';
import { shapeSize } from '../tensor/tensor.js';
import { checkNdArray, decodeElements, type ElementKind, elementBytes, littleEndianBytes, type NdArray, type NumericArray, type ReadOptions } from './nd-array.js';

/**
 * The NumPy dtypes (`descr` strings) {@link decodeNpy} reads: 32/64-bit
 * little-endian floats, int32, int64 (into an `Int32Array` when every value
 * fits), uint8 and bool. {@link encodeNpy} writes `<f4`, `<f8`, `<i4` and `|u1`.
 */
export type NpyDtype = '<f4' | '<f8' | '<i4' | '<i8' | '|u1' | '|b1';

/** An array read from a `.npy` file. */
export interface NpyArray extends NdArray {
  /** The dtype stored in the file (the data may have been widened or narrowed, see {@link ReadOptions}). */
  readonly dtype: NpyDtype;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ARRAY_ALIGN = 64;
/** NumPy leaves room in the header for the first axis to grow to this many digits. */
const GROWTH_AXIS_MAX_DIGITS = 21;

/** dtype strings accepted on read (NumPy's spellings), with the kind they decode as. */
const READ_DTYPES: Readonly<Record<string, { dtype: NpyDtype; kind: ElementKind }>> = {
  '<f4': { dtype: '<f4', kind: 'f4' },
  '<f8': { dtype: '<f8', kind: 'f8' },
  '<i4': { dtype: '<i4', kind: 'i4' },
  '<i8': { dtype: '<i8', kind: 'i8' },
  '|u1': { dtype: '|u1', kind: 'u1' },
  '<u1': { dtype: '|u1', kind: 'u1' },
  '|b1': { dtype: '|b1', kind: 'u1' },
};
const SUPPORTED = '<f4, <f8, <i4, <i8, |u1, |b1';

function dtypeOf(data: NumericArray): NpyDtype {
  if (data instanceof Float32Array) return '<f4';
  if (data instanceof Float64Array) return '<f8';
  if (data instanceof Int32Array) return '<i4';
  if (data instanceof Uint8Array) return '|u1';
  throw new FileFormatError('unsupported array type for .npy', {
    field: 'data',
    expected: 'Float32Array, Float64Array, Int32Array or Uint8Array',
    found: describeValue(Object.prototype.toString.call(data)),
  });
}

function pythonShape(shape: readonly number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/**
 * Encodes an array as a `.npy` file (format version 1.0, or 2.0 when the
 * header would not fit in 64 KiB), byte for byte what NumPy's `np.save` writes.
 *
 * @remarks
 * Layout (NumPy format spec, `numpy.lib.format`): the magic `\x93NUMPY`, the
 * version bytes `1 0`, the header length as a little-endian uint16, then the
 * header: a Python dict literal
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` padded with
 * spaces and ended by `\n` so that the data starts at a multiple of 64 bytes;
 * then the raw little-endian data in C (row-major) order.
 *
 * @param array - a {@link Tensor} or any {@link NdArray} (`Float32Array` → `<f4`,
 * `Float64Array` → `<f8`, `Int32Array` → `<i4`, `Uint8Array` → `|u1`)
 * @throws {@link ShapeError} when the data length does not match the shape
 * @example
 * ```ts
 * const bytes = encodeNpy(tensor([1, 2, 3, 4, 5, 6], [2, 3]));
 * decodeNpy(bytes).shape; // [2, 3]
 * ```
 */
export function encodeNpy(array: NdArray): Uint8Array {
  checkNdArray(array, 'array');
  const dtype = dtypeOf(array.data);
  let header = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${pythonShape(array.shape)}, }`;
  if (array.shape.length > 0) header += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(array.shape[0]).length));
  const prefixFor = (major: number): number => MAGIC.length + 2 + (major === 1 ? 2 : 4);
  let major = 1;
  let total = prefixFor(1) + header.length + 1;
  let padding = ARRAY_ALIGN - (total % ARRAY_ALIGN);
  if (header.length + 1 + padding > 0xffff) {
    major = 2;
    total = prefixFor(2) + header.length + 1;
    padding = ARRAY_ALIGN - (total % ARRAY_ALIGN);
  }
  const headerLength = header.length + padding + 1;
  const prefix = prefixFor(major);
  const data = littleEndianBytes(array.data);
  const out = new Uint8Array(prefix + headerLength + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, headerLength, true);
  else view.setUint32(8, headerLength, true);
  const text = `${header}${' '.repeat(padding)}\n`;
  for (let i = 0; i < text.length; i++) out[prefix + i] = text.charCodeAt(i);
  out.set(data, prefix + headerLength);
  return out;
}

// --- header parsing: the Python literal subset NumPy writes --------------------------------

export type PyValue = string | number | boolean | null | PyValue[] | { readonly [key: string]: PyValue };

class LiteralParser {
  private at = 0;
  constructor(private readonly text: string) {}

  parseAll(): PyValue {
    const value = this.value();
    this.space();
    if (this.at !== this.text.length) throw new Error(`unexpected ${JSON.stringify(this.text[this.at])} at ${this.at}`);
    return value;
  }

  private space(): void {
    while (this.at < this.text.length && /\s/.test(this.text[this.at])) this.at++;
  }

  private value(): PyValue {
    this.space();
    const c = this.text[this.at];
    if (c === '{') return this.dict();
    if (c === '(') return this.sequence(')');
    if (c === '[') return this.sequence(']');
    if (c === "'" || c === '"') return this.string(c);
    const word = /^(-?\d+)L?|^(True|False|None)\b/.exec(this.text.slice(this.at));
    if (!word) throw new Error(`unexpected ${c === undefined ? 'end' : JSON.stringify(c)} at ${this.at}`);
    this.at += word[0].length;
    if (word[1] !== undefined) return Number(word[1]);
    return word[2] === 'True' ? true : word[2] === 'False' ? false : null;
  }

  private string(quote: string): string {
    let out = '';
    this.at++;
    while (this.at < this.text.length && this.text[this.at] !== quote) {
      if (this.text[this.at] === '\\') this.at++;
      out += this.text[this.at++];
    }
    if (this.at >= this.text.length) throw new Error('unterminated string');
    this.at++;
    return out;
  }

  private sequence(close: string): PyValue[] {
    const items: PyValue[] = [];
    this.at++;
    for (;;) {
      this.space();
      if (this.text[this.at] === close) break;
      items.push(this.value());
      this.space();
      if (this.text[this.at] === ',') this.at++;
      else if (this.text[this.at] !== close) throw new Error(`expected , or ${close} at ${this.at}`);
    }
    this.at++;
    return items;
  }

  private dict(): { [key: string]: PyValue } {
    const out: { [key: string]: PyValue } = Object.create(null);
    this.at++;
    for (;;) {
      this.space();
      if (this.text[this.at] === '}') break;
      const key = this.value();
      if (typeof key !== 'string') throw new Error(`dict key ${describeValue(key)} is not a string`);
      this.space();
      if (this.text[this.at] !== ':') throw new Error(`expected : at ${this.at}`);
      this.at++;
      out[key] = this.value();
      this.space();
      if (this.text[this.at] === ',') this.at++;
      else if (this.text[this.at] !== '}') throw new Error(`expected , or } at ${this.at}`);
    }
    this.at++;
    return out;
  }
}

function pyRepr(value: PyValue): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value === null) return 'None';
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object') return `{${Object.keys(value).map((k) => `'${k}': ${pyRepr(value[k])}`).join(', ')}}`;
  return String(value);
}

function shorten(text: string): string {
  const trimmed = text.trim();
  return JSON.stringify(trimmed.length > 80 ? `${trimmed.slice(0, 80)}…` : trimmed);
}

/** The parts of a `.npy` header: the dtype string, the order flag, the shape and where the data starts. */
export interface NpyHeader {
  /** The `descr` entry (e.g. `'<f4'`, `'|O'`). */
  readonly descr: PyValue;
  /** The `fortran_order` entry. */
  readonly fortranOrder: PyValue;
  /** The `shape` entry. */
  readonly shape: PyValue;
  /** Byte offset of the array data. */
  readonly dataStart: number;
}

/**
 * Reads and checks the magic, version and header dict of a `.npy` file.
 * @internal
 */
export function parseNpyHeader(bytes: Uint8Array, file?: string): NpyHeader {
  const fail = (summary: string, field: string | undefined, expected: string, found: string): never => {
    throw new FileFormatError(summary, { file, field, expected, found });
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    const head = Array.from(bytes.subarray(0, 6), (b) => `\\x${b.toString(16).padStart(2, '0')}`).join('');
    fail('not a .npy file (bad magic)', undefined, 'the magic bytes \\x93NUMPY', `"${head}"`);
  }
  const major = bytes[6];
  const minor = bytes[7];
  if (![1, 2, 3].includes(major) || minor !== 0) {
    fail('unsupported .npy format version', undefined, '1.0, 2.0 or 3.0', `${major}.${minor}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lengthBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lengthBytes) fail('truncated .npy header', undefined, `at least ${8 + lengthBytes} bytes`, `${bytes.length} bytes`);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lengthBytes + headerLength;
  if (bytes.length < dataStart) {
    fail('truncated .npy header', undefined, `${dataStart} bytes of magic, version and header`, `${bytes.length} bytes`);
  }
  const headerBytes = bytes.subarray(8 + lengthBytes, dataStart);
  const headerText = major === 3 ? new TextDecoder('utf-8').decode(headerBytes) : new TextDecoder('latin1').decode(headerBytes);
  let header: PyValue;
  try {
    header = new LiteralParser(headerText).parseAll();
  } catch (error) {
    return fail(`.npy header is not a Python literal (${(error as Error).message})`, 'header', "a dict like {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", shorten(headerText));
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    return fail('.npy header is not a dict', 'header', "a dict like {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", shorten(headerText));
  }
  const dict = header as { readonly [key: string]: PyValue };
  for (const key of ['descr', 'fortran_order', 'shape']) {
    if (!(key in dict)) fail(`.npy header lacks '${key}'`, 'header', "keys 'descr', 'fortran_order' and 'shape'", shorten(headerText));
  }
  return { descr: dict.descr, fortranOrder: dict.fortran_order, shape: dict.shape, dataStart };
}

/**
 * Decodes a `.npy` file (format versions 1.0, 2.0 and 3.0).
 *
 * @remarks
 * Every check names the file: the magic and version, the header (a Python
 * dict with `descr`, `fortran_order` and `shape`), the dtype (one of
 * {@link NpyDtype}; big-endian, complex, object and structured dtypes are
 * refused), C order only, and that the data is exactly as long as the shape
 * says. Floats come back as `Float32Array` unless `keepFloat64` is set.
 *
 * @param bytes - the whole file
 * @param file - the file name, for error messages
 * @param options - how to return 64-bit floats
 * @throws {@link FileFormatError} naming the file and what is wrong
 */
export function decodeNpy(bytes: Uint8Array, file?: string, options: ReadOptions = {}): NpyArray {
  const fail = (summary: string, field: string | undefined, expected: string, found: string): never => {
    throw new FileFormatError(summary, { file, field, expected, found });
  };
  const { dataStart, ...dict } = parseNpyHeader(bytes, file);
  const descr = dict.descr;
  const known = typeof descr === 'string' ? READ_DTYPES[descr] : undefined;
  if (!known) return fail('unsupported .npy dtype', 'descr', `one of ${SUPPORTED}`, pyRepr(descr));
  if (dict.fortranOrder !== false) {
    fail('Fortran-order .npy arrays are not supported', 'fortran_order', 'False (C order; save with np.ascontiguousarray)', pyRepr(dict.fortranOrder));
  }
  const shape = dict.shape;
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    return fail('invalid .npy shape', 'shape', 'a tuple of non-negative integers', pyRepr(shape));
  }
  const dims = shape as number[];
  const count = shapeSize(dims);
  const expectedBytes = count * elementBytes(known.kind);
  const foundBytes = bytes.length - dataStart;
  if (foundBytes !== expectedBytes) {
    fail('.npy data size does not match its header', undefined, `${expectedBytes} bytes of data for shape ${pythonShape(dims)} of ${known.dtype}`, `${foundBytes} bytes`);
  }
  const data = decodeElements(bytes.subarray(dataStart), known.kind, count, options, (index, value) =>
    fail('int64 value does not fit in an Int32Array', `data[${index}]`, 'values in [-2147483648, 2147483647]', String(value)),
  );
  return { data, shape: dims, dtype: known.dtype };
}

