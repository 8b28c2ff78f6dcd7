import { ShapeError } from '../errors/errors.js';

/**
 * TypeScript reference of {@link scaleAddKernel}: `out[i] = a · x[i] + y[i]`.
 *
 * @param a - the scale factor
 * @param x - the scaled values
 * @param y - the added values, same length as `x`
 * @returns a new array of `x.length` values
 * @throws {@link ShapeError} when `x` and `y` differ in length
 * @example
 * ```ts
 * scaleAddReference(2, Float32Array.of(1, 2), Float32Array.of(10, 20)); // [12, 24]
 * ```
 */
export function scaleAddReference(a: number, x: Float32Array, y: Float32Array): Float32Array {
  if (x.length !== y.length) {
    throw new ShapeError('x and y differ in length', { field: 'y', expected: `${x.length} values`, found: `${y.length}` });
  }
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = a * x[i] + y[i];
  return out;
}
