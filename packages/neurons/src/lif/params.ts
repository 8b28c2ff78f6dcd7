import { ValidationError } from '@snn/core';

/** How the membrane is reset after a spike: subtract the threshold, set to zero, or not at all. */
export type ResetMechanism = 'subtract' | 'zero' | 'none';

/** The reset mechanisms accepted by {@link lifParams}. */
export const RESET_MECHANISMS: readonly ResetMechanism[] = Object.freeze(['subtract', 'zero', 'none'] as const);

/**
 * Parameters of a discrete-time leaky integrate-and-fire neuron (snnTorch `snn.Leaky`).
 *
 * @remarks
 * One step of length Δt with decay `β = exp(−Δt/τ_mem)`; see {@link lifStep}
 * for the update. Made by {@link lifParams}, which validates and freezes it.
 */
export interface LifParams {
  /** Membrane decay per step β = exp(−Δt/τ_mem), in [0, 1] (dimensionless). Default 0.95. */
  readonly beta: number;
  /** Firing threshold θ (> 0), in the membrane's unit. Default 1. */
  readonly threshold: number;
  /** Reset after a spike: `subtract` θ, set to `zero`, or `none`. Default `subtract`. */
  readonly resetMechanism: ResetMechanism;
  /**
   * When true (default, snnTorch's `reset_delay=True`), a spike at step t is
   * reset at step t + 1 from `H(U[t] − θ)`; when false the reset is applied in
   * the same step, right after the spike.
   */
  readonly resetDelay: boolean;
}

/** Options for {@link lifParams}; every field is optional and falls back to the default of {@link LifParams}. */
export interface LifParamsInput {
  /** Membrane decay per step, in [0, 1]. Default 0.95. */
  readonly beta?: number;
  /** Firing threshold (> 0). Default 1. */
  readonly threshold?: number;
  /** `subtract`, `zero` or `none`. Default `subtract`. */
  readonly resetMechanism?: ResetMechanism;
  /** Delayed reset as in snnTorch. Default true. */
  readonly resetDelay?: boolean;
}

/**
 * Validates LIF options, fills in the defaults and returns a frozen {@link LifParams}.
 *
 * @param input - any subset of the fields; defaults β 0.95, θ 1, `subtract`, delayed reset
 * @param field - prefix for error messages (default `"lif"`), e.g. `"layers[0].lif"`
 * @throws `ValidationError` naming the bad field, e.g.
 *   `field lif.beta: invalid LIF parameter; expected a number in [0, 1], found 1.5`
 * @example
 * ```ts
 * const p = lifParams({ beta: 0.9, resetMechanism: 'zero' });
 * p.threshold; // 1
 * ```
 */
export function lifParams(input: LifParamsInput = {}, field = 'lif'): LifParams {
  const beta = input.beta ?? 0.95;
  if (typeof beta !== 'number' || !(beta >= 0 && beta <= 1)) {
    throw new ValidationError('invalid LIF parameter', { field: `${field}.beta`, expected: 'a number in [0, 1]', found: String(beta) });
  }
  const threshold = input.threshold ?? 1;
  if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold <= 0) {
    throw new ValidationError('invalid LIF parameter', {
      field: `${field}.threshold`,
      expected: 'a finite number > 0',
      found: String(threshold),
    });
  }
  const resetMechanism = input.resetMechanism ?? 'subtract';
  if (!RESET_MECHANISMS.includes(resetMechanism)) {
    throw new ValidationError('invalid LIF parameter', {
      field: `${field}.resetMechanism`,
      expected: `one of ${RESET_MECHANISMS.join(', ')}`,
      found: JSON.stringify(resetMechanism),
    });
  }
  const resetDelay = input.resetDelay ?? true;
  if (typeof resetDelay !== 'boolean') {
    throw new ValidationError('invalid LIF parameter', { field: `${field}.resetDelay`, expected: 'a boolean', found: String(resetDelay) });
  }
  return Object.freeze({ beta, threshold, resetMechanism, resetDelay });
}
