import { type Backend, BackendError, ShapeError } from '@snn/core';
import { checkInhibitionRadius, lateralInhibitionStepKernel } from './inhibition.js';
import { convIfStepKernel } from './kernel.js';
import type { ConvStepResult } from './layer.js';
import type { ConvIfParams } from './params.js';
import { type SpikingPoolParams, spikingPoolStepKernel } from './pool.js';

function gpuJs(backend: Backend, field: string): Backend {
  if (!backend.isGpuJs) {
    throw new BackendError('this layer runs gpu.js kernels; the js backend has the event-driven layer', {
      field,
      expected: 'a gpu.js backend (cpu, webasm, webgl, headlessgl, webgpu)',
      found: backend.name,
    });
  }
  return backend;
}

/**
 * {@link SpikingConvLayer}'s step on a gpu.js backend: the same neurons, integrated densely by
 * {@link convIfKernel} and filtered by {@link lateralInhibitionKernel} at every time step.
 *
 * @remarks
 * Per step: (1) `V ← V + W ⊛ s` for neurons still active ({@link convIfKernel}, every output position); (2) active
 * neurons with `V > θ` are the candidates; (3) {@link lateralInhibitionKernel} keeps the candidates no other map
 * within the radius beats; (4) as in the event-driven layer, a removed candidate silences its own neuron, a kept
 * spike silences the other maps within the radius and its own neuron (silenced: potential 0, inactive for the rest
 * of the sample). Kheradpisheh et al. (2018), Sect. 2.2. The potentials are summed per step in the kernel's order
 * (the event-driven layer adds input by input), so they agree with {@link SpikingConvLayer} to float rounding.
 * Steps without input spikes leave the potentials as they are and skip the kernels; so do steps without candidates
 * for the inhibition kernel. The filters are read from {@link SpikingConvKernelLayer.weights} at every step.
 *
 * @example
 * ```ts
 * const layer = new SpikingConvKernelLayer(await createBackend('webasm'), conv1, weights, { inhibitionRadius: 0 });
 * layer.reset();
 * const { spikes } = await layer.step(inputIndices);
 * ```
 */
export class SpikingConvKernelLayer {
  /** Filters `[C_out, C_in, K, K]`, row-major (kept by reference). */
  readonly weights: Float32Array;
  /** Inhibition radius between maps, in positions. */
  readonly inhibitionRadius: number;
  private potential: Float32Array;
  private readonly active: Float32Array;
  private readonly input: Float32Array;

  /**
   * @param backend - a started gpu.js backend (not `js`)
   * @param params - geometry and threshold, from {@link convIfParams}
   * @param weights - filters `[C_out, C_in, K, K]`
   * @param options - `inhibitionRadius` (integer ≥ 0, default 0)
   * @throws `BackendError` for the `js` backend; `ShapeError` for filters of the wrong size; `ValidationError` for a bad radius
   */
  constructor(
    readonly backend: Backend,
    readonly params: ConvIfParams,
    weights: Float32Array,
    options: { inhibitionRadius?: number } = {},
  ) {
    gpuJs(backend, 'backend');
    const { outChannels, inChannels, kernelSize, outHeight, outWidth, inHeight, inWidth } = params;
    const expected = outChannels * inChannels * kernelSize * kernelSize;
    if (weights.length !== expected) {
      throw new ShapeError('filter array has the wrong size', { field: 'weights', expected: `${expected} values ([${outChannels}, ${inChannels}, ${kernelSize}, ${kernelSize}])`, found: `${weights.length}` });
    }
    this.weights = weights;
    this.inhibitionRadius = checkInhibitionRadius(options.inhibitionRadius ?? 0, 'inhibitionRadius');
    this.potential = new Float32Array(outChannels * outHeight * outWidth);
    this.active = new Float32Array(this.potential.length).fill(1);
    this.input = new Float32Array(inChannels * inHeight * inWidth);
  }

  /** Nothing to copy: the kernels read {@link SpikingConvKernelLayer.weights} at every step (the `ConvStdp` layer contract). */
  syncFilter(_o: number): void {}

  /** Starts a new sample: potentials 0, every neuron may fire. */
  reset(): void {
    this.potential.fill(0);
    this.active.fill(1);
  }

  /** Potentials `[C_out, H_out, W_out]` (a copy); neurons that fired or were inhibited read 0. */
  potentials(): Float32Array {
    return Float32Array.from(this.potential);
  }

  private silence(n: number): void {
    this.active[n] = 0;
    this.potential[n] = 0;
  }

  /**
   * One time step: integrate, fire, inhibit, reset — through the gpu.js kernels.
   * @param input - channel-major flat indices `c·H_in·W_in + y·W_in + x` of this step's input spikes
   * @returns the surviving spikes (ascending) and their potentials, as {@link SpikingConvLayer.step}
   */
  async step(input: ArrayLike<number>): Promise<ConvStepResult> {
    const { outChannels: co, outHeight: oh, outWidth: ow, threshold } = this.params;
    if (input.length === 0) return { spikes: new Uint32Array(0), potentials: new Float32Array(0) };
    this.input.fill(0);
    for (let k = 0; k < input.length; k++) this.input[input[k]] = 1;
    const v = await convIfStepKernel(this.backend, this.params, this.input, this.weights, this.potential, this.active);
    this.potential = v;
    const candidates = new Float32Array(v.length);
    let count = 0;
    for (let n = 0; n < v.length; n++) {
      if (this.active[n] > 0.5 && v[n] > threshold) {
        candidates[n] = 1;
        count++;
      }
    }
    if (count === 0) return { spikes: new Uint32Array(0), potentials: new Float32Array(0) };
    const r = this.inhibitionRadius;
    const kept = await lateralInhibitionStepKernel(this.backend, candidates, v, { channels: co, height: oh, width: ow, radius: r });
    const spikes: number[] = [];
    const potentials: number[] = [];
    for (let n = 0; n < v.length; n++) {
      if (kept[n] > 0.5) {
        spikes.push(n);
        potentials.push(v[n]);
      }
    }
    for (let n = 0; n < v.length; n++) if (candidates[n] > 0.5 && kept[n] < 0.5) this.silence(n);
    const plane = oh * ow;
    for (const n of spikes) {
      const o = Math.floor(n / plane);
      const y = Math.floor((n - o * plane) / ow);
      const x = n - o * plane - y * ow;
      for (let o2 = 0; o2 < co; o2++) {
        if (o2 === o) continue;
        for (let y2 = Math.max(0, y - r); y2 <= Math.min(oh - 1, y + r); y2++) {
          for (let x2 = Math.max(0, x - r); x2 <= Math.min(ow - 1, x + r); x2++) this.silence(o2 * plane + y2 * ow + x2);
        }
      }
      this.silence(n);
    }
    return { spikes: Uint32Array.from(spikes), potentials: Float32Array.from(potentials) };
  }
}

/**
 * {@link SpikingPool}'s step on a gpu.js backend ({@link spikingPoolKernel} at every step with input spikes): each
 * pooled neuron fires once, at the first spike in its window.
 *
 * @example
 * ```ts
 * const pool = new SpikingPoolKernelLayer(backend, spikingPoolParams({ channels: 30, inHeight: 28, inWidth: 28, kernelSize: 2 }));
 * pool.reset();
 * const out = await pool.step([0, 29]);
 * ```
 */
export class SpikingPoolKernelLayer {
  private readonly active: Float32Array;
  private readonly input: Float32Array;

  /**
   * @param backend - a started gpu.js backend (not `js`)
   * @param params - from {@link spikingPoolParams}
   * @throws `BackendError` for the `js` backend
   */
  constructor(
    readonly backend: Backend,
    readonly params: SpikingPoolParams,
  ) {
    gpuJs(backend, 'backend');
    this.active = new Float32Array(params.channels * params.outHeight * params.outWidth).fill(1);
    this.input = new Float32Array(params.channels * params.inHeight * params.inWidth);
  }

  /** Starts a new sample: every pooled neuron may fire again. */
  reset(): void {
    this.active.fill(1);
  }

  /**
   * One time step.
   * @param input - channel-major flat indices of the input spikes of this step
   * @returns flat indices of the pooled spikes, ascending
   */
  async step(input: ArrayLike<number>): Promise<number[]> {
    if (input.length === 0) return [];
    this.input.fill(0);
    for (let k = 0; k < input.length; k++) this.input[input[k]] = 1;
    const fired = await spikingPoolStepKernel(this.backend, this.input, this.active, this.params);
    const out: number[] = [];
    for (let n = 0; n < fired.length; n++) {
      if (fired[n] > 0.5) {
        this.active[n] = 0;
        out.push(n);
      }
    }
    return out;
  }
}
