import { FileFormatError, ValidationError, describeValue } from '../errors/errors.js';
import { shapeSize } from '../tensor/tensor.js';
import { checkNdArray, decodeElements, type ElementKind, elementBytes, littleEndianBytes, type NdArray, type NumericArray, type ReadOptions } from './nd-array.js';

/** The safetensors dtypes this module reads and writes. */
export type SafetensorsDtype = 'F32' | 'F64' | 'I32' | 'U8';

/** A tensor read from a safetensors file. */
export interface SafetensorsTensor extends NdArray {
  /** The dtype stored in the file (`F64` data comes back as `Float32Array` unless `keepFloat64`). */
  readonly dtype: SafetensorsDtype;
}

/** The content of a safetensors file. */
export interface SafetensorsContent {
  /** The tensors by name, in file order. */
  readonly tensors: Record<string, SafetensorsTensor>;
  /** The string → string map stored under `__metadata__` (empty when absent). */
  readonly metadata: Record<string, string>;
  /** Byte position where the tensor data starts: 8 + the header length. */
  readonly dataOffset: number;
}

const KIND: Readonly<Record<SafetensorsDtype, ElementKind>> = { F32: 'f4', F64: 'f8', I32: 'i4', U8: 'u1' };
const SUPPORTED = 'F32, F64, I32, U8';
/** The reference implementation refuses headers over 100 MB; so does this one. */
const MAX_HEADER_BYTES = 100_000_000;
const METADATA_KEY = '__metadata__';

function dtypeOf(data: NumericArray, name: string): SafetensorsDtype {
  if (data instanceof Float32Array) return 'F32';
  if (data instanceof Float64Array) return 'F64';
  if (data instanceof Int32Array) return 'I32';
  if (data instanceof Uint8Array) return 'U8';
  throw new ValidationError('unsupported array type for safetensors', {
    field: name,
    expected: 'Float32Array, Float64Array, Int32Array or Uint8Array',
    found: Object.prototype.toString.call(data),
  });
}

/** One tensor laid out in the byte buffer. */
interface Placed {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly begin: number;
  readonly end: number;
  readonly bytes: Uint8Array;
}

/**
 * The byte buffer of a safetensors file and where each tensor lies in it.
 * Tensors are ordered by element size (largest first), then name, so every
 * tensor starts at a multiple of its element size.
 */
export interface PackedTensors {
  /** The tensors in buffer order. */
  readonly placed: readonly Placed[];
  /** All tensor bytes, back to back. */
  readonly data: Uint8Array;
}

/** Lays tensors out in one byte buffer; checks names, shapes and types. */
export function packTensors(tensors: Readonly<Record<string, NdArray>>): PackedTensors {
  const names = Object.keys(tensors);
  for (const name of names) {
    if (name === '' || name === METADATA_KEY) {
      throw new ValidationError('invalid tensor name', { field: 'tensors', expected: `a non-empty name other than ${METADATA_KEY}`, found: JSON.stringify(name) });
    }
    checkNdArray(tensors[name], name);
  }
  const entries = names.map((name) => ({ name, array: tensors[name], dtype: dtypeOf(tensors[name].data, name) }));
  entries.sort((a, b) => b.array.data.BYTES_PER_ELEMENT - a.array.data.BYTES_PER_ELEMENT || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let offset = 0;
  const placed: Placed[] = [];
  for (const { name, array, dtype } of entries) {
    const bytes = littleEndianBytes(array.data);
    placed.push({ name, dtype, shape: [...array.shape], begin: offset, end: offset + bytes.byteLength, bytes });
    offset += bytes.byteLength;
  }
  const data = new Uint8Array(offset);
  for (const p of placed) data.set(p.bytes, p.begin);
  return { placed, data };
}

/** Writes the header (padded with spaces to a multiple of 8 bytes) and the packed data as one file. */
export function assembleSafetensors(packed: PackedTensors, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  const metaKeys = Object.keys(metadata);
  for (const key of metaKeys) {
    if (typeof metadata[key] !== 'string') {
      throw new ValidationError('safetensors metadata values must be strings', { field: `${METADATA_KEY}.${key}`, expected: 'a string', found: describeValue(metadata[key]) });
    }
  }
  if (metaKeys.length > 0) header[METADATA_KEY] = { ...metadata };
  for (const p of packed.placed) header[p.name] = { dtype: p.dtype, shape: p.shape, data_offsets: [p.begin, p.end] };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padding = (8 - (json.length % 8)) % 8;
  const headerLength = json.length + padding;
  const out = new Uint8Array(8 + headerLength + packed.data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  out.set(packed.data, 8 + headerLength);
  return out;
}

/**
 * Encodes tensors as a safetensors file.
 *
 * @remarks
 * Format (huggingface/safetensors): an 8-byte little-endian header length
 * `N`, `N` bytes of UTF-8 JSON mapping each tensor name to
 * `{"dtype", "shape", "data_offsets": [begin, end]}` (offsets into the byte
 * buffer that follows) plus an optional `"__metadata__"` string → string map,
 * then the byte buffer, little-endian, row-major. Readable in Python with
 * `safetensors.numpy.load_file`.
 *
 * @param tensors - tensors by name (`Float32Array` → F32, `Float64Array` → F64, `Int32Array` → I32, `Uint8Array` → U8)
 * @param metadata - strings stored under `__metadata__`
 * @throws {@link ShapeError} when a tensor's data length does not match its shape
 * @throws {@link ValidationError} for an empty or reserved name, or a metadata value that is not a string
 * @example
 * ```ts
 * const bytes = encodeSafetensors({ w: tensor([1, 2, 3, 4], [2, 2]) }, { epoch: '3' });
 * decodeSafetensors(bytes).metadata.epoch; // '3'
 * ```
 */
export function encodeSafetensors(tensors: Readonly<Record<string, NdArray>>, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  return assembleSafetensors(packTensors(tensors), metadata);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * Decodes a safetensors file, checking its header against its bytes.
 *
 * @remarks
 * Refused with a {@link FileFormatError} naming the file (and the tensor):
 * a header length larger than the file, a header that is not a JSON object,
 * an entry without a valid dtype/shape/data_offsets, an unsupported dtype,
 * offsets out of range or not matching the shape's byte size, tensors that
 * overlap, and bytes no tensor covers (the format forbids holes).
 *
 * @param bytes - the whole file
 * @param file - the file name, for error messages
 * @param options - how to return 64-bit floats
 * @throws {@link FileFormatError} naming the file and what is wrong
 */
export function decodeSafetensors(bytes: Uint8Array, file?: string, options: ReadOptions = {}): SafetensorsContent {
  const fail = (summary: string, field: string | undefined, expected: string, found: string): never => {
    throw new FileFormatError(summary, { file, field, expected, found });
  };
  if (bytes.length < 8) fail('file too short for a safetensors header', undefined, 'at least 8 bytes', `${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declared = view.getBigUint64(0, true);
  if (declared > BigInt(bytes.length - 8)) {
    fail('safetensors header length larger than the file', 'header length', `at most ${bytes.length - 8} bytes`, `${declared} bytes`);
  }
  const headerLength = Number(declared);
  if (headerLength > MAX_HEADER_BYTES) fail('safetensors header too large', 'header length', `at most ${MAX_HEADER_BYTES} bytes`, `${headerLength} bytes`);
  const dataOffset = 8 + headerLength;
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, dataOffset)));
  } catch (error) {
    return fail(`safetensors header is not valid JSON (${(error as Error).message})`, 'header', 'a UTF-8 JSON object', `${headerLength} bytes`);
  }
  if (!isObject(header)) return fail('safetensors header is not a JSON object', 'header', 'a JSON object', describeValue(header));
  const dataLength = bytes.length - dataOffset;
  const metadata: Record<string, string> = {};
  const raw = header[METADATA_KEY];
  if (raw !== undefined) {
    if (!isObject(raw)) fail('safetensors __metadata__ is not an object', METADATA_KEY, 'a string → string map', describeValue(raw));
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
      if (typeof value !== 'string') fail('safetensors metadata values must be strings', `${METADATA_KEY}.${key}`, 'a string', describeValue(value));
      metadata[key] = value as string;
    }
  }
  interface Entry {
    name: string;
    dtype: SafetensorsDtype;
    shape: number[];
    begin: number;
    end: number;
  }
  const entries: Entry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === METADATA_KEY) continue;
    if (!isObject(info)) return fail('safetensors entry is not an object', name, '{"dtype", "shape", "data_offsets"}', describeValue(info));
    const dtype = info.dtype;
    if (typeof dtype !== 'string' || !(dtype in KIND)) return fail('unsupported safetensors dtype', name, `one of ${SUPPORTED}`, describeValue(dtype));
    const shape = info.shape;
    if (!Array.isArray(shape) || !shape.every(isIndex)) return fail('invalid safetensors shape', name, 'an array of non-negative integers', describeValue(shape));
    const offsets = info.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex) || offsets[0] > offsets[1]) {
      return fail('invalid safetensors data_offsets', name, '[begin, end] with 0 <= begin <= end', describeValue(offsets));
    }
    const [begin, end] = offsets as [number, number];
    if (end > dataLength) fail('safetensors data_offsets out of range', name, `end <= ${dataLength} (the byte buffer's length)`, `[${begin}, ${end}]`);
    const size = shapeSize(shape) * elementBytes(KIND[dtype as SafetensorsDtype]);
    if (end - begin !== size) {
      fail('safetensors data_offsets do not match the shape', name, `${size} bytes for ${dtype} [${shape.join(', ')}]`, `${end - begin} bytes [${begin}, ${end}]`);
    }
    entries.push({ name, dtype: dtype as SafetensorsDtype, shape: shape as number[], begin, end });
  }
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: Entry | undefined;
  for (const entry of sorted) {
    if (previous && entry.begin < previous.end) {
      fail('safetensors tensors overlap', entry.name, `data starting at or after ${previous.end} (end of ${previous.name})`, `[${entry.begin}, ${entry.end}]`);
    }
    if (entry.begin > covered) fail('safetensors byte buffer has a hole', entry.name, `data starting at ${covered}`, `[${entry.begin}, ${entry.end}]`);
    covered = Math.max(covered, entry.end);
    previous = entry;
  }
  if (covered !== dataLength) fail('safetensors byte buffer has bytes no tensor covers', undefined, `${covered} bytes of tensor data`, `${dataLength} bytes`);
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const entry of entries) {
    const count = shapeSize(entry.shape);
    const data = decodeElements(bytes.subarray(dataOffset + entry.begin, dataOffset + entry.end), KIND[entry.dtype], count, options, () => {
      throw new Error('unreachable: safetensors has no int64 support here');
    });
    tensors[entry.name] = { data, shape: entry.shape, dtype: entry.dtype };
  }
  return { tensors, metadata, dataOffset };
}

