import { WASM_TYPE, type WasmMemory, type WasmModule, compileWasm, instantiateWasm, wasmFunctionBody, wasmModuleBytes, wasmOp } from '@snn/core';

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

const I32 = WASM_TYPE.i32;
const V128 = WASM_TYPE.v128;
const op = wasmOp;

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
  return wasmFunctionBody(locals, code);
}

let compiled: WasmModule | null = null;

/**
 * Instantiates the GEMM micro-kernel over a new private memory of at least `bytes` bytes.
 * @throws `BackendError` when this JavaScript engine has no WebAssembly SIMD
 */
export function createGemmWasm(bytes: number): GemmWasm {
  compiled ??= compileWasm(wasmModuleBytes([{ name: 'gemm', params: [I32, I32, I32, I32, I32], body: microKernelBody() }]), 'gemm');
  const { memory, exports } = instantiateWasm(compiled, bytes, 'gemm');
  return { memory, kernel: exports.gemm };
}
