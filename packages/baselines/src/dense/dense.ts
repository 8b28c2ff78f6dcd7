import { kernelInput, type Backend } from '@snn/core';
import { checkDenseShapes } from './check.js';
import { denseForwardKernel } from './kernel.js';
import { denseForwardReference } from './reference.js';

/**
 * Dense layer forward pass `y = x·Wᵀ + b` on a backend: {@link denseForwardReference} on `js` (or no backend),
 * otherwise {@link denseForwardKernel}, compiled once per (batch, inputs, outputs).
 *
 * @param backend - from `createBackend` of `@snn/core`; `undefined` runs the TypeScript reference
 * @param x - inputs, `[batch, inputs]`
 * @param weight - weights, `[outputs, inputs]`
 * @param bias - biases, `[outputs]`
 * @param batch - number of examples
 * @param inputs - input features per example
 * @param outputs - output features per example
 * @returns a new `[batch, outputs]` array (never a view of the backend's buffers)
 * @throws `ShapeError` when an array's length does not match the sizes
 * @example
 * ```ts
 * const backend = await createBackend('webasm');
 * const y = await denseForward(backend, x, w, b, 128, 784, 512);
 * ```
 */
export async function denseForward(
  backend: Backend | undefined,
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array,
  batch: number,
  inputs: number,
  outputs: number,
): Promise<Float32Array> {
  if (!backend?.isGpuJs) return denseForwardReference(x, weight, bias, batch, inputs, outputs);
  checkDenseShapes('denseForward', x, weight, bias, batch, inputs, outputs);
  const run = backend.kernel(`snn.baselines.denseForward:${batch}x${inputs}x${outputs}`, denseForwardKernel, {
    output: [outputs, batch],
    constants: { inputs },
  });
  const out = await run(kernelInput(x, [batch, inputs]), kernelInput(weight, [outputs, inputs]), bias);
  return backend.flatten(out).slice();
}
