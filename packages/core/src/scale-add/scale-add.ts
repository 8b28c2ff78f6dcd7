import type { Backend } from '../backend/backend.js';
import { scaleAddKernel } from './kernel.js';
import { scaleAddReference } from './reference.js';

/**
 * `out[i] = a · x[i] + y[i]` on a backend: the TypeScript reference on `js`,
 * otherwise {@link scaleAddKernel} compiled once per length.
 *
 * @param backend - from {@link createBackend}
 * @param a - the scale factor
 * @param x - the scaled values
 * @param y - the added values, same length as `x`
 * @throws {@link ShapeError} when `x` and `y` differ in length
 * @example
 * ```ts
 * const backend = await createBackend('cpu');
 * await scaleAdd(backend, 2, Float32Array.of(1, 2), Float32Array.of(10, 20)); // [12, 24]
 * ```
 */
export async function scaleAdd(backend: Backend, a: number, x: Float32Array, y: Float32Array): Promise<Float32Array> {
  if (!backend.isGpuJs || x.length !== y.length || x.length === 0) return scaleAddReference(a, x, y);
  const run = backend.kernel(`snn.scaleAdd:${x.length}`, scaleAddKernel, { output: [x.length] });
  return backend.flatten(await run(a, x, y));
}
