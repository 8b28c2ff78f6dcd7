import { type Backend, type KernelThis, ValidationError, describeValue } from '@snn/core';
import { checkLength } from './kernel.js';

/** Geometry of a spiking max-pooling layer (no padding). */
export interface SpikingPoolParams {
  /** Feature maps C. */
  readonly channels: number;
  /** Input height. */
  readonly inHeight: number;
  /** Input width. */
  readonly inWidth: number;
  /** Window side K. */
  readonly kernelSize: number;
  /** Stride S. */
  readonly stride: number;
  /** Output height `⌊(H − K)/S⌋ + 1`. */
  readonly outHeight: number;
  /** Output width `⌊(W − K)/S⌋ + 1`. */
  readonly outWidth: number;
}

/**
 * Checks a pooling geometry and derives the output size.
 * @param input - maps, input size, window and stride (stride defaults to the window)
 * @param prefix - field name prefix for errors
 * @throws `ValidationError` naming the field for a non-positive size or a window larger than the input
 * @example
 * ```ts
 * spikingPoolParams({ channels: 30, inHeight: 28, inWidth: 28, kernelSize: 2 }).outHeight; // 14
 * ```
 */
export function spikingPoolParams(
  input: { channels: number; inHeight: number; inWidth: number; kernelSize: number; stride?: number },
  prefix = 'pool',
): SpikingPoolParams {
  const values = { ...input, stride: input.stride ?? input.kernelSize };
  for (const key of ['channels', 'inHeight', 'inWidth', 'kernelSize', 'stride'] as const) {
    const v = values[key];
    if (!Number.isInteger(v) || v < 1) {
      throw new ValidationError(`${key} must be a positive integer`, { field: `${prefix}.${key}`, expected: 'a positive integer', found: describeValue(v) });
    }
  }
  if (values.kernelSize > values.inHeight || values.kernelSize > values.inWidth) {
    throw new ValidationError('pooling window is larger than the input', {
      field: `${prefix}.kernelSize`,
      expected: `at most ${Math.min(values.inHeight, values.inWidth)}`,
      found: `${values.kernelSize}`,
    });
  }
  const outHeight = Math.floor((values.inHeight - values.kernelSize) / values.stride) + 1;
  const outWidth = Math.floor((values.inWidth - values.kernelSize) / values.stride) + 1;
  return { ...values, outHeight, outWidth };
}

/** Constants of {@link spikingPoolKernel}: the {@link SpikingPoolParams} as numbers. */
export type SpikingPoolConstants = SpikingPoolParams;

/**
 * gpu.js kernel of one step of spiking max pooling; 1-D output `[C, H_out, W_out]` flat.
 *
 * @remarks
 * `s_out[c, y, x] = a[c, y, x] · max_{i,j < K} s_in[c, yS + i, xS + j]`: a pooled neuron fires when any input
 * of its window fires, at most once per sample (`a` = 1 while it has not fired). Kheradpisheh et al. (2018),
 * Sect. 2.3 (pooling layers propagate the first spike of their window). Reference: {@link spikingPoolReference}.
 *
 * @param spikes - input spikes `[C, H, W]` flat, 0/1
 * @param active - 1 where the pooled neuron has not fired yet, `[C, H_out, W_out]` flat
 */
export const spikingPoolKernel = function (this: KernelThis<SpikingPoolConstants>, spikes: Float32Array, active: Float32Array): number {
  const n = this.thread.x;
  if (active[n] < 0.5) {
    return 0;
  }
  const plane = this.constants.outHeight * this.constants.outWidth;
  const c = Math.floor(n / plane);
  const rest = n - c * plane;
  const y = Math.floor(rest / this.constants.outWidth);
  const x = rest - y * this.constants.outWidth;
  let fired = 0;
  for (let i = 0; i < this.constants.kernelSize; i++) {
    for (let j = 0; j < this.constants.kernelSize; j++) {
      const m = (c * this.constants.inHeight + y * this.constants.stride + i) * this.constants.inWidth + x * this.constants.stride + j;
      if (spikes[m] > 0.5) {
        fired = 1;
      }
    }
  }
  return fired;
};

/**
 * TypeScript reference of {@link spikingPoolKernel} (same arguments).
 * @param spikes - input spikes `[C, H, W]` flat
 * @param active - 1 where the pooled neuron may still fire
 * @param constants - the pooling geometry
 * @throws `ShapeError` on a length mismatch
 */
export function spikingPoolReference(spikes: Float32Array, active: Float32Array, constants: SpikingPoolConstants): Float32Array {
  const { channels, inHeight, inWidth, kernelSize, stride, outHeight, outWidth } = constants;
  checkLength(spikes, channels * inHeight * inWidth, 'spikes');
  checkLength(active, channels * outHeight * outWidth, 'active');
  const out = new Float32Array(active.length);
  for (let c = 0; c < channels; c++) {
    for (let y = 0; y < outHeight; y++) {
      for (let x = 0; x < outWidth; x++) {
        const n = (c * outHeight + y) * outWidth + x;
        if (active[n] < 0.5) continue;
        for (let i = 0; i < kernelSize; i++) {
          for (let j = 0; j < kernelSize; j++) {
            if (spikes[(c * inHeight + y * stride + i) * inWidth + x * stride + j] > 0.5) out[n] = 1;
          }
        }
      }
    }
  }
  return out;
}

/**
 * Runs {@link spikingPoolKernel} on a gpu.js backend; equals {@link spikingPoolReference}.
 * @param backend - a started gpu.js `Backend`
 * @param spikes - input spikes `[C, H, W]` flat
 * @param active - 1 where the pooled neuron may still fire
 * @param params - from {@link spikingPoolParams}
 * @returns pooled spikes `[C, H_out, W_out]` flat
 * @example
 * ```ts
 * const pooled = await spikingPoolStepKernel(backend, spikes, active, pool1);
 * ```
 */
export async function spikingPoolStepKernel(backend: Backend, spikes: Float32Array, active: Float32Array, params: SpikingPoolParams): Promise<Float32Array> {
  const n = params.channels * params.outHeight * params.outWidth;
  checkLength(spikes, params.channels * params.inHeight * params.inWidth, 'spikes');
  checkLength(active, n, 'active');
  const { channels, inHeight, inWidth, kernelSize, stride, outHeight, outWidth } = params;
  const run = backend.kernel(`neurons.spiking-pool:${channels}x${inHeight}x${inWidth}:${kernelSize}:${stride}`, spikingPoolKernel as never, {
    output: [n],
    constants: { channels, inHeight, inWidth, kernelSize, stride, outHeight, outWidth },
  });
  return backend.flatten(await run(spikes, active)).slice();
}

/**
 * Event-driven spiking max pooling over a sample: each pooled neuron fires once, at the first spike in its
 * window. Same rule as {@link spikingPoolKernel}, touching only the windows of inputs that spiked.
 *
 * @example
 * ```ts
 * const pool = new SpikingPool(spikingPoolParams({ channels: 30, inHeight: 28, inWidth: 28, kernelSize: 2 }));
 * pool.reset();
 * const out = pool.step([0, 29]); // channel-major flat indices of the input spikes
 * ```
 */
export class SpikingPool {
  private readonly active: Uint8Array;

  /** @param params - from {@link spikingPoolParams} */
  constructor(readonly params: SpikingPoolParams) {
    this.active = new Uint8Array(params.channels * params.outHeight * params.outWidth).fill(1);
  }

  /** Starts a new sample: every pooled neuron may fire again. */
  reset(): void {
    this.active.fill(1);
  }

  /**
   * One time step.
   * @param input - channel-major flat indices `c·H·W + y·W + x` of the input spikes of this step
   * @returns flat indices `c·H_out·W_out + y·W_out + x` of the pooled spikes, ascending
   */
  step(input: ArrayLike<number>): number[] {
    const { inHeight, inWidth, kernelSize, stride, outHeight, outWidth } = this.params;
    const plane = inHeight * inWidth;
    const outPlane = outHeight * outWidth;
    const out: number[] = [];
    for (let k = 0; k < input.length; k++) {
      const i = input[k];
      const c = Math.floor(i / plane);
      const y = Math.floor((i - c * plane) / inWidth);
      const x = i - c * plane - y * inWidth;
      const y0 = Math.max(0, Math.ceil((y - kernelSize + 1) / stride));
      const y1 = Math.min(outHeight - 1, Math.floor(y / stride));
      const x0 = Math.max(0, Math.ceil((x - kernelSize + 1) / stride));
      const x1 = Math.min(outWidth - 1, Math.floor(x / stride));
      for (let py = y0; py <= y1; py++) {
        for (let px = x0; px <= x1; px++) {
          const n = c * outPlane + py * outWidth + px;
          if (this.active[n]) {
            this.active[n] = 0;
            out.push(n);
          }
        }
      }
    }
    return out.sort((a, b) => a - b);
  }
}
