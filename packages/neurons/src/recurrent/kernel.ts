import { type Backend, type KernelThis, kernelInput } from '@snn/core';
import { checkRecurrentShapes, recurrentCurrent } from './recurrent.js';

/** Constants of {@link recurrentKernel}. */
export interface RecurrentKernelConstants {
  /** Number of neurons in the layer (the length of the sum). */
  readonly size: number;
}

/**
 * gpu.js kernel of the recurrent current; output `[size, batch]` in gpu.js order.
 *
 * @remarks
 * Thread `(x = j, y = b)` computes `current[b][j] + Σ_i z[b][i]·W_rec[i][j]`
 * (see {@link recurrentCurrent}, its TypeScript reference with the same
 * arguments as {@link recurrentKernelReference}); {@link recurrentCurrentKernel}
 * runs it on a backend.
 *
 * @param current - feed-forward currents `[batch, size]`
 * @param prevSpikes - spikes z[t−1] `[batch, size]`
 * @param weight - W_rec `[size, size]`, `[from, to]`
 */
export const recurrentKernel = function (
  this: KernelThis<RecurrentKernelConstants>,
  current: Float32Array[],
  prevSpikes: Float32Array[],
  weight: Float32Array[],
): number {
  let sum = current[this.thread.y][this.thread.x];
  for (let i = 0; i < this.constants.size; i++) {
    sum += prevSpikes[this.thread.y][i] * weight[i][this.thread.x];
  }
  return sum;
};

/**
 * TypeScript reference of {@link recurrentKernel}: flat row-major arguments, output `[batch, size]`.
 *
 * @param current - feed-forward currents `[batch, size]`
 * @param prevSpikes - spikes z[t−1] `[batch, size]`
 * @param weight - W_rec `[size, size]`
 * @param constants - `size`
 * @throws `ShapeError` when the lengths do not fit together
 */
export function recurrentKernelReference(
  current: Float32Array,
  prevSpikes: Float32Array,
  weight: Float32Array,
  constants: RecurrentKernelConstants,
): Float32Array {
  return recurrentCurrent(current, prevSpikes, weight, constants.size);
}

/**
 * Runs {@link recurrentKernel} on a gpu.js backend; equals {@link recurrentCurrent}.
 *
 * @param backend - a started gpu.js `Backend` (`isGpuJs`)
 * @param current - feed-forward currents `[batch, size]`
 * @param prevSpikes - spikes z[t−1] `[batch, size]`
 * @param weight - W_rec `[size, size]`
 * @param size - number of neurons
 * @returns total currents `[batch, size]` row-major
 * @throws `ShapeError` when the lengths do not fit together; `BackendError` from the backend
 * @example
 * ```ts
 * const out = await recurrentCurrentKernel(await createBackend('webasm'), current, spikes, wRec, 128);
 * ```
 */
export async function recurrentCurrentKernel(
  backend: Backend,
  current: Float32Array,
  prevSpikes: Float32Array,
  weight: Float32Array,
  size: number,
): Promise<Float32Array> {
  const batch = checkRecurrentShapes(current, prevSpikes, weight, size);
  const run = backend.kernel(`neurons.recurrent:${batch}x${size}`, recurrentKernel as never, { output: [size, batch], constants: { size } });
  const out = await run(kernelInput(current, [batch, size]), kernelInput(prevSpikes, [batch, size]), kernelInput(weight, [size, size]));
  return backend.flatten(out).slice();
}
