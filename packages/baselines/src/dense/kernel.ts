import type { KernelThis } from '@snn/core';

/** Constants of {@link denseForwardKernel}. */
export interface DenseForwardConstants {
  /** Input features per example (the length of the summed dimension). */
  readonly inputs: number;
}

/**
 * gpu.js kernel of the dense forward pass `y[n][j] = b[j] + Σ_i x[n][i] · W[j][i]`; one thread per output element.
 *
 * @remarks
 * Run it with `output: [outputs, batch]` and `constants: { inputs }`;
 * `x` is read as `[batch][inputs]` and `weight` as `[outputs][inputs]`
 * (pass them through `kernelInput` from `@snn/core`). Its TypeScript
 * reference is {@link denseForwardReference}; {@link denseForward} picks
 * between the two by backend.
 */
export const denseForwardKernel = function (
  this: KernelThis<DenseForwardConstants>,
  x: number[][],
  weight: number[][],
  bias: number[],
): number {
  let s = 0;
  for (let i = 0; i < this.constants.inputs; i++) {
    s += x[this.thread.y][i] * weight[this.thread.x][i];
  }
  return s + bias[this.thread.x];
};
