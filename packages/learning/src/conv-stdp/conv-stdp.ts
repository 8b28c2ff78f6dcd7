import { type Backend, type KernelThis, ShapeError, ValidationError, describeValue } from '@snn/core';
import { type ConvIfParams, type ConvStepResult, checkInhibitionRadius } from '@snn/neurons';

/** Options of {@link ConvStdp}; defaults are the seed's (Kheradpisheh et al. 2018 via SpikingConvNet). */
export interface ConvStdpOptions {
  /** Initial potentiation rate a⁺ (> 0); default 0.004. */
  readonly aPlus?: number;
  /** Initial depression rate a⁻ (≤ 0); default −0.003. */
  readonly aMinus?: number;
  /** Double a⁺ every this many updates (setting a⁻ = `aMinusRatio`·a⁺), capped at `aMax`; 0 = constant rates. Default 500. */
  readonly updatesPerDoubling?: number;
  /** Cap of a⁺ in the schedule; default 0.15. */
  readonly aMax?: number;
  /** a⁻ / a⁺ after each doubling; default −0.75. */
  readonly aMinusRatio?: number;
  /** Winners (updates) per time step at most; default 1. */
  readonly winnersPerStep?: number;
  /** After an update, the other maps within this radius (positions, Chebyshev) stop learning for the sample; default 0. */
  readonly inhibitionRadius?: number;
}

interface ResolvedConvStdp {
  readonly aPlus: number;
  readonly aMinus: number;
  readonly updatesPerDoubling: number;
  readonly aMax: number;
  readonly aMinusRatio: number;
  readonly winnersPerStep: number;
  readonly inhibitionRadius: number;
}

function finite(value: unknown, field: string, ok: (v: number) => boolean, expected: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
    throw new ValidationError(`STDP ${field} is out of range`, { field: `stdp.${field}`, expected, found: describeValue(value) });
  }
  return value;
}

function resolve(o: ConvStdpOptions): ResolvedConvStdp {
  return {
    aPlus: finite(o.aPlus ?? 0.004, 'aPlus', (v) => v > 0, 'a number > 0'),
    aMinus: finite(o.aMinus ?? -0.003, 'aMinus', (v) => v <= 0, 'a number <= 0'),
    updatesPerDoubling: finite(o.updatesPerDoubling ?? 500, 'updatesPerDoubling', (v) => Number.isInteger(v) && v >= 0, 'an integer >= 0'),
    aMax: finite(o.aMax ?? 0.15, 'aMax', (v) => v > 0, 'a number > 0'),
    aMinusRatio: finite(o.aMinusRatio ?? -0.75, 'aMinusRatio', (v) => v <= 0, 'a number <= 0'),
    winnersPerStep: finite(o.winnersPerStep ?? 1, 'winnersPerStep', (v) => Number.isInteger(v) && v >= 1, 'an integer >= 1'),
    inhibitionRadius: checkInhibitionRadius(o.inhibitionRadius ?? 0, 'stdp.inhibitionRadius'),
  };
}

/**
 * Convergence metric of STDP-trained weights in [0, 1]: `C = (1/n) Σ w(1 − w)`.
 *
 * @remarks
 * C → 0 as every weight saturates at 0 or 1 (Kheradpisheh et al. 2018, Sect. 2.4); training of a layer stops
 * when C falls below a limit (0.01 in the seed).
 * @param weights - any weights in [0, 1]
 * @example
 * ```ts
 * convergenceMetric(Float32Array.from([0, 0.5, 1])); // 0.0833…
 * ```
 */
export function convergenceMetric(weights: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += weights[i] * (1 - weights[i]);
  return weights.length === 0 ? 0 : sum / weights.length;
}

/** Constants of {@link convStdpKernel}. */
export interface ConvStdpKernelConstants {
  /** Potentiation rate a⁺. */
  readonly aPlus: number;
  /** Depression rate a⁻ (≤ 0). */
  readonly aMinus: number;
}

/**
 * gpu.js kernel of the multiplicative STDP update of one filter; 1-D output of `C_in·K·K` weights.
 *
 * @remarks
 * `Δw = a⁺ · w(1 − w)` where the input under the weight has spiked by now (`pre` = 1), `a⁻ · w(1 − w)`
 * elsewhere, then `w` clipped to [0, 1] (Kheradpisheh et al. 2018, Eq. 2: the soft bound w(1 − w) keeps the
 * weights in [0, 1] and drives them to 0 or 1). Reference: {@link convStdpUpdateReference}.
 *
 * @param filter - the winner's filter `[C_in, K, K]` flat
 * @param pre - 1 where the input at that filter position spiked at or before the update, else 0 (padding: 0)
 */
export const convStdpKernel = function (this: KernelThis<ConvStdpKernelConstants>, filter: Float32Array, pre: Float32Array): number {
  const w = filter[this.thread.x];
  let rate = this.constants.aMinus;
  if (pre[this.thread.x] > 0.5) {
    rate = this.constants.aPlus;
  }
  return Math.min(1.0, Math.max(0.0, w + rate * w * (1.0 - w)));
};

/**
 * TypeScript reference of {@link convStdpKernel} (same arguments), returning the new filter.
 * @param filter - filter `[C_in, K, K]` flat (not modified)
 * @param pre - 0/1 per filter position
 * @param constants - a⁺ and a⁻
 * @throws `ShapeError` when the lengths differ
 */
export function convStdpUpdateReference(filter: Float32Array, pre: Float32Array, constants: ConvStdpKernelConstants): Float32Array {
  if (filter.length !== pre.length) throw new ShapeError('pre-spike map and filter differ in size', { field: 'pre', expected: `${filter.length}`, found: `${pre.length}` });
  const out = new Float32Array(filter.length);
  for (let i = 0; i < filter.length; i++) {
    const w = filter[i];
    const rate = pre[i] > 0.5 ? constants.aPlus : constants.aMinus;
    out[i] = Math.min(1, Math.max(0, w + rate * w * (1 - w)));
  }
  return out;
}

/**
 * Runs {@link convStdpKernel} on a gpu.js backend; equals {@link convStdpUpdateReference}.
 * @param backend - a started gpu.js `Backend`
 * @param filter - filter `[C_in, K, K]` flat
 * @param pre - 0/1 per filter position
 * @param constants - a⁺ and a⁻
 * @returns the new filter
 * @example
 * ```ts
 * const w = await convStdpUpdateKernel(backend, filter, pre, { aPlus: 0.004, aMinus: -0.003 });
 * ```
 */
export async function convStdpUpdateKernel(backend: Backend, filter: Float32Array, pre: Float32Array, constants: ConvStdpKernelConstants): Promise<Float32Array> {
  if (filter.length !== pre.length) throw new ShapeError('pre-spike map and filter differ in size', { field: 'pre', expected: `${filter.length}`, found: `${pre.length}` });
  // The rates change during training; they are arguments of the cache key so each schedule step compiles once.
  const run = backend.kernel(`learning.conv-stdp:${filter.length}:${constants.aPlus}:${constants.aMinus}`, convStdpKernel as never, {
    output: [filter.length],
    constants: { aPlus: constants.aPlus, aMinus: constants.aMinus },
  });
  return backend.flatten(await run(filter, pre)).slice();
}

/**
 * What {@link ConvStdp} needs of a conv layer: its geometry, its filters (changed in place) and a hook called
 * after filter `o` changed. `SpikingConvLayer` and `SpikingConvKernelLayer` (of `@snn/neurons`) are such layers.
 */
export interface ConvStdpLayer {
  /** Geometry of the layer. */
  readonly params: ConvIfParams;
  /** Filters `[C_out, C_in, K, K]`. */
  readonly weights: Float32Array;
  /** Called after filter `o` of `weights` changed. */
  syncFilter(o: number): void;
}

/** One STDP update: the winner neuron and the convergence metric after the update. */
export interface ConvStdpUpdate {
  /** Feature map of the winner. */
  readonly channel: number;
  /** Row of the winner in its map. */
  readonly y: number;
  /** Column of the winner in its map. */
  readonly x: number;
  /** Convergence metric C of the whole layer after the update. */
  readonly convergence: number;
}

/**
 * Winner-take-all multiplicative STDP for one `SpikingConvLayer` (of `@snn/neurons`), trained layer by layer.
 *
 * @remarks
 * At each step, among the spikes that survived lateral inhibition and whose neuron may still learn, the one
 * with the largest potential (ties: lowest flat index) wins; its filter gets the update of
 * {@link convStdpKernel} with `pre` = the inputs of its receptive field that spiked so far in this sample.
 * Then the winner's whole map and the other maps within `inhibitionRadius` of it stop learning until the next
 * sample. Every `updatesPerDoubling` updates a⁺ doubles (capped at `aMax`) and a⁻ = `aMinusRatio`·a⁺.
 * Kheradpisheh, Ganjtabesh, Thorpe & Masquelier (2018), Neural Networks 99:56–67, Sect. 2.4; schedule as in
 * the seed (SpikingConvNet). The convergence metric `mean w(1 − w)` is kept up to date after every update.
 *
 * @example
 * ```ts
 * const stdp = new ConvStdp(layer, { inhibitionRadius: 2 });
 * layer.reset(); stdp.startSample();
 * for (const input of steps) { stdp.recordInput(input); stdp.learn(layer.step(input)); }
 * ```
 */
export class ConvStdp {
  /** Current potentiation rate a⁺. */
  aPlus: number;
  /** Current depression rate a⁻. */
  aMinus: number;
  /** Number of updates so far. */
  updates = 0;
  private readonly options: ResolvedConvStdp;
  private readonly allowed: Uint8Array;
  private readonly seen: Uint8Array;
  private readonly pre: Float32Array;
  private convergenceSum: number;

  /**
   * @param layer - the layer whose filters learn (its weights are changed in place)
   * @param options - see {@link ConvStdpOptions}
   * @throws `ValidationError` naming the option when one is out of range
   */
  constructor(
    readonly layer: ConvStdpLayer,
    options: ConvStdpOptions = {},
  ) {
    this.options = resolve(options);
    this.aPlus = this.options.aPlus;
    this.aMinus = this.options.aMinus;
    const p = layer.params;
    this.allowed = new Uint8Array(p.outChannels * p.outHeight * p.outWidth).fill(1);
    this.seen = new Uint8Array(p.inChannels * p.inHeight * p.inWidth);
    this.pre = new Float32Array(p.inChannels * p.kernelSize * p.kernelSize);
    this.convergenceSum = convergenceMetric(layer.weights) * layer.weights.length;
  }

  /** Convergence metric `mean w(1 − w)` of the layer's weights now. */
  convergence(): number {
    return this.convergenceSum / this.layer.weights.length;
  }

  /** Starts a new sample: every neuron may learn again, no input has spiked. */
  startSample(): void {
    this.allowed.fill(1);
    this.seen.fill(0);
  }

  /** Records the input spikes of this step (channel-major flat indices), before {@link ConvStdp.learn}. */
  recordInput(input: ArrayLike<number>): void {
    for (let i = 0; i < input.length; i++) this.seen[input[i]] = 1;
  }

  /**
   * Picks the winners among this step's surviving spikes and updates their filters ({@link convStdpUpdateReference}).
   * @param step - what `SpikingConvLayer.step` (of `@snn/neurons`) returned for this step
   * @returns the updates made (0 to `winnersPerStep`)
   */
  learn(step: ConvStepResult): ConvStdpUpdate[] {
    const made: ConvStdpUpdate[] = [];
    for (let win = this.winner(step, made.length); win; win = this.winner(step, made.length)) {
      made.push(this.commit(win, convStdpUpdateReference(this.filter(win.channel), this.preOf(win), this)));
    }
    return made;
  }

  /**
   * {@link ConvStdp.learn} with the filter updates run by {@link convStdpKernel} on a gpu.js backend (the same
   * winners and rule; the new weights equal the reference's to float32 rounding).
   * @param backend - a started gpu.js `Backend` (of `@snn/core`)
   * @param step - what the layer's step returned
   */
  async learnOn(backend: Backend, step: ConvStepResult): Promise<ConvStdpUpdate[]> {
    const made: ConvStdpUpdate[] = [];
    for (let win = this.winner(step, made.length); win; win = this.winner(step, made.length)) {
      made.push(this.commit(win, await convStdpUpdateKernel(backend, this.filter(win.channel).slice(), this.preOf(win), { aPlus: this.aPlus, aMinus: this.aMinus })));
    }
    return made;
  }

  /** The next winner: the largest potential among surviving spikes whose neuron may learn; none after `made` winners. */
  private winner(step: ConvStepResult, made: number): { channel: number; y: number; x: number } | undefined {
    if (made >= this.options.winnersPerStep) return undefined;
    const { outHeight, outWidth } = this.layer.params;
    const plane = outHeight * outWidth;
    let best = -1;
    for (let s = 0; s < step.spikes.length; s++) {
      if (!this.allowed[step.spikes[s]]) continue;
      if (best < 0 || step.potentials[s] > step.potentials[best]) best = s;
    }
    if (best < 0) return undefined;
    const n = step.spikes[best];
    const channel = Math.floor(n / plane);
    const y = Math.floor((n - channel * plane) / outWidth);
    return { channel, y, x: n - channel * plane - y * outWidth };
  }

  private filter(channel: number): Float32Array {
    return this.layer.weights.subarray(channel * this.pre.length, (channel + 1) * this.pre.length);
  }

  /** 1 where the input under each weight of the winner's filter has spiked so far in this sample (padding: 0). */
  private preOf(win: { y: number; x: number }): Float32Array {
    const { inChannels, inHeight, inWidth, kernelSize: k, padding, stride } = this.layer.params;
    const pre = this.pre;
    for (let c = 0; c < inChannels; c++) {
      for (let i = 0; i < k; i++) {
        const iy = win.y * stride - padding + i;
        for (let j = 0; j < k; j++) {
          const ix = win.x * stride - padding + j;
          pre[(c * k + i) * k + j] = iy >= 0 && iy < inHeight && ix >= 0 && ix < inWidth ? this.seen[(c * inHeight + iy) * inWidth + ix] : 0;
        }
      }
    }
    return pre;
  }

  /** Writes the winner's new filter, keeps C up to date, advances the a⁺ schedule and blocks the winner's surroundings. */
  private commit(win: { channel: number; y: number; x: number }, next: Float32Array): ConvStdpUpdate {
    const w = this.filter(win.channel);
    for (let i = 0; i < w.length; i++) {
      const v = w[i];
      const nv = next[i];
      this.convergenceSum -= v * (1 - v);
      w[i] = nv;
      this.convergenceSum += nv * (1 - nv);
    }
    this.layer.syncFilter(win.channel);
    this.updates++;
    const every = this.options.updatesPerDoubling;
    if (every > 0 && this.updates % every === 0) {
      this.aPlus = Math.min(2 * this.aPlus, this.options.aMax);
      this.aMinus = this.options.aMinusRatio * this.aPlus;
    }
    this.block(win.channel, win.y, win.x);
    return { ...win, convergence: this.convergence() };
  }

  private block(channel: number, y: number, x: number): void {
    const { outChannels, outHeight, outWidth } = this.layer.params;
    const plane = outHeight * outWidth;
    const r = this.options.inhibitionRadius;
    this.allowed.fill(0, channel * plane, (channel + 1) * plane);
    for (let c = 0; c < outChannels; c++) {
      if (c === channel) continue;
      for (let y2 = Math.max(0, y - r); y2 <= Math.min(outHeight - 1, y + r); y2++) {
        for (let x2 = Math.max(0, x - r); x2 <= Math.min(outWidth - 1, x + r); x2++) this.allowed[c * plane + y2 * outWidth + x2] = 0;
      }
    }
  }
}

/**
 * Initial filters drawn from N(mean, std²), the seed's N(0.8, 0.05²), as `[C_out, C_in, K, K]`.
 * @param count - number of weights
 * @param normal - a draw from N(0, 1) (e.g. `() => rng.normal()` of `@snn/core`'s `Rng`)
 * @param mean - mean; default 0.8
 * @param std - standard deviation; default 0.05
 * @example
 * ```ts
 * const rng = new Rng(1);
 * const w = initialConvWeights(30 * 2 * 25, () => rng.normal());
 * ```
 */
export function initialConvWeights(count: number, normal: () => number, mean = 0.8, std = 0.05): Float32Array {
  const w = new Float32Array(count);
  for (let i = 0; i < count; i++) w[i] = mean + std * normal();
  return w;
}
