import type { Backend, KernelThis } from '@snn/core';
import { type ConductanceLifParams, checkConductanceLifDt } from './params.js';
import { type ConductanceLifState, type ConductanceLifStepResult, checkConductanceLifState, conductanceLifStepInPlace } from './step.js';

/** Constants of {@link conductanceLifKernel}: the {@link ConductanceLifParams} and Δt as numbers. */
export interface ConductanceLifKernelConstants {
  /** Time step Δt, ms. */
  readonly dtMs: number;
  /** Resting potential, mV. */
  readonly restMv: number;
  /** Reset potential, mV. */
  readonly resetMv: number;
  /** Base threshold, mV. */
  readonly thresholdMv: number;
  /** Membrane time constant, ms. */
  readonly tauMemMs: number;
  /** Excitatory conductance time constant, ms. */
  readonly tauGeMs: number;
  /** Inhibitory conductance time constant, ms. */
  readonly tauGiMs: number;
  /** Excitatory reversal potential, mV. */
  readonly excReversalMv: number;
  /** Inhibitory reversal potential, mV. */
  readonly inhReversalMv: number;
  /** Refractory period, ms. */
  readonly refractoryMs: number;
  /** 1 when θ adapts, 0 when frozen. */
  readonly adaptive: number;
  /** θ increment per spike, mV. */
  readonly thetaPlusMv: number;
  /** θ decay time constant, ms. */
  readonly tauThetaMs: number;
  /** θ offset, mV. */
  readonly thetaOffsetMv: number;
  /** Timer rate, ms per ms. */
  readonly timerRate: number;
  /** Timer threshold, ms (−1e30 stands for −∞: gpu.js constants must be finite). */
  readonly timerThresholdMs: number;
}

/**
 * The constants {@link conductanceLifKernel} reads.
 * @param params - from {@link conductanceLifParams}
 * @param dtMs - time step, ms
 */
export function conductanceLifKernelConstants(params: ConductanceLifParams, dtMs: number): ConductanceLifKernelConstants {
  return {
    dtMs,
    restMv: params.restMv,
    resetMv: params.resetMv,
    thresholdMv: params.thresholdMv,
    tauMemMs: params.tauMemMs,
    tauGeMs: params.tauGeMs,
    tauGiMs: params.tauGiMs,
    excReversalMv: params.excReversalMv,
    inhReversalMv: params.inhReversalMv,
    refractoryMs: params.refractoryMs,
    adaptive: params.adaptiveThreshold ? 1 : 0,
    thetaPlusMv: params.thetaPlusMv,
    tauThetaMs: params.tauThetaMs,
    thetaOffsetMv: params.thetaOffsetMv,
    timerRate: params.timerRate,
    timerThresholdMs: Number.isFinite(params.timerThresholdMs) ? params.timerThresholdMs : -1e30,
  };
}

function paramsFromConstants(c: ConductanceLifKernelConstants): ConductanceLifParams {
  return {
    restMv: c.restMv,
    resetMv: c.resetMv,
    thresholdMv: c.thresholdMv,
    tauMemMs: c.tauMemMs,
    tauGeMs: c.tauGeMs,
    tauGiMs: c.tauGiMs,
    excReversalMv: c.excReversalMv,
    inhReversalMv: c.inhReversalMv,
    refractoryMs: c.refractoryMs,
    initialVMv: c.restMv,
    adaptiveThreshold: c.adaptive > 0.5,
    thetaPlusMv: c.thetaPlusMv,
    tauThetaMs: c.tauThetaMs,
    thetaOffsetMv: c.thetaOffsetMv,
    initialThetaMv: 0,
    timerRate: c.timerRate,
    timerThresholdMs: c.timerThresholdMs,
  };
}

/**
 * gpu.js kernel of one conductance-LIF step for n neurons; output `[n, 7]` in gpu.js order (seven rows of n).
 *
 * @remarks
 * Thread `(x, y)` computes neuron x; row y is the new v (0), g_e (1), g_i (2), θ (3), timer (4),
 * refractory time left (5) and the spike (6), by the update of {@link conductanceLifStepInPlace}
 * (Diehl & Cook 2015). Its TypeScript reference with the same arguments is {@link conductanceLifKernelReference}.
 *
 * @param v - membranes, mV
 * @param ge - excitatory conductances
 * @param gi - inhibitory conductances
 * @param theta - adaptive thresholds, mV
 * @param timer - timers, ms
 * @param refLeft - refractory time left, ms
 */
export const conductanceLifKernel = function (
  this: KernelThis<ConductanceLifKernelConstants>,
  v: Float32Array,
  ge: Float32Array,
  gi: Float32Array,
  theta: Float32Array,
  timer: Float32Array,
  refLeft: Float32Array,
): number {
  const i = this.thread.x;
  const row = this.thread.y;
  const dt = this.constants.dtMs;
  const left = refLeft[i];
  let active = 0.0;
  if (left <= dt * 0.000001) {
    active = 1.0;
  }
  let vi = v[i];
  const gei = ge[i];
  const gii = gi[i];
  if (active > 0.5) {
    const gTot = 1.0 + gei + gii;
    const x = (dt / this.constants.tauMemMs) * gTot;
    if (x <= 1.0) {
      vi =
        vi +
        (dt / this.constants.tauMemMs) *
          (this.constants.restMv - vi + gei * (this.constants.excReversalMv - vi) + gii * (this.constants.inhReversalMv - vi));
    } else {
      const vInf = (this.constants.restMv + gei * this.constants.excReversalMv + gii * this.constants.inhReversalMv) / gTot;
      vi = vInf + (vi - vInf) * Math.exp(-x);
    }
  }
  const geNext = gei * (1.0 - dt / this.constants.tauGeMs);
  const giNext = gii * (1.0 - dt / this.constants.tauGiMs);
  let th = theta[i];
  if (this.constants.adaptive > 0.5) {
    th = th * (1.0 - dt / this.constants.tauThetaMs);
  }
  let tm = timer[i] + dt * this.constants.timerRate;
  let leftNext = left - dt;
  if (leftNext < 0.0) {
    leftNext = 0.0;
  }
  let spike = 0.0;
  if (active > 0.5 && vi > this.constants.thresholdMv - this.constants.thetaOffsetMv + th && tm > this.constants.timerThresholdMs) {
    spike = 1.0;
    vi = this.constants.resetMv;
    if (this.constants.adaptive > 0.5) {
      th = th + this.constants.thetaPlusMv;
    }
    tm = 0.0;
    leftNext = this.constants.refractoryMs;
  }
  if (row < 0.5) {
    return vi;
  }
  if (row < 1.5) {
    return geNext;
  }
  if (row < 2.5) {
    return giNext;
  }
  if (row < 3.5) {
    return th;
  }
  if (row < 4.5) {
    return tm;
  }
  if (row < 5.5) {
    return leftNext;
  }
  return spike;
};

/**
 * TypeScript reference of {@link conductanceLifKernel}: same arguments, output `[7, n]` row-major
 * (v, g_e, g_i, θ, timer, refractory left, spike).
 *
 * @remarks
 * Delegates to {@link conductanceLifStepInPlace}, the one plain-TypeScript statement of the update.
 *
 * @param v - membranes, mV
 * @param ge - excitatory conductances
 * @param gi - inhibitory conductances
 * @param theta - adaptive thresholds, mV
 * @param timer - timers, ms
 * @param refLeft - refractory time left, ms
 * @param constants - from {@link conductanceLifKernelConstants}
 * @throws `ShapeError` when the arrays differ in length
 */
export function conductanceLifKernelReference(
  v: Float32Array,
  ge: Float32Array,
  gi: Float32Array,
  theta: Float32Array,
  timer: Float32Array,
  refLeft: Float32Array,
  constants: ConductanceLifKernelConstants,
): Float32Array {
  const state: ConductanceLifState = {
    v: Float64Array.from(v),
    ge: Float64Array.from(ge),
    gi: Float64Array.from(gi),
    theta: Float64Array.from(theta),
    timerMs: Float64Array.from(timer),
    refractoryLeftMs: Float64Array.from(refLeft),
  };
  const n = checkConductanceLifState(state);
  const spikes = new Uint8Array(n);
  conductanceLifStepInPlace(state, paramsFromConstants(constants), constants.dtMs, spikes);
  const out = new Float32Array(7 * n);
  out.set(state.v, 0);
  out.set(state.ge, n);
  out.set(state.gi, 2 * n);
  out.set(state.theta, 3 * n);
  out.set(state.timerMs, 4 * n);
  out.set(state.refractoryLeftMs, 5 * n);
  out.set(spikes, 6 * n);
  return out;
}

/**
 * Runs one conductance-LIF step through {@link conductanceLifKernel} on a gpu.js `Backend` (single precision).
 *
 * @param backend - a started gpu.js backend, from `createBackend`
 * @param state - the state before the step (not modified)
 * @param params - from {@link conductanceLifParams}
 * @param dtMs - time step, ms
 * @throws `ShapeError` for state arrays of different lengths; `ValidationError` for a bad Δt; `BackendError` from the backend
 * @example
 * ```ts
 * const backend = await createBackend('cpu');
 * const params = conductanceLifParams(DIEHL_COOK_EXCITATORY);
 * const { spikes } = await conductanceLifStepKernel(backend, conductanceLifInitialState(4, params), params, 0.5);
 * ```
 */
export async function conductanceLifStepKernel(
  backend: Backend,
  state: ConductanceLifState,
  params: ConductanceLifParams,
  dtMs: number,
): Promise<ConductanceLifStepResult> {
  const n = checkConductanceLifState(state);
  checkConductanceLifDt(dtMs, params);
  const constants = conductanceLifKernelConstants(params, dtMs);
  const key = `neurons.conductance-lif:${n}:${JSON.stringify(constants)}`;
  const run = backend.kernel(key, conductanceLifKernel as never, { output: [n, 7], constants: { ...constants } });
  const f32 = (a: Float64Array) => Float32Array.from(a);
  const out = backend.flatten(
    await run(f32(state.v), f32(state.ge), f32(state.gi), f32(state.theta), f32(state.timerMs), f32(state.refractoryLeftMs)),
  );
  const part = (k: number) => Float64Array.from(out.subarray(k * n, (k + 1) * n));
  const spikes = new Uint8Array(n);
  for (let i = 0; i < n; i++) spikes[i] = out[6 * n + i] > 0.5 ? 1 : 0;
  return { spikes, state: { v: part(0), ge: part(1), gi: part(2), theta: part(3), timerMs: part(4), refractoryLeftMs: part(5) } };
}
