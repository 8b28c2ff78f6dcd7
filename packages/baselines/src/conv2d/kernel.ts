import type { KernelThis } from '@snn/core';

/** Constants of {@link conv2dForwardKernel}. */
export interface Conv2dForwardConstants {
  /** Input channels C_in. */
  readonly inChannels: number;
  /** Output channels C_out. */
  readonly outChannels: number;
  /** Kernel side K, in pixels. */
  readonly kernelSize: number;
}

/**
 * gpu.js kernel of the convolution forward pass (valid padding, stride 1); one thread per output element.
 *
 * @remarks
 * Thread `(x, y, z)` computes `y[n][o][i][j]` with `j = x`, `i = y` and
 * `z = n·C_out + o`: `b[o] + Σ_c Σ_u Σ_v x[n·C_in + c][i+u][j+v] · W[o][(c·K + u)·K + v]`.
 * Run it with `output: [W − K + 1, H − K + 1, N·C_out]` and
 * `constants: { inChannels, outChannels, kernelSize }`; pass `x` as
 * `kernelInput(x, [N·C_in, H, W])` and `weight` as
 * `kernelInput(weight, [C_out, C_in·K·K])`. Its TypeScript reference is
 * {@link conv2dForwardReference}; {@link conv2dForward} picks between the two by backend.
 */
export const conv2dForwardKernel = function (this: KernelThis<Conv2dForwardConstants>, x: number[][][], weight: number[][], bias: number[]): number {
  const ci = this.constants.inChannels;
  const k = this.constants.kernelSize;
  const o = this.thread.z % this.constants.outChannels;
  const n = Math.floor(this.thread.z / this.constants.outChannels);
  let s = 0;
  for (let c = 0; c < ci; c++) {
    for (let u = 0; u < k; u++) {
      for (let v = 0; v < k; v++) {
        s += x[n * ci + c][this.thread.y + u][this.thread.x + v] * weight[o][(c * k + u) * k + v];
      }
    }
  }
  return s + bias[o];
};
