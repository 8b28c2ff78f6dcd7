import type { IzhikevichParams, SurrogateFunction } from '@snn/neurons';
import type { NeuronSequenceKernel } from '../neuron.js';

/** Neurons per block of the loops (a block's rows of every trace stay in cache over the T steps). */
const BLOCK = 512;

/**
 * The settings of an {@link izhikevich} layer the kernel runs with (validated by the layer): the neuron constants as
 * `@snn/neurons` resolves them, plus the layer's options.
 */
export interface IzhikevichKernelSettings extends Pick<IzhikevichParams, 'a' | 'b' | 'c' | 'd' | 'vPeakMv' | 'vInitMv' | 'dtMs'> {
  /** The paper's two half-steps of dt/2 for v (else one Euler step). */
  readonly twoHalf: boolean;
  /** Gain g of the input current, I = g·x. */
  readonly currentScale: number;
  /** Scale s of the surrogate's argument (v − v_peak)/s, in mV. */
  readonly surrogateScaleMv: number;
  /** Membrane floor in mV; −∞ for none. */
  readonly floor: number;
  /** The spike function's surrogate derivative. */
  readonly surrogate: SurrogateFunction;
  /** Give a spike the surrogate's peak value. */
  readonly clipSurrogate: boolean;
  /** Limit each ∂v′/∂v factor to [−1, 1]. */
  readonly stableBackward: boolean;
  /** The reset passes no gradient. */
  readonly detachReset: boolean;
}

/** The traces of one run over T steps of n neurons. */
interface Traces {
  readonly steps: number;
  readonly size: number;
  /** v' before the reset `[T, n]`. */
  readonly v2: Float32Array;
  /** The half-step v_h `[T, n]` (paper's scheme only). */
  readonly vh: Float32Array;
  /** Spike bit masks `[⌈T/32⌉, n]`. */
  readonly masks: Int32Array;
  readonly vState: Float32Array;
  readonly uState: Float32Array;
  /** dL/d(input) `[T, n]` and the running dL/dv, dL/du: made by the first backward (inference needs none). */
  gradIn: Float32Array;
  gv: Float64Array;
  gu: Float64Array;
}

function tracesFor(T: number, n: number, twoHalf: boolean): Traces {
  return {
    steps: T,
    size: n,
    v2: new Float32Array(T * n),
    vh: new Float32Array(twoHalf ? T * n : 0),
    masks: new Int32Array(((T + 31) >> 5) * n),
    vState: new Float32Array(n),
    uState: new Float32Array(n),
    gradIn: new Float32Array(0),
    gv: new Float64Array(0),
    gu: new Float64Array(0),
  };
}

/** Forward over all steps, in blocks of neurons (a block's states and trace rows stay in cache). */
function forwardRun(s: IzhikevichKernelSettings, input: Float32Array, tr: Traces): void {
  const { a, b, c, d, vPeakMv, vInitMv, dtMs, twoHalf, currentScale, floor } = s;
  const h = twoHalf ? 0.5 * dtMs : dtMs;
  const { steps: T, size: n, v2, vh, masks, vState, uState } = tr;
  vState.fill(vInitMv);
  uState.fill(b * vInitMv);
  masks.fill(0);
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const i1 = Math.min(n, i0 + BLOCK);
    for (let t = 0; t < T; t++) {
      const o = t * n;
      const word = (t >> 5) * n;
      const bit = 1 << (t & 31);
      for (let i = i0; i < i1; i++) {
        const v = vState[i];
        const u = uState[i];
        const I = currentScale * input[o + i];
        let vNext: number;
        let uNext: number;
        if (twoHalf) {
          const half = Math.max(floor, v + h * (0.04 * v * v + 5 * v + 140 - u + I));
          vh[o + i] = half;
          vNext = Math.max(floor, half + h * (0.04 * half * half + 5 * half + 140 - u + I));
          uNext = u + dtMs * a * (b * vNext - u);
        } else {
          vNext = Math.max(floor, v + h * (0.04 * v * v + 5 * v + 140 - u + I));
          uNext = u + dtMs * a * (b * v - u);
        }
        v2[o + i] = vNext;
        // The spike test reads v' as stored (float32), as the per-step path does.
        const stored = v2[o + i];
        if (stored >= vPeakMv) {
          masks[word + i] |= bit;
          vState[i] = c;
          uState[i] = uNext + d;
        } else {
          vState[i] = stored;
          uState[i] = uNext;
        }
      }
    }
  }
}

/** The VJP of the last forward, in the same blocks; returns dL/d(input) in `tr.gradIn`. */
function backwardRun(s: IzhikevichKernelSettings, gradOut: Float32Array, gradMem: Float32Array | null, tr: Traces): void {
  const { a, b, c, d, vPeakMv, vInitMv, dtMs, twoHalf, currentScale, floor, surrogate, clipSurrogate, detachReset } = s;
  const h = twoHalf ? 0.5 * dtMs : dtMs;
  const cap = s.stableBackward ? 1 : Number.POSITIVE_INFINITY;
  const invScale = 1 / s.surrogateScaleMv;
  // 1: fast sigmoid 1/(1 + k|x|)², 2: arctan (α/2)/(1 + (π/2·α·x)²), 0: the surrogate's own derivative.
  const kind = surrogate.name === 'fastSigmoid' ? 1 : surrogate.name === 'atan' ? 2 : 0;
  const slope = kind === 1 ? surrogate.options.slope : kind === 2 ? (Math.PI / 2) * surrogate.options.alpha : 0;
  const peak = kind === 2 ? surrogate.options.alpha / 2 : 1;
  const uDecay = 1 - dtMs * a;
  const uFromV = dtMs * a * b;
  if (tr.gradIn.length !== tr.steps * tr.size) {
    tr.gradIn = new Float32Array(tr.steps * tr.size);
    tr.gv = new Float64Array(tr.size);
    tr.gu = new Float64Array(tr.size);
  }
  const { steps: T, size: n, v2, vh, gradIn, gv, gu } = tr;
  const hasMem = gradMem !== null;
  const gm = gradMem ?? gradOut;
  gv.fill(0);
  gu.fill(0);
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const i1 = Math.min(n, i0 + BLOCK);
    for (let t = T - 1; t >= 0; t--) {
      const o = t * n;
      for (let i = i0; i < i1; i++) {
        const x2 = v2[o + i];
        const spike = x2 >= vPeakMv ? 1 : 0;
        // The membrane before the step: the previous step's v' after its reset.
        let v0 = vInitMv;
        if (t > 0) {
          const before = v2[o - n + i];
          v0 = before >= vPeakMv ? c : before;
        }
        const guNext = gu[i];
        const gvNext = hasMem ? gv[i] + gm[o + i] : gv[i];
        const gS = detachReset ? gradOut[o + i] : gradOut[o + i] + gvNext * (c - x2) + guNext * d;
        let gvN = gvNext * (1 - spike);
        if (gS !== 0) {
          const z = clipSurrogate && spike === 1 ? 0 : (x2 - vPeakMv) * invScale;
          let dz: number;
          if (kind === 1) {
            const q = 1 + slope * Math.abs(z);
            dz = 1 / (q * q);
          } else if (kind === 2) {
            const q = slope * z;
            dz = peak / (1 + q * q);
          } else dz = surrogate.derivative(z);
          gvN += gS * dz * invScale;
        }
        let gvPrev = 0;
        let guPrev = guNext * uDecay;
        let gI = 0;
        // u' reads v' in the paper's scheme, v in Euler's; a floored (half-)step passes nothing.
        if (twoHalf) gvN += guNext * uFromV;
        else gvPrev += guNext * uFromV;
        if (x2 > floor) {
          guPrev -= h * gvN;
          gI += h * gvN;
          if (!twoHalf) gvPrev += gvN * Math.max(-cap, Math.min(cap, 1 + h * (0.08 * v0 + 5)));
          else {
            const half = vh[o + i];
            if (half > floor) {
              const gvh = gvN * Math.max(-cap, Math.min(cap, 1 + h * (0.08 * half + 5)));
              gvPrev += gvh * Math.max(-cap, Math.min(cap, 1 + h * (0.08 * v0 + 5)));
              guPrev -= h * gvh;
              gI += h * gvh;
            }
          }
        }
        gv[i] = gvPrev;
        gu[i] = guPrev;
        gradIn[o + i] = currentScale * gI;
      }
    }
  }
}

/**
 * The Izhikevich layer's dynamics over all T steps of a float32 batch in tight loops: the same equations
 * and VJP as its per-step `step`/`backward` (see `izhikevich`), with the traces the backward pass reads
 * kept instead of recomputed (v' before the reset and, for the paper's scheme, the half-step v_h, both
 * float32; the membrane before each step is the previous step's v' after its reset), the arctan and
 * fast-sigmoid surrogates inlined, the neurons run in cache-sized blocks over all steps, and the spikes
 * handed to the next layer as bit masks.
 *
 * @param s - the layer's settings
 * @returns the kernel (one per layer)
 */
export function izhikevichSequenceKernel(s: IzhikevichKernelSettings): NeuronSequenceKernel {
  let tr: Traces | null = null;
  const traces = (): Traces => tr as Traces;
  return {
    forward(input, T, n) {
      if (tr === null || tr.steps !== T || tr.size !== n) tr = tracesFor(T, n, s.twoHalf);
      forwardRun(s, input, tr);
      return true;
    },
    readOutput(out) {
      const { v2, steps, size } = traces();
      const peak = s.vPeakMv;
      for (let k = 0; k < steps * size; k++) out[k] = v2[k] >= peak ? 1 : 0;
    },
    readMembrane(mem) {
      const { v2, steps, size } = traces();
      const peak = s.vPeakMv;
      for (let k = 0; k < steps * size; k++) mem[k] = v2[k] >= peak ? s.c : v2[k];
    },
    bits() {
      const t = traces();
      return { words: t.masks, offset: 0, stride: t.size };
    },
    backward(gradOut, gradMem) {
      const t = traces();
      backwardRun(s, gradOut, gradMem, t);
      return t.gradIn;
    },
  };
}
