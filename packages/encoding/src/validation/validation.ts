import { ShapeError, ValidationError, describeValue } from '@snn/core';
import type { Tensor } from '@snn/core';

/** Batch size, values per image and per-image shape of a checked image batch. */
export interface ImageBatchLayout {
  /** Number of images B (first dimension). */
  readonly batch: number;
  /** Number of values per image (product of the remaining dimensions). */
  readonly size: number;
  /** Shape of one image (the dimensions after the batch). */
  readonly imageShape: readonly number[];
}

/** Throws a ValidationError unless `value` is an integer ≥ 1. */
export function checkPositiveInteger(value: unknown, field: string, summary: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ValidationError(summary, { field, expected: 'a positive integer', found: describeValue(value) });
  }
  return value;
}

/** Throws a ValidationError unless `value` is a finite number ≥ 0. */
export function checkNonNegative(value: unknown, field: string, summary: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ValidationError(summary, { field, expected: 'a finite number >= 0', found: describeValue(value) });
  }
  return value;
}

/** Throws a ValidationError unless `value` is a finite number > 0. */
export function checkPositive(value: unknown, field: string, summary: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ValidationError(summary, { field, expected: 'a finite number > 0', found: describeValue(value) });
  }
  return value;
}

/** Throws a ValidationError unless `value` is a boolean (or undefined, giving `fallback`). */
export function checkBoolean(value: unknown, field: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new ValidationError('option must be true or false', { field, expected: 'a boolean', found: describeValue(value) });
  }
  return value;
}

/** Renders flat index `i` of a tensor with `shape` as `name[i0, i1, ...]`. */
export function elementName(name: string, shape: readonly number[], flat: number): string {
  const index: number[] = new Array(shape.length).fill(0);
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d];
    index[d] = size > 0 ? rest % size : 0;
    rest = size > 0 ? Math.floor(rest / size) : 0;
  }
  return `${name}[${index.join(', ')}]`;
}

/**
 * Checks an image batch `[B, ...]`: at least two dimensions, data length
 * matching the shape, and every value in [0, 1] (NaN is rejected).
 * @throws ShapeError for a bad shape, ValidationError naming the first bad value by its index
 */
export function checkImages(images: Tensor, name = 'images'): ImageBatchLayout {
  if (!images || !(images.data instanceof Float32Array) || !Array.isArray(images.shape)) {
    throw new ValidationError('not a tensor', { field: name, expected: 'a Tensor { data: Float32Array, shape }', found: describeValue(images) });
  }
  const shape = images.shape;
  if (shape.length < 2) {
    throw new ShapeError('image batch needs a batch dimension and at least one image dimension', {
      field: name,
      expected: '[batch, ...]',
      found: `[${shape.join(', ')}]`,
    });
  }
  let total = 1;
  for (const d of shape) total *= d;
  if (total !== images.data.length) {
    throw new ShapeError('data length does not match shape', {
      field: name,
      expected: `${total} values for shape [${shape.join(', ')}]`,
      found: `${images.data.length}`,
    });
  }
  const data = images.data;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (!(v >= 0 && v <= 1)) {
      throw new ValidationError('pixel value out of range', {
        field: elementName(name, shape, i),
        expected: 'a value in [0, 1]',
        found: String(v),
      });
    }
  }
  const batch = shape[0];
  return { batch, size: batch > 0 ? total / batch : shape.slice(1).reduce((a, b) => a * b, 1), imageShape: shape.slice(1) };
}
