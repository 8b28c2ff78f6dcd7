/**
 * The values {@link parsePickle} builds: the plain Python data a NumPy pickle holds, nothing callable.
 *
 * @remarks
 * Python `None`, `bool`, `int`, `float` and `str` map to `null`, `boolean`,
 * `number` (or `bigint` beyond 2⁵³), `number` and `string`; `bytes` to
 * `Uint8Array`; `list` to a JS array; `tuple` to {@link PickleTuple}; `dict`
 * to {@link PickleDict}; NumPy arrays and dtypes to {@link PickleNdArray} and
 * {@link PickleDtype}.
 */
export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PickleValue[]
  | PickleTuple
  | PickleDict
  | PickleNdArray
  | PickleDtype;

/** A Python tuple. */
export interface PickleTuple {
  /** Discriminant. */
  readonly kind: 'tuple';
  /** The items, in order. */
  readonly items: readonly PickleValue[];
}

/** A Python dict with string or integer keys (insertion order kept). */
export interface PickleDict {
  /** Discriminant. */
  readonly kind: 'dict';
  /** The entries. */
  readonly entries: Map<string | number, PickleValue>;
}

/** One field of a structured (record) NumPy dtype. */
export interface PickleDtypeField {
  /** Field name. */
  readonly name: string;
  /** Field dtype (a plain numeric dtype). */
  readonly dtype: PickleDtype;
  /** Byte offset of the field inside one record. */
  readonly offset: number;
}

/**
 * A NumPy dtype: `code` is NumPy's kind letter and size (`'i2'`, `'f4'`, `'O8'`, `'V6'`, …),
 * `byteOrder` is `'<'`, `'>'`, `'|'` or `'='`; structured dtypes list their `fields`.
 */
export interface PickleDtype {
  /** Discriminant. */
  readonly kind: 'dtype';
  /** Kind letter and item size in bytes, as NumPy spells it (`'i2'`, `'f4'`, `'V6'`, `'O8'`). */
  code: string;
  /** Byte order from the dtype state; `'|'` when not applicable. */
  byteOrder: string;
  /** Item size in bytes (the record size for structured dtypes). */
  itemSize: number;
  /** Fields of a structured dtype, in the stored order; empty for plain dtypes. */
  fields: PickleDtypeField[];
  /** True for `numpy.record` dtypes (the dtype of a `numpy.recarray`). */
  readonly isRecord: boolean;
}

/** A NumPy array rebuilt from `numpy.core.multiarray._reconstruct` + its state; its bytes are not copied. */
export interface PickleNdArray {
  /** Discriminant. */
  readonly kind: 'ndarray';
  /** `'ndarray'` or `'recarray'` (the Python class that was pickled). */
  readonly subclass: 'ndarray' | 'recarray';
  /** Array shape. */
  shape: number[];
  /** Element dtype. */
  dtype: PickleDtype;
  /** True when the data is in Fortran order. */
  fortranOrder: boolean;
  /** Raw element bytes (numeric and structured dtypes) — length = product of the shape × item size. */
  bytes: Uint8Array;
  /** The elements of an object array (`dtype` `'O8'`), in C order; empty otherwise. */
  objects: PickleValue[];
}

/** True for a {@link PickleDict}. */
export function isPickleDict(value: PickleValue | undefined): value is PickleDict {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && value.kind === 'dict';
}

/** True for a {@link PickleTuple}. */
export function isPickleTuple(value: PickleValue | undefined): value is PickleTuple {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && value.kind === 'tuple';
}

/** True for a {@link PickleNdArray}. */
export function isPickleNdArray(value: PickleValue | undefined): value is PickleNdArray {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && value.kind === 'ndarray';
}

/** Describes a pickle value's Python type for error messages (`dict`, `list`, `ndarray of int16`, …). */
export function describePickleValue(value: PickleValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'None';
  if (typeof value === 'boolean') return 'a bool';
  if (typeof value === 'number') return Number.isInteger(value) ? `the int ${value}` : `the float ${value}`;
  if (typeof value === 'bigint') return `the int ${value}`;
  if (typeof value === 'string') return `the str ${JSON.stringify(value.slice(0, 40))}`;
  if (value instanceof Uint8Array) return `bytes of length ${value.length}`;
  if (Array.isArray(value)) return `a list of ${value.length}`;
  switch (value.kind) {
    case 'tuple':
      return `a tuple of ${value.items.length}`;
    case 'dict':
      return `a dict with keys ${[...value.entries.keys()].map((k) => JSON.stringify(k)).join(', ')}`;
    case 'dtype':
      return `a dtype ${value.code}`;
    case 'ndarray':
      return `a ${value.subclass} of ${value.dtype.code} with shape (${value.shape.join(', ')})`;
  }
}
