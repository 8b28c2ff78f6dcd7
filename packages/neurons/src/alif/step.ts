import { ShapeError } from '@snn/core';
import type { AlifParams } from './params.js';

/** State of a population of ALIF neurons after step t−1. */
export interface AlifState {
  /** Membrane potential v[t−1] of each neuron, in the threshold's unit. */
  readonly mem: Float32Array;
  /** Adaptation variable a[t] of each neuron (dimensionless, ≥ 0); it sets the threshold of the next step. */
  readonly adapt: Float32Array;
  /** Spikes z[t−1] of the previous step (0 or 1); they drive the reset of the next step. */
  readonly spikes: Float32Array;
}

/** Result of one {@link alifStep}: the spikes emitted, the thresholds they were compared with, and the new state. */
export interface AlifStepResult {
  /** z[t]: 1 where a neuron spiked in this step, else 0. */
  readonly spikes: Float32Array;
  /** The adaptive thresholds A[t] = θ0 + β_a·a[t] of this step. */
  readonly threshold: Float32Array;
  /** The state after the step (a new object; the old one is not changed). */
  readonly state: AlifState;
}

/**
 * A resting state (membranes, adaptation and spikes at 0) for `size` neurons.
 * @param size - number of neurons (e.g. `batch × width`)
 */
export function alifInitialState(size: number): AlifState {
  return { mem: new Float32Array(size), adapt: new Float32Array(size), spikes: new Float32Array(size) };
}

/**
 * One step of the adaptive LIF neuron (pure).
 *
 * @remarks
 * With input current I[t], membrane decay α = exp(−Δt/τ_mem), adaptation
 * decay ρ = exp(−Δt/τ_adapt), base threshold θ0, adaptation strength β_a and
 * `H(x) = 1 if x > 0 else 0`:
 * ```
 * v[t]   = α·v[t−1] + I[t] − θ0·z[t−1]      (reset by subtracting the base threshold)
 * A[t]   = θ0 + β_a·a[t]                      (adaptive threshold)
 * z[t]   = H(v[t] − A[t])
 * a[t+1] = ρ·a[t] + (1 − ρ)·z[t]
 * ```
 * The threshold adaptation is that of Bellec et al. (2018), "Long short-term
 * memory and learning-to-learn in networks of spiking neurons", NeurIPS 31,
 * with the (1 − ρ) input scaling of that paper; the reset (subtract θ0·z at
 * the step after the spike) is the form of Bellec et al. (2020), "A solution
 * to the learning dilemma for recurrent networks of spiking neurons", Nature
 * Communications 11, 3625. The membrane integrates the current without a
 * (1 − α) factor, as the reproduced paper's code does. In gradient training
 * the reset term is detached; the adaptation path z[t] → a[t+1] → A[t+1]
 * carries gradient through the surrogate derivative. With β_a = 0 this is a
 * LIF neuron with a delayed subtractive reset.
 *
 * @param input - input current I[t] per neuron
 * @param state - the state after step t−1 (same length as `input`)
 * @param params - see {@link AlifParams}
 * @throws `ShapeError` when a state array and `input` differ in length
 * @example
 * ```ts
 * const p = alifParams({ tauMemMs: 20, tauAdaptMs: 200 });
 * const { spikes, state } = alifStep(new Float32Array([1.5]), alifInitialState(1), p);
 * spikes[0]; // 1; state.adapt[0] is 1 − ρ ≈ 0.004988
 * ```
 */
export function alifStep(input: Float32Array, state: AlifState, params: AlifParams): AlifStepResult {
  const n = input.length;
  for (const key of ['mem', 'adapt', 'spikes'] as const) {
    if (state[key].length !== n) {
      throw new ShapeError('ALIF state and input differ in size', {
        field: `state.${key}`,
        expected: `${n} values (one per input)`,
        found: `${state[key].length}`,
      });
    }
  }
  const { alpha, rho, threshold, adaptStrength } = params;
  const mem = new Float32Array(n);
  const adapt = new Float32Array(n);
  const spikes = new Float32Array(n);
  const thresholds = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = Math.fround(alpha * state.mem[i] + input[i] - threshold * state.spikes[i]);
    const a = state.adapt[i];
    const A = Math.fround(threshold + adaptStrength * a);
    const z = v > A ? 1 : 0;
    mem[i] = v;
    thresholds[i] = A;
    spikes[i] = z;
    adapt[i] = rho * a + (1 - rho) * z;
  }
  return { spikes, threshold: thresholds, state: { mem, adapt, spikes: spikes.slice() } };
}

/**
 * Stateful wrapper around {@link alifStep} for step-by-step simulation.
 *
 * @remarks
 * Holds the state of `size` neurons; `step()` advances them by one time step.
 * Starts at rest and goes back to rest on `reset()` (do that between samples).
 *
 * @example
 * ```ts
 * const layer = new AdaptiveLeaky(3, alifParams());
 * const spikes = layer.step(new Float32Array([0.5, 1.5, 0]));
 * ```
 */
export class AdaptiveLeaky {
  /** Validated parameters of every neuron. */
  readonly params: AlifParams;
  private state: AlifState;

  /**
   * @param size - number of neurons
   * @param params - from {@link alifParams}
   */
  constructor(size: number, params: AlifParams) {
    this.params = params;
    this.state = alifInitialState(size);
  }

  /** The current state (read-only views: do not write into them). */
  get current(): AlifState {
    return this.state;
  }

  /**
   * Advances one step and returns the spikes.
   * @param input - input current per neuron
   * @throws `ShapeError` for an input of the wrong length
   */
  step(input: Float32Array): Float32Array {
    const { spikes, state } = alifStep(input, this.state, this.params);
    this.state = state;
    return spikes;
  }

  /** Sets membranes, adaptation and spikes back to 0. */
  reset(): void {
    this.state = alifInitialState(this.state.mem.length);
  }
}
