import { ShapeError, NumericError } from '../errors/errors.js';

/**
 * A dense, row-major array of 32-bit floats with a shape.
 *
 * @remarks
 * The one array type of the toolkit. Batch comes first, then time where there
 * is time (`[batch, T, ...]`). `data.length` always equals the product of
 * `shape`; {@link tensor} checks it.
 */
export interface Tensor {
  /** The values, row-major (last index fastest). */
  readonly data: Float32Array;
  /** Size of each dimension; `[]` for a scalar. */
  readonly shape: readonly number[];
}

/** Number of elements of a shape: the product of its sizes (1 for `[]`). */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

function checkShape(shape: readonly number[], field: string): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError('invalid shape', { field, expected: 'non-negative integer sizes', found: `[${shape.join(', ')}]` });
    }
  }
}

/**
 * Makes a tensor from values and a shape, checking that they agree.
 *
 * @param values - the values, row-major; a `Float32Array` is used as is (not copied)
 * @param shape - the size of each dimension
 * @param name - a name for error messages (default `"tensor"`)
 * @throws {@link ShapeError} when `values.length` is not the product of `shape`
 * @example
 * ```ts
 * const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
 * x.data[1 * 3 + 2]; // 6
 * ```
 */
export function tensor(values: Float32Array | ArrayLike<number>, shape: readonly number[], name = 'tensor'): Tensor {
  checkShape(shape, name);
  const data = values instanceof Float32Array ? values : Float32Array.from(values);
  const size = shapeSize(shape);
  if (data.length !== size) {
    throw new ShapeError('data length does not match shape', {
      field: name,
      expected: `${size} values for shape [${shape.join(', ')}]`,
      found: `${data.length}`,
    });
  }
  return { data, shape: [...shape] };
}

/** A tensor of zeros with the given shape. */
export function zeros(shape: readonly number[]): Tensor {
  checkShape(shape, 'shape');
  return { data: new Float32Array(shapeSize(shape)), shape: [...shape] };
}

/** A tensor with every element equal to `value`. */
export function full(shape: readonly number[], value: number): Tensor {
  const t = zeros(shape);
  t.data.fill(value);
  return t;
}

/**
 * The same data seen with another shape of the same size (no copy).
 * @throws {@link ShapeError} when the sizes differ
 */
export function reshape(t: Tensor, shape: readonly number[]): Tensor {
  return tensor(t.data, shape, 'reshape');
}

/** Throws a {@link ShapeError} unless `t.shape` equals `expected` (`-1` matches any size). */
export function assertShape(t: Tensor, expected: readonly number[], name = 'tensor'): void {
  const ok = t.shape.length === expected.length && expected.every((d, i) => d === -1 || d === t.shape[i]);
  if (!ok) {
    throw new ShapeError('wrong shape', {
      field: name,
      expected: `[${expected.map((d) => (d === -1 ? '*' : d)).join(', ')}]`,
      found: `[${t.shape.join(', ')}]`,
    });
  }
}

/**
 * Throws a {@link NumericError} naming the first NaN or infinite element.
 * @param values - the array to check
 * @param name - what it is (e.g. `"hidden.weight"`), for the message
 * @param file - the file it came from, if any
 */
export function assertFinite(values: ArrayLike<number>, name: string, file?: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new NumericError('non-finite value', { file, field: `${name}[${i}]`, expected: 'a finite number', found: String(values[i]) });
    }
  }
}
