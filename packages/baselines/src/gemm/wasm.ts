import { BackendError } from '@snn/core';

/** The parts of the WebAssembly JavaScript API used here (the project's TypeScript lib has no WebAssembly types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
  readonly Memory: new (descriptor: { initial: number }) => WasmMemory;
}

/** Rows of the register tile of the micro-kernel. */
export const TILE_ROWS = 4;
/** Columns of the register tile of the micro-kernel (two f32x4 vectors). */
export const TILE_COLS = 8;

/**
 * `(ap, bp, cp, kc, ldcBytes)`: adds the product of a packed A micro-panel
 * (`kc × TILE_ROWS`, k-major: `A[k][r]` at `ap + 4·(k·TILE_ROWS + r)`) and a
 * packed B micro-panel (`kc × TILE_COLS`, `B[k][c]` at `bp + 4·(k·TILE_COLS + c)`)
 * into the C tile at `cp` (row stride `ldcBytes`). Byte pointers into the memory.
 */
export type MicroKernel = (ap: number, bp: number, cp: number, kc: number, ldcBytes: number) => void;

/** The GEMM micro-kernel and its memory. */
export interface GemmWasm {
  /** The private memory the kernel reads and writes. */
  readonly memory: WasmMemory;
  /** The micro-kernel; see {@link MicroKernel}. */
  readonly kernel: MicroKernel;
}

// --- A minimal WebAssembly binary writer (as packages/learning/src/bptt/simd.ts) ---------------

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
const V128 = 0x7b;
const simd = (code: number): number[] => [0xfd, ...uleb(code)];
const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  get: (i: number) => [0x20, ...uleb(i)],
  set: (i: number) => [0x21, ...uleb(i)],
  tee: (i: number) => [0x22, ...uleb(i)],
  i32: (v: number) => [0x41, ...uleb(v)], // small non-negative constants only (uleb = sleb below 64)
  add: [0x6a],
  sub: [0x6b],
  f32load: (offset: number) => [0x2a, 2, ...uleb(offset)],
  vload: (offset: number) => [...simd(0x00), 4, ...uleb(offset)],
  vstore: (offset: number) => [...simd(0x0b), 4, ...uleb(offset)],
  splat: simd(0x13), // f32x4.splat
  fadd: simd(0xe4),
  fmul: simd(0xe6),
};

/** The micro-kernel body: params (ap 0, bp 1, cp 2, kc 3, ldc 4); locals row pointers, a, b vectors, accumulators. */
function microKernelBody(): number[] {
  const [ap, bp, cp, kc, ldc] = [0, 1, 2, 3, 4];
  const rowPtr = (r: number): number => (r === 0 ? cp : 4 + r); // locals 5.. hold rows 1..TILE_ROWS−1
  const firstVector = 5 + (TILE_ROWS - 1);
  const a = firstVector;
  const b = [firstVector + 1, firstVector + 2];
  const acc = (r: number, c: number): number => firstVector + 3 + r * 2 + c;
  const locals = [...Array(TILE_ROWS - 1).fill(I32), ...Array(3 + 2 * TILE_ROWS).fill(V128)];
  const code: number[] = [];
  for (let r = 1; r < TILE_ROWS; r++) code.push(...op.get(rowPtr(r - 1)), ...op.get(ldc), ...op.add, ...op.set(rowPtr(r)));
  for (let r = 0; r < TILE_ROWS; r++) {
    for (let c = 0; c < 2; c++) code.push(...op.get(rowPtr(r)), ...op.vload(16 * c), ...op.set(acc(r, c)));
  }
  code.push(...op.loop);
  code.push(...op.get(bp), ...op.vload(0), ...op.set(b[0]), ...op.get(bp), ...op.vload(16), ...op.set(b[1]));
  for (let r = 0; r < TILE_ROWS; r++) {
    code.push(...op.get(ap), ...op.f32load(4 * r), ...op.splat, ...op.set(a));
    for (let c = 0; c < 2; c++) code.push(...op.get(acc(r, c)), ...op.get(a), ...op.get(b[c]), ...op.fmul, ...op.fadd, ...op.set(acc(r, c)));
  }
  code.push(...op.get(ap), ...op.i32(4 * TILE_ROWS), ...op.add, ...op.set(ap));
  code.push(...op.get(bp), ...op.i32(4 * TILE_COLS), ...op.add, ...op.set(bp));
  code.push(...op.get(kc), ...op.i32(1), ...op.sub, ...op.tee(kc), ...op.brIf(0), ...op.end);
  for (let r = 0; r < TILE_ROWS; r++) {
    for (let c = 0; c < 2; c++) code.push(...op.get(rowPtr(r)), ...op.get(acc(r, c)), ...op.vstore(16 * c));
  }
  const fn = [...vector(locals.map((type) => [1, type])), ...code, ...op.end];
  return [...uleb(fn.length), ...fn];
}

function moduleBytes(): Uint8Array {
  const types = [[0x60, ...vector([[I32], [I32], [I32], [I32], [I32]]), 0x00]];
  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vector([uleb(0)])),
    ...section(7, vector([[...name('gemm'), 0x00, ...uleb(0)]])),
    ...section(10, vector([microKernelBody()])),
  ];
  return new Uint8Array(bytes);
}

let compiled: object | null = null;

/**
 * Instantiates the GEMM micro-kernel over a new private memory of at least `bytes` bytes.
 * @throws `BackendError` when this JavaScript engine has no WebAssembly SIMD
 */
export function createGemmWasm(bytes: number): GemmWasm {
  try {
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    compiled ??= new wasm.Module(moduleBytes());
    const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
    const e = new wasm.Instance(compiled, { env: { memory } }).exports as Record<string, never>;
    return { memory, kernel: e.gemm };
  } catch (error) {
    throw new BackendError('WebAssembly SIMD is not available', {
      field: 'gemm',
      expected: 'a JavaScript engine with WebAssembly SIMD (Node ≥ 16.4)',
      found: error instanceof Error ? error.message : String(error),
      cause: error,
    });
  }
}
