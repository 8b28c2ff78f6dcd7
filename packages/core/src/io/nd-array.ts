import { ShapeError } from '../errors/errors.js';
import { shapeSize } from '../tensor/tensor.js';

/** The typed arrays the file formats read and write. */
export type NumericArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/**
 * A row-major array of any {@link NumericArray} type with a shape; a
 * {@link Tensor} is one (with `Float32Array` data).
 */
export interface NdArray {
  /** The values, row-major (last index fastest). */
  readonly data: NumericArray;
  /** Size of each dimension; `[]` for a scalar. */
  readonly shape: readonly number[];
}

/** Options for reading arrays from files. */
export interface ReadOptions {
  /**
   * Keep 64-bit floats as `Float64Array` instead of converting them to
   * `Float32Array` (default `false`: every float array comes back as a `Float32Array`).
   */
  readonly keepFloat64?: boolean;
}

/** True when this machine stores numbers little-endian (both formats are little-endian on disk). */
export const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Throws a {@link ShapeError} unless `shape` holds non-negative integers whose product is `data.length`. */
export function checkNdArray(array: NdArray, name: string): void {
  const shape = array?.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ShapeError('invalid shape', { field: name, expected: 'non-negative integer sizes', found: JSON.stringify(shape) });
  }
  const size = shapeSize(shape);
  if (array.data.length !== size) {
    throw new ShapeError('data length does not match shape', {
      field: name,
      expected: `${size} values for shape [${shape.join(', ')}]`,
      found: `${array.data.length}`,
    });
  }
}

/** The raw little-endian bytes of a typed array (a view when the host is little-endian). */
export function littleEndianBytes(data: NumericArray): Uint8Array {
  if (LITTLE_ENDIAN_HOST || data.BYTES_PER_ELEMENT === 1) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Float32Array) view.setFloat32(i * 4, data[i], true);
    else if (data instanceof Float64Array) view.setFloat64(i * 8, data[i], true);
    else view.setInt32(i * 4, data[i], true);
  }
  return out;
}

/** The kinds of element the readers decode, with their size in bytes. */
export type ElementKind = 'f4' | 'f8' | 'i4' | 'u1' | 'i8';

const ELEMENT_BYTES: Readonly<Record<ElementKind, number>> = { f4: 4, f8: 8, i4: 4, u1: 1, i8: 8 };

/** Size in bytes of one element of a kind. */
export function elementBytes(kind: ElementKind): number {
  return ELEMENT_BYTES[kind];
}

/**
 * Decodes little-endian elements from `bytes` (any alignment) into a new typed array:
 * `f4` → Float32Array, `f8` → Float64Array (or Float32Array unless `keepFloat64`),
 * `i4` → Int32Array, `u1` → Uint8Array, `i8` → Int32Array (each value checked to fit).
 *
 * @param onInt64Overflow - called with the index of an int64 value outside the int32 range; must throw
 */
export function decodeElements(
  bytes: Uint8Array,
  kind: ElementKind,
  count: number,
  options: ReadOptions,
  onInt64Overflow: (index: number, value: bigint) => never,
): NumericArray {
  // A fresh, aligned copy (Node's Buffer.slice would return a view into a shared pool).
  const copy = new Uint8Array(count * ELEMENT_BYTES[kind]);
  copy.set(bytes.subarray(0, copy.length));
  const view = new DataView(copy.buffer);
  switch (kind) {
    case 'u1':
      return copy;
    case 'f4':
      if (LITTLE_ENDIAN_HOST) return new Float32Array(copy.buffer);
      return Float32Array.from({ length: count }, (_, i) => view.getFloat32(i * 4, true));
    case 'i4':
      if (LITTLE_ENDIAN_HOST) return new Int32Array(copy.buffer);
      return Int32Array.from({ length: count }, (_, i) => view.getInt32(i * 4, true));
    case 'f8': {
      const wide = LITTLE_ENDIAN_HOST ? new Float64Array(copy.buffer) : Float64Array.from({ length: count }, (_, i) => view.getFloat64(i * 8, true));
      return options.keepFloat64 ? wide : Float32Array.from(wide);
    }
    case 'i8': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const value = view.getBigInt64(i * 8, true);
        if (value < -2147483648n || value > 2147483647n) onInt64Overflow(i, value);
        out[i] = Number(value);
      }
      return out;
    }
  }
}
