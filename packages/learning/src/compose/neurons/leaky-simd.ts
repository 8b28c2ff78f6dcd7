import type { SurrogateFunction } from '@snn/neurons';
import { type SimdKernels, createSimdKernels } from '../../bptt/simd.js';
import type { NeuronSequenceKernel } from '../neuron.js';

/** Float offsets of the kernel's arrays for T steps of n neurons (all samples). */
interface Layout {
  readonly steps: number;
  readonly size: number;
  readonly k: SimdKernels;
  readonly f: Float32Array;
  readonly fi: Int32Array;
  /** cur `[T + 1, n]` (input currents; then dL/dI with row T zero). */
  readonly cur: number;
  /** v `[T + 1, n]`: row 0 zero, row t + 1 the membrane U[t]. */
  readonly v: number;
  readonly mem: number;
  readonly masks: number;
  readonly sg: number;
  readonly gs: number;
  readonly gm: number;
}

/**
 * The Leaky neuron with the delayed reset (subtract or none), one β and θ and
 * a built-in arctan or fast-sigmoid surrogate, over all T steps of a whole
 * batch in WebAssembly SIMD: the LIF kernels of `LifNetwork`'s engine
 * (`bptt/simd.ts`), run with the batch as one row of `B·width` neurons.
 *
 * @param mechanism - 0 subtract, 2 none (the zero reset is not this kernel's)
 * @param surrogate - the layer's surrogate
 * @returns the kernel, or null when these settings have none
 */
export function leakySequenceKernel(mechanism: number, surrogate: SurrogateFunction): NeuronSequenceKernel | null {
  if (mechanism === 1 || (surrogate.name !== 'atan' && surrogate.name !== 'fastSigmoid')) return null;
  let layout: Layout | null = null;
  let beta = 0;
  let thr = 0;
  /** True while the gm region holds zeros (a backward without a membrane gradient need not clear it again). */
  let gmZero = false;
  const ensure = (T: number, n: number): Layout => {
    if (layout !== null && layout.steps === T && layout.size === n) return layout;
    let top = 0;
    const take = (floats: number): number => {
      const at = top;
      top += (floats + 15) & ~15;
      return at;
    };
    const cur = take((T + 1) * n);
    const v = take((T + 1) * n);
    const mem = take(n);
    const masks = take(((T + 31) >> 5) * n);
    const sg = take(T * n);
    const gs = take(T * n);
    const gm = take(T * n);
    // A memory large enough for these sizes is kept (a smaller last batch does not make a new one).
    const k = layout !== null && layout.k.memory.buffer.byteLength >= 4 * top ? layout.k : createSimdKernels(4 * top);
    layout = { steps: T, size: n, k, f: new Float32Array(k.memory.buffer), fi: new Int32Array(k.memory.buffer), cur, v, mem, masks, sg, gs, gm };
    gmZero = false;
    return layout;
  };
  return {
    forward(input, T, n, params) {
      const [thrP, gsfP, mechP, betaP] = params;
      // A state dict may have changed the reset (snnTorch's reset_mechanism_val) since the kernel was made.
      if (n % 4 !== 0 || thrP.length !== 1 || betaP.length !== 1 || gsfP[0] !== 1 || mechP[0] !== mechanism) return false;
      beta = Math.min(1, Math.max(0, betaP[0]));
      thr = thrP[0];
      const L = ensure(T, n);
      const { f, fi } = L;
      // The layer before may have written its output straight into the kernel's input rows.
      if (input.buffer !== f.buffer || input.byteOffset !== 4 * L.cur) f.set(input.subarray(0, T * n), L.cur);
      f.fill(0, L.v, L.v + n);
      f.fill(0, L.mem, L.mem + n);
      fi.fill(0, L.masks, L.masks + ((T + 31) >> 5) * n);
      L.k.lifForward[mechanism][1](4 * L.cur, 4 * L.v, 4 * L.mem, 4 * L.masks, n, T, beta, thr);
      return true;
    },
    readOutput(out) {
      const L = layout as Layout;
      const { f } = L;
      const count = L.steps * L.size;
      const from = L.v + L.size;
      const t32 = Math.fround(thr);
      for (let i = 0; i < count; i++) out[i] = f[from + i] > t32 ? 1 : 0;
    },
    readMembrane(mem) {
      const L = layout as Layout;
      mem.set(L.f.subarray(L.v + L.size, L.v + (L.steps + 1) * L.size));
    },
    bits() {
      const L = layout as Layout;
      return { words: L.fi, offset: L.masks, stride: L.size };
    },
    inputBuffer(T, n) {
      const L = ensure(T, n);
      return L.f.subarray(L.cur, L.cur + T * n);
    },
    gradBuffer(T, n) {
      const L = ensure(T, n);
      return L.f.subarray(L.gs, L.gs + T * n);
    },
    backward(gradOut, gradMem) {
      const L = layout as Layout;
      const { f, k } = L;
      const T = L.steps;
      const n = L.size;
      if (gradOut.buffer !== f.buffer || gradOut.byteOffset !== 4 * L.gs) f.set(gradOut.subarray(0, T * n), L.gs);
      if (gradMem !== null) {
        f.set(gradMem.subarray(0, T * n), L.gm);
        gmZero = false;
      } else if (!gmZero) {
        f.fill(0, L.gm, L.gm + T * n);
        gmZero = true;
      }
      if (surrogate.name === 'atan') {
        const alpha = surrogate.options.alpha;
        k.surrogateAtan(4 * L.sg, 4 * (L.v + n), T * n, thr, alpha / 2, (Math.PI / 2) * alpha);
      } else {
        k.surrogateFastSigmoid(4 * L.sg, 4 * (L.v + n), T * n, thr, surrogate.options.slope);
      }
      f.fill(0, L.cur + T * n, L.cur + (T + 1) * n);
      k.lifBackward[0][1](4 * L.cur, 4 * L.v, 4 * L.sg, 4 * L.gs, 4 * L.gm, n, T, beta, thr);
      return f.subarray(L.cur, L.cur + T * n);
    },
  };
}
