import { ShapeError, ValidationError, describeValue } from '@snn/core';
import type { Tensor } from '@snn/core';

/** Throws a ValidationError unless `value` is a finite number > 0 (or undefined, giving `fallback`). */
export function positiveOr(value: unknown, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ValidationError('invalid figure option', { field, expected: 'a finite number > 0', found: describeValue(value) });
  }
  return value;
}

/** Throws a ValidationError unless `value` is a positive integer (or undefined, giving `fallback`). */
export function positiveIntegerOr(value: unknown, fallback: number | undefined, field: string): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ValidationError('invalid figure option', { field, expected: 'a positive integer', found: describeValue(value) });
  }
  return value;
}

/** Checks that `t` is a tensor whose data length matches its shape. */
export function checkTensor(t: Tensor, name: string): void {
  if (!t || !(t.data instanceof Float32Array) || !Array.isArray(t.shape)) {
    throw new ValidationError('not a tensor', { field: name, expected: 'a Tensor { data: Float32Array, shape }', found: describeValue(t) });
  }
  const size = t.shape.reduce((a, b) => a * b, 1);
  if (size !== t.data.length) {
    throw new ShapeError('data length does not match shape', {
      field: name,
      expected: `${size} values for shape [${t.shape.join(', ')}]`,
      found: `${t.data.length}`,
    });
  }
}

/** Throws a ValidationError naming the first non-finite value of `values`. */
export function checkFiniteValues(values: ArrayLike<number>, name: string, shape?: readonly number[]): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new ValidationError('non-finite value', {
        field: shape ? `${name}[${unflatten(i, shape).join(', ')}]` : `${name}[${i}]`,
        expected: 'a finite number',
        found: String(values[i]),
      });
    }
  }
}

function unflatten(flat: number, shape: readonly number[]): number[] {
  const index: number[] = new Array(shape.length).fill(0);
  for (let d = shape.length - 1; d >= 0; d--) {
    index[d] = flat % shape[d];
    flat = Math.floor(flat / shape[d]);
  }
  return index;
}
