import type { IzhikevichParams, SurrogateFunction } from '@snn/neurons';
import { clampFactor } from './engine.js';

/** One `[Dense → Izhikevich]` layer of the float64 reference: weights `[in, out]` row-major. */
export interface ReferenceIzhikevichLayer {
  readonly inSize: number;
  readonly outSize: number;
  readonly weight: Float64Array;
  readonly bias: Float64Array;
  readonly neuron: IzhikevichParams;
  readonly currentScale: number;
}

/** How the reference computes spikes, readout and reset gradients. */
export interface ReferenceIzhikevichOptions {
  readonly surrogate: SurrogateFunction;
  readonly surrogateScaleMv: number;
  readonly detachReset: boolean;
  /** Cap each backward factor ∂v_next/∂v at 1 (see `IzhikevichNetworkOptions.stableBackward`). */
  readonly stableBackward: boolean;
  /** Lower bound of the membrane after every (half-)step, in mV (`-Infinity`: none). */
  readonly membraneFloorMv: number;
  readonly readout: 'count' | 'membrane';
  readonly membraneScaleMv: number;
  /**
   * null: hard spikes `H(v − vPeak)` (≥) with the surrogate in the backward pass, as the engine.
   * A number k: soft spikes `σ(k·x)`, x = (v − vPeak)/surrogateScaleMv, and their exact derivative
   * in the backward pass, so that the gradient can be checked by finite differences.
   */
  readonly soft: number | null;
}

/** Loss of one sample, its logits and (when asked) the gradient of every weight and bias. */
export interface ReferenceIzhikevichResult {
  readonly loss: number;
  readonly logits: Float64Array;
  readonly spikes: readonly Float64Array[];
  readonly grads: readonly { readonly weight: Float64Array; readonly bias: Float64Array }[] | null;
}

/**
 * Plain float64 forward and backward pass of a `[Dense → Izhikevich] × L` network on one sample:
 * the specification the event-driven engine is tested against (dense loops, no tricks).
 *
 * `input` is `[T, inSize]` (0/1). See `IzhikevichNetwork` for the equations.
 */
export function izhikevichReference(
  layers: readonly ReferenceIzhikevichLayer[],
  input: Float64Array,
  numSteps: number,
  label: number,
  opts: ReferenceIzhikevichOptions,
  withGrads: boolean,
): ReferenceIzhikevichResult {
  const T = numSteps;
  const L = layers.length;
  const soft = opts.soft;
  const scale = opts.surrogateScaleMv;
  const floor = opts.membraneFloorMv;
  const acts: Float64Array[] = [input];
  const traces: { pre: Float64Array; v0: Float64Array; u0: Float64Array; vh: Float64Array; v2: Float64Array; s: Float64Array; vN: Float64Array }[] = [];
  for (let l = 0; l < L; l++) {
    const { inSize: m, outSize: n, weight, bias, neuron, currentScale } = layers[l];
    const { a, b, c, d, vPeakMv, dtMs, integration } = neuron;
    const h = 0.5 * dtMs;
    const x = acts[l];
    const pre = new Float64Array(T * n);
    const v0 = new Float64Array(T * n);
    const u0 = new Float64Array(T * n);
    const vh = new Float64Array(T * n);
    const v2 = new Float64Array(T * n);
    const s = new Float64Array(T * n);
    const vN = new Float64Array(T * n);
    const v = new Float64Array(n).fill(neuron.vInitMv);
    const u = new Float64Array(n).fill(neuron.b * neuron.vInitMv);
    for (let t = 0; t < T; t++) {
      for (let j = 0; j < n; j++) {
        let z = bias[j];
        for (let i = 0; i < m; i++) z += x[t * m + i] * weight[i * n + j];
        const k = t * n + j;
        pre[k] = z;
        const I = currentScale * z;
        v0[k] = v[j];
        u0[k] = u[j];
        let vNext: number;
        let uNext: number;
        if (integration === 'izhikevich') {
          const half = Math.max(floor, v[j] + h * (0.04 * v[j] * v[j] + 5 * v[j] + 140 - u[j] + I));
          vh[k] = half;
          vNext = Math.max(floor, half + h * (0.04 * half * half + 5 * half + 140 - u[j] + I));
          uNext = u[j] + dtMs * a * (b * vNext - u[j]);
        } else {
          vNext = Math.max(floor, v[j] + dtMs * (0.04 * v[j] * v[j] + 5 * v[j] + 140 - u[j] + I));
          uNext = u[j] + dtMs * a * (b * v[j] - u[j]);
        }
        v2[k] = vNext;
        const spike = soft === null ? (vNext >= vPeakMv ? 1 : 0) : 1 / (1 + Math.exp((-soft * (vNext - vPeakMv)) / scale));
        s[k] = spike;
        v[j] = vNext + spike * (c - vNext);
        u[j] = uNext + d * spike;
        vN[k] = v[j];
      }
    }
    traces.push({ pre, v0, u0, vh, v2, s, vN });
    acts.push(s);
  }
  // Readout and loss.
  const C = layers[L - 1].outSize;
  const out = traces[L - 1];
  const logits = new Float64Array(C);
  for (let t = 0; t < T; t++) {
    for (let cc = 0; cc < C; cc++) {
      logits[cc] += opts.readout === 'count' ? out.s[t * C + cc] : out.vN[t * C + cc] / (T * opts.membraneScaleMv);
    }
  }
  let max = Number.NEGATIVE_INFINITY;
  for (let cc = 0; cc < C; cc++) max = Math.max(max, logits[cc]);
  let sum = 0;
  for (let cc = 0; cc < C; cc++) sum += Math.exp(logits[cc] - max);
  const loss = Math.log(sum) + max - logits[label];
  if (!withGrads) return { loss, logits, spikes: acts.slice(1), grads: null };
  const dz = new Float64Array(C);
  for (let cc = 0; cc < C; cc++) dz[cc] = Math.exp(logits[cc] - max) / sum - (cc === label ? 1 : 0);
  // dL/dS and direct dL/dvN of the output layer.
  let gS = new Float64Array(T * C);
  let gV = new Float64Array(T * C);
  for (let t = 0; t < T; t++) {
    for (let cc = 0; cc < C; cc++) {
      if (opts.readout === 'count') gS[t * C + cc] = dz[cc];
      else gV[t * C + cc] = dz[cc] / (T * opts.membraneScaleMv);
    }
  }
  const grads = layers.map((layer) => ({ weight: new Float64Array(layer.inSize * layer.outSize), bias: new Float64Array(layer.outSize) }));
  for (let l = L - 1; l >= 0; l--) {
    const { inSize: m, outSize: n, weight, neuron, currentScale } = layers[l];
    const { a, b, c, d, vPeakMv, dtMs, integration } = neuron;
    const h = 0.5 * dtMs;
    const tr = traces[l];
    const gPre = new Float64Array(T * n);
    for (let j = 0; j < n; j++) {
      let gv = 0;
      let gu = 0;
      for (let t = T - 1; t >= 0; t--) {
        const k = t * n + j;
        // Hard spikes: the surrogate sees v⁺ clipped to vPeak (x = 0 for every spike).
        const xk = soft === null && tr.v2[k] >= vPeakMv ? 0 : (tr.v2[k] - vPeakMv) / scale;
        const spike = tr.s[k];
        const sg = (soft === null ? opts.surrogate.derivative(xk) : soft * spike * (1 - spike)) / scale;
        const gvN = gv + gV[k];
        const gsTot = gS[k] + (opts.detachReset ? 0 : gvN * (c - tr.v2[k]) + gu * d);
        let gv2 = gvN * (1 - spike) + gsTot * sg;
        let gI: number;
        let gvPrev: number;
        let guPrev: number;
        const cap = opts.stableBackward ? 1 : Number.POSITIVE_INFINITY;
        // max(floor, ·) has derivative 0 where the floor was reached.
        if (integration === 'izhikevich') {
          gv2 += gu * dtMs * a * b;
          if (tr.v2[k] <= floor) gv2 = 0;
          guPrev = gu * (1 - dtMs * a) - h * gv2;
          const gvh = tr.vh[k] <= floor ? 0 : gv2 * clampFactor(1 + h * (0.08 * tr.vh[k] + 5), cap);
          guPrev -= h * gvh;
          gI = h * gv2 + h * gvh;
          gvPrev = gvh * clampFactor(1 + h * (0.08 * tr.v0[k] + 5), cap);
        } else {
          if (tr.v2[k] <= floor) gv2 = 0;
          gvPrev = gv2 * clampFactor(1 + dtMs * (0.08 * tr.v0[k] + 5), cap) + gu * dtMs * a * b;
          guPrev = gu * (1 - dtMs * a) - dtMs * gv2;
          gI = dtMs * gv2;
        }
        gPre[k] = currentScale * gI;
        gv = gvPrev;
        gu = guPrev;
      }
    }
    const x = acts[l];
    const g = grads[l];
    for (let t = 0; t < T; t++) {
      for (let j = 0; j < n; j++) {
        const gp = gPre[t * n + j];
        g.bias[j] += gp;
        for (let i = 0; i < m; i++) g.weight[i * n + j] += x[t * m + i] * gp;
      }
    }
    if (l > 0) {
      const below = new Float64Array(T * m);
      for (let t = 0; t < T; t++) {
        for (let i = 0; i < m; i++) {
          let z = 0;
          for (let j = 0; j < n; j++) z += weight[i * n + j] * gPre[t * n + j];
          below[t * m + i] = z;
        }
      }
      gS = below;
      gV = new Float64Array(T * m);
    }
  }
  return { loss, logits, spikes: acts.slice(1), grads };
}
