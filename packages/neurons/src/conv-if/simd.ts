import { WASM_TYPE, type WasmMemory, type WasmModule, compileWasm, instantiateWasm, wasmFunctionBody, wasmModuleBytes, wasmOp as op, wasmRowLoop } from '@snn/core';

/** The event-driven conv layer's WebAssembly SIMD kernels over one private memory (byte offsets, 16-byte aligned). */
export interface ConvSimd {
  /** The private memory: potentials `[positions, rowFloats]` at byte 0, then whatever the layer places after them. */
  readonly memory: WasmMemory;
  /** `dst[j] += src[j]` for `n` float32 values (a multiple of 4), each lane rounded as a scalar float32 addition. */
  readonly addRow: (dst: number, src: number, n: number) => void;
  /**
   * Keeps, in place and in order, the positions of the int32 list at byte offset `list` (`count` entries) whose
   * potential row (`rowBytes` bytes at byte `position · rowBytes`) has a lane `> threshold`; returns how many.
   */
  readonly rowsAbove: (list: number, count: number, rowBytes: number, threshold: number) => number;
}

const I32 = WASM_TYPE.i32;

/** rowsAbove: params (list 0, count 1, rowBytes 2, thr 3); locals i 4, kept 5, p 6, end 7, pos 8, thrv 9, acc 10. */
function rowsAboveBody(): number[] {
  const [list, count, rowBytes, thr, i, kept, p, end, pos, thrv, acc] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  return wasmFunctionBody(
    [I32, I32, I32, I32, I32, WASM_TYPE.v128, WASM_TYPE.v128],
    [
      ...op.get(thr),
      ...op.splat,
      ...op.set(thrv),
      ...op.block,
      ...op.get(count),
      ...op.eqz,
      ...op.brIf(0),
      ...op.loop,
      ...[...op.get(list), ...op.get(i), ...op.i32(2), ...op.shl, ...op.add, ...op.i32load(0), ...op.tee(pos)],
      ...[...op.get(rowBytes), ...op.mul, ...op.tee(p), ...op.get(rowBytes), ...op.add, ...op.set(end)],
      ...[...op.get(p), ...op.load, ...op.get(thrv), ...op.gt, ...op.set(acc)],
      ...[...op.get(p), ...op.i32(16), ...op.add, ...op.set(p)],
      ...op.block,
      ...[...op.get(p), ...op.get(end), ...op.geU, ...op.brIf(0)],
      ...op.loop,
      ...[...op.get(acc), ...op.get(p), ...op.load, ...op.get(thrv), ...op.gt, ...op.or128, ...op.set(acc)],
      ...[...op.get(p), ...op.i32(16), ...op.add, ...op.tee(p), ...op.get(end), ...op.ltU, ...op.brIf(0)],
      ...op.end,
      ...op.end,
      ...[...op.get(acc), ...op.anyTrue, ...op.if],
      ...[...op.get(list), ...op.get(kept), ...op.i32(2), ...op.shl, ...op.add, ...op.get(pos), ...op.i32store(0)],
      ...[...op.get(kept), ...op.i32(1), ...op.add, ...op.set(kept)],
      ...op.end,
      ...[...op.get(i), ...op.i32(1), ...op.add, ...op.tee(i), ...op.get(count), ...op.ltU, ...op.brIf(0)],
      ...op.end,
      ...op.end,
      ...op.get(kept),
    ],
  );
}

let compiled: WasmModule | null = null;

/**
 * Instantiates the kernels of {@link ConvSimd} over a new memory of at least `bytes` bytes.
 * @throws `BackendError` when this JavaScript engine has no WebAssembly SIMD
 */
export function createConvSimd(bytes: number): ConvSimd {
  compiled ??= compileWasm(
    wasmModuleBytes([
      { name: 'addRow', params: [I32, I32, I32], body: wasmRowLoop([0, 1], 2, 3, [], [...op.get(0), ...op.load, ...op.get(1), ...op.load, ...op.fadd]) },
      { name: 'rowsAbove', params: [I32, I32, I32, WASM_TYPE.f32], results: [I32], body: rowsAboveBody() },
    ]),
    'SpikingConvLayer',
  );
  const { memory, exports } = instantiateWasm(compiled, bytes, 'SpikingConvLayer');
  return { memory, addRow: exports.addRow, rowsAbove: exports.rowsAbove };
}

/** The largest float32 ≤ `value` (value > 0): a float32 comparison `v > f` then never misses a `v > value`. */
export function float32AtMost(value: number): number {
  const f = Math.fround(value);
  if (f <= value) return f;
  const bits = new Int32Array(new Float32Array([f]).buffer);
  bits[0]--;
  return new Float32Array(bits.buffer)[0];
}
