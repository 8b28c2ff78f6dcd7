import { ShapeError } from '@snn/core';
import { checkInhibitionRadius } from './inhibition.js';
import type { ConvIfParams } from './params.js';
import { type ConvSimd, createConvSimd, float32AtMost } from './simd.js';

/** What one step of a {@link SpikingConvLayer} produced. */
export interface ConvStepResult {
  /** Channel-major flat indices `o·H_out·W_out + y·W_out + x` of the spikes that survived inhibition, ascending. */
  readonly spikes: Uint32Array;
  /** Potential of each surviving spike at its firing (before the reset), same order as `spikes`. */
  readonly potentials: Float32Array;
}

/**
 * Event-driven convolutional layer of non-leaky integrate-and-fire neurons, each firing at most once per
 * sample, with lateral inhibition between feature maps.
 *
 * @remarks
 * Per time step: (1) integration `V ← V + W ⊛ s` where an input spike at `(c, y, x)` adds only
 * `w[:, c, i, j]` to the K×K output positions it reaches, so the work is `spikes × K² × C_out`, not the dense
 * convolution; (2) neurons still active with `V > θ` fire; (3) lateral inhibition (the rule of
 * {@link lateralInhibitionKernel}): a surviving spike silences (resets to 0 and disables for the rest of the
 * sample) the neurons of the other maps within the inhibition radius, and a removed spike silences its own
 * neuron; (4) fired neurons reset to 0 and stay
 * silent. Kheradpisheh, Ganjtabesh, Thorpe & Masquelier (2018), Neural Networks 99:56–67, Sect. 2.2. The same
 * step on dense arrays is {@link convIfKernel} + {@link lateralInhibitionKernel}; a test checks that both agree.
 *
 * Weights are `[C_out, C_in, K, K]` (NumPy layout, {@link SpikingConvLayer.weights}); after changing filter
 * `o` call {@link SpikingConvLayer.syncFilter}. Inside, potentials are position-major `[H_out, W_out, C_out]`
 * (channels padded to a multiple of 4) and filters are `[C_in, K, K, C_out]` with the filter columns reversed,
 * so that with stride 1 an input spike's update of one output row is one contiguous slab of potentials plus one
 * contiguous slab of weights, added with WebAssembly SIMD (f32x4; each lane the same float32 addition in the
 * same order as a scalar loop: the potentials are bit-identical).
 *
 * @example
 * ```ts
 * const layer = new SpikingConvLayer(conv1, weights); // weights: Float32Array [30, 2, 5, 5]
 * layer.reset();
 * const { spikes } = layer.step(inputIndices);
 * ```
 */
export class SpikingConvLayer {
  /** Filters `[C_out, C_in, K, K]`, row-major. */
  readonly weights: Float32Array;
  /** Inhibition radius between maps, in positions (0 = the same position only). */
  readonly inhibitionRadius: number;
  private readonly channelStride: number; // C_out rounded up to a multiple of 4 (16-byte rows)
  private readonly simd: ConvSimd;
  private readonly weightBytes: number; // byte offset of `transposed` in the SIMD memory (potentials at 0)
  private readonly touchedBytes: number; // byte offset of `touched` in the SIMD memory
  private readonly threshold32: number; // the largest float32 <= threshold: the SIMD pre-filter of firing
  private readonly transposed: Float32Array; // [C_in, K, K (reversed), channelStride], padding lanes 0
  private readonly potential: Float32Array; // [H_out, W_out, channelStride]
  private readonly active: Uint8Array; // [H_out, W_out, channelStride]
  private readonly activeCount: Uint16Array; // active neurons per position: a position with none is skipped
  private readonly touched: Uint32Array;
  private readonly touchedMark: Uint8Array;
  private readonly bucketHead: Int32Array;
  private readonly candidateNext: number[] = [];

  /**
   * @param params - geometry and threshold, from {@link convIfParams}
   * @param weights - filters `[C_out, C_in, K, K]` (kept by reference)
   * @param options - `inhibitionRadius` (integer ≥ 0, default 0)
   * @throws `ShapeError` when the weights do not have `C_out·C_in·K²` values; `ValidationError` for a bad radius
   */
  constructor(
    readonly params: ConvIfParams,
    weights: Float32Array,
    options: { inhibitionRadius?: number } = {},
  ) {
    const { outChannels, inChannels, kernelSize, outHeight, outWidth } = params;
    const expected = outChannels * inChannels * kernelSize * kernelSize;
    if (weights.length !== expected) {
      throw new ShapeError('filter array has the wrong size', {
        field: 'weights',
        expected: `${expected} values ([${outChannels}, ${inChannels}, ${kernelSize}, ${kernelSize}])`,
        found: `${weights.length}`,
      });
    }
    this.inhibitionRadius = checkInhibitionRadius(options.inhibitionRadius ?? 0, 'inhibitionRadius');
    this.weights = weights;
    const cs = Math.ceil(outChannels / 4) * 4;
    this.channelStride = cs;
    const positions = outHeight * outWidth;
    const rows = inChannels * kernelSize * kernelSize;
    this.weightBytes = 4 * positions * cs;
    this.touchedBytes = this.weightBytes + 4 * rows * cs;
    this.simd = createConvSimd(this.touchedBytes + 4 * positions);
    this.potential = new Float32Array(this.simd.memory.buffer, 0, positions * cs);
    this.transposed = new Float32Array(this.simd.memory.buffer, this.weightBytes, rows * cs);
    this.touched = new Uint32Array(this.simd.memory.buffer, this.touchedBytes, positions);
    this.threshold32 = float32AtMost(params.threshold);
    for (let o = 0; o < outChannels; o++) this.syncFilter(o);
    this.active = new Uint8Array(positions * cs).fill(1);
    this.activeCount = new Uint16Array(positions).fill(outChannels);
    this.touchedMark = new Uint8Array(positions);
    this.bucketHead = new Int32Array(positions).fill(-1);
  }

  /** Copies filter `o` of {@link SpikingConvLayer.weights} into the layer's internal layout (after a weight update). */
  syncFilter(o: number): void {
    const { inChannels, kernelSize: k } = this.params;
    const cs = this.channelStride;
    const per = inChannels * k * k;
    for (let r = 0; r < per; r++) {
      const kj = r % k;
      this.transposed[(r - kj + k - 1 - kj) * cs + o] = this.weights[o * per + r];
    }
  }

  /** Starts a new sample: potentials 0, every neuron may fire. */
  reset(): void {
    this.potential.fill(0);
    this.active.fill(1);
    this.activeCount.fill(this.params.outChannels);
  }

  private silence(n: number, pos: number): void {
    if (this.active[n]) {
      this.active[n] = 0;
      this.activeCount[pos]--;
    }
    // −∞ stays below the threshold whatever is added later: the SIMD pre-filter of firing skips silent neurons.
    this.potential[n] = Number.NEGATIVE_INFINITY;
  }

  /**
   * Potentials of the layer, channel-major `[C_out, H_out, W_out]` (a copy; for plots and tests).
   * Neurons that fired or were inhibited read 0.
   */
  potentials(): Float32Array {
    const { outChannels: co, outHeight, outWidth } = this.params;
    const cs = this.channelStride;
    const positions = outHeight * outWidth;
    const out = new Float32Array(co * positions);
    for (let p = 0; p < positions; p++) {
      for (let o = 0; o < co; o++) if (this.active[p * cs + o]) out[o * positions + p] = this.potential[p * cs + o];
    }
    return out;
  }

  /**
   * One time step: integrate the input spikes, fire, inhibit, reset.
   * @param input - channel-major flat indices `c·H_in·W_in + y·W_in + x` of this step's input spikes
   * @returns the surviving spikes and their potentials
   */
  step(input: ArrayLike<number>): ConvStepResult {
    const { inHeight, inWidth, kernelSize: k, padding, stride, outHeight, outWidth, outChannels: co, threshold } = this.params;
    const inPlane = inHeight * inWidth;
    const cs = this.channelStride;
    const pot = this.potential;
    let touchedCount = 0;
    for (let s = 0; s < input.length; s++) {
      const i = input[s];
      const c = Math.floor(i / inPlane);
      const y = Math.floor((i - c * inPlane) / inWidth);
      const x = i - c * inPlane - y * inWidth;
      if (stride === 1) {
        // Output columns x + P − K + 1 … x + P (filter columns reversed inside): one slab per output row.
        const first = x + padding - k + 1;
        const oxLo = Math.max(0, first);
        const oxHi = Math.min(outWidth - 1, x + padding);
        if (oxLo > oxHi) continue;
        const n = (oxHi - oxLo + 1) * cs;
        for (let ki = 0; ki < k; ki++) {
          const oy = y + padding - ki;
          if (oy < 0 || oy >= outHeight) continue;
          let live = false;
          for (let pos = oy * outWidth + oxLo, end = oy * outWidth + oxHi; pos <= end; pos++) {
            // Once every neuron of a position has fired or been inhibited, its inputs no longer matter.
            if (this.activeCount[pos] === 0) continue;
            live = true;
            if (!this.touchedMark[pos]) {
              this.touchedMark[pos] = 1;
              this.touched[touchedCount++] = pos;
            }
          }
          // Dead positions and inactive neurons of a slab also accumulate; they are never read (fire checks `active`).
          if (live) this.simd.addRow(4 * (oy * outWidth + oxLo) * cs, this.weightBytes + 4 * ((c * k + ki) * k + oxLo - first) * cs, n);
        }
        continue;
      }
      const wt = this.transposed;
      for (let ki = 0; ki < k; ki++) {
        const oyNum = y + padding - ki;
        if (oyNum < 0 || oyNum % stride !== 0) continue;
        const oy = oyNum / stride;
        if (oy >= outHeight) continue;
        for (let kj = 0; kj < k; kj++) {
          const oxNum = x + padding - kj;
          if (oxNum < 0 || oxNum % stride !== 0) continue;
          const ox = oxNum / stride;
          if (ox >= outWidth) continue;
          const pos = oy * outWidth + ox;
          if (this.activeCount[pos] === 0) continue;
          if (!this.touchedMark[pos]) {
            this.touchedMark[pos] = 1;
            this.touched[touchedCount++] = pos;
          }
          const base = pos * cs;
          const wBase = ((c * k + ki) * k + k - 1 - kj) * cs;
          for (let o = 0; o < co; o++) pot[base + o] += wt[wBase + o];
        }
      }
    }
    // Candidates: active neurons above threshold at touched positions (others did not change); the SIMD
    // pre-filter keeps the touched positions with any potential above the threshold.
    const candPos: number[] = [];
    const candCh: number[] = [];
    const next = this.candidateNext;
    next.length = 0;
    const touched = this.touched;
    for (let t = 0; t < touchedCount; t++) this.touchedMark[touched[t]] = 0;
    const above = this.simd.rowsAbove(this.touchedBytes, touchedCount, 4 * cs, this.threshold32);
    for (let t = 0; t < above; t++) {
      const pos = touched[t];
      const base = pos * cs;
      for (let o = 0; o < co; o++) {
        if (this.active[base + o] && pot[base + o] > threshold) {
          next.push(this.bucketHead[pos]);
          this.bucketHead[pos] = candPos.length;
          candPos.push(pos);
          candCh.push(o);
        }
      }
    }
    const r = this.inhibitionRadius;
    const positions = outHeight * outWidth;
    const survivors: number[] = [];
    const losers: number[] = [];
    for (let a = 0; a < candPos.length; a++) {
      const pos = candPos[a];
      const o = candCh[a];
      const v = pot[pos * cs + o];
      const flat = o * positions + pos;
      const y = Math.floor(pos / outWidth);
      const x = pos - y * outWidth;
      let survives = true;
      for (let y2 = Math.max(0, y - r); y2 <= Math.min(outHeight - 1, y + r) && survives; y2++) {
        for (let x2 = Math.max(0, x - r); x2 <= Math.min(outWidth - 1, x + r) && survives; x2++) {
          for (let b = this.bucketHead[y2 * outWidth + x2]; b >= 0; b = next[b]) {
            const o2 = candCh[b];
            if (o2 === o) continue;
            const v2 = pot[candPos[b] * cs + o2];
            if (v2 > v || (v2 === v && o2 * positions + candPos[b] < flat)) {
              survives = false;
              break;
            }
          }
        }
      }
      if (survives) survivors.push(a);
      else losers.push(a);
    }
    for (const pos of candPos) this.bucketHead[pos] = -1;
    survivors.sort((a, b) => candCh[a] * positions + candPos[a] - (candCh[b] * positions + candPos[b]));
    const spikes = new Uint32Array(survivors.length);
    const potentials = new Float32Array(survivors.length);
    for (let s = 0; s < survivors.length; s++) {
      const a = survivors[s];
      spikes[s] = candCh[a] * positions + candPos[a];
      potentials[s] = pot[candPos[a] * cs + candCh[a]];
    }
    // A spike removed by inhibition silences its neuron; each survivor silences the other maps around it and
    // itself resets and stays silent.
    for (const a of losers) this.silence(candPos[a] * cs + candCh[a], candPos[a]);
    for (let s = 0; s < survivors.length; s++) {
      const a = survivors[s];
      const pos = candPos[a];
      const o = candCh[a];
      const y = Math.floor(pos / outWidth);
      const x = pos - y * outWidth;
      for (let y2 = Math.max(0, y - r); y2 <= Math.min(outHeight - 1, y + r); y2++) {
        for (let x2 = Math.max(0, x - r); x2 <= Math.min(outWidth - 1, x + r); x2++) {
          const q = y2 * outWidth + x2;
          for (let o2 = 0; o2 < co; o2++) if (o2 !== o) this.silence(q * cs + o2, q);
        }
      }
      this.silence(pos * cs + o, pos);
    }
    return { spikes, potentials };
  }
}
