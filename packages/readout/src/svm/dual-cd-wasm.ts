import { WASM_TYPE, type WasmInstance, type WasmModule, compileWasm, instantiateWasm, wasmFunctionBody, wasmModuleBytes, wasmOp as op } from '@snn/core';

/**
 * How the rows of a problem lie in the solver's memory: `binary` compressed rows whose values are all 1 (column
 * indices only), `sparse` compressed rows (indices and float32 values), `dense` full float32 rows.
 */
export type DualCdLayout = 'binary' | 'sparse' | 'dense';

/** The rows of a problem as both solvers read them. @internal */
export interface SolverRows {
  /** How they are stored. */
  readonly layout: DualCdLayout;
  /** Start of each row in `indices`/`values`, `[rows + 1]` (dense: `r · columns`). */
  readonly offsets: Uint32Array;
  /** Column of each stored entry (binary and sparse; empty for dense). */
  readonly indices: Uint32Array;
  /** Value of each stored entry (sparse: one per index, dense: `rows · columns`, binary: empty), float32 values. */
  readonly values: Float32Array | Float64Array;
}

/** A binary problem's inputs for {@link DualCdSolver.solve}. */
export interface DualCdProblem {
  /** ±1 per row. */
  readonly y: Int8Array;
  /** `0.5 / C`. */
  readonly diag: number;
  /** Value of the constant feature (0: no intercept). */
  readonly bias: number;
  /** Most passes. */
  readonly maxIter: number;
  /** Tolerance on the projected-gradient gap. */
  readonly tol: number;
  /** Seed of the inline xorshift32 of the coordinate order (odd, non-zero). */
  readonly state: number;
}

/** What {@link DualCdSolver.solve} returns: the weights (last entry: the constant feature's) and the passes. */
export interface DualCdResult {
  /** Weights `[columns + 1]`, float64. */
  readonly w: Float64Array;
  /** Passes made. */
  readonly iterations: number;
  /** Whether the tolerance was reached before `maxIter`. */
  readonly converged: boolean;
}

const { i32: I32, f64: F64 } = WASM_TYPE;

// Parameters of `solve` and its locals, by index.
const P = { rows: 0, cols: 1, maxIter: 2, state: 3, bias: 4, diag: 5, tol: 6, w: 7, y: 8, qd: 9, alpha: 10, index: 11, offsets: 12, indices: 13, values: 14, out: 15 } as const;
const PARAMS = [I32, I32, I32, I32, F64, F64, F64, I32, I32, I32, I32, I32, I32, I32, I32, I32];
const L = { iter: 16, active: 17, i: 18, j: 19, t: 20, s: 21, row: 22, p: 23, end: 24, converged: 25, wp: 26, delta: 27 } as const;
const F = { pgMaxOld: 28, pgMaxNew: 29, pgMinNew: 30, wBias: 31, d0: 32, d1: 33, d2: 34, d3: 35, yi: 36, a: 37, G: 38, pg: 39, next: 40, d: 41 } as const;
const LOCALS = [...Array(12).fill(I32), ...Array(14).fill(F64)];

const get = op.get;
const set = op.set;
/** Byte address `base + (index code) << shift`. */
const addr = (base: number, index: number[], shift: number): number[] => [...get(base), ...index, ...op.i32(shift), ...op.shl, ...op.add];
const inc = (local: number, by: number): number[] => [...get(local), ...op.i32(by), ...op.add, ...set(local)];

/** `w[index at byte p + off]` (binary and sparse rows). */
const wAt = (off: number): number[] => [...addr(P.w, [...get(L.p), ...op.i32load(off)], 3), ...op.f64load(0)];
/** float64 of the float32 value beside the index at byte p + off (sparse: values lie `delta` bytes after the indices). */
const valueAt = (off: number): number[] => [...get(L.p), ...get(L.delta), ...op.add, ...op.f32load(off), ...op.f64FromF32];
/** dense: `w[c] · x[c]` with w at byte wp + 8·lane and x at byte p + 4·lane. */
const denseTerm = (lane: number): number[] => [...get(L.wp), ...op.f64load(8 * lane), ...get(L.p), ...op.f32load(4 * lane), ...op.f64FromF32, ...op.f64mul];

/** One term of the dot product for lane 0…3 of a step of four. */
function term(layout: DualCdLayout, lane: number): number[] {
  if (layout === 'binary') return wAt(4 * lane);
  if (layout === 'sparse') return [...wAt(4 * lane), ...valueAt(4 * lane), ...op.f64mul];
  return denseTerm(lane);
}

/** Advances the row pointers by `n` entries. */
function advance(layout: DualCdLayout, n: number): number[] {
  return layout === 'dense' ? [...inc(L.p, 4 * n), ...inc(L.wp, 8 * n)] : inc(L.p, 4 * n);
}

/** Sets p (and wp) to the start of row `row` and `end` to one past its last entry (byte addresses). */
function rowBounds(layout: DualCdLayout): number[] {
  if (layout === 'dense') {
    return [
      ...[...get(P.values), ...get(L.row), ...get(P.cols), ...op.mul, ...op.i32(2), ...op.shl, ...op.add, ...op.tee(L.p)],
      ...[...get(P.cols), ...op.i32(2), ...op.shl, ...op.add, ...set(L.end)],
      ...[...get(P.w), ...set(L.wp)],
    ];
  }
  const offsetAt = (off: number): number[] => [...addr(P.offsets, get(L.row), 2), ...op.i32load(off)];
  return [...addr(P.indices, offsetAt(0), 2), ...set(L.p), ...addr(P.indices, offsetAt(4), 2), ...set(L.end)];
}

/** `w[…] += d · x[…]` over the row (p … end). */
function update(layout: DualCdLayout): number[] {
  let target: number[];
  let added: number[];
  if (layout === 'dense') {
    target = get(L.wp);
    added = [...get(F.d), ...get(L.p), ...op.f32load(0), ...op.f64FromF32, ...op.f64mul];
  } else {
    target = addr(P.w, [...get(L.p), ...op.i32load(0)], 3);
    added = layout === 'binary' ? get(F.d) : [...get(F.d), ...valueAt(0), ...op.f64mul];
  }
  return [
    ...rowBounds(layout),
    ...op.block,
    ...[...get(L.p), ...get(L.end), ...op.geU, ...op.brIf(0)],
    ...op.loop,
    ...[...target, ...set(L.t)],
    ...[...get(L.t), ...get(L.t), ...op.f64load(0), ...added, ...op.f64add, ...op.f64store(0)],
    ...advance(layout, 1),
    ...[...get(L.p), ...get(L.end), ...op.ltU, ...op.brIf(0)],
    ...op.end,
    ...op.end,
  ];
}

/** `dot = wᵀx_row + wBias·bias` with four partial sums, in the order of the TypeScript solver. */
function dot(layout: DualCdLayout): number[] {
  const lanes = [F.d0, F.d1, F.d2, F.d3];
  return [
    ...rowBounds(layout),
    ...[...get(F.wBias), ...get(P.bias), ...op.f64mul, ...set(F.d0)],
    ...[...op.f64(0), ...set(F.d1), ...op.f64(0), ...set(F.d2), ...op.f64(0), ...set(F.d3)],
    // steps of four while p + 12 < end (k + 3 < end)
    ...op.block,
    ...op.loop,
    ...[...get(L.p), ...op.i32(12), ...op.add, ...get(L.end), ...op.geU, ...op.brIf(1)],
    ...lanes.flatMap((d, lane) => [...get(d), ...term(layout, lane), ...op.f64add, ...set(d)]),
    ...advance(layout, 4),
    ...op.br(0),
    ...op.end,
    ...op.end,
    // the rest into d0
    ...op.block,
    ...op.loop,
    ...[...get(L.p), ...get(L.end), ...op.geU, ...op.brIf(1)],
    ...[...get(F.d0), ...term(layout, 0), ...op.f64add, ...set(F.d0)],
    ...advance(layout, 1),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
}

/** The index array entry at position `pos` (code) as an address. */
const indexAddr = (pos: number[]): number[] => addr(P.index, pos, 2);

/** The solver of {@link solveDualCd}'s TypeScript twin (`solveBinary` in linear-svm.ts), for one row layout. */
function solveBody(layout: DualCdLayout): number[] {
  const shuffle = [
    ...[...op.i32(0), ...set(L.i)],
    ...op.block,
    ...op.loop,
    ...[...get(L.i), ...get(L.active), ...op.geS, ...op.brIf(1)],
    // xorshift32
    ...[...get(P.state), ...get(P.state), ...op.i32(13), ...op.shl, ...op.xor, ...set(P.state)],
    ...[...get(P.state), ...get(P.state), ...op.i32(17), ...op.shrU, ...op.xor, ...set(P.state)],
    ...[...get(P.state), ...get(P.state), ...op.i32(5), ...op.shl, ...op.xor, ...set(P.state)],
    // j = i + floor(u32(state) · 2⁻³² · (active − i))
    ...[...get(L.i), ...get(P.state), ...op.f64FromU32, ...op.f64(2.3283064365386963e-10), ...op.f64mul],
    ...[...get(L.active), ...get(L.i), ...op.sub, ...op.f64FromI32, ...op.f64mul, ...op.f64floor, ...op.i32FromF64, ...op.add, ...set(L.j)],
    ...[...indexAddr(get(L.i)), ...op.i32load(0), ...set(L.t)],
    ...[...indexAddr(get(L.i)), ...indexAddr(get(L.j)), ...op.i32load(0), ...op.i32store(0)],
    ...[...indexAddr(get(L.j)), ...get(L.t), ...op.i32store(0)],
    ...inc(L.i, 1),
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
  const coordinate = [
    ...[...indexAddr(get(L.s)), ...op.i32load(0), ...set(L.row)],
    ...[...addr(P.y, get(L.row), 3), ...op.f64load(0), ...set(F.yi)],
    ...dot(layout),
    ...[...addr(P.alpha, get(L.row), 3), ...op.f64load(0), ...set(F.a)],
    // G = yi·dot − 1 + a·diag
    ...[...get(F.yi), ...get(F.d0), ...get(F.d1), ...op.f64add, ...get(F.d2), ...get(F.d3), ...op.f64add, ...op.f64add, ...op.f64mul],
    ...[...op.f64(1), ...op.f64sub, ...get(F.a), ...get(P.diag), ...op.f64mul, ...op.f64add, ...set(F.G)],
    ...[...op.f64(0), ...set(F.pg)],
    ...[...get(F.a), ...op.f64(0), ...op.f64eq, ...op.if],
    // shrinking: α = 0 and G above last pass's largest projected gradient: drop the row from the active set
    ...[...get(F.G), ...get(F.pgMaxOld), ...op.f64gt, ...op.if],
    ...[...get(L.active), ...op.i32(1), ...op.sub, ...set(L.active)],
    ...[...indexAddr(get(L.s)), ...indexAddr(get(L.active)), ...op.i32load(0), ...op.i32store(0)],
    ...[...indexAddr(get(L.active)), ...get(L.row), ...op.i32store(0)],
    ...op.br(2),
    ...op.end,
    ...[...get(F.G), ...op.f64(0), ...op.f64lt, ...op.if, ...get(F.G), ...set(F.pg), ...op.end],
    ...op.else,
    ...[...get(F.G), ...set(F.pg)],
    ...op.end,
    ...[...get(F.pg), ...get(F.pgMaxNew), ...get(F.pg), ...get(F.pgMaxNew), ...op.f64gt, ...op.select, ...set(F.pgMaxNew)],
    ...[...get(F.pg), ...get(F.pgMinNew), ...get(F.pg), ...get(F.pgMinNew), ...op.f64lt, ...op.select, ...set(F.pgMinNew)],
    ...[...get(F.pg), ...op.f64(1e-12), ...op.f64gt, ...get(F.pg), ...op.f64(-1e-12), ...op.f64lt, ...op.or, ...op.if],
    ...[...get(F.a), ...get(F.G), ...addr(P.qd, get(L.row), 3), ...op.f64load(0), ...op.f64div, ...op.f64sub, ...op.f64(0), ...op.f64max, ...set(F.next)],
    ...[...addr(P.alpha, get(L.row), 3), ...get(F.next), ...op.f64store(0)],
    ...[...get(F.next), ...get(F.a), ...op.f64sub, ...get(F.yi), ...op.f64mul, ...set(F.d)],
    ...update(layout),
    ...[...get(F.wBias), ...get(F.d), ...get(P.bias), ...op.f64mul, ...op.f64add, ...set(F.wBias)],
    ...op.end,
    ...inc(L.s, 1),
  ];
  const pass = [
    ...[...op.i32(0), ...set(L.s)],
    ...op.block,
    ...op.loop,
    ...[...get(L.s), ...get(L.active), ...op.geS, ...op.brIf(1)],
    ...coordinate,
    ...op.br(0),
    ...op.end,
    ...op.end,
  ];
  return wasmFunctionBody(LOCALS, [
    ...[...get(P.rows), ...set(L.active)],
    ...[...op.f64(Number.POSITIVE_INFINITY), ...set(F.pgMaxOld)],
    ...(layout === 'sparse' ? [...get(P.values), ...get(P.indices), ...op.sub, ...set(L.delta)] : []),
    ...op.block,
    ...op.loop,
    ...[...get(L.iter), ...get(P.maxIter), ...op.geS, ...op.brIf(1)],
    ...[...op.f64(Number.NEGATIVE_INFINITY), ...set(F.pgMaxNew), ...op.f64(Number.POSITIVE_INFINITY), ...set(F.pgMinNew)],
    ...shuffle,
    ...pass,
    ...inc(L.iter, 1),
    ...[...get(F.pgMaxNew), ...get(F.pgMinNew), ...op.f64sub, ...get(P.tol), ...op.f64le, ...op.if],
    ...[...get(L.active), ...get(P.rows), ...op.eq, ...op.if, ...op.i32(1), ...set(L.converged), ...op.br(3), ...op.end],
    ...[...get(P.rows), ...set(L.active), ...op.f64(Number.POSITIVE_INFINITY), ...set(F.pgMaxOld), ...op.br(1)],
    ...op.end,
    ...[...get(F.pgMaxNew), ...op.f64(Number.POSITIVE_INFINITY), ...get(F.pgMaxNew), ...op.f64(0), ...op.f64gt, ...op.select, ...set(F.pgMaxOld)],
    ...op.br(0),
    ...op.end,
    ...op.end,
    ...[...get(P.out), ...get(L.converged), ...op.i32store(0)],
    ...[...get(P.out), ...get(F.wBias), ...op.f64store(8)],
    ...get(L.iter),
  ]);
}

const compiled = new Map<DualCdLayout, WasmModule>();

/** The module of one layout (built and compiled on first use: a fit needs one of the three). */
function module(layout: DualCdLayout): WasmModule {
  let m = compiled.get(layout);
  if (m === undefined) {
    m = compileWasm(wasmModuleBytes([{ name: layout, params: PARAMS, results: [I32], body: solveBody(layout) }]), 'LinearSvm');
    compiled.set(layout, m);
  }
  return m;
}

const align = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/**
 * liblinear's dual coordinate descent (squared hinge loss) in WebAssembly, over one problem's rows copied once
 * into a private memory; each {@link DualCdSolver.solve} is one binary problem on those rows.
 *
 * @remarks
 * The same arithmetic in the same order as the TypeScript solver (`solveBinary` in linear-svm.ts, the reference it
 * is tested against bit for bit): float64 weights, dual variables and partial sums, float32 features read as
 * float64. Compiled code from the first row on — no warm-up of a JIT over the first problems — which is what
 * small fits (a thousand samples, tens of milliseconds) are made of. Hsieh et al. (2008), ICML.
 */
export class DualCdSolver {
  /** Rows of the problem. */
  readonly rows: number;
  /** Features per row. */
  readonly columns: number;
  /** How the rows are stored. */
  readonly layout: DualCdLayout;
  private readonly instance: WasmInstance;
  private readonly at: { w: number; y: number; qd: number; alpha: number; index: number; offsets: number; indices: number; values: number; out: number };
  private readonly run: (...args: number[]) => number;

  /**
   * @param x - the rows
   * @param rows - number of rows
   * @param columns - features per row
   * @param qd - `Q_ii + D_ii` per row
   */
  constructor(x: SolverRows, rows: number, columns: number, qd: Float64Array) {
    const layout = x.layout;
    this.rows = rows;
    this.columns = columns;
    this.layout = layout;
    const nnz = x.offsets[rows];
    let end = 0;
    const take = (bytes: number): number => {
      const start = end;
      end = align(end + bytes);
      return start;
    };
    const w = take(8 * (columns + 1));
    const y = take(8 * rows);
    const qdAt = take(8 * rows);
    const alpha = take(8 * rows);
    const index = take(4 * rows);
    const offsets = take(4 * (rows + 1));
    const indices = take(layout === 'dense' ? 0 : 4 * nnz); // dense: nnz = rows · columns, values only
    const values = take(layout === 'binary' ? 0 : 4 * nnz);
    const out = take(16);
    this.at = { w, y, qd: qdAt, alpha, index, offsets, indices, values, out };
    this.instance = instantiateWasm(module(layout), end, 'LinearSvm');
    const buffer = this.instance.memory.buffer;
    new Float64Array(buffer, qdAt, rows).set(qd);
    new Int32Array(buffer, offsets, rows + 1).set(x.offsets);
    if (layout !== 'dense') new Int32Array(buffer, indices, nnz).set(x.indices);
    if (layout !== 'binary') new Float32Array(buffer, values, nnz).set(x.values.subarray(0, nnz));
    this.run = this.instance.exports[layout] as unknown as (...args: number[]) => number;
  }

  /** Solves one binary problem on the rows (weights and dual variables start at 0). */
  solve(problem: DualCdProblem): DualCdResult {
    const { rows, columns, at } = this;
    const buffer = this.instance.memory.buffer;
    new Float64Array(buffer, at.w, columns + 1).fill(0);
    new Float64Array(buffer, at.alpha, rows).fill(0);
    const y = new Float64Array(buffer, at.y, rows);
    for (let i = 0; i < rows; i++) y[i] = problem.y[i];
    const index = new Int32Array(buffer, at.index, rows);
    for (let i = 0; i < rows; i++) index[i] = i;
    const iterations = this.run(rows, columns, problem.maxIter, problem.state | 0, problem.bias, problem.diag, problem.tol, at.w, at.y, at.qd, at.alpha, at.index, at.offsets, at.indices, at.values, at.out);
    const w = Float64Array.from(new Float64Array(buffer, at.w, columns + 1));
    w[columns] = new Float64Array(buffer, at.out + 8, 1)[0];
    return { w, iterations, converged: new Int32Array(buffer, at.out, 1)[0] === 1 };
  }
}
