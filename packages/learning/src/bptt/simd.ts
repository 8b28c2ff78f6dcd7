import { BackendError } from '@snn/core';

/** The parts of the WebAssembly JavaScript API used here (the project's TypeScript lib has no WebAssembly types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
  readonly Memory: new (descriptor: { initial: number }) => WasmMemory;
}

/**
 * Row kernels of the BPTT engine, in WebAssembly SIMD (f32x4), over one private memory.
 *
 * Every pointer is a byte offset into `memory`, 16-byte aligned; every length
 * `n` is a number of float32 values and a multiple of 4 (rows are padded).
 * Plain-TypeScript statements of each kernel are in {@link ROW_KERNEL_REFERENCE}.
 */
export interface RowKernels {
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
}

/**
 * The row kernels in plain TypeScript over a Float32Array (indices in floats): the specification the SIMD
 * code is tested against. Every arithmetic operation is rounded to float32, as f32x4 does.
 */
export const ROW_KERNEL_REFERENCE = {
  addRow(f: Float32Array, dst: number, src: number, n: number): void {
    for (let j = 0; j < n; j++) f[dst + j] += f[src + j];
  },
  subRow(f: Float32Array, dst: number, src: number, n: number): void {
    for (let j = 0; j < n; j++) f[dst + j] -= f[src + j];
  },
  addDiff(f: Float32Array, dst: number, a: number, b: number, n: number): void {
    for (let j = 0; j < n; j++) f[dst + j] += Math.fround(f[a + j] - f[b + j]);
  },
  sumRows(f: Float32Array, dst: number, a: number, b: number, n: number): void {
    for (let j = 0; j < n; j++) f[dst + j] = f[a + j] + f[b + j];
  },
  axpy(f: Float32Array, dst: number, src: number, alpha: number, n: number): void {
    for (let j = 0; j < n; j++) f[dst + j] += Math.fround(Math.fround(alpha) * f[src + j]);
  },
};

// --- A minimal WebAssembly binary writer -------------------------------------------------------

function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

function vector(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

const I32 = 0x7f;
const F32 = 0x7d;
const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  i32: (v: number) => [0x41, ...uleb(v)], // small non-negative constants only (< 64)
  add: [0x6a],
  shl: [0x74],
  ltU: [0x49],
  geU: [0x4f],
  // SIMD (prefix 0xfd), memarg: align 2^4, offset 0
  load: [0xfd, ...uleb(0x00), 4, 0],
  store: [0xfd, ...uleb(0x0b), 4, 0],
  splat: [0xfd, ...uleb(0x13)],
  fadd: [0xfd, ...uleb(0xe4)],
  fsub: [0xfd, ...uleb(0xe5)],
  fmul: [0xfd, ...uleb(0xe6)],
};

/**
 * A function that walks `pointers` (the first is the destination) 16 bytes at
 * a time until the destination reaches `dst + 4·n`; `body` leaves the new
 * destination vector on the stack. Parameter `count` is the index of `n`.
 */
function rowLoop(pointers: number[], count: number, body: number[]): number[] {
  const end = count + 1; // the one local, after the parameters (count is the last parameter)
  const code = [
    ...op.get(pointers[0]),
    ...op.get(count),
    ...op.i32(2),
    ...op.shl,
    ...op.add,
    ...op.set(end),
    ...op.block,
    ...op.get(pointers[0]),
    ...op.get(end),
    ...op.geU,
    ...op.brIf(0),
    ...op.loop,
    ...op.get(pointers[0]),
    ...body,
    ...op.store,
    ...pointers.flatMap((p) => [...op.get(p), ...op.i32(16), ...op.add, ...op.set(p)]),
    ...op.get(pointers[0]),
    ...op.get(end),
    ...op.ltU,
    ...op.brIf(0),
    ...op.end,
    ...op.end,
    ...op.end,
  ];
  const locals = vector([[1, I32]]);
  const fn = [...locals, ...code];
  return [...uleb(fn.length), ...fn];
}

const loadAt = (p: number): number[] => [...op.get(p), ...op.load];

/** Builds the module bytes: one imported memory `env.memory` and the five exports of {@link RowKernels}. */
function moduleBytes(): Uint8Array {
  const types = [
    [0x60, ...vector([[I32], [I32], [I32]]), 0x00], // (dst, src, n)
    [0x60, ...vector([[I32], [I32], [I32], [I32]]), 0x00], // (dst, a, b, n)
    [0x60, ...vector([[I32], [I32], [F32], [I32]]), 0x00], // (dst, src, alpha, n)
  ];
  const functions: { name: string; type: number; code: number[] }[] = [
    { name: 'addRow', type: 0, code: rowLoop([0, 1], 2, [...loadAt(0), ...loadAt(1), ...op.fadd]) },
    { name: 'subRow', type: 0, code: rowLoop([0, 1], 2, [...loadAt(0), ...loadAt(1), ...op.fsub]) },
    { name: 'addDiff', type: 1, code: rowLoop([0, 1, 2], 3, [...loadAt(0), ...loadAt(1), ...loadAt(2), ...op.fsub, ...op.fadd]) },
    { name: 'sumRows', type: 1, code: rowLoop([0, 1, 2], 3, [...loadAt(1), ...loadAt(2), ...op.fadd]) },
    // axpy: params (dst 0, src 1, alpha 2, n 3); the loop's end local is 4.
    { name: 'axpy', type: 2, code: rowLoop([0, 1], 3, [...loadAt(0), ...loadAt(1), ...op.get(2), ...op.splat, ...op.fmul, ...op.fadd]) },
  ];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vector(functions.map((f) => uleb(f.type)))),
    ...section(7, vector(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vector(functions.map((f) => f.code))),
  ];
  return new Uint8Array(bytes);
}

let compiled: object | null = null;

/**
 * Instantiates the row kernels over a new private memory of at least `bytes` bytes.
 * @throws `BackendError` when this JavaScript engine has no WebAssembly SIMD
 */
export function createRowKernels(bytes: number): RowKernels {
  try {
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    compiled ??= new wasm.Module(moduleBytes());
    const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
    const instance = new wasm.Instance(compiled, { env: { memory } });
    const e = instance.exports as unknown as Omit<RowKernels, 'memory'>;
    return { memory, addRow: e.addRow, subRow: e.subRow, addDiff: e.addDiff, sumRows: e.sumRows, axpy: e.axpy };
  } catch (error) {
    throw new BackendError('WebAssembly SIMD is not available', {
      field: 'bptt engine',
      expected: 'a JavaScript engine with WebAssembly SIMD (Node ≥ 16.4)',
      found: error instanceof Error ? error.message : String(error),
      cause: error,
    });
  }
}
