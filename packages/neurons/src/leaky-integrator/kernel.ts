import { type Backend, type KernelThis, ShapeError } from '@snn/core';
import { type LiParams, type LiState, liStep } from './leaky-integrator.js';

/** Constants of {@link liKernel}. */
export interface LiKernelConstants {
  /** Decay per step κ = exp(−Δt/τ_out). */
  readonly kappa: number;
}

/**
 * gpu.js kernel of one leaky-integrator step for n neurons; output `[n]`.
 *
 * @remarks
 * Thread x computes `κ·y[t−1][x] + I[t][x]` (see {@link liStep}); its
 * TypeScript reference with the same arguments is {@link liKernelReference},
 * and {@link liStepKernel} runs it on a backend.
 *
 * @param out - outputs y[t−1], length n
 * @param input - input currents I[t], length n
 */
export const liKernel = function (this: KernelThis<LiKernelConstants>, out: Float32Array, input: Float32Array): number {
  return this.constants.kappa * out[this.thread.x] + input[this.thread.x];
};

/**
 * TypeScript reference of {@link liKernel}: same arguments, output y[t] of length n.
 *
 * @param out - outputs y[t−1], length n
 * @param input - input currents I[t], length n
 * @param constants - `kappa`
 * @throws `ShapeError` when the lengths differ
 */
export function liKernelReference(out: Float32Array, input: Float32Array, constants: LiKernelConstants): Float32Array {
  return liStep(input, { out }, { tauOutMs: 1, dtMs: 1, kappa: constants.kappa }).out;
}

/**
 * Runs one leaky-integrator step through {@link liKernel} on a gpu.js backend; equals {@link liStep}.
 *
 * @param backend - a started gpu.js `Backend` (`isGpuJs`)
 * @param input - input currents I[t], length n
 * @param state - outputs y[t−1]
 * @param params - from {@link liParams}
 * @throws `ShapeError` when the lengths differ; `BackendError` from the backend
 * @example
 * ```ts
 * const next = await liStepKernel(await createBackend('cpu'), new Float32Array([1]), liInitialState(1), liParams());
 * ```
 */
export async function liStepKernel(backend: Backend, input: Float32Array, state: LiState, params: LiParams): Promise<LiState> {
  const n = input.length;
  if (state.out.length !== n) {
    throw new ShapeError('leaky-integrator state and input differ in size', {
      field: 'state.out',
      expected: `${n} values (one per input)`,
      found: `${state.out.length}`,
    });
  }
  const run = backend.kernel(`neurons.li:${n}:${params.kappa}`, liKernel as never, { output: [n], constants: { kappa: params.kappa } });
  return { out: backend.flatten(await run(state.out, input)).slice() };
}
