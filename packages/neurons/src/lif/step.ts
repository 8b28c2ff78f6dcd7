import { ShapeError } from '@snn/core';
import type { LifParams } from './params.js';

/** State of a population of LIF neurons: one membrane potential per neuron. */
export interface LifState {
  /** Membrane potential U of each neuron, in the threshold's unit. */
  readonly mem: Float32Array;
}

/** Result of one {@link lifStep}: the spikes emitted and the new state. */
export interface LifStepResult {
  /** 1 where a neuron spiked in this step, else 0; same length as the input. */
  readonly spikes: Float32Array;
  /** The state after the step (a new object; the old one is not changed). */
  readonly state: LifState;
}

/**
 * A resting state (all membranes at 0) for `size` neurons.
 * @param size - number of neurons (e.g. `batch × width`)
 */
export function lifInitialState(size: number): LifState {
  return { mem: new Float32Array(size) };
}

/**
 * One step of the leaky integrate-and-fire neuron, snnTorch `snn.Leaky` semantics (pure).
 *
 * @remarks
 * With decay β, threshold θ, input current I[t] and `H(x) = 1 if x > 0 else 0`:
 *
 * Delayed reset (`resetDelay: true`, snnTorch's default), with the reset
 * `R[t] = H(U[t−1] − θ)` taken from the previous membrane:
 * ```
 * subtract: U[t] = β·U[t−1] + I[t] − R[t]·θ
 * zero:     U[t] = (β·U[t−1] + I[t])·(1 − R[t])
 * none:     U[t] = β·U[t−1] + I[t]
 * S[t] = H(U[t] − θ)
 * ```
 * Immediate reset (`resetDelay: false`): `P = β·U[t−1] + I[t]`,
 * `S[t] = H(P − θ)`, then `U[t] = P − S[t]·θ` (subtract), `P·(1 − S[t])` (zero)
 * or `P` (none).
 *
 * In gradient training the reset term is a constant (detached): R as in
 * snnTorch, and the immediate reset S[t] too (snnTorch's `reset_delay=False`
 * lets the gradient flow through that S[t]). The zero reset multiplies the
 * whole update by (1 − R), the form of snnTorch ≤ 0.6 (later versions zero
 * only β·U[t−1]). Discrete-time LIF as in Eshraghian et al.
 * (2023), "Training spiking neural networks using lessons from deep
 * learning", Proc. IEEE 111(9).
 *
 * @param input - input current I[t] per neuron
 * @param state - membranes U[t−1], same length as `input`
 * @param params - see {@link LifParams}
 * @throws `ShapeError` when `input` and `state.mem` differ in length
 * @example
 * ```ts
 * const p = lifParams({ beta: 0.5 });
 * const { spikes, state } = lifStep(new Float32Array([1.2]), lifInitialState(1), p);
 * spikes[0]; // 1, and state.mem[0] is 1.2 (reset follows at the next step)
 * ```
 */
export function lifStep(input: Float32Array, state: LifState, params: LifParams): LifStepResult {
  const n = input.length;
  if (state.mem.length !== n) {
    throw new ShapeError('membrane state and input differ in size', {
      field: 'state.mem',
      expected: `${n} values (one per input)`,
      found: `${state.mem.length}`,
    });
  }
  const { beta, threshold, resetMechanism, resetDelay } = params;
  const mem = new Float32Array(n);
  const spikes = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const prev = state.mem[i];
    let u: number;
    let s: number;
    if (resetDelay) {
      const reset = prev > threshold ? 1 : 0;
      const base = beta * prev + input[i];
      if (resetMechanism === 'subtract') u = base - reset * threshold;
      else if (resetMechanism === 'zero') u = base * (1 - reset);
      else u = base;
      u = Math.fround(u);
      s = u > threshold ? 1 : 0;
    } else {
      const pre = Math.fround(beta * prev + input[i]);
      s = pre > threshold ? 1 : 0;
      if (resetMechanism === 'subtract') u = pre - s * threshold;
      else if (resetMechanism === 'zero') u = pre * (1 - s);
      else u = pre;
    }
    mem[i] = u;
    spikes[i] = s;
  }
  return { spikes, state: { mem } };
}

/**
 * Stateful wrapper around {@link lifStep} for step-by-step simulation.
 *
 * @remarks
 * Holds the membranes of `size` neurons; `step()` advances them by one time
 * step. Starts at rest and goes back to rest on `reset()` (do that between
 * samples).
 *
 * @example
 * ```ts
 * const layer = new Leaky(3, lifParams());
 * const spikes = layer.step(new Float32Array([0.5, 1.5, 0]));
 * ```
 */
export class Leaky {
  /** Validated parameters of every neuron. */
  readonly params: LifParams;
  private state: LifState;

  /**
   * @param size - number of neurons
   * @param params - from {@link lifParams}
   */
  constructor(size: number, params: LifParams) {
    this.params = params;
    this.state = lifInitialState(size);
  }

  /** Current membrane potentials (a read-only view: do not write into it). */
  get mem(): Float32Array {
    return this.state.mem;
  }

  /**
   * Advances one step and returns the spikes.
   * @param input - input current per neuron
   * @throws `ShapeError` for an input of the wrong length
   */
  step(input: Float32Array): Float32Array {
    const { spikes, state } = lifStep(input, this.state, this.params);
    this.state = state;
    return spikes;
  }

  /** Sets every membrane back to 0. */
  reset(): void {
    this.state = lifInitialState(this.state.mem.length);
  }
}
