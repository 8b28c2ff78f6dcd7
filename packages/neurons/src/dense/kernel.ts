import { type Backend, type KernelThis, ShapeError, kernelInput } from '@snn/core';
import type { DenseLayer } from './dense.js';
import { denseForward } from './forward.js';

/** Constants of {@link denseKernel}. */
export interface DenseKernelConstants {
  /** Number of inputs per row (the length of the sum). */
  readonly inSize: number;
  /** 1 to add the input to the current (residual skip), else 0. */
  readonly residual: number;
}

/**
 * gpu.js kernel of the dense forward pass; output `[outSize, batch]` in gpu.js order.
 *
 * @remarks
 * Thread `(x = j, y = b)` computes `Σ_i in[b][i]·w[i][j] + bias[j]` (plus
 * `in[b][j]` when `residual` is 1). Its TypeScript reference with the same
 * arguments is {@link denseKernelReference} (which is {@link denseForward});
 * {@link denseForwardKernel} runs it on a backend.
 *
 * @param x - inputs `[batch, inSize]`
 * @param w - weights `[inSize, outSize]`
 * @param bias - bias `[outSize]`
 */
export const denseKernel = function (this: KernelThis<DenseKernelConstants>, x: Float32Array[], w: Float32Array[], bias: Float32Array): number {
  let sum = bias[this.thread.x];
  for (let i = 0; i < this.constants.inSize; i++) {
    sum += x[this.thread.y][i] * w[i][this.thread.x];
  }
  if (this.constants.residual > 0.5) {
    sum += x[this.thread.y][this.thread.x];
  }
  return sum;
};

/**
 * TypeScript reference of {@link denseKernel}: flat row-major arguments, output `[batch, outSize]`.
 *
 * @param x - inputs `[batch, inSize]` row-major
 * @param w - weights `[inSize, outSize]` row-major
 * @param bias - bias `[outSize]`
 * @param constants - `inSize` and `residual`
 * @throws `ShapeError` when the lengths do not fit together
 */
export function denseKernelReference(x: Float32Array, w: Float32Array, bias: Float32Array, constants: DenseKernelConstants): Float32Array {
  const inSize = constants.inSize;
  const outSize = bias.length;
  if (w.length !== inSize * outSize) {
    throw new ShapeError('weight length does not match inSize × outSize', {
      field: 'w',
      expected: `${inSize * outSize}`,
      found: `${w.length}`,
    });
  }
  const batch = x.length / inSize;
  if (!Number.isInteger(batch)) {
    throw new ShapeError('input length is not a multiple of inSize', { field: 'x', expected: `a multiple of ${inSize}`, found: `${x.length}` });
  }
  return denseForward(x, batch, { inSize, outSize, weight: w, bias, residual: constants.residual > 0.5 });
}

/**
 * Runs the dense forward pass through {@link denseKernel} on a gpu.js backend; equals {@link denseForward}.
 *
 * @param backend - a started gpu.js `Backend` (`isGpuJs`)
 * @param x - inputs `[batch, inSize]` row-major
 * @param batch - number of rows
 * @param layer - see {@link DenseLayer}
 * @returns currents `[batch, outSize]` row-major
 * @throws `ShapeError` when `x.length` is not `batch × inSize`; `BackendError` from the backend
 * @example
 * ```ts
 * const out = await denseForwardKernel(await createBackend('webasm'), x, 128, fc1);
 * ```
 */
export async function denseForwardKernel(backend: Backend, x: Float32Array, batch: number, layer: DenseLayer): Promise<Float32Array> {
  const { inSize, outSize } = layer;
  if (x.length !== batch * inSize) {
    throw new ShapeError('input length does not match batch × inSize', {
      field: 'x',
      expected: `${batch * inSize} (${batch} × ${inSize})`,
      found: `${x.length}`,
    });
  }
  const constants = { inSize, residual: layer.residual ? 1 : 0 };
  const run = backend.kernel(`neurons.dense:${batch}x${inSize}x${outSize}:${constants.residual}`, denseKernel as never, {
    output: [outSize, batch],
    constants,
  });
  const out = await run(kernelInput(x, [batch, inSize]), kernelInput(layer.weight, [inSize, outSize]), layer.bias);
  return backend.flatten(out).slice();
}
