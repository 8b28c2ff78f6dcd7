import { type Backend, type KernelThis, ShapeError } from '@snn/core';
import type { LifParams, ResetMechanism } from './params.js';
import { type LifState, type LifStepResult, lifStep } from './step.js';

/**
 * Constants of {@link lifKernel}: the {@link LifParams} as numbers (gpu.js constants are numbers only).
 */
export interface LifKernelConstants {
  /** Membrane decay per step β, in [0, 1]. */
  readonly beta: number;
  /** Firing threshold θ (> 0). */
  readonly threshold: number;
  /** Reset mechanism code: 0 subtract, 1 zero, 2 none. */
  readonly mechanism: number;
  /** 1 for the delayed (snnTorch default) reset, 0 for the immediate one. */
  readonly delayed: number;
}

const MECHANISM_CODE: Readonly<Record<ResetMechanism, number>> = Object.freeze({ subtract: 0, zero: 1, none: 2 });

/**
 * The constants {@link lifKernel} reads for the given parameters.
 * @param params - from {@link lifParams}
 */
export function lifKernelConstants(params: LifParams): LifKernelConstants {
  return {
    beta: params.beta,
    threshold: params.threshold,
    mechanism: MECHANISM_CODE[params.resetMechanism],
    delayed: params.resetDelay ? 1 : 0,
  };
}

/**
 * gpu.js kernel of one LIF step for n neurons; output `[n, 2]` in gpu.js order (two rows of n).
 *
 * @remarks
 * Thread `(x, y)` computes neuron x: row `y = 0` is the new membrane U[t],
 * row `y = 1` the spike S[t] (0 or 1), by the update documented on
 * {@link lifStep}. Its TypeScript reference with the same arguments is
 * {@link lifKernelReference}; {@link lifStepKernel} runs it on a
 * `Backend`.
 *
 * @param mem - membranes U[t−1], length n
 * @param input - input currents I[t], length n
 */
export const lifKernel = function (this: KernelThis<LifKernelConstants>, mem: Float32Array, input: Float32Array): number {
  const prev = mem[this.thread.x];
  const beta = this.constants.beta;
  const threshold = this.constants.threshold;
  const mechanism = this.constants.mechanism;
  let u = 0.0;
  let s = 0.0;
  if (this.constants.delayed > 0.5) {
    let reset = 0.0;
    if (prev > threshold) {
      reset = 1.0;
    }
    const base = beta * prev + input[this.thread.x];
    if (mechanism < 0.5) {
      u = base - reset * threshold;
    } else if (mechanism < 1.5) {
      u = base * (1.0 - reset);
    } else {
      u = base;
    }
    if (u > threshold) {
      s = 1.0;
    }
  } else {
    const pre = beta * prev + input[this.thread.x];
    if (pre > threshold) {
      s = 1.0;
    }
    if (mechanism < 0.5) {
      u = pre - s * threshold;
    } else if (mechanism < 1.5) {
      u = pre * (1.0 - s);
    } else {
      u = pre;
    }
  }
  if (this.thread.y > 0.5) {
    return s;
  }
  return u;
};

/**
 * TypeScript reference of {@link lifKernel}: same arguments, output `[2, n]` row-major (membranes, then spikes).
 *
 * @remarks
 * Delegates to {@link lifStep}, the one plain-TypeScript statement of the update.
 *
 * @param mem - membranes U[t−1], length n
 * @param input - input currents I[t], length n
 * @param constants - from {@link lifKernelConstants}
 * @throws `ShapeError` when `mem` and `input` differ in length
 */
export function lifKernelReference(mem: Float32Array, input: Float32Array, constants: LifKernelConstants): Float32Array {
  const n = checkSameLength(mem, input);
  const params: LifParams = {
    beta: constants.beta,
    threshold: constants.threshold,
    resetMechanism: constants.mechanism < 0.5 ? 'subtract' : constants.mechanism < 1.5 ? 'zero' : 'none',
    resetDelay: constants.delayed > 0.5,
  };
  const { spikes, state } = lifStep(input, { mem }, params);
  const out = new Float32Array(2 * n);
  out.set(state.mem, 0);
  out.set(spikes, n);
  return out;
}

function checkSameLength(mem: Float32Array, input: Float32Array): number {
  if (mem.length !== input.length) {
    throw new ShapeError('membrane state and input differ in size', {
      field: 'state.mem',
      expected: `${input.length} values (one per input)`,
      found: `${mem.length}`,
    });
  }
  return input.length;
}

/**
 * Runs one LIF step through {@link lifKernel} on a gpu.js `Backend`; the result equals {@link lifStep}'s.
 *
 * @param backend - a started gpu.js backend (`isGpuJs`), from `createBackend`
 * @param input - input currents I[t], length n
 * @param state - membranes U[t−1], length n
 * @param params - from {@link lifParams}
 * @throws `ShapeError` when the lengths differ; `BackendError` from the backend (e.g. on `js`)
 * @example
 * ```ts
 * const backend = await createBackend('cpu');
 * const { spikes } = await lifStepKernel(backend, new Float32Array([1.5]), lifInitialState(1), lifParams());
 * ```
 */
export async function lifStepKernel(backend: Backend, input: Float32Array, state: LifState, params: LifParams): Promise<LifStepResult> {
  const n = checkSameLength(state.mem, input);
  const constants = lifKernelConstants(params);
  const key = `neurons.lif:${n}:${constants.beta}:${constants.threshold}:${constants.mechanism}:${constants.delayed}`;
  const run = backend.kernel(key, lifKernel as never, { output: [n, 2], constants: { ...constants } });
  const out = backend.flatten(await run(state.mem, input));
  return { spikes: out.slice(n, 2 * n), state: { mem: out.slice(0, n) } };
}
