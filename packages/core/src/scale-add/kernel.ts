import type { KernelThis } from '../backend/backend.js';

/**
 * gpu.js kernel of `out[i] = a · x[i] + y[i]` (the BLAS `axpy`), one thread per
 * output element; run it with `output: [x.length]`.
 *
 * @remarks
 * The backend's probe kernel: {@link createBackend} runs it to confirm that
 * `webgpu` and `headlessgl` really compute. {@link scaleAddReference} is its
 * TypeScript reference.
 */
export const scaleAddKernel = function (this: KernelThis, a: number, x: Float32Array, y: Float32Array): number {
  return a * x[this.thread.x] + y[this.thread.x];
};
