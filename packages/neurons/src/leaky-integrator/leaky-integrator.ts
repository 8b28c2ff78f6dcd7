import { ShapeError } from '@snn/core';
import { checkPositive } from '../alif/params.js';

/**
 * Parameters of a non-spiking leaky integrator (LI) readout neuron.
 *
 * @remarks
 * `κ = exp(−Δt/τ_out)`; the update is documented on {@link liStep}. Made by
 * {@link liParams}, which validates and freezes it.
 */
export interface LiParams {
  /** Output time constant τ_out, in ms (> 0). Default 20. */
  readonly tauOutMs: number;
  /** Simulation step Δt, in ms (> 0). Default 1. */
  readonly dtMs: number;
  /** Decay per step κ = exp(−Δt/τ_out), in (0, 1) (derived). */
  readonly kappa: number;
}

/** Options for {@link liParams}. */
export interface LiParamsInput {
  /** Output time constant, in ms (> 0). Default 20. */
  readonly tauOutMs?: number;
  /** Simulation step, in ms (> 0). Default 1. */
  readonly dtMs?: number;
}

/** State of a population of leaky integrators: one output value per neuron. */
export interface LiState {
  /** The outputs y[t−1], in the unit of the input current. */
  readonly out: Float32Array;
}

/**
 * Validates leaky-integrator options and returns frozen {@link LiParams}.
 *
 * @param input - `tauOutMs` (default 20) and `dtMs` (default 1)
 * @param field - prefix for error messages (default `"li"`)
 * @throws `ValidationError` naming the bad field, e.g.
 *   `field li.tauOutMs: invalid leaky-integrator parameter; expected a finite number > 0, found 0`
 * @example
 * ```ts
 * liParams({ tauOutMs: 10 }).kappa; // exp(−0.1) ≈ 0.9048
 * ```
 */
export function liParams(input: LiParamsInput = {}, field = 'li'): LiParams {
  const summary = 'invalid leaky-integrator parameter';
  const tauOutMs = checkPositive(input.tauOutMs ?? 20, `${field}.tauOutMs`, summary);
  const dtMs = checkPositive(input.dtMs ?? 1, `${field}.dtMs`, summary);
  return Object.freeze({ tauOutMs, dtMs, kappa: Math.exp(-dtMs / tauOutMs) });
}

/**
 * A zero state for `size` leaky integrators.
 * @param size - number of neurons (e.g. `batch × classes`)
 */
export function liInitialState(size: number): LiState {
  return { out: new Float32Array(size) };
}

/**
 * One step of the leaky-integrator readout (pure): `y[t] = κ·y[t−1] + I[t]`.
 *
 * @remarks
 * `I[t] = W_out·z[t] + b` is the synaptic input from the spiking layer, so
 * the readout low-pass filters the hidden spikes with time constant τ_out and
 * never spikes. The input is added without a (1 − κ) factor, as in the
 * readout of the reproduced paper's code and of Bellec et al. (2018), "Long
 * short-term memory and learning-to-learn in networks of spiking neurons",
 * NeurIPS 31 (a constant input c settles at c/(1 − κ)).
 *
 * @param input - input current I[t] per neuron
 * @param state - outputs y[t−1], same length
 * @param params - see {@link LiParams}
 * @returns the new state y[t]
 * @throws `ShapeError` when `input` and `state.out` differ in length
 * @example
 * ```ts
 * const p = liParams({ tauOutMs: 20 });
 * const s1 = liStep(new Float32Array([1]), liInitialState(1), p); // y = 1
 * const s2 = liStep(new Float32Array([1]), s1, p);                 // y = 1 + κ
 * ```
 */
export function liStep(input: Float32Array, state: LiState, params: LiParams): LiState {
  const n = input.length;
  if (state.out.length !== n) {
    throw new ShapeError('leaky-integrator state and input differ in size', {
      field: 'state.out',
      expected: `${n} values (one per input)`,
      found: `${state.out.length}`,
    });
  }
  const out = new Float32Array(n);
  const kappa = params.kappa;
  for (let i = 0; i < n; i++) out[i] = kappa * state.out[i] + input[i];
  return { out };
}
