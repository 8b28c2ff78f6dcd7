import { ValidationError } from '@snn/core';

/**
 * Parameters of a discrete-time adaptive leaky integrate-and-fire (ALIF) neuron.
 *
 * @remarks
 * Time constants are real times in milliseconds; the per-step decays are
 * derived from them: membrane `α = exp(−Δt/τ_mem)` and threshold adaptation
 * `ρ = exp(−Δt/τ_adapt)`. The update is documented on {@link alifStep}.
 * Bellec et al. (2018), "Long short-term memory and learning-to-learn in
 * networks of spiking neurons", NeurIPS 31. Made by {@link alifParams}, which
 * validates and freezes it.
 */
export interface AlifParams {
  /** Membrane time constant τ_mem, in ms (> 0). Default 20. */
  readonly tauMemMs: number;
  /** Time constant of the threshold adaptation τ_adapt, in ms (> 0). Default 200. */
  readonly tauAdaptMs: number;
  /** Simulation step Δt, in ms (> 0). Default 1. */
  readonly dtMs: number;
  /** Base threshold θ0 (> 0), in the membrane's unit. Default 1. */
  readonly threshold: number;
  /** Adaptation strength β_a (≥ 0): the threshold is `θ0 + β_a·a`. 0 gives a plain LIF neuron. Default 1. */
  readonly adaptStrength: number;
  /** Membrane decay per step α = exp(−Δt/τ_mem), in (0, 1) (derived). */
  readonly alpha: number;
  /** Adaptation decay per step ρ = exp(−Δt/τ_adapt), in (0, 1) (derived). */
  readonly rho: number;
}

/** Options for {@link alifParams}; every field is optional and falls back to the default of {@link AlifParams}. */
export interface AlifParamsInput {
  /** Membrane time constant, in ms (> 0). Default 20. */
  readonly tauMemMs?: number;
  /** Adaptation time constant, in ms (> 0). Default 200. */
  readonly tauAdaptMs?: number;
  /** Simulation step, in ms (> 0). Default 1. */
  readonly dtMs?: number;
  /** Base threshold θ0 (> 0). Default 1. */
  readonly threshold?: number;
  /** Adaptation strength β_a (≥ 0). Default 1. */
  readonly adaptStrength?: number;
}

/**
 * Checks that `value` is a finite number > 0 (or ≥ 0 with `allowZero`) and returns it.
 *
 * @param value - the option value
 * @param field - full field name for the error message, e.g. `"alif.tauMemMs"`
 * @param summary - error summary, e.g. `"invalid ALIF parameter"`
 * @param allowZero - accept 0 (default false)
 * @throws `ValidationError` naming the field
 */
export function checkPositive(value: unknown, field: string, summary: string, allowZero = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new ValidationError(summary, {
      field,
      expected: allowZero ? 'a finite number ≥ 0' : 'a finite number > 0',
      found: String(value),
    });
  }
  return value;
}

/**
 * Validates ALIF options, fills in the defaults, derives the decays and returns a frozen {@link AlifParams}.
 *
 * @param input - any subset of the fields; defaults τ_mem 20 ms, τ_adapt 200 ms, Δt 1 ms, θ0 1, β_a 1
 * @param field - prefix for error messages (default `"alif"`)
 * @throws `ValidationError` naming the bad field, e.g.
 *   `field alif.tauMemMs: invalid ALIF parameter; expected a finite number > 0, found -5`
 * @example
 * ```ts
 * const p = alifParams({ tauMemMs: 10, tauAdaptMs: 100 });
 * p.alpha; // exp(−1/10) ≈ 0.9048
 * ```
 */
export function alifParams(input: AlifParamsInput = {}, field = 'alif'): AlifParams {
  const summary = 'invalid ALIF parameter';
  const tauMemMs = checkPositive(input.tauMemMs ?? 20, `${field}.tauMemMs`, summary);
  const tauAdaptMs = checkPositive(input.tauAdaptMs ?? 200, `${field}.tauAdaptMs`, summary);
  const dtMs = checkPositive(input.dtMs ?? 1, `${field}.dtMs`, summary);
  const threshold = checkPositive(input.threshold ?? 1, `${field}.threshold`, summary);
  const adaptStrength = checkPositive(input.adaptStrength ?? 1, `${field}.adaptStrength`, summary, true);
  return Object.freeze({
    tauMemMs,
    tauAdaptMs,
    dtMs,
    threshold,
    adaptStrength,
    alpha: Math.exp(-dtMs / tauMemMs),
    rho: Math.exp(-dtMs / tauAdaptMs),
  });
}
