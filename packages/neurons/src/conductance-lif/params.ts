import { ValidationError } from '@snn/core';

/**
 * Parameters of a conductance-based leaky integrate-and-fire neuron with an optional adaptive threshold
 * (the excitatory and inhibitory neurons of Diehl & Cook 2015).
 *
 * @remarks
 * Membrane and conductances (Euler, step Δt):
 *
 * `τ_mem·dv/dt = (v_rest − v) + g_e·(E_exc − v) + g_i·(E_inh − v)`,
 * `dg_e/dt = −g_e/τ_ge`, `dg_i/dt = −g_i/τ_gi` (g_e, g_i dimensionless),
 * adaptive threshold `dθ/dt = −θ/τ_θ`, timer `dtimer/dt = timerRate`.
 *
 * A spike is emitted when the neuron is not refractory,
 * `v > v_thresh + θ − θ_offset` and `timer > timerThreshold`; then `v ← v_reset`,
 * `θ ← θ + θ_plus` (when adaptive), `timer ← 0`, and v is held for `refractory`.
 *
 * Diehl, P. U. & Cook, M. (2015). Unsupervised learning of digit recognition using
 * spike-timing-dependent plasticity. Front. Comput. Neurosci. 9:99.
 * Made by {@link conductanceLifParams}; presets {@link DIEHL_COOK_EXCITATORY} and {@link DIEHL_COOK_INHIBITORY}.
 */
export interface ConductanceLifParams {
  /** Resting potential v_rest, mV. Default −65. */
  readonly restMv: number;
  /** Reset potential v_reset after a spike, mV. Default −65. */
  readonly resetMv: number;
  /** Base threshold v_thresh, mV (θ − θ_offset is added). Default −52. */
  readonly thresholdMv: number;
  /** Membrane time constant τ_mem, ms (> 0). Default 100. */
  readonly tauMemMs: number;
  /** Excitatory conductance time constant τ_ge, ms (> 0). Default 1. */
  readonly tauGeMs: number;
  /** Inhibitory conductance time constant τ_gi, ms (> 0). Default 2. */
  readonly tauGiMs: number;
  /** Excitatory reversal potential E_exc, mV. Default 0. */
  readonly excReversalMv: number;
  /** Inhibitory reversal potential E_inh, mV. Default −100. */
  readonly inhReversalMv: number;
  /** Refractory period during which v is held at v_reset, ms (≥ 0). Default 5. */
  readonly refractoryMs: number;
  /** Initial membrane potential, mV. Default −105. */
  readonly initialVMv: number;
  /** When true θ decays with τ_θ and grows by θ_plus at each spike; when false θ is frozen (test mode). Default true. */
  readonly adaptiveThreshold: boolean;
  /** Threshold increment θ_plus per spike, mV (≥ 0). Default 0.05. */
  readonly thetaPlusMv: number;
  /** Threshold decay time constant τ_θ, ms (> 0). Default 1e7. */
  readonly tauThetaMs: number;
  /** Offset θ_offset subtracted from θ in the threshold, mV. Default 20. */
  readonly thetaOffsetMv: number;
  /** Initial θ, mV (≥ 0). Default 20. */
  readonly initialThetaMv: number;
  /** Timer growth rate, ms of timer per ms of time (≥ 0); 0.1 in the original code (the "timer quirk"). Default 0.1. */
  readonly timerRate: number;
  /** The timer must exceed this value before a spike, ms; `-Infinity` disables the condition. Default 5. */
  readonly timerThresholdMs: number;
}

/** Options for {@link conductanceLifParams}: any subset of {@link ConductanceLifParams}; missing fields take the excitatory defaults. */
export type ConductanceLifParamsInput = Partial<ConductanceLifParams>;

/**
 * The excitatory neuron of Diehl & Cook (2015): v_rest −65 mV, v_reset −65 mV, threshold −52 mV + θ − 20 mV,
 * τ_mem 100 ms, E_inh −100 mV, refractory 5 ms, initial v −105 mV, θ 20 mV initially, θ_plus 0.05 mV, τ_θ 1e7 ms,
 * timer rate 0.1 and timer > 5 ms (so a neuron fires again at the earliest 50 ms after a spike).
 */
export const DIEHL_COOK_EXCITATORY: Readonly<ConductanceLifParamsInput> = Object.freeze({
  restMv: -65,
  resetMv: -65,
  thresholdMv: -52,
  tauMemMs: 100,
  tauGeMs: 1,
  tauGiMs: 2,
  excReversalMv: 0,
  inhReversalMv: -100,
  refractoryMs: 5,
  initialVMv: -105,
  adaptiveThreshold: true,
  thetaPlusMv: 0.05,
  tauThetaMs: 1e7,
  thetaOffsetMv: 20,
  initialThetaMv: 20,
  timerRate: 0.1,
  timerThresholdMs: 5,
});

/**
 * The inhibitory neuron of Diehl & Cook (2015): v_rest −60 mV, v_reset −45 mV, threshold −40 mV, τ_mem 10 ms,
 * E_inh −85 mV, refractory 2 ms, initial v −100 mV, no adaptive threshold and no timer condition.
 */
export const DIEHL_COOK_INHIBITORY: Readonly<ConductanceLifParamsInput> = Object.freeze({
  restMv: -60,
  resetMv: -45,
  thresholdMv: -40,
  tauMemMs: 10,
  tauGeMs: 1,
  tauGiMs: 2,
  excReversalMv: 0,
  inhReversalMv: -85,
  refractoryMs: 2,
  initialVMv: -100,
  adaptiveThreshold: false,
  thetaPlusMv: 0,
  tauThetaMs: 1e7,
  thetaOffsetMv: 0,
  initialThetaMv: 0,
  timerRate: 0,
  timerThresholdMs: Number.NEGATIVE_INFINITY,
});

function finite(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValidationError('invalid conductance LIF parameter', { field, expected: 'a finite number', found: String(value) });
  }
  return value;
}

function positive(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ValidationError('invalid conductance LIF parameter', { field, expected: 'a finite number > 0', found: String(value) });
  }
  return value;
}

function nonNegative(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ValidationError('invalid conductance LIF parameter', { field, expected: 'a finite number >= 0', found: String(value) });
  }
  return value;
}

/**
 * Validates conductance-LIF options, fills in the defaults (the Diehl & Cook excitatory neuron) and returns frozen params.
 *
 * @param input - any subset of {@link ConductanceLifParams}; e.g. {@link DIEHL_COOK_INHIBITORY}
 * @param field - prefix for error messages (default `"conductanceLif"`)
 * @throws `ValidationError` naming the field, e.g.
 *   `field conductanceLif.tauMemMs: invalid conductance LIF parameter; expected a finite number > 0, found -1`
 * @example
 * ```ts
 * const exc = conductanceLifParams(DIEHL_COOK_EXCITATORY);
 * const inh = conductanceLifParams(DIEHL_COOK_INHIBITORY);
 * exc.thresholdMv; // -52
 * ```
 */
export function conductanceLifParams(input: ConductanceLifParamsInput = {}, field = 'conductanceLif'): ConductanceLifParams {
  const d = DIEHL_COOK_EXCITATORY as ConductanceLifParams;
  const get = <K extends keyof ConductanceLifParams>(key: K): ConductanceLifParams[K] => (input[key] ?? d[key]) as ConductanceLifParams[K];
  const adaptiveThreshold = get('adaptiveThreshold');
  if (typeof adaptiveThreshold !== 'boolean') {
    throw new ValidationError('invalid conductance LIF parameter', {
      field: `${field}.adaptiveThreshold`,
      expected: 'a boolean',
      found: String(adaptiveThreshold),
    });
  }
  const timerThresholdMs = get('timerThresholdMs');
  if (typeof timerThresholdMs !== 'number' || Number.isNaN(timerThresholdMs) || timerThresholdMs === Number.POSITIVE_INFINITY) {
    throw new ValidationError('invalid conductance LIF parameter', {
      field: `${field}.timerThresholdMs`,
      expected: 'a finite number or -Infinity',
      found: String(timerThresholdMs),
    });
  }
  return Object.freeze({
    restMv: finite(get('restMv'), `${field}.restMv`),
    resetMv: finite(get('resetMv'), `${field}.resetMv`),
    thresholdMv: finite(get('thresholdMv'), `${field}.thresholdMv`),
    tauMemMs: positive(get('tauMemMs'), `${field}.tauMemMs`),
    tauGeMs: positive(get('tauGeMs'), `${field}.tauGeMs`),
    tauGiMs: positive(get('tauGiMs'), `${field}.tauGiMs`),
    excReversalMv: finite(get('excReversalMv'), `${field}.excReversalMv`),
    inhReversalMv: finite(get('inhReversalMv'), `${field}.inhReversalMv`),
    refractoryMs: nonNegative(get('refractoryMs'), `${field}.refractoryMs`),
    initialVMv: finite(get('initialVMv'), `${field}.initialVMv`),
    adaptiveThreshold,
    thetaPlusMv: nonNegative(get('thetaPlusMv'), `${field}.thetaPlusMv`),
    tauThetaMs: positive(get('tauThetaMs'), `${field}.tauThetaMs`),
    thetaOffsetMv: finite(get('thetaOffsetMv'), `${field}.thetaOffsetMv`),
    initialThetaMv: nonNegative(get('initialThetaMv'), `${field}.initialThetaMv`),
    timerRate: nonNegative(get('timerRate'), `${field}.timerRate`),
    timerThresholdMs,
  });
}

/**
 * Checks an integration step Δt for the conductance LIF: finite and > 0, and not larger than the fastest time constant
 * (Euler with Δt > τ would overshoot).
 *
 * @param dtMs - time step, ms
 * @param params - the neuron parameters
 * @param field - name for the error (default `"dtMs"`)
 * @throws `ValidationError` naming the field, the allowed range and the value
 */
export function checkConductanceLifDt(dtMs: number, params: ConductanceLifParams, field = 'dtMs'): number {
  const limit = Math.min(params.tauMemMs, params.tauGeMs, params.tauGiMs);
  if (typeof dtMs !== 'number' || !Number.isFinite(dtMs) || dtMs <= 0 || dtMs > limit) {
    throw new ValidationError('invalid time step', { field, expected: `a number in (0, ${limit}] ms (the fastest time constant)`, found: String(dtMs) });
  }
  return dtMs;
}
