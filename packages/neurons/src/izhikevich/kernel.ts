import { type Backend, type KernelThis, ShapeError } from '@snn/core';
import type { IzhikevichParams } from './params.js';
import { type IzhikevichState, type IzhikevichStepResult, izhikevichStep } from './step.js';

/** Constants of {@link izhikevichKernel}: the {@link IzhikevichParams} as numbers (gpu.js constants are numbers only). */
export interface IzhikevichKernelConstants {
  /** Recovery time scale a, per ms. */
  readonly a: number;
  /** Sensitivity b of u to v. */
  readonly b: number;
  /** Reset value c of v, in mV. */
  readonly c: number;
  /** After-spike increment d of u. */
  readonly d: number;
  /** Spike cut-off, in mV. */
  readonly vPeakMv: number;
  /** Time step, in ms. */
  readonly dtMs: number;
  /** Integration code: 0 the paper's scheme (`izhikevich`), 1 `euler`. */
  readonly euler: number;
}

/**
 * The constants {@link izhikevichKernel} reads for the given parameters.
 * @param params - from {@link izhikevichParams}
 */
export function izhikevichKernelConstants(params: IzhikevichParams): IzhikevichKernelConstants {
  return { a: params.a, b: params.b, c: params.c, d: params.d, vPeakMv: params.vPeakMv, dtMs: params.dtMs, euler: params.integration === 'euler' ? 1 : 0 };
}

/**
 * gpu.js kernel of one Izhikevich step for n neurons; output `[n, 3]` in gpu.js order (three rows of n).
 *
 * @remarks
 * Thread `(x, y)` computes neuron x by the update documented on
 * {@link izhikevichStep}: row `y = 0` is the new v (after the reset, mV),
 * row 1 the new u, row 2 the spike (0 or 1). Its TypeScript reference with
 * the same arguments is {@link izhikevichKernelReference};
 * {@link izhikevichStepKernel} runs it on a `Backend`. Izhikevich (2003),
 * IEEE Trans. Neural Networks 14(6):1569.
 *
 * @param v - membrane potentials before the step, length n (mV)
 * @param u - recovery variables before the step, length n
 * @param input - input currents I, length n
 */
export const izhikevichKernel = function (this: KernelThis<IzhikevichKernelConstants>, v: Float32Array, u: Float32Array, input: Float32Array): number {
  const v0 = v[this.thread.x];
  const u0 = u[this.thread.x];
  const current = input[this.thread.x];
  const dt = this.constants.dtMs;
  const a = this.constants.a;
  const b = this.constants.b;
  let v1 = 0.0;
  let u1 = 0.0;
  if (this.constants.euler > 0.5) {
    v1 = v0 + dt * (0.04 * v0 * v0 + 5.0 * v0 + 140.0 - u0 + current);
    u1 = u0 + dt * a * (b * v0 - u0);
  } else {
    const half = 0.5 * dt;
    const vh = v0 + half * (0.04 * v0 * v0 + 5.0 * v0 + 140.0 - u0 + current);
    v1 = vh + half * (0.04 * vh * vh + 5.0 * vh + 140.0 - u0 + current);
    u1 = u0 + dt * a * (b * v1 - u0);
  }
  let s = 0.0;
  if (v1 >= this.constants.vPeakMv) {
    s = 1.0;
    v1 = this.constants.c;
    u1 = u1 + this.constants.d;
  }
  if (this.thread.y > 1.5) {
    return s;
  }
  if (this.thread.y > 0.5) {
    return u1;
  }
  return v1;
};

function checkLengths(v: Float32Array, u: Float32Array, input: Float32Array): number {
  const n = input.length;
  for (const [name, values] of [
    ['state.v', v],
    ['state.u', u],
  ] as const) {
    if (values.length !== n) {
      throw new ShapeError('Izhikevich state and input differ in size', { field: name, expected: `${n} values (one per input)`, found: `${values.length}` });
    }
  }
  return n;
}

/**
 * TypeScript reference of {@link izhikevichKernel}: same arguments, output `[3, n]` row-major (v, u, spikes).
 *
 * @remarks
 * Delegates to {@link izhikevichStep}, the plain-TypeScript statement of the update.
 *
 * @param v - membrane potentials before the step (mV)
 * @param u - recovery variables before the step
 * @param input - input currents I
 * @param constants - from {@link izhikevichKernelConstants}
 * @throws `ShapeError` when the lengths differ
 */
export function izhikevichKernelReference(v: Float32Array, u: Float32Array, input: Float32Array, constants: IzhikevichKernelConstants): Float32Array {
  const n = checkLengths(v, u, input);
  const params: IzhikevichParams = {
    preset: null,
    a: constants.a,
    b: constants.b,
    c: constants.c,
    d: constants.d,
    vPeakMv: constants.vPeakMv,
    vInitMv: constants.c,
    dtMs: constants.dtMs,
    integration: constants.euler > 0.5 ? 'euler' : 'izhikevich',
  };
  const { spikes, state } = izhikevichStep(input, { v, u }, params);
  const out = new Float32Array(3 * n);
  out.set(state.v, 0);
  out.set(state.u, n);
  out.set(spikes, 2 * n);
  return out;
}

/**
 * Runs one Izhikevich step through {@link izhikevichKernel} on a gpu.js `Backend`; the result equals {@link izhikevichStep}'s up to float rounding.
 *
 * @param backend - a started gpu.js backend (`isGpuJs`), from `createBackend`
 * @param input - input currents I, length n
 * @param state - v and u before the step
 * @param params - from {@link izhikevichParams}
 * @throws `ShapeError` when the lengths differ; `BackendError` from the backend (e.g. on `js`)
 * @example
 * ```ts
 * const backend = await createBackend('cpu');
 * const p = izhikevichParams();
 * const { spikes, state } = await izhikevichStepKernel(backend, new Float32Array([10]), izhikevichInitialState(1, p), p);
 * ```
 */
export async function izhikevichStepKernel(backend: Backend, input: Float32Array, state: IzhikevichState, params: IzhikevichParams): Promise<IzhikevichStepResult> {
  const n = checkLengths(state.v, state.u, input);
  const constants = izhikevichKernelConstants(params);
  const key = `neurons.izhikevich:${n}:${Object.values(constants).join(':')}`;
  const run = backend.kernel(key, izhikevichKernel as never, { output: [n, 3], constants: { ...constants } });
  const out = backend.flatten(await run(state.v, state.u, input));
  return { spikes: out.slice(2 * n, 3 * n), state: { v: out.slice(0, n), u: out.slice(n, 2 * n) } };
}
