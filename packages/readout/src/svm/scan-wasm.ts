import { WASM_TYPE, type WasmInstance, type WasmModule, compileWasm, instantiateWasm, wasmFunctionBody, wasmModuleBytes, wasmOp as op } from '@snn/core';

/** The non-zero entries of float32 rows: what {@link scanRows} returns. */
export interface ScannedRows {
  /** Start of each row's entries, `[rows + 1]`. */
  readonly offsets: Uint32Array;
  /** Column of each entry. */
  readonly indices: Uint32Array;
  /** Value of each entry. */
  readonly values: Float32Array;
  /** Flat index of the first non-finite value (NaN, ±∞), or −1; the scan stops there. */
  readonly notFinite: number;
}

const { i32: I32, f32: F32, v128: V128 } = WASM_TYPE;
// scan(src, n, outIdx, outVal) -> entries found, or −(position + 1) of a non-finite value
const P = { src: 0, n: 1, outIdx: 2, outVal: 3 } as const;
const L = { p: 4, end: 5, vecEnd: 6, count: 7, x: 8, zero: 9 } as const;
const f32ne = [0x5c];
const f32sub = [0x93];
const f32store = [0x38, 2, 0];
const f32x4ne = [0xfd, 0x42];
const ret = [0x0f];
const get = op.get;
const set = op.set;

/** One float at byte `p + 4·lane`: a non-zero is checked for finiteness and appended. */
function element(lane: number): number[] {
  const position = [...get(L.p), ...get(P.src), ...op.sub, ...op.i32(2), ...op.shrU, ...op.i32(lane), ...op.add];
  return [
    ...[...get(L.p), ...op.f32load(4 * lane), ...op.tee(L.x), ...op.f32(0), ...f32ne, ...op.if],
    // x − x is 0 for finite x, NaN for NaN and ±∞
    ...[...get(L.x), ...get(L.x), ...f32sub, ...op.f32(0), ...f32ne, ...op.if, ...op.i32(-1), ...position, ...op.sub, ...ret, ...op.end],
    ...[...get(P.outIdx), ...get(L.count), ...op.i32(2), ...op.shl, ...op.add, ...position, ...op.i32store(0)],
    ...[...get(P.outVal), ...get(L.count), ...op.i32(2), ...op.shl, ...op.add, ...get(L.x), ...f32store],
    ...[...get(L.count), ...op.i32(1), ...op.add, ...set(L.count)],
    ...op.end,
  ];
}

function scanBody(): number[] {
  return wasmFunctionBody(
    [I32, I32, I32, I32, F32, V128],
    [
      ...[...op.f32(0), ...op.splat, ...set(L.zero)],
      ...[...get(P.src), ...get(P.n), ...op.i32(2), ...op.shl, ...op.add, ...set(L.end)],
      ...[...get(P.src), ...get(P.n), ...op.i32(-4), ...op.and, ...op.i32(2), ...op.shl, ...op.add, ...set(L.vecEnd)],
      ...[...get(P.src), ...set(L.p)],
      // four floats at a time: only a group with a non-zero lane is looked at lane by lane
      ...op.block,
      ...op.loop,
      ...[...get(L.p), ...get(L.vecEnd), ...op.geU, ...op.brIf(1)],
      ...[...get(L.p), ...op.load, ...get(L.zero), ...f32x4ne, ...op.anyTrue, ...op.if],
      ...[0, 1, 2, 3].flatMap(element),
      ...op.end,
      ...[...get(L.p), ...op.i32(16), ...op.add, ...set(L.p)],
      ...op.br(0),
      ...op.end,
      ...op.end,
      ...op.block,
      ...op.loop,
      ...[...get(L.p), ...get(L.end), ...op.geU, ...op.brIf(1)],
      ...element(0),
      ...[...get(L.p), ...op.i32(4), ...op.add, ...set(L.p)],
      ...op.br(0),
      ...op.end,
      ...op.end,
      ...get(L.count),
    ],
  );
}

let compiled: WasmModule | null = null;
/** Floats per chunk copied into the scan's memory (1 MiB). */
const CHUNK = 1 << 18;

/**
 * The non-zero entries of a row-major float32 matrix, row by row, by a WebAssembly SIMD scan (four floats
 * compared with zero at once); rows are copied in chunks of about 1 MiB into the scan's memory. ±0 count as
 * zero. @internal
 */
export function scanRows(data: Float32Array, rows: number, columns: number): ScannedRows {
  compiled ??= compileWasm(wasmModuleBytes([{ name: 'scan', params: [I32, I32, I32, I32], results: [I32], body: scanBody() }]), 'LinearSvm');
  const chunkRows = Math.max(1, Math.floor(CHUNK / columns));
  const chunkFloats = Math.ceil((chunkRows * columns) / 4) * 4;
  const instance: WasmInstance = instantiateWasm(compiled, 12 * chunkFloats, 'LinearSvm');
  const scan = instance.exports.scan as unknown as (src: number, n: number, outIdx: number, outVal: number) => number;
  const buffer = instance.memory.buffer;
  const input = new Float32Array(buffer, 0, chunkFloats);
  const outIdx = new Int32Array(buffer, 4 * chunkFloats, chunkFloats);
  const outVal = new Float32Array(buffer, 8 * chunkFloats, chunkFloats);
  const offsets = new Uint32Array(rows + 1);
  let indices = new Uint32Array(Math.max(16, data.length >>> 5));
  let values = new Float32Array(indices.length);
  let k = 0;
  for (let r0 = 0; r0 < rows; r0 += chunkRows) {
    const r1 = Math.min(rows, r0 + chunkRows);
    input.set(data.subarray(r0 * columns, r1 * columns));
    for (let r = r0; r < r1; r++) {
      const found = scan(4 * (r - r0) * columns, columns, 4 * chunkFloats, 8 * chunkFloats);
      if (found < 0) return { offsets, indices: indices.subarray(0, k), values: values.subarray(0, k), notFinite: r * columns - found - 1 };
      offsets[r] = k;
      if (k + found > indices.length) {
        const size = Math.max(2 * indices.length, k + found);
        const grownIndices = new Uint32Array(size);
        grownIndices.set(indices.subarray(0, k));
        indices = grownIndices;
        const grownValues = new Float32Array(size);
        grownValues.set(values.subarray(0, k));
        values = grownValues;
      }
      indices.set(outIdx.subarray(0, found), k);
      values.set(outVal.subarray(0, found), k);
      k += found;
    }
  }
  offsets[rows] = k;
  return { offsets, indices: indices.subarray(0, k), values: values.subarray(0, k), notFinite: -1 };
}
