import { WASM_TYPE, type WasmMemory, type WasmModule, compileWasm, instantiateWasm, wasmFunctionBody, wasmModuleBytes, wasmOp, wasmRowLoop } from '@snn/core';

/** Reset mechanism codes of the LIF kernels: 0 subtract, 1 zero, 2 none. */
export type MechanismCode = 0 | 1 | 2;

/**
 * LIF forward over T steps for one layer: `(cur, v, mem, masks, stride, T, beta, threshold)`.
 * See {@link KERNEL_REFERENCE}.lifForward.
 */
export type LifForwardKernel = (cur: number, v: number, mem: number, masks: number, stride: number, T: number, beta: number, threshold: number) => void;

/**
 * LIF backward over T steps for one layer: `(dI, v, sg, gs, gm, stride, T, beta, threshold)`.
 * See {@link KERNEL_REFERENCE}.lifBackward.
 */
export type LifBackwardKernel = (dI: number, v: number, sg: number, gs: number, gm: number, stride: number, T: number, beta: number, threshold: number) => void;

/**
 * Kernels of the BPTT engine in WebAssembly SIMD (f32x4), over one private memory.
 *
 * Every pointer is a byte offset into `memory`, 16-byte aligned; every length
 * (`n`, `stride`) is a number of float32 values and a multiple of 4 (rows are
 * padded). Plain-TypeScript statements of each kernel, the specification the
 * tests hold the SIMD code to, are in {@link KERNEL_REFERENCE}.
 */
export interface SimdKernels {
  readonly memory: WasmMemory;
  /** dst[j] += src[j] */
  readonly addRow: (dst: number, src: number, n: number) => void;
  /** dst[j] -= src[j] */
  readonly subRow: (dst: number, src: number, n: number) => void;
  /** dst[j] += a[j] − b[j] */
  readonly addDiff: (dst: number, a: number, b: number, n: number) => void;
  /** dst[j] = a[j] + b[j] */
  readonly sumRows: (dst: number, a: number, b: number, n: number) => void;
  /** dst[j] += alpha · src[j] */
  readonly axpy: (dst: number, src: number, alpha: number, n: number) => void;
  /** dst[j] = a / (1 + (b·(v[j] − θ))²): the arctan surrogate with a = α/2, b = π/2·α. */
  readonly surrogateAtan: (dst: number, v: number, n: number, threshold: number, a: number, b: number) => void;
  /** dst[j] = 1 / (1 + k·|v[j] − θ|)²: the fast-sigmoid surrogate. */
  readonly surrogateFastSigmoid: (dst: number, v: number, n: number, threshold: number, k: number) => void;
  /** LIF forward kernels by `[mechanism][delayed ? 1 : 0]`. */
  readonly lifForward: readonly (readonly [LifForwardKernel, LifForwardKernel])[];
  /** LIF backward kernels by `[zero reset ? 1 : 0][delayed ? 1 : 0]`. */
  readonly lifBackward: readonly (readonly [LifBackwardKernel, LifBackwardKernel])[];
}

const f32 = Math.fround;

/**
 * The kernels in plain TypeScript over Float32Array/Int32Array views of the
 * memory (indices in floats): the specification the SIMD code is tested
 * against. Every arithmetic operation is rounded to float32, as f32x4 does.
 */
export const KERNEL_REFERENCE = {
  addRow(f: Float32Array, dst: number, src: number, n: number): void {
    for (let j = 0; j < n; j++) f[dst + j] += f[src + j];
  },
  subRow(f: Float32Array, dst: number, src: number, n: number): void {
    for (let j = 0; j < n; j++) f[dst + j] -= f[src + j];
  },
  addDiff(f: Float32Array, dst: number, a: number, b: number, n: number): void {
    for (let j = 0; j < n; j++) f[dst + j] += f32(f[a + j] - f[b + j]);
  },
  sumRows(f: Float32Array, dst: number, a: number, b: number, n: number): void {
    for (let j = 0; j < n; j++) f[dst + j] = f[a + j] + f[b + j];
  },
  axpy(f: Float32Array, dst: number, src: number, alpha: number, n: number): void {
    for (let j = 0; j < n; j++) f[dst + j] += f32(f32(alpha) * f[src + j]);
  },
  surrogateAtan(f: Float32Array, dst: number, v: number, n: number, threshold: number, a: number, b: number): void {
    for (let j = 0; j < n; j++) {
      const z = f32(f32(b) * f32(f[v + j] - f32(threshold)));
      f[dst + j] = f32(a) / f32(1 + f32(z * z));
    }
  },
  surrogateFastSigmoid(f: Float32Array, dst: number, v: number, n: number, threshold: number, k: number): void {
    for (let j = 0; j < n; j++) {
      const d = f32(1 + f32(f32(k) * Math.abs(f32(f[v + j] - f32(threshold)))));
      f[dst + j] = 1 / f32(d * d);
    }
  },
  /**
   * For t = 0…T−1 and every lane j of a row: `base = β·mem + cur[t]`; with the
   * delayed reset `R = mem > θ` and `u = base − R·θ` (subtract), `R ? 0 : base`
   * (zero) or `base` (none), `v[t] = u`, spike `u > θ`; with the immediate reset
   * `v[t] = base`, spike `R = base > θ`, u as above. Then `mem = u`, and the
   * spike sets bit `t mod 32` of `masks[⌊t/32⌋, j]`. `v` points at a zero row
   * before row 0 (the kernel writes rows 1…T of it); masks must start at 0.
   */
  lifForward(
    f: Float32Array,
    masks: Int32Array,
    mechanism: MechanismCode,
    delayed: boolean,
    cur: number,
    v: number,
    mem: number,
    mask: number,
    stride: number,
    T: number,
    beta: number,
    threshold: number,
  ): void {
    const thr = f32(threshold);
    for (let t = 0; t < T; t++) {
      for (let j = 0; j < stride; j++) {
        const prev = f[mem + j];
        const base = f32(f32(f32(beta) * prev) + f[cur + t * stride + j]);
        const reset = delayed ? prev > thr : base > thr;
        const u = mechanism === 0 ? (reset ? f32(base - thr) : base) : mechanism === 1 ? (reset ? 0 : base) : base;
        f[v + (t + 1) * stride + j] = delayed ? u : base;
        const fired = delayed ? u > thr : reset;
        f[mem + j] = u;
        if (fired) masks[mask + (t >> 5) * stride + j] |= 1 << (t & 31);
      }
    }
  },
  /**
   * For t = T−1…0: `carry = gm[t] + β·dI[t+1]`, `s = gs[t]·sg[t]`; delayed:
   * `dI[t] = v[t−1] > θ ? 0 : s + carry` under the zero reset, else `s + carry`;
   * immediate: `dI[t] = s + (v[t] > θ ? 0 : carry)` under the zero reset, else
   * `s + carry`. Row T of dI must be zero; `v` points at its zero row −1.
   */
  lifBackward(
    f: Float32Array,
    zero: boolean,
    delayed: boolean,
    dI: number,
    v: number,
    sg: number,
    gs: number,
    gm: number,
    stride: number,
    T: number,
    beta: number,
    threshold: number,
  ): void {
    const thr = f32(threshold);
    for (let t = T - 1; t >= 0; t--) {
      for (let j = 0; j < stride; j++) {
        const p = t * stride + j;
        const carry = f32(f[gm + p] + f32(f32(beta) * f[dI + p + stride]));
        const s = f32(f[gs + p] * f[sg + p]);
        let d: number;
        if (delayed) d = zero && f[v + p] > thr ? 0 : f32(s + carry);
        else d = f32(s + (zero && f[v + p + stride] > thr ? 0 : carry));
        f[dI + p] = d;
      }
    }
  },
};

// --- Kernel bodies (written with @snn/core's WebAssembly writer) -----------------------------------

const I32 = WASM_TYPE.i32;
const F32 = WASM_TYPE.f32;
const V128 = WASM_TYPE.v128;
const op = wasmOp;
const body = wasmFunctionBody;
const rowLoop = wasmRowLoop;

/** Loads the vector at `get(base) + get(offset)`. */
const loadSum = (base: number, offset: number): number[] => [...op.get(base), ...op.get(offset), ...op.add, ...op.load];

const loadAt = (p: number): number[] => [...op.get(p), ...op.load];

/** LIF forward: params (cur 0, v 1, mem 2, masks 3, stride 4, T 5, beta 6, thr 7). */
function lifForwardBody(mechanism: MechanismCode, delayed: boolean): number[] {
  const [cur, v, mem, masks, stride, T, beta, thr] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [t, j, rowBytes, wp, betav, thrv, bitv, prev, base, reset, u, fired] = [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
  const resetValue =
    mechanism === 0
      ? [...op.get(base), ...op.get(reset), ...op.get(thrv), ...op.and128, ...op.fsub]
      : mechanism === 1
        ? [...op.get(base), ...op.get(reset), ...op.andnot]
        : op.get(base);
  const store = (ptr: number, value: number[]): number[] => [...op.get(ptr), ...op.get(j), ...op.add, ...value, ...op.store];
  const lane = delayed
    ? [
        ...op.get(prev),
        ...op.get(thrv),
        ...op.gt,
        ...op.set(reset),
        ...resetValue,
        ...op.set(u),
        ...store(v, op.get(u)),
        ...op.get(u),
        ...op.get(thrv),
        ...op.gt,
        ...op.set(fired),
      ]
    : [
        ...store(v, op.get(base)),
        ...op.get(base),
        ...op.get(thrv),
        ...op.gt,
        ...op.tee(reset),
        ...op.set(fired),
        ...resetValue,
        ...op.set(u),
      ];
  return body(
    [I32, I32, I32, I32, V128, V128, V128, V128, V128, V128, V128, V128],
    [
      ...op.get(stride),
      ...op.i32(2),
      ...op.shl,
      ...op.set(rowBytes),
      ...op.get(beta),
      ...op.splat,
      ...op.set(betav),
      ...op.get(thr),
      ...op.splat,
      ...op.set(thrv),
      ...op.get(v),
      ...op.get(rowBytes),
      ...op.add,
      ...op.set(v), // skip the zero row −1
      ...op.i32(0),
      ...op.set(t),
      ...op.block,
      ...op.get(T),
      ...op.eqz,
      ...op.brIf(0),
      ...op.loop,
      // bit of step t in its mask word, and the word row
      ...op.i32(1),
      ...op.get(t),
      ...op.i32(31),
      ...op.and,
      ...op.shl,
      ...op.i32x4splat,
      ...op.set(bitv),
      ...op.get(masks),
      ...op.get(t),
      ...op.i32(5),
      ...op.shrU,
      ...op.get(rowBytes),
      ...op.mul,
      ...op.add,
      ...op.set(wp),
      ...op.i32(0),
      ...op.set(j),
      ...op.loop,
      ...loadSum(mem, j),
      ...op.set(prev),
      ...op.get(betav),
      ...op.get(prev),
      ...op.fmul,
      ...loadSum(cur, j),
      ...op.fadd,
      ...op.set(base),
      ...lane,
      ...store(mem, op.get(u)),
      ...store(wp, [...loadSum(wp, j), ...op.get(fired), ...op.get(bitv), ...op.and128, ...op.or128]),
      ...op.get(j),
      ...op.i32(16),
      ...op.add,
      ...op.tee(j),
      ...op.get(rowBytes),
      ...op.ltU,
      ...op.brIf(0),
      ...op.end,
      ...op.get(cur),
      ...op.get(rowBytes),
      ...op.add,
      ...op.set(cur),
      ...op.get(v),
      ...op.get(rowBytes),
      ...op.add,
      ...op.set(v),
      ...op.get(t),
      ...op.i32(1),
      ...op.add,
      ...op.tee(t),
      ...op.get(T),
      ...op.ltU,
      ...op.brIf(0),
      ...op.end,
      ...op.end,
    ],
  );
}

/** LIF backward: params (dI 0, v 1, sg 2, gs 3, gm 4, stride 5, T 6, beta 7, thr 8). */
function lifBackwardBody(zero: boolean, delayed: boolean): number[] {
  const [dI, v, sg, gs, gm, stride, T, beta, thr] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [t, j, rowBytes, p, betav, thrv, carry, spike] = [9, 10, 11, 12, 13, 14, 15, 16];
  // v + p is row t − 1 (v points at the zero row −1); v + p + rowBytes is row t.
  const gateRow = delayed ? [...loadSum(v, p)] : [...op.get(v), ...op.get(p), ...op.add, ...op.get(rowBytes), ...op.add, ...op.load];
  const gate = [...gateRow, ...op.get(thrv), ...op.gt];
  let value: number[];
  if (!zero) value = [...op.get(spike), ...op.get(carry), ...op.fadd];
  else if (delayed) value = [...op.get(spike), ...op.get(carry), ...op.fadd, ...gate, ...op.andnot];
  else value = [...op.get(spike), ...op.get(carry), ...gate, ...op.andnot, ...op.fadd];
  return body(
    [I32, I32, I32, I32, V128, V128, V128, V128],
    [
      ...op.get(stride),
      ...op.i32(2),
      ...op.shl,
      ...op.set(rowBytes),
      ...op.get(beta),
      ...op.splat,
      ...op.set(betav),
      ...op.get(thr),
      ...op.splat,
      ...op.set(thrv),
      ...op.get(T),
      ...op.set(t),
      ...op.block,
      ...op.get(T),
      ...op.eqz,
      ...op.brIf(0),
      ...op.loop,
      ...op.get(t),
      ...op.i32(1),
      ...op.sub,
      ...op.set(t),
      ...op.i32(0),
      ...op.set(j),
      ...op.loop,
      ...op.get(t),
      ...op.get(rowBytes),
      ...op.mul,
      ...op.get(j),
      ...op.add,
      ...op.set(p),
      ...loadSum(gm, p),
      ...op.get(betav),
      ...op.get(dI),
      ...op.get(p),
      ...op.add,
      ...op.get(rowBytes),
      ...op.add,
      ...op.load,
      ...op.fmul,
      ...op.fadd,
      ...op.set(carry),
      ...loadSum(gs, p),
      ...loadSum(sg, p),
      ...op.fmul,
      ...op.set(spike),
      ...op.get(dI),
      ...op.get(p),
      ...op.add,
      ...value,
      ...op.store,
      ...op.get(j),
      ...op.i32(16),
      ...op.add,
      ...op.tee(j),
      ...op.get(rowBytes),
      ...op.ltU,
      ...op.brIf(0),
      ...op.end,
      ...op.get(t),
      ...op.brIf(0),
      ...op.end,
      ...op.end,
    ],
  );
}

interface FunctionDef {
  readonly name: string;
  readonly type: number;
  readonly code: number[];
}

/** Builds the module bytes: one imported memory `env.memory` and the kernels of {@link SimdKernels}. */
function moduleBytes(): Uint8Array {
  const types = [
    [I32, I32, I32], // 0: (dst, src, n)
    [I32, I32, I32, I32], // 1: (dst, a, b, n)
    [I32, I32, F32, I32], // 2: (dst, src, alpha, n)
    [I32, I32, I32, F32, F32, F32], // 3: (dst, v, n, thr, a, b)
    [I32, I32, I32, F32, F32], // 4: (dst, v, n, thr, k)
    [I32, I32, I32, I32, I32, I32, F32, F32], // 5: lif forward
    [I32, I32, I32, I32, I32, I32, I32, F32, F32], // 6: lif backward
  ];
  const functions: FunctionDef[] = [
    { name: 'addRow', type: 0, code: rowLoop([0, 1], 2, 3, [], [...loadAt(0), ...loadAt(1), ...op.fadd]) },
    { name: 'subRow', type: 0, code: rowLoop([0, 1], 2, 3, [], [...loadAt(0), ...loadAt(1), ...op.fsub]) },
    { name: 'addDiff', type: 1, code: rowLoop([0, 1, 2], 3, 4, [], [...loadAt(0), ...loadAt(1), ...loadAt(2), ...op.fsub, ...op.fadd]) },
    { name: 'sumRows', type: 1, code: rowLoop([0, 1, 2], 3, 4, [], [...loadAt(1), ...loadAt(2), ...op.fadd]) },
    { name: 'axpy', type: 2, code: rowLoop([0, 1], 3, 4, [], [...loadAt(0), ...loadAt(1), ...op.get(2), ...op.splat, ...op.fmul, ...op.fadd]) },
    {
      // params (dst 0, v 1, n 2, thr 3, a 4, b 5); locals end 6, z 7
      name: 'surrogateAtan',
      type: 3,
      code: rowLoop([0, 1], 2, 6, [V128], [
        ...op.get(4),
        ...op.splat,
        ...op.f32(1),
        ...op.splat,
        ...op.get(5),
        ...op.splat,
        ...loadAt(1),
        ...op.get(3),
        ...op.splat,
        ...op.fsub,
        ...op.fmul,
        ...op.tee(7),
        ...op.get(7),
        ...op.fmul,
        ...op.fadd,
        ...op.fdiv,
      ]),
    },
    {
      // params (dst 0, v 1, n 2, thr 3, k 4); locals end 5, d 6
      name: 'surrogateFastSigmoid',
      type: 4,
      code: rowLoop([0, 1], 2, 5, [V128], [
        ...op.f32(1),
        ...op.splat,
        ...op.f32(1),
        ...op.splat,
        ...op.get(4),
        ...op.splat,
        ...loadAt(1),
        ...op.get(3),
        ...op.splat,
        ...op.fsub,
        ...op.fabs,
        ...op.fmul,
        ...op.fadd,
        ...op.tee(6),
        ...op.get(6),
        ...op.fmul,
        ...op.fdiv,
      ]),
    },
  ];
  for (const mechanism of [0, 1, 2] as const) {
    for (const delayed of [false, true]) functions.push({ name: `lifForward${mechanism}${delayed ? 1 : 0}`, type: 5, code: lifForwardBody(mechanism, delayed) });
  }
  for (const zero of [false, true]) {
    for (const delayed of [false, true]) functions.push({ name: `lifBackward${zero ? 1 : 0}${delayed ? 1 : 0}`, type: 6, code: lifBackwardBody(zero, delayed) });
  }
  return wasmModuleBytes(functions.map((f) => ({ name: f.name, params: types[f.type], body: f.code })));
}

let compiled: WasmModule | null = null;

/**
 * Instantiates the kernels over a new private memory of at least `bytes` bytes.
 * @throws `BackendError` when this JavaScript engine has no WebAssembly SIMD
 */
export function createSimdKernels(bytes: number): SimdKernels {
  compiled ??= compileWasm(moduleBytes(), 'bptt engine');
  const { memory, exports: e } = instantiateWasm(compiled, bytes, 'bptt engine');
  return {
    memory,
    addRow: e.addRow,
    subRow: e.subRow,
    addDiff: e.addDiff,
    sumRows: e.sumRows,
    axpy: e.axpy,
    surrogateAtan: e.surrogateAtan,
    surrogateFastSigmoid: e.surrogateFastSigmoid,
    lifForward: [0, 1, 2].map((m) => [e[`lifForward${m}0`], e[`lifForward${m}1`]] as const),
    lifBackward: [0, 1].map((z) => [e[`lifBackward${z}0`], e[`lifBackward${z}1`]] as const),
  };
}

/** target[to + j] += source[from + j] for j < n (unrolled by 4): adds a padded engine row into an unpadded array. */
export function addInto(target: Float32Array, to: number, source: Float32Array, from: number, n: number): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    target[to + j] += source[from + j];
    target[to + j + 1] += source[from + j + 1];
    target[to + j + 2] += source[from + j + 2];
    target[to + j + 3] += source[from + j + 3];
  }
  for (; j < n; j++) target[to + j] += source[from + j];
}
