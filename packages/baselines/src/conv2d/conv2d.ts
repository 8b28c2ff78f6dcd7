import { type Backend, kernelInput } from '@snn/core';
import { conv2dForwardKernel } from './kernel.js';
import { conv2dForwardReference } from './reference.js';
import { checkConv2d, type Conv2dShape } from './shape.js';

/**
 * Convolution forward pass on a backend: {@link conv2dForwardReference} on `js` (or no backend), otherwise
 * {@link conv2dForwardKernel}, compiled once per shape.
 *
 * @param backend - from `createBackend` of `@snn/core`; `undefined` runs the TypeScript reference
 * @param x - inputs, `[N, C_in, H, W]`
 * @param weight - filters, `[C_out, C_in, K, K]`
 * @param bias - biases, `[C_out]`
 * @param shape - sizes; see {@link Conv2dShape}
 * @returns a new `[N, C_out, H − K + 1, W − K + 1]` array
 * @throws `ShapeError` when an array's length does not match the shape; `ValidationError` for a bad size
 * @example
 * ```ts
 * const backend = await createBackend('webasm');
 * const y = await conv2dForward(backend, x, w, b, { batch: 8, inChannels: 1, height: 28, width: 28, outChannels: 32, kernelSize: 3 });
 * ```
 */
export async function conv2dForward(backend: Backend | undefined, x: Float32Array, weight: Float32Array, bias: Float32Array, shape: Conv2dShape): Promise<Float32Array> {
  if (!backend?.isGpuJs) return conv2dForwardReference(x, weight, bias, shape);
  const [oh, ow] = checkConv2d('conv2dForward', shape, x, weight, bias);
  const { batch, inChannels: ci, height: h, width: w, outChannels: co, kernelSize: k } = shape;
  const run = backend.kernel(`snn.baselines.conv2dForward:${batch}x${ci}x${h}x${w}x${co}x${k}`, conv2dForwardKernel, {
    output: [ow, oh, batch * co],
    constants: { inChannels: ci, outChannels: co, kernelSize: k },
  });
  const out = await run(kernelInput(x, [batch * ci, h, w]), kernelInput(weight, [co, ci * k * k]), bias);
  return backend.flatten(out).slice();
}
