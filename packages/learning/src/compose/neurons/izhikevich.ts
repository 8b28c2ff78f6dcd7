import { ValidationError } from '@snn/core';
import { atan, type IzhikevichParamsInput, izhikevichParams, type SurrogateFunction } from '@snn/neurons';
import { NeuronLayer, type NeuronModel } from '../neuron.js';
import { izhikevichSequenceKernel } from './izhikevich-kernel.js';

/** Options of {@link izhikevich}. */
export interface IzhikevichLayerOptions extends IzhikevichParamsInput {
  /** Name in the composition. */
  readonly name?: string;
  /** Gain g from the layer's input x to the current, `I = g·x` (e.g. x = `S·W + b` of a `Linear`). Default 10. */
  readonly currentScale?: number;
  /** Membrane scale s of the surrogate argument, in mV (> 0): spikes are `spike((v' − v_peak)/s)`. Default 10. */
  readonly surrogateScaleMv?: number;
  /**
   * Lower bound of the membrane after each (half-)step, `v ← max(v, floor)`, in mV; null (or −∞) for none.
   * A floored step passes no gradient. Default −100 (below every physiological value: the K⁺ reversal
   * potential is about −90 mV). Without it a strongly negative current (I ≲ −100) drives v below −112.5 mV,
   * where the explicit step overshoots: spurious spikes forward, and backward factors `1 + h·(0.08v + 5)`
   * below −1, so gradients explode.
   */
  readonly membraneFloorMv?: number | null;
  /** Surrogate spike function. Default `atan()`. */
  readonly surrogate?: SurrogateFunction;
  /**
   * When true, the surrogate reads the membrane clipped at the peak,
   * `dS/dv' = σ'((min(v', v_peak) − v_peak)/s)/s`: every spike gets the surrogate's peak value σ'(0)/s.
   * Past the cut-off the quadratic term sends v' to arbitrary values (an Izhikevich membrane jumps its last
   * ~80 mV in one step), where σ' of the raw value would vanish and leave neurons that fire every step
   * without gradient. Default false (σ' of the raw `(v' − v_peak)/s`, the exact derivative of the smooth
   * spike {@link gradCheck} uses).
   */
  readonly clipSurrogate?: boolean;
  /**
   * When true, each backward membrane factor `∂v'/∂v = 1 + h·(0.08v + 5)` (per half-step, h = Δt/2; h = Δt for
   * Euler) is limited to [−1, 1], so gradients are never amplified going back in time (above v ≈ −62.5 mV the
   * sub-threshold dynamics are unstable and the exact factor exceeds 1). Default false: the exact VJP.
   */
  readonly stableBackward?: boolean;
  /**
   * When true (default) the reset passes no gradient (v' is replaced by the constant c where the neuron
   * spiked); false resets by the spike, `v ← v' + S·(c − v')`, `u ← u' + d·S`, and passes dL/dS the terms
   * `dL/dv·(c − v') + dL/du·d`.
   */
  readonly detachReset?: boolean;
}

/**
 * A layer of Izhikevich neurons for BPTT (surrogate gradients).
 *
 * @remarks
 * Izhikevich (2003), "Simple model of spiking neurons", IEEE Trans. Neural
 * Networks 14(6):1569, with `I = g·x[t]` (g = `currentScale`), v in mV, t in ms and
 * `f(v, u) = 0.04v² + 5v + 140 − u + I`:
 * ```
 * two half-steps (integration "izhikevich", the paper's scheme), h = Δt/2:
 *   v_h = max(floor, v + h·f(v, u)),  v' = max(floor, v_h + h·f(v_h, u)),  u' = u + Δt·a·(b·v' − u)
 * Euler: v' = max(floor, v + Δt·f(v, u)),  u' = u + Δt·a·(b·v − u)
 * S = spike((v' − v_peak)/s);  where v' ≥ v_peak: v ← c, u ← u' + d (detached; see detachReset)
 * ```
 * States `v` (from `vInitMv`) and `u` (from `b·vInitMv`); the output is S, the
 * recorded membrane v after the reset. The VJP is derived by hand through v,
 * u and the quadratic term: `∂v_h/∂v = 1 + h·(0.08v + 5)`, `∂v'/∂u = −h` per
 * half-step, `∂u'/∂v' = Δt·a·b`, `∂u'/∂u = 1 − Δt·a`, `∂v'/∂I = h` per
 * half-step, a floored (half-)step passing nothing; the spike's derivative is
 * `σ'((v' − v_peak)/s)/s` (see `clipSurrogate`, `stableBackward` and
 * `detachReset` for the three documented departures from the exact
 * derivative). The spike test reads v' as stored (float32 in training runs).
 *
 * @param opts - Izhikevich parameters (preset, a, b, c, d, v_peak, Δt, integration), current and surrogate
 *   scales, floor, surrogate clipping, backward cap and reset
 * @throws `ValidationError` for bad parameters
 * @example
 * ```ts
 * // IzhikevichNetwork's hidden layer: fc1 then RS neurons, I = 20·(S·W + b), fast-sigmoid surrogate over 30 mV.
 * const layers = [new Linear(784, 1024, { name: 'fc1' }), izhikevich({ name: 'izh1', currentScale: 20, surrogate: fastSigmoid({ slope: 1 }),
 *   surrogateScaleMv: 30, clipSurrogate: true, stableBackward: true })];
 * ```
 */
export function izhikevich(opts: IzhikevichLayerOptions = {}): NeuronLayer {
  const p = izhikevichParams(opts, 'izhikevich');
  const scaleI = opts.currentScale ?? 10;
  const scaleMv = opts.surrogateScaleMv ?? 10;
  const floor = opts.membraneFloorMv === null ? Number.NEGATIVE_INFINITY : (opts.membraneFloorMv ?? -100);
  for (const [field, v, ok] of [
    ['currentScale', scaleI, Number.isFinite(scaleI)],
    ['surrogateScaleMv', scaleMv, Number.isFinite(scaleMv) && scaleMv > 0],
    ['membraneFloorMv', floor, floor === Number.NEGATIVE_INFINITY || Number.isFinite(floor)],
  ] as const) {
    if (!ok) throw new ValidationError('invalid Izhikevich layer option', { field: `izhikevich.${field}`, expected: 'a finite number (scale > 0)', found: String(v) });
  }
  const flags = { clipSurrogate: opts.clipSurrogate ?? false, stableBackward: opts.stableBackward ?? false, detachReset: opts.detachReset ?? true };
  for (const [field, v] of Object.entries(flags)) {
    if (typeof v !== 'boolean') throw new ValidationError('invalid Izhikevich layer option', { field: `izhikevich.${field}`, expected: 'a boolean', found: String(v) });
  }
  const { clipSurrogate: clip, detachReset: detach } = flags;
  const cap = flags.stableBackward ? 1 : Number.POSITIVE_INFINITY;
  const { a, b, c, d, vPeakMv, dtMs } = p;
  const twoHalf = p.integration === 'izhikevich';
  const h = twoHalf ? 0.5 * dtMs : dtMs;
  const f = (v: number, u: number, I: number): number => 0.04 * v * v + 5 * v + 140 - u + I;
  /** ∂(v + h·f)/∂v, limited to [−cap, cap]. */
  const factor = (v: number): number => Math.max(-cap, Math.min(cap, 1 + h * (0.08 * v + 5)));
  const identity = (x: number): number => x;
  const surrogate = opts.surrogate ?? atan();
  const model: NeuronModel = {
    kind: 'Izhikevich',
    states: ['v', 'u'],
    membrane: 0,
    spiking: true,
    binary: true,
    initial: [p.vInitMv, b * p.vInitMv],
    params: () => [],
    // Float32 runs with the layer's own surrogate: the whole sequence in tight loops, traces kept for backward.
    sequenceKernel: () =>
      izhikevichSequenceKernel({
        ...p,
        twoHalf,
        currentScale: scaleI,
        surrogateScaleMv: scaleMv,
        floor,
        surrogate,
        clipSurrogate: clip,
        stableBackward: flags.stableBackward,
        detachReset: detach,
      }),
    step({ input, prev, next, out, fire }) {
      // The spike test reads v' in the precision it is stored in.
      const round = next[0] instanceof Float32Array ? Math.fround : identity;
      for (let k = 0; k < input.length; k++) {
        const v = prev[0][k];
        const u = prev[1][k];
        const I = scaleI * input[k];
        let vExact: number;
        let uN: number;
        if (twoHalf) {
          const vh = Math.max(floor, v + h * f(v, u, I));
          vExact = Math.max(floor, vh + h * f(vh, u, I));
          uN = u + dtMs * a * (b * vExact - u);
        } else {
          vExact = Math.max(floor, v + h * f(v, u, I));
          uN = u + dtMs * a * (b * v - u);
        }
        const vN = round(vExact);
        // The cut-off is v' ≥ v_peak: a membrane exactly at the peak spikes (the Heaviside's H(0) is 0).
        const x = (vN - vPeakMv) / scaleMv;
        const s = fire.spike(x === 0 ? Number.MIN_VALUE : x);
        out[k] = s;
        if (detach) {
          const r = vN >= vPeakMv;
          next[0][k] = r ? c : vN;
          next[1][k] = r ? uN + d : uN;
        } else {
          next[0][k] = vN + s * (c - vN);
          next[1][k] = uN + d * s;
        }
      }
    },
    backward({ input, prev, out, fire, gradOut, gradNext, gradPrev, gradInput }) {
      const round = prev[0] instanceof Float32Array ? Math.fround : identity;
      for (let k = 0; k < input.length; k++) {
        const v = prev[0][k];
        const u = prev[1][k];
        const I = scaleI * input[k];
        const gvNext = gradNext[0][k];
        const guNext = gradNext[1][k];
        // The paper's scheme: v → v_h → v'; Euler: v → v' (v_h unused).
        const vhRaw = twoHalf ? v + h * f(v, u, I) : v;
        const vh = twoHalf ? Math.max(floor, vhRaw) : v;
        const vNRaw = vh + h * f(vh, u, I);
        const vN = round(Math.max(floor, vNRaw));
        const x = (vN - vPeakMv) / scaleMv;
        const dS = fire.derivative(clip && x > 0 ? 0 : x) / scaleMv;
        let gvN: number;
        if (detach) gvN = (vN >= vPeakMv ? 0 : gvNext) + gradOut[k] * dS;
        else {
          const s = out[k];
          gvN = gvNext * (1 - s) + (gradOut[k] + gvNext * (c - vN) + guNext * d) * dS;
        }
        let gv = 0;
        let gu = guNext * (1 - dtMs * a);
        let gI = 0;
        // u' reads v' in the paper's scheme, v in Euler's.
        if (twoHalf) gvN += guNext * dtMs * a * b;
        else gv += guNext * dtMs * a * b;
        if (vNRaw > floor) {
          gu -= h * gvN;
          gI += h * gvN;
          if (!twoHalf) gv += gvN * factor(v);
          else if (vhRaw > floor) {
            const gvh = gvN * factor(vh);
            gv += gvh * factor(v);
            gu -= h * gvh;
            gI += h * gvh;
          }
        }
        gradPrev[0][k] += gv;
        gradPrev[1][k] += gu;
        gradInput[k] = scaleI * gI;
      }
    },
  };
  return new NeuronLayer(model, { name: opts.name, fire: surrogate });
}
