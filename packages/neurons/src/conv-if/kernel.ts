import { type Backend, type KernelThis, ShapeError } from '@snn/core';
import type { ConvIfParams } from './params.js';

/** Constants of {@link convIfKernel}: the layer geometry as numbers. */
export interface ConvIfKernelConstants {
  /** Input channels. */
  readonly inChannels: number;
  /** Input height. */
  readonly inHeight: number;
  /** Input width. */
  readonly inWidth: number;
  /** Output height. */
  readonly outHeight: number;
  /** Output width. */
  readonly outWidth: number;
  /** Filter side K. */
  readonly kernelSize: number;
  /** Zero padding. */
  readonly padding: number;
  /** Stride. */
  readonly stride: number;
}

/** The constants of {@link convIfKernel} for a layer. */
export function convIfKernelConstants(p: ConvIfParams): ConvIfKernelConstants {
  const { inChannels, inHeight, inWidth, outHeight, outWidth, kernelSize, padding, stride } = p;
  return { inChannels, inHeight, inWidth, outHeight, outWidth, kernelSize, padding, stride };
}

/**
 * gpu.js kernel of the integration of one time step of a convolutional IF layer; 1-D output of
 * `C_out·H_out·W_out` potentials (channel-major).
 *
 * @remarks
 * Non-leaky integrate-and-fire: `V[o, y, x] ← V[o, y, x] + Σ_{c,i,j} w[o, c, i, j] · s[c, yS − P + i, xS − P + j]`
 * for neurons still `active` (1), with `s = 0` outside the input (zero padding); inactive neurons (0: fired or
 * inhibited) keep their potential. Kheradpisheh et al. (2018), Eq. 1 (IF neurons, at most one spike each).
 * Its TypeScript reference with the same arguments is {@link convIfKernelReference}; the event-driven path of
 * {@link SpikingConvLayer} computes the same sums touching only the filters of inputs that spiked.
 *
 * @param input - input spikes of the step, `[C_in, H_in, W_in]` flat, 0/1
 * @param weights - filters `[C_out, C_in, K, K]` flat
 * @param potential - potentials `[C_out, H_out, W_out]` flat
 * @param active - 1 where a neuron may still integrate, `[C_out, H_out, W_out]` flat
 */
export const convIfKernel = function (
  this: KernelThis<ConvIfKernelConstants>,
  input: Float32Array,
  weights: Float32Array,
  potential: Float32Array,
  active: Float32Array,
): number {
  const n = this.thread.x;
  const plane = this.constants.outHeight * this.constants.outWidth;
  const o = Math.floor(n / plane);
  const rest = n - o * plane;
  const y = Math.floor(rest / this.constants.outWidth);
  const x = rest - y * this.constants.outWidth;
  if (active[n] < 0.5) {
    return potential[n];
  }
  const k = this.constants.kernelSize;
  let sum = 0.0;
  for (let c = 0; c < this.constants.inChannels; c++) {
    for (let i = 0; i < this.constants.kernelSize; i++) {
      const iy = y * this.constants.stride - this.constants.padding + i;
      if (iy >= 0 && iy < this.constants.inHeight) {
        for (let j = 0; j < this.constants.kernelSize; j++) {
          const ix = x * this.constants.stride - this.constants.padding + j;
          if (ix >= 0 && ix < this.constants.inWidth) {
            sum += weights[((o * this.constants.inChannels + c) * k + i) * k + j] * input[(c * this.constants.inHeight + iy) * this.constants.inWidth + ix];
          }
        }
      }
    }
  }
  return potential[n] + sum;
};

/**
 * TypeScript reference of {@link convIfKernel} (dense loops, same arguments), returning the new potentials.
 *
 * @param input - input spikes `[C_in, H_in, W_in]` flat
 * @param weights - filters `[C_out, C_in, K, K]` flat
 * @param potential - potentials `[C_out, H_out, W_out]` flat (not modified)
 * @param active - 1 where a neuron may integrate
 * @param constants - from {@link convIfKernelConstants}
 * @throws `ShapeError` when a length does not fit the geometry
 */
export function convIfKernelReference(
  input: Float32Array,
  weights: Float32Array,
  potential: Float32Array,
  active: Float32Array,
  constants: ConvIfKernelConstants,
): Float32Array {
  const { inChannels: ci, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow, kernelSize: k, padding: p, stride: s } = constants;
  checkLength(input, ci * h * w, 'input');
  const outChannels = weights.length / (ci * k * k);
  if (!Number.isInteger(outChannels)) throw new ShapeError('filter length is not a multiple of C_in·K·K', { field: 'weights', expected: `a multiple of ${ci * k * k}`, found: `${weights.length}` });
  checkLength(potential, outChannels * oh * ow, 'potential');
  checkLength(active, outChannels * oh * ow, 'active');
  const out = Float32Array.from(potential);
  for (let o = 0; o < outChannels; o++) {
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        const n = (o * oh + y) * ow + x;
        if (active[n] < 0.5) continue;
        let sum = 0;
        for (let c = 0; c < ci; c++) {
          for (let i = 0; i < k; i++) {
            const iy = y * s - p + i;
            if (iy < 0 || iy >= h) continue;
            for (let j = 0; j < k; j++) {
              const ix = x * s - p + j;
              if (ix < 0 || ix >= w) continue;
              sum += weights[((o * ci + c) * k + i) * k + j] * input[(c * h + iy) * w + ix];
            }
          }
        }
        out[n] = potential[n] + sum;
      }
    }
  }
  return out;
}

/** @internal */
export function checkLength(a: ArrayLike<number>, expected: number, field: string): void {
  if (a.length !== expected) throw new ShapeError('array length does not fit the layer geometry', { field, expected: `${expected}`, found: `${a.length}` });
}

/**
 * Runs {@link convIfKernel} on a gpu.js backend; equals {@link convIfKernelReference}.
 *
 * @param backend - a started gpu.js `Backend`
 * @param params - the layer, from {@link convIfParams}
 * @param input - input spikes `[C_in, H_in, W_in]` flat
 * @param weights - filters `[C_out, C_in, K, K]` flat
 * @param potential - potentials `[C_out, H_out, W_out]` flat
 * @param active - 1 where a neuron may integrate
 * @returns the new potentials
 * @example
 * ```ts
 * const v = await convIfStepKernel(await createBackend('webasm'), conv1, spikes, weights, v0, active);
 * ```
 */
export async function convIfStepKernel(
  backend: Backend,
  params: ConvIfParams,
  input: Float32Array,
  weights: Float32Array,
  potential: Float32Array,
  active: Float32Array,
): Promise<Float32Array> {
  const constants = convIfKernelConstants(params);
  const n = params.outChannels * params.outHeight * params.outWidth;
  checkLength(input, params.inChannels * params.inHeight * params.inWidth, 'input');
  checkLength(weights, params.outChannels * params.inChannels * params.kernelSize ** 2, 'weights');
  checkLength(potential, n, 'potential');
  checkLength(active, n, 'active');
  const key = `neurons.conv-if:${Object.values(constants).join('x')}:${params.outChannels}`;
  const run = backend.kernel(key, convIfKernel as never, { output: [n], constants: { ...constants } });
  return backend.flatten(await run(input, weights, potential, active)).slice();
}
