import { ValidationError } from '@snn/core';
import { type SurrogateFunction, atan } from '@snn/neurons';
import type { NeuronParamSpec } from '../neuron.js';
import type { FloatArray } from '../types.js';

/** Reset mechanisms of snnTorch: subtract θ, set to zero, or none. */
export type ResetMechanism = 'subtract' | 'zero' | 'none';

/** snnTorch's `reset_mechanism_val` codes. */
export const RESET_CODE: Readonly<Record<ResetMechanism, number>> = { subtract: 0, zero: 1, none: 2 };

/** Options shared by the spiking neurons of the snnTorch set. */
export interface SpikingNeuronOptions {
  /** Name in the composition (e.g. `"lif1"`). */
  readonly name?: string;
  /** Firing threshold θ: one value or one per neuron. Default 1. */
  readonly threshold?: number | readonly number[];
  /** Reset after a spike. Default `"subtract"`. */
  readonly resetMechanism?: ResetMechanism;
  /**
   * snnTorch's `reset_delay`: true (default) applies the reset at the next
   * step; false applies it in the step of the spike (`U ← U − (S − R)·θ`,
   * or `U ← U − (S − R)·U` for the zero reset).
   */
  readonly resetDelay?: boolean;
  /** Surrogate spike function. Default `atan()` (snnTorch's default). */
  readonly surrogate?: SurrogateFunction;
  /** Output spikes are scaled by this factor (snnTorch's `graded_spikes_factor`). Default 1. */
  readonly gradedSpikesFactor?: number;
}

/** Validated common options. */
export interface SpikingSettings {
  readonly name: string | undefined;
  readonly threshold: number | readonly number[];
  readonly mechanism: number;
  readonly delayed: boolean;
  readonly surrogate: SurrogateFunction;
  readonly graded: number;
}

/** Throws unless `v` is a finite number (or array of them) in `[lo, hi]`. */
export function checkValues(v: number | readonly number[], field: string, lo: number, hi: number): void {
  const arr = typeof v === 'number' ? [v] : v;
  if (!Array.isArray(arr) && !(typeof v === 'number')) {
    throw new ValidationError('invalid neuron option', { field, expected: 'a number or an array of numbers', found: String(v) });
  }
  arr.forEach((x, i) => {
    if (typeof x !== 'number' || !Number.isFinite(x) || x < lo || x > hi) {
      throw new ValidationError('invalid neuron option', {
        field: typeof v === 'number' ? field : `${field}[${i}]`,
        expected: `a number in [${lo}, ${hi}]`,
        found: String(x),
      });
    }
  });
}

/** Validates the options every spiking neuron shares. */
export function spikingSettings(kind: string, opts: SpikingNeuronOptions): SpikingSettings {
  const threshold = opts.threshold ?? 1;
  checkValues(threshold, `${kind}.threshold`, Number.MIN_VALUE, Number.MAX_VALUE);
  const reset = opts.resetMechanism ?? 'subtract';
  if (!(reset in RESET_CODE)) {
    throw new ValidationError('unknown reset mechanism', { field: `${kind}.resetMechanism`, expected: 'subtract, zero or none', found: JSON.stringify(reset) });
  }
  const delayed = opts.resetDelay ?? true;
  if (typeof delayed !== 'boolean') throw new ValidationError('invalid neuron option', { field: `${kind}.resetDelay`, expected: 'a boolean', found: String(delayed) });
  const graded = opts.gradedSpikesFactor ?? 1;
  checkValues(graded, `${kind}.gradedSpikesFactor`, -Number.MAX_VALUE, Number.MAX_VALUE);
  return { name: opts.name, threshold, mechanism: RESET_CODE[reset], delayed, surrogate: opts.surrogate ?? atan(), graded };
}

/** snnTorch's buffers of every spiking neuron, in its state-dict order: threshold, graded_spikes_factor, reset_mechanism_val. */
export function spikingBuffers(s: SpikingSettings): NeuronParamSpec[] {
  return [
    { name: 'threshold', value: s.threshold },
    { name: 'graded_spikes_factor', value: s.graded },
    { name: 'reset_mechanism_val', value: s.mechanism, integer: true },
  ];
}

/** Value of neuron j of a parameter with one or `width` entries. */
export function at(p: FloatArray, j: number): number {
  return p.length === 1 ? p[0] : p[j];
}

/** Adds g to the gradient entry of neuron j. */
export function addAt(g: FloatArray, j: number, v: number): void {
  if (g.length === 1) g[0] += v;
  else g[j] += v;
}

/** Reads snnTorch's `reset_mechanism_val` buffer (a state dict may change it). */
export function mechanismOf(p: FloatArray): number {
  const m = Math.round(p[0]);
  if (m !== 0 && m !== 1 && m !== 2) throw new ValidationError('invalid reset_mechanism_val', { field: 'reset_mechanism_val', expected: '0, 1 or 2', found: String(p[0]) });
  return m;
}

/**
 * The membrane after this step's spike S, from the potential p before it (mechanism 0 subtract, 1 zero,
 * 2 none; r = H(u_prev − θ)): subtract `p − (S − r)θ`, zero `p − (S − r)p`, none `p`. With `delayed`
 * (snnTorch's `reset_delay`) the reset waits for the next step, so the membrane stays p.
 */
export function resetMembrane(mech: number, delayed: boolean, p: number, s: number, r: number, thr: number): number {
  if (delayed || mech === 2) return p;
  return mech === 0 ? p - (s - r) * thr : p - (s - r) * p;
}

/**
 * dL/dp for {@link resetMembrane}, with gU = dL/d(membrane after the step), gS = dL/dS, d = dS/dp (the
 * surrogate) and S the spike; the reset flag r is detached as in snnTorch.
 */
export function potentialGrad(mech: number, delayed: boolean, gU: number, gS: number, d: number, p: number, s: number, r: number, thr: number): number {
  if (delayed || mech === 2) return gU + gS * d;
  if (mech === 0) return gS * d + gU * (1 - thr * d);
  return gS * d + gU * (1 - s + r - p * d);
}

/**
 * How a neuron layer stores a decay factor d (α, β, ρ, κ):
 * - `direct`: the tensor is d itself, in [0, 1];
 * - `sigmoid`: the tensor is a logit q with `d = σ(q) = 1/(1 + e^(−q))`, so a
 *   learned decay stays in (0, 1) without clamping; its gradient is
 *   `dL/dq = dL/dd · d·(1 − d)`. The tensor is named `<decay>_logit`.
 */
export type DecayParametrisation = 'direct' | 'sigmoid';

/** Throws unless `p` is a {@link DecayParametrisation}. */
export function checkParametrisation(p: unknown, field: string): DecayParametrisation {
  const v = p ?? 'direct';
  if (v !== 'direct' && v !== 'sigmoid') throw new ValidationError('unknown decay parametrisation', { field, expected: 'direct or sigmoid', found: JSON.stringify(v) });
  return v;
}

/**
 * The parameter spec of a decay under a parametrisation: `name` holding the values (direct), or
 * `${name}_logit` holding `log(d/(1 − d))` (sigmoid; the decays must then lie in (0, 1)).
 */
export function decaySpec(name: string, value: number | readonly number[], learn: boolean, p: DecayParametrisation, field: string): NeuronParamSpec {
  if (p === 'direct') {
    checkValues(value, field, 0, 1);
    return { name, value, learn };
  }
  const values = typeof value === 'number' ? [value] : value;
  values.forEach((d, i) => {
    if (typeof d !== 'number' || !(d > 0 && d < 1)) {
      throw new ValidationError('invalid neuron option', { field: typeof value === 'number' ? field : `${field}[${i}]`, expected: 'a number in (0, 1) (sigmoid parametrisation)', found: String(d) });
    }
  });
  const logit = (d: number): number => Math.log(d / (1 - d));
  return { name: `${name}_logit`, value: typeof value === 'number' ? logit(value) : value.map(logit), learn };
}

/**
 * Reads the decays of a parameter tensor (one or `width` entries): the tensor itself (direct), or σ of it
 * (sigmoid), computed once per call into a buffer of the reader's own (once per step, not per neuron and sample).
 */
export function decayReader(p: DecayParametrisation): (param: FloatArray) => FloatArray {
  if (p === 'direct') return (param) => param;
  let scratch = new Float64Array(0);
  return (param) => {
    if (scratch.length !== param.length) scratch = new Float64Array(param.length);
    for (let i = 0; i < param.length; i++) scratch[i] = 1 / (1 + Math.exp(-param[i]));
    return scratch;
  };
}

/** dL/d(tensor) from dL/d(decay) g for neuron j: g (direct) or g·d·(1 − d) (sigmoid), added into the gradient. */
export function addDecayGrad(grad: FloatArray, j: number, g: number, d: number, p: DecayParametrisation): void {
  addAt(grad, j, p === 'direct' ? g : g * d * (1 - d));
}
