import { ShapeError } from '@snn/core';
import type { IzhikevichParams } from './params.js';

/** State of a population of Izhikevich neurons. */
export interface IzhikevichState {
  /** Membrane potential v of each neuron, in mV. */
  readonly v: Float32Array;
  /** Recovery variable u of each neuron (unit of v per ms). */
  readonly u: Float32Array;
}

/** Result of one {@link izhikevichStep}: the spikes emitted and the new state. */
export interface IzhikevichStepResult {
  /** 1 where a neuron spiked in this step, else 0. */
  readonly spikes: Float32Array;
  /** The state after the step and its reset (a new object; the old one is not changed). */
  readonly state: IzhikevichState;
}

/**
 * The initial state of `size` neurons: `v = vInitMv`, `u = b·vInitMv`, as in the paper's network.
 * @param size - number of neurons
 * @param params - from {@link izhikevichParams}
 */
export function izhikevichInitialState(size: number, params: IzhikevichParams): IzhikevichState {
  return { v: new Float32Array(size).fill(params.vInitMv), u: new Float32Array(size).fill(params.b * params.vInitMv) };
}

/**
 * One time step of the Izhikevich neuron (pure).
 *
 * @remarks
 * `v' = 0.04v² + 5v + 140 − u + I`, `u' = a(bv − u)`, v in mV, t in ms, I in
 * the paper's units (mV/ms). With `f(v) = 0.04v² + 5v + 140 − u + I` and
 * Δt = `dtMs`:
 * ```
 * izhikevich: v½ = v + Δt/2·f(v);  v⁺ = v½ + Δt/2·f(v½);  u⁺ = u + Δt·a(b·v⁺ − u)
 * euler:      v⁺ = v + Δt·f(v);                         u⁺ = u + Δt·a(b·v − u)
 * S = 1 if v⁺ ≥ vPeak, then v⁺ ← c and u⁺ ← u⁺ + d
 * ```
 * The first is the paper's MATLAB code (two 0.5 ms steps for v "for numerical
 * stability", then u) generalised to any Δt; the paper checks `v ≥ 30` at the
 * start of the next step, here it is checked at the end of this one, which is
 * the same sequence of operations. The returned v is the value after the reset.
 * E. M. Izhikevich (2003), "Simple model of spiking neurons", IEEE
 * Transactions on Neural Networks 14(6):1569–1572. Arithmetic in float64,
 * stored in float32.
 *
 * @param input - input current I per neuron
 * @param state - v and u before the step, same length as `input`
 * @param params - see {@link IzhikevichParams}
 * @throws `ShapeError` when the lengths differ
 * @example
 * ```ts
 * const p = izhikevichParams({ preset: 'RS' });
 * let state = izhikevichInitialState(1, p);
 * let first = -1;
 * for (let t = 0; t < 100 && first < 0; t++) {
 *   const r = izhikevichStep(new Float32Array([10]), state, p);
 *   state = r.state;
 *   if (r.spikes[0] === 1) first = t;
 * }
 * ```
 */
export function izhikevichStep(input: Float32Array, state: IzhikevichState, params: IzhikevichParams): IzhikevichStepResult {
  const n = input.length;
  for (const [name, values] of [
    ['state.v', state.v],
    ['state.u', state.u],
  ] as const) {
    if (values.length !== n) {
      throw new ShapeError('Izhikevich state and input differ in size', { field: name, expected: `${n} values (one per input)`, found: `${values.length}` });
    }
  }
  const { a, b, c, d, vPeakMv, dtMs, integration } = params;
  const half = 0.5 * dtMs;
  const v = new Float32Array(n);
  const u = new Float32Array(n);
  const spikes = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v0 = state.v[i];
    const u0 = state.u[i];
    const current = input[i];
    let v1: number;
    let u1: number;
    if (integration === 'izhikevich') {
      const vh = v0 + half * (0.04 * v0 * v0 + 5 * v0 + 140 - u0 + current);
      v1 = vh + half * (0.04 * vh * vh + 5 * vh + 140 - u0 + current);
      u1 = u0 + dtMs * a * (b * v1 - u0);
    } else {
      v1 = v0 + dtMs * (0.04 * v0 * v0 + 5 * v0 + 140 - u0 + current);
      u1 = u0 + dtMs * a * (b * v0 - u0);
    }
    if (v1 >= vPeakMv) {
      spikes[i] = 1;
      v1 = c;
      u1 += d;
    }
    v[i] = v1;
    u[i] = u1;
  }
  return { spikes, state: { v, u } };
}

/**
 * Stateful wrapper around {@link izhikevichStep} for step-by-step simulation.
 *
 * @remarks
 * Starts at `v = vInitMv`, `u = b·vInitMv` and returns there on `reset()`
 * (do that between samples).
 *
 * @example
 * ```ts
 * const layer = new Izhikevich(2, izhikevichParams({ preset: 'FS' }));
 * const spikes = layer.step(new Float32Array([10, 0]));
 * ```
 */
export class Izhikevich {
  /** Validated parameters of every neuron. */
  readonly params: IzhikevichParams;
  private state: IzhikevichState;

  /**
   * @param size - number of neurons
   * @param params - from {@link izhikevichParams}
   */
  constructor(size: number, params: IzhikevichParams) {
    this.params = params;
    this.state = izhikevichInitialState(size, params);
  }

  /** Current membrane potentials in mV (a read-only view). */
  get v(): Float32Array {
    return this.state.v;
  }

  /** Current recovery variables (a read-only view). */
  get u(): Float32Array {
    return this.state.u;
  }

  /**
   * Advances one step and returns the spikes.
   * @param input - input current I per neuron
   * @throws `ShapeError` for an input of the wrong length
   */
  step(input: Float32Array): Float32Array {
    const { spikes, state } = izhikevichStep(input, this.state, this.params);
    this.state = state;
    return spikes;
  }

  /** Returns every neuron to the initial state. */
  reset(): void {
    this.state = izhikevichInitialState(this.state.v.length, this.params);
  }
}
