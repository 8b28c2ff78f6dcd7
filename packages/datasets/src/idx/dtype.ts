/**
 * Element type of an IDX file, named by the typed array it decodes to.
 *
 * @remarks
 * The third byte of an IDX file's magic number is the type code:
 * `0x08` u8 (unsigned byte), `0x09` i8, `0x0B` i16, `0x0C` i32, `0x0D` f32,
 * `0x0E` f64. Multi-byte values are stored big-endian.
 */
export type IdxDtype = 'u8' | 'i8' | 'i16' | 'i32' | 'f32' | 'f64';

/** The typed array that holds decoded IDX values, one per {@link IdxDtype}. */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A decoded IDX file: element type, dimensions (outermost first) and the values in row-major order. */
export interface IdxArray {
  /** Element type from the magic number. */
  readonly dtype: IdxDtype;
  /** Dimensions from the header, outermost first, e.g. `[60000, 28, 28]`. */
  readonly shape: readonly number[];
  /** The values, row-major; the typed array matching `dtype` (`Uint8Array` for u8, …). */
  readonly data: IdxData;
}

/** What the codec needs to know about one dtype. */
export interface DtypeInfo {
  readonly dtype: IdxDtype;
  readonly code: number;
  readonly bytes: number;
  readonly integer: boolean;
  readonly min: number;
  readonly max: number;
  create(length: number): IdxData;
  read(view: DataView, offset: number): number;
  write(view: DataView, offset: number, value: number): void;
}

export const DTYPES: Readonly<Record<IdxDtype, DtypeInfo>> = {
  u8: {
    dtype: 'u8',
    code: 0x08,
    bytes: 1,
    integer: true,
    min: 0,
    max: 255,
    create: (n) => new Uint8Array(n),
    read: (v, o) => v.getUint8(o),
    write: (v, o, x) => v.setUint8(o, x),
  },
  i8: {
    dtype: 'i8',
    code: 0x09,
    bytes: 1,
    integer: true,
    min: -128,
    max: 127,
    create: (n) => new Int8Array(n),
    read: (v, o) => v.getInt8(o),
    write: (v, o, x) => v.setInt8(o, x),
  },
  i16: {
    dtype: 'i16',
    code: 0x0b,
    bytes: 2,
    integer: true,
    min: -32768,
    max: 32767,
    create: (n) => new Int16Array(n),
    read: (v, o) => v.getInt16(o, false),
    write: (v, o, x) => v.setInt16(o, x, false),
  },
  i32: {
    dtype: 'i32',
    code: 0x0c,
    bytes: 4,
    integer: true,
    min: -2147483648,
    max: 2147483647,
    create: (n) => new Int32Array(n),
    read: (v, o) => v.getInt32(o, false),
    write: (v, o, x) => v.setInt32(o, x, false),
  },
  f32: {
    dtype: 'f32',
    code: 0x0d,
    bytes: 4,
    integer: false,
    min: Number.NEGATIVE_INFINITY,
    max: Number.POSITIVE_INFINITY,
    create: (n) => new Float32Array(n),
    read: (v, o) => v.getFloat32(o, false),
    write: (v, o, x) => v.setFloat32(o, x, false),
  },
  f64: {
    dtype: 'f64',
    code: 0x0e,
    bytes: 8,
    integer: false,
    min: Number.NEGATIVE_INFINITY,
    max: Number.POSITIVE_INFINITY,
    create: (n) => new Float64Array(n),
    read: (v, o) => v.getFloat64(o, false),
    write: (v, o, x) => v.setFloat64(o, x, false),
  },
};

/** The dtype for an IDX type code, or undefined for an unknown code. */
export function dtypeFromCode(code: number): DtypeInfo | undefined {
  for (const info of Object.values(DTYPES)) if (info.code === code) return info;
  return undefined;
}

/** Human-readable list of the valid type codes, for error messages. */
export const DTYPE_CODES_TEXT = '0x08 (u8), 0x09 (i8), 0x0B (i16), 0x0C (i32), 0x0D (f32) or 0x0E (f64)';

/** Two-digit uppercase hex of a byte, e.g. `0x0B`. */
export function hexByte(value: number): string {
  return `0x${value.toString(16).toUpperCase().padStart(2, '0')}`;
}
