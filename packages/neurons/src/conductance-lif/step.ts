import { ShapeError, ValidationError } from '@snn/core';
import { type ConductanceLifParams, checkConductanceLifDt } from './params.js';

/**
 * State of n conductance-LIF neurons, one value per neuron in each array (Float64).
 */
export interface ConductanceLifState {
  /** Membrane potentials v, mV. */
  readonly v: Float64Array;
  /** Excitatory conductances g_e (dimensionless, relative to the leak). */
  readonly ge: Float64Array;
  /** Inhibitory conductances g_i (dimensionless). */
  readonly gi: Float64Array;
  /** Adaptive threshold components θ, mV. */
  readonly theta: Float64Array;
  /** Timers since the last spike, ms of timer (grows at `timerRate` per ms). */
  readonly timerMs: Float64Array;
  /** Remaining refractory time, ms (0 when the neuron integrates). */
  readonly refractoryLeftMs: Float64Array;
}

/** Result of {@link conductanceLifStep}: the spikes of the step and the new state. */
export interface ConductanceLifStepResult {
  /** 1 where the neuron spiked in this step, else 0. */
  readonly spikes: Uint8Array;
  /** The state after the step. */
  readonly state: ConductanceLifState;
}

/**
 * One membrane step with constant conductances: Euler `v += x·(v∞ − v)`, x = Δt/τ·(1 + g_e + g_i). For x > 1 Euler
 * would overshoot v∞ (and diverge for x > 2, e.g. g_i of many simultaneous inhibitory spikes); there the exact step
 * for constant g, `v∞ + (v − v∞)·e^(−x)`, is taken.
 */
function membraneStep(v: number, ge: number, gi: number, kMem: number, rest: number, eExc: number, eInh: number): number {
  const gTot = 1 + ge + gi;
  const x = kMem * gTot;
  if (x <= 1) return v + kMem * (rest - v + ge * (eExc - v) + gi * (eInh - v));
  const vInf = (rest + ge * eExc + gi * eInh) / gTot;
  return vInf + (v - vInf) * Math.exp(-x);
}

/**
 * A fresh state: v = `initialVMv`, θ = `initialThetaMv`, conductances 0, timers 0, not refractory.
 *
 * @remarks
 * In the original code the timer also starts at 0, so with the timer quirk (rate 0.1, threshold 5 ms) no
 * excitatory neuron can fire during its first 50 ms.
 *
 * @param n - number of neurons (integer ≥ 0)
 * @param params - from {@link conductanceLifParams}
 * @throws `ValidationError` when n is not a non-negative integer
 */
export function conductanceLifInitialState(n: number, params: ConductanceLifParams): ConductanceLifState {
  if (!Number.isInteger(n) || n < 0) {
    throw new ValidationError('invalid neuron count', { field: 'n', expected: 'an integer >= 0', found: String(n) });
  }
  return {
    v: new Float64Array(n).fill(params.initialVMv),
    ge: new Float64Array(n),
    gi: new Float64Array(n),
    theta: new Float64Array(n).fill(params.initialThetaMv),
    timerMs: new Float64Array(n),
    refractoryLeftMs: new Float64Array(n),
  };
}

/** Copies a state (all six arrays). */
export function cloneConductanceLifState(state: ConductanceLifState): ConductanceLifState {
  return {
    v: state.v.slice(),
    ge: state.ge.slice(),
    gi: state.gi.slice(),
    theta: state.theta.slice(),
    timerMs: state.timerMs.slice(),
    refractoryLeftMs: state.refractoryLeftMs.slice(),
  };
}

/**
 * Checks that every array of a state has the same length and returns it.
 * @throws `ShapeError` naming the array that differs
 */
export function checkConductanceLifState(state: ConductanceLifState): number {
  const n = state.v.length;
  for (const key of ['ge', 'gi', 'theta', 'timerMs', 'refractoryLeftMs'] as const) {
    if (state[key].length !== n) {
      throw new ShapeError('conductance LIF state arrays differ in length', { field: `state.${key}`, expected: `${n} values (as state.v)`, found: `${state[key].length}` });
    }
  }
  return n;
}

/**
 * Advances n conductance-LIF neurons by one Euler step of Δt, IN PLACE, writing the spikes into `spikesOut`.
 *
 * @remarks
 * Per neuron, in this order (Brian's order: integrate, threshold, reset):
 * 1. `active = (refractoryLeft == 0)`; when active,
 *    `v ← v + Δt/τ_mem·((v_rest − v) + g_e·(E_exc − v) + g_i·(E_inh − v))` (old g_e, g_i), i.e. `v ← v + x·(v∞ − v)`
 *    with `x = Δt/τ_mem·(1 + g_e + g_i)` and `v∞ = (v_rest + g_e·E_exc + g_i·E_inh)/(1 + g_e + g_i)`; when `x > 1`
 *    (Euler would overshoot v∞, and diverge for x > 2: e.g. g_i ≥ 400 after 24 simultaneous inhibitory spikes of
 *    weight 17 in Diehl & Cook's network, which then fires without bound) the exact step for constant
 *    conductances, `v ← v∞ + (v − v∞)·e^{−x}`, is taken instead;
 * 2. `g_e ← g_e − Δt·g_e/τ_ge`, `g_i ← g_i − Δt·g_i/τ_gi`; when adaptive `θ ← θ − Δt·θ/τ_θ`;
 *    `timer ← timer + Δt·timerRate`; `refractoryLeft ← max(0, refractoryLeft − Δt)`;
 * 3. spike when `active`, `v > v_thresh + θ − θ_offset` and `timer > timerThreshold`;
 * 4. on a spike: `v ← v_reset`, `θ ← θ + θ_plus` (when adaptive), `timer ← 0`, `refractoryLeft ← refractory`.
 *
 * Synaptic input is added to g_e / g_i by the caller between steps (`g_e += w` per arriving spike), so it acts
 * from the next step on. Diehl & Cook (2015), Front. Comput. Neurosci. 9:99.
 *
 * @param state - modified in place
 * @param params - from {@link conductanceLifParams}
 * @param dtMs - time step, ms (e.g. 0.5)
 * @param spikesOut - length n; set to 1 where a neuron spiked, else 0
 * @returns the number of spikes in this step
 */
export function conductanceLifStepInPlace(state: ConductanceLifState, params: ConductanceLifParams, dtMs: number, spikesOut: Uint8Array): number {
  const n = state.v.length;
  const { v, ge, gi, theta, timerMs, refractoryLeftMs } = state;
  const kMem = dtMs / params.tauMemMs;
  const geDecay = 1 - dtMs / params.tauGeMs;
  const giDecay = 1 - dtMs / params.tauGiMs;
  const thetaDecay = params.adaptiveThreshold ? 1 - dtMs / params.tauThetaMs : 1;
  const thetaPlus = params.adaptiveThreshold ? params.thetaPlusMv : 0;
  const timerStep = dtMs * params.timerRate;
  const base = params.thresholdMv - params.thetaOffsetMv;
  const eExc = params.excReversalMv;
  const eInh = params.inhReversalMv;
  const rest = params.restMv;
  const eps = dtMs * 1e-6;
  const timerThreshold = params.timerThresholdMs;
  const reset = params.resetMv;
  const refractory = params.refractoryMs;
  spikesOut.fill(0);
  let count = 0;
  // Written for speed, same arithmetic as the remarks: the state that changes every step is updated first, then
  // refractory neurons (rare) are skipped before the membrane step and the threshold test. The loop body is repeated
  // in conductanceLifStepSubset on purpose: sharing it through a per-neuron helper with a constants object measured
  // about 7 % slower in Diehl & Cook training (n_e = 400), where this loop is a third of the time.
  for (let i = 0; i < n; i++) {
    const left = refractoryLeftMs[i];
    const vi = v[i];
    const gei = ge[i];
    const gii = gi[i];
    ge[i] = gei * geDecay;
    gi[i] = gii * giDecay;
    const th = theta[i] * thetaDecay;
    theta[i] = th;
    const timer = timerMs[i] + timerStep;
    timerMs[i] = timer;
    if (left !== 0) {
      const later = left - dtMs;
      refractoryLeftMs[i] = Math.max(later, 0);
      if (left > eps) continue;
    }
    const vNew = membraneStep(vi, gei, gii, kMem, rest, eExc, eInh);
    if (vNew > base + th && timer > timerThreshold) {
      v[i] = reset;
      theta[i] = th + thetaPlus;
      timerMs[i] = 0;
      refractoryLeftMs[i] = refractory;
      spikesOut[i] = 1;
      count++;
    } else {
      v[i] = vNew;
    }
  }
  return count;
}

/**
 * Event-driven variant of {@link conductanceLifStepInPlace}: advances only the listed neurons, IN PLACE.
 *
 * @remarks
 * Same update as {@link conductanceLifStepInPlace} for `indices[0 .. count)`; the other neurons and their
 * `spikesOut` entries are untouched. Use it for neurons that are at rest without input (a neuron at
 * `v = v_rest` with `g_e = g_i = 0`, not refractory and without adaptation stays there), e.g. the inhibitory
 * layer of Diehl & Cook (2015), where only partners of spiking excitatory neurons receive input.
 *
 * @param state - modified in place for the listed neurons
 * @param params - from {@link conductanceLifParams}
 * @param dtMs - time step, ms
 * @param indices - neurons to advance
 * @param listed - how many entries of `indices` to use
 * @param spikesOut - set to 1/0 for the listed neurons
 * @returns the number of spikes among the listed neurons
 */
export function conductanceLifStepSubset(
  state: ConductanceLifState,
  params: ConductanceLifParams,
  dtMs: number,
  indices: ArrayLike<number>,
  listed: number,
  spikesOut: Uint8Array,
): number {
  const { v, ge, gi, theta, timerMs, refractoryLeftMs } = state;
  const kMem = dtMs / params.tauMemMs;
  const geDecay = 1 - dtMs / params.tauGeMs;
  const giDecay = 1 - dtMs / params.tauGiMs;
  const thetaDecay = params.adaptiveThreshold ? 1 - dtMs / params.tauThetaMs : 1;
  const thetaPlus = params.adaptiveThreshold ? params.thetaPlusMv : 0;
  const timerStep = dtMs * params.timerRate;
  const base = params.thresholdMv - params.thetaOffsetMv;
  const eExc = params.excReversalMv;
  const eInh = params.inhReversalMv;
  const rest = params.restMv;
  const eps = dtMs * 1e-6;
  const timerThreshold = params.timerThresholdMs;
  const reset = params.resetMv;
  const refractory = params.refractoryMs;
  let count = 0;
  for (let e = 0; e < listed; e++) {
    const i = indices[e];
    const left = refractoryLeftMs[i];
    const vi = v[i];
    const gei = ge[i];
    const gii = gi[i];
    ge[i] = gei * geDecay;
    gi[i] = gii * giDecay;
    const th = theta[i] * thetaDecay;
    theta[i] = th;
    const timer = timerMs[i] + timerStep;
    timerMs[i] = timer;
    spikesOut[i] = 0;
    if (left !== 0) {
      const later = left - dtMs;
      refractoryLeftMs[i] = Math.max(later, 0);
      if (left > eps) continue;
    }
    const vNew = membraneStep(vi, gei, gii, kMem, rest, eExc, eInh);
    if (vNew > base + th && timer > timerThreshold) {
      v[i] = reset;
      theta[i] = th + thetaPlus;
      timerMs[i] = 0;
      refractoryLeftMs[i] = refractory;
      spikesOut[i] = 1;
      count++;
    } else {
      v[i] = vNew;
    }
  }
  return count;
}

/**
 * One Euler step of n conductance-LIF neurons, pure: returns the spikes and a new state, leaving the input untouched.
 *
 * @remarks
 * The update is the one documented on {@link conductanceLifStepInPlace}:
 * `τ_mem·dv/dt = (v_rest − v) + g_e·(E_exc − v) + g_i·(E_inh − v)`, exponential decay of g_e, g_i and θ,
 * spike when `v > v_thresh + θ − θ_offset` and `timer > timerThreshold` outside the refractory period.
 * Diehl & Cook (2015), Front. Comput. Neurosci. 9:99.
 *
 * @param state - the state before the step
 * @param params - from {@link conductanceLifParams}
 * @param dtMs - time step, ms, in (0, min τ]
 * @throws `ShapeError` when the state arrays differ in length; `ValidationError` for a bad Δt
 * @example
 * ```ts
 * const params = conductanceLifParams(DIEHL_COOK_INHIBITORY);
 * let state = conductanceLifInitialState(2, params);
 * state.ge[0] = 5;
 * const r = conductanceLifStep(state, params, 0.5);
 * r.state.v[0] > r.state.v[1]; // true: neuron 0 is depolarised by g_e
 * ```
 */
export function conductanceLifStep(state: ConductanceLifState, params: ConductanceLifParams, dtMs: number): ConductanceLifStepResult {
  const n = checkConductanceLifState(state);
  checkConductanceLifDt(dtMs, params);
  const next = cloneConductanceLifState(state);
  const spikes = new Uint8Array(n);
  conductanceLifStepInPlace(next, params, dtMs, spikes);
  return { spikes, state: next };
}
