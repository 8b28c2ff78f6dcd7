import { type Backend, type KernelThis, ShapeError } from '@snn/core';
import type { AlifParams } from './params.js';
import { type AlifState, type AlifStepResult, alifStep } from './step.js';

/** Constants of {@link alifKernel}: the decays and thresholds of {@link AlifParams} as numbers. */
export interface AlifKernelConstants {
  /** Membrane decay per step α = exp(−Δt/τ_mem). */
  readonly alpha: number;
  /** Adaptation decay per step ρ = exp(−Δt/τ_adapt). */
  readonly rho: number;
  /** Base threshold θ0 (> 0). */
  readonly threshold: number;
  /** Adaptation strength β_a (≥ 0). */
  readonly adaptStrength: number;
}

/**
 * The constants {@link alifKernel} reads for the given parameters.
 * @param params - from {@link alifParams}
 */
export function alifKernelConstants(params: AlifParams): AlifKernelConstants {
  return { alpha: params.alpha, rho: params.rho, threshold: params.threshold, adaptStrength: params.adaptStrength };
}

/**
 * gpu.js kernel of one ALIF step for n neurons; output `[n, 3]` in gpu.js order (three rows of n).
 *
 * @remarks
 * Thread `(x, y)` computes neuron x by the update documented on
 * {@link alifStep}: row `y = 0` is the membrane v[t], row `y = 1` the next
 * adaptation a[t+1], row `y = 2` the spike z[t] (0 or 1). Its TypeScript
 * reference with the same arguments is {@link alifKernelReference};
 * {@link alifStepKernel} runs it on a `Backend`.
 *
 * @param mem - membranes v[t−1], length n
 * @param adapt - adaptation a[t], length n
 * @param prevSpikes - spikes z[t−1], length n
 * @param input - input currents I[t], length n
 */
export const alifKernel = function (
  this: KernelThis<AlifKernelConstants>,
  mem: Float32Array,
  adapt: Float32Array,
  prevSpikes: Float32Array,
  input: Float32Array,
): number {
  const i = this.thread.x;
  const v = this.constants.alpha * mem[i] + input[i] - this.constants.threshold * prevSpikes[i];
  const a = adapt[i];
  const limit = this.constants.threshold + this.constants.adaptStrength * a;
  let z = 0.0;
  if (v > limit) {
    z = 1.0;
  }
  if (this.thread.y < 0.5) {
    return v;
  }
  if (this.thread.y < 1.5) {
    return this.constants.rho * a + (1.0 - this.constants.rho) * z;
  }
  return z;
};

function checkLengths(mem: Float32Array, adapt: Float32Array, prevSpikes: Float32Array, input: Float32Array): number {
  const n = input.length;
  const parts: [string, Float32Array][] = [
    ['state.mem', mem],
    ['state.adapt', adapt],
    ['state.spikes', prevSpikes],
  ];
  for (const [field, values] of parts) {
    if (values.length !== n) {
      throw new ShapeError('ALIF state and input differ in size', { field, expected: `${n} values (one per input)`, found: `${values.length}` });
    }
  }
  return n;
}

/**
 * TypeScript reference of {@link alifKernel}: same arguments, output `[3, n]` row-major (membranes, next adaptation, spikes).
 *
 * @remarks
 * Delegates to {@link alifStep}, the one plain-TypeScript statement of the update.
 *
 * @param mem - membranes v[t−1], length n
 * @param adapt - adaptation a[t], length n
 * @param prevSpikes - spikes z[t−1], length n
 * @param input - input currents I[t], length n
 * @param constants - from {@link alifKernelConstants}
 * @throws `ShapeError` when the lengths differ
 */
export function alifKernelReference(
  mem: Float32Array,
  adapt: Float32Array,
  prevSpikes: Float32Array,
  input: Float32Array,
  constants: AlifKernelConstants,
): Float32Array {
  const n = checkLengths(mem, adapt, prevSpikes, input);
  const params: AlifParams = { tauMemMs: 1, tauAdaptMs: 1, dtMs: 1, ...constants };
  const { spikes, state } = alifStep(input, { mem, adapt, spikes: prevSpikes }, params);
  const out = new Float32Array(3 * n);
  out.set(state.mem, 0);
  out.set(state.adapt, n);
  out.set(spikes, 2 * n);
  return out;
}

/**
 * Runs one ALIF step through {@link alifKernel} on a gpu.js `Backend`; the result equals {@link alifStep}'s.
 *
 * @param backend - a started gpu.js backend (`isGpuJs`), from `createBackend`
 * @param input - input currents I[t], length n
 * @param state - the state after step t−1
 * @param params - from {@link alifParams}
 * @returns the spikes z[t], the thresholds A[t] and the new state (membranes v[t], adaptation a[t+1], spikes z[t])
 * @throws `ShapeError` when the lengths differ; `BackendError` from the backend (e.g. on `js`)
 * @example
 * ```ts
 * const backend = await createBackend('cpu');
 * const { spikes } = await alifStepKernel(backend, new Float32Array([1.5]), alifInitialState(1), alifParams());
 * ```
 */
export async function alifStepKernel(
  backend: Backend,
  input: Float32Array,
  state: AlifState,
  params: AlifParams,
): Promise<AlifStepResult> {
  const n = checkLengths(state.mem, state.adapt, state.spikes, input);
  const constants = alifKernelConstants(params);
  const key = `neurons.alif:${n}:${constants.alpha}:${constants.rho}:${constants.threshold}:${constants.adaptStrength}`;
  const run = backend.kernel(key, alifKernel as never, { output: [n, 3], constants: { ...constants } });
  const out = backend.flatten(await run(state.mem, state.adapt, state.spikes, input));
  const spikes = out.slice(2 * n, 3 * n);
  const threshold = new Float32Array(n);
  for (let i = 0; i < n; i++) threshold[i] = params.threshold + params.adaptStrength * state.adapt[i];
  return { spikes, threshold, state: { mem: out.slice(0, n), adapt: out.slice(n, 2 * n), spikes: spikes.slice() } };
}
