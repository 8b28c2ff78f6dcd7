import { ShapeError, ValidationError, describeValue } from '@snn/core';
import { DTYPES, type IdxDtype } from './dtype.js';

/** What `writeIdx` and {@link encodeIdx} take: a dtype, a shape and row-major values. */
export interface IdxInput {
  /** Element type to store. */
  readonly dtype: IdxDtype;
  /** Dimensions, outermost first; 1 to 255 of them, each an integer in [0, 2³²−1]. */
  readonly shape: readonly number[];
  /** Row-major values, `product(shape)` of them; integers in range for integer dtypes. */
  readonly data: ArrayLike<number>;
}

/** Options of `writeIdx`. */
export interface WriteIdxOptions {
  /** Gzip-compress the file; default: true when the path ends with `.gz`. */
  readonly gzip?: boolean;
}

/**
 * Encodes an array as IDX bytes (magic number, big-endian u32 dimensions, big-endian values).
 * @throws ValidationError for an unknown dtype, a bad shape, or a value the dtype cannot hold
 * @throws ShapeError when `data.length` differs from the product of `shape`
 */
export function encodeIdx(array: IdxInput): Uint8Array {
  const info = DTYPES[array.dtype as IdxDtype];
  if (!info || !Object.hasOwn(DTYPES, array.dtype)) {
    throw new ValidationError('unknown IDX dtype', {
      field: 'dtype',
      expected: '"u8", "i8", "i16", "i32", "f32" or "f64"',
      found: describeValue(array.dtype),
    });
  }
  const { shape, data } = array;
  if (!Array.isArray(shape) || shape.length < 1 || shape.length > 255) {
    throw new ValidationError('invalid IDX shape', { field: 'shape', expected: '1 to 255 dimensions', found: describeValue(shape) });
  }
  let count = 1;
  for (const dim of shape) {
    if (!Number.isInteger(dim) || dim < 0 || dim > 0xffffffff) {
      throw new ValidationError('invalid IDX dimension', {
        field: 'shape',
        expected: 'integers in [0, 4294967295]',
        found: describeValue(shape),
      });
    }
    count *= dim;
  }
  if (data.length !== count) {
    throw new ShapeError('data length does not match shape', {
      field: 'data',
      expected: `${count} values for shape [${shape.join(', ')}]`,
      found: `${data.length}`,
    });
  }
  const headerBytes = 4 + 4 * shape.length;
  const bytes = new Uint8Array(headerBytes + count * info.bytes);
  const view = new DataView(bytes.buffer);
  bytes[2] = info.code;
  bytes[3] = shape.length;
  for (let d = 0; d < shape.length; d++) view.setUint32(4 + 4 * d, shape[d], false);
  if (info.integer) {
    for (let i = 0; i < count; i++) {
      const v = data[i];
      if (!Number.isInteger(v) || v < info.min || v > info.max) {
        throw new ValidationError(`value out of range for ${info.dtype}`, {
          field: `data[${i}]`,
          expected: `an integer in [${info.min}, ${info.max}]`,
          found: String(v),
        });
      }
    }
  }
  if (info.dtype === 'u8') {
    bytes.set(data, headerBytes);
  } else if (info.dtype === 'i8') {
    new Int8Array(bytes.buffer, headerBytes).set(data);
  } else {
    for (let i = 0, o = headerBytes; i < count; i++, o += info.bytes) info.write(view, o, data[i]);
  }
  return bytes;
}

