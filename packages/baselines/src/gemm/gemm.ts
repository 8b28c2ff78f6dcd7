import { ShapeError, ValidationError } from '@snn/core';
import { createGemmWasm, type GemmWasm, TILE_COLS, TILE_ROWS } from './wasm.js';

/**
 * Operands of a matrix product `C ← β·C + op(A)·op(B)` with `op(A)` of size m×k and `op(B)` of size k×n, all row-major
 * with explicit leading dimensions (BLAS `sgemm` in row-major form).
 */
export interface GemmArgs {
  /** Read A transposed: `op(A)[i][p] = a[p·lda + i]` (A stored k×m); otherwise `a[i·lda + p]` (A stored m×k). */
  readonly transA: boolean;
  /** Read B transposed: `op(B)[p][j] = b[j·ldb + p]` (B stored n×k); otherwise `b[p·ldb + j]` (B stored k×n). */
  readonly transB: boolean;
  /** Rows of C. */
  readonly m: number;
  /** Columns of C. */
  readonly n: number;
  /** Length of the summed dimension. */
  readonly k: number;
  /** The A matrix. */
  readonly a: Float32Array;
  /** Row stride of A as stored (≥ k without transA, ≥ m with it). */
  readonly lda: number;
  /** The B matrix. */
  readonly b: Float32Array;
  /** Row stride of B as stored (≥ n without transB, ≥ k with it). */
  readonly ldb: number;
  /** The output, m×n with row stride `ldc` (≥ n); overwritten (β = 0) or added to (β = 1). */
  readonly c: Float32Array;
  /** Row stride of C. */
  readonly ldc: number;
  /** Add the product to C (β = 1) instead of overwriting it (β = 0). */
  readonly accumulate: boolean;
}

function checkGemm(owner: string, g: GemmArgs): void {
  for (const key of ['m', 'n', 'k', 'lda', 'ldb', 'ldc'] as const) {
    const v = g[key];
    if (!Number.isInteger(v) || v <= 0) {
      throw new ValidationError('invalid size', { field: `${owner}.${key}`, expected: 'a positive integer', found: String(v) });
    }
  }
  const { m, n, k } = g;
  const need = (name: string, stored: [number, number], ld: number, len: number): void => {
    if (ld < stored[1]) {
      throw new ValidationError('leading dimension smaller than a row', { field: `${owner}.ld${name}`, expected: `≥ ${stored[1]}`, found: String(ld) });
    }
    const required = (stored[0] - 1) * ld + stored[1];
    if (len < required) {
      throw new ShapeError(`${name} is too short`, { field: `${owner}.${name}`, expected: `≥ ${required} values (${stored[0]} × ${stored[1]}, stride ${ld})`, found: String(len) });
    }
  };
  need('a', g.transA ? [k, m] : [m, k], g.lda, g.a.length);
  need('b', g.transB ? [n, k] : [k, n], g.ldb, g.b.length);
  need('c', [m, n], g.ldc, g.c.length);
}

/**
 * Matrix product in plain TypeScript, the specification of {@link Gemm.multiply}: `C ← β·C + op(A)·op(B)`.
 *
 * @remarks
 * `C[i][j] = β·C[i][j] + Σ_p op(A)[i][p] · op(B)[p][j]`, each sum in float64
 * and rounded to float32 once.
 *
 * @param g - operands; see {@link GemmArgs}
 * @throws `ValidationError` for a bad size or stride; `ShapeError` for an array that is too short
 * @example
 * ```ts
 * const c = new Float32Array(1);
 * gemmReference({ transA: false, transB: false, m: 1, n: 1, k: 2, a: Float32Array.of(1, 2), lda: 2,
 *   b: Float32Array.of(3, 4), ldb: 1, c, ldc: 1, accumulate: false }); // c = [11]
 * ```
 */
export function gemmReference(g: GemmArgs): void {
  checkGemm('gemmReference', g);
  const { transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate } = g;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = accumulate ? c[i * ldc + j] : 0;
      for (let p = 0; p < k; p++) s += (transA ? a[p * lda + i] : a[i * lda + p]) * (transB ? b[j * ldb + p] : b[p * ldb + j]);
      c[i * ldc + j] = s;
    }
  }
}

/** Bytes of B's packed block the blocking aims for (it stays in the L2 cache while every row panel of A passes over it). */
const B_BLOCK_FLOATS = 65536;
/** Rows of op(A) packed at a time (with `kc` columns they stay in the L2 cache while every B panel passes over them). */
const ROW_BLOCK = 128;

/**
 * Single-precision matrix multiplication on a WebAssembly SIMD micro-kernel: the training hot path of the baselines.
 *
 * @remarks
 * The GotoBLAS scheme (Goto & van de Geijn, "Anatomy of high-performance
 * matrix multiplication", ACM TOMS 34(3), 2008) in its simplest form: the k
 * dimension is cut into blocks of `kc` so that a packed block of op(B)
 * (`kc × n`, about 256 KiB) stays in cache, and the m dimension into blocks
 * of 128 rows; op(A) and op(B) are packed into
 * micro-panels of 4 rows and 8 columns (zero-padded), and a 4×8 register
 * tile of f32x4 accumulators (hand-assembled WebAssembly SIMD, as the BPTT
 * engine of `@snn/learning` does) adds each panel product into C.
 * Transposed operands are handled by the packing, so no transposed copy is
 * ever made. Sums are in float32 (order: blocks of k, then k within a
 * block), so results differ from {@link gemmReference} by float32 rounding.
 * One instance owns one growable WebAssembly memory; it is not re-entrant.
 *
 * @example
 * ```ts
 * const gemm = new Gemm();
 * const c = new Float32Array(4);
 * gemm.multiply({ transA: false, transB: true, m: 2, n: 2, k: 3, a, lda: 3, b, ldb: 3, c, ldc: 2, accumulate: false });
 * ```
 */
export class Gemm {
  private wasm: GemmWasm;
  private f32: Float32Array;

  /**
   * Creates the WebAssembly module instance and its memory (grown on demand).
   * @throws `BackendError` when this JavaScript engine has no WebAssembly SIMD
   */
  constructor() {
    this.wasm = createGemmWasm(1 << 20);
    this.f32 = new Float32Array(this.wasm.memory.buffer);
  }

  private ensure(floats: number): void {
    const bytes = floats * 4;
    const have = this.wasm.memory.buffer.byteLength;
    if (bytes > have) this.wasm.memory.grow(Math.ceil((bytes - have) / 65536));
    if (this.f32.buffer !== this.wasm.memory.buffer) this.f32 = new Float32Array(this.wasm.memory.buffer);
  }

  /**
   * `C ← β·C + op(A)·op(B)`; see {@link GemmArgs} and {@link gemmReference}.
   *
   * @param g - operands
   * @throws `ValidationError` for a bad size or stride; `ShapeError` for an array that is too short
   */
  multiply(g: GemmArgs): void {
    checkGemm('Gemm.multiply', g);
    const { transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate } = g;
    const mp = Math.ceil(m / TILE_ROWS) * TILE_ROWS;
    const np = Math.ceil(n / TILE_COLS) * TILE_COLS;
    const kc = Math.min(k, Math.max(16, Math.floor(B_BLOCK_FLOATS / np)));
    const mc = Math.min(mp, ROW_BLOCK);
    const cBase = 0;
    const aBase = mp * np;
    const bBase = aBase + mc * kc;
    this.ensure(bBase + kc * np);
    const f = this.f32;
    const contiguous = ldc === np && n === np;
    if (accumulate) {
      if (contiguous) f.set(c.subarray(0, m * n), cBase);
      else for (let i = 0; i < m; i++) f.set(c.subarray(i * ldc, i * ldc + n), cBase + i * np);
    } else {
      f.fill(0, cBase, cBase + mp * np);
    }
    const kernel = this.wasm.kernel;
    const ldcBytes = np * 4;
    for (let p0 = 0; p0 < k; p0 += kc) {
      const kb = Math.min(kc, k - p0);
      // Pack op(B)[p0 .. p0+kb)[0 .. n) into panels of 8 columns: B[p][j] at bBase + (j>>3)·kb·8 + p·8 + (j&7).
      if (n !== np) f.fill(0, bBase + (np - TILE_COLS) * kb, bBase + np * kb);
      if (transB) {
        for (let j = 0; j < n; j++) {
          const dst = bBase + (j >> 3) * kb * TILE_COLS + (j & 7);
          const src = j * ldb + p0;
          for (let p = 0; p < kb; p++) f[dst + p * TILE_COLS] = b[src + p];
        }
      } else {
        for (let p = 0; p < kb; p++) {
          const src = (p0 + p) * ldb;
          const dst = bBase + p * TILE_COLS;
          for (let j = 0; j < n; j++) f[dst + (j >> 3) * kb * TILE_COLS + (j & 7)] = b[src + j];
        }
      }
      for (let i0 = 0; i0 < m; i0 += mc) {
        const rows = Math.min(mc, m - i0);
        const rowsPadded = Math.ceil(rows / TILE_ROWS) * TILE_ROWS;
        // Pack op(A)[i0 .. i0+rows)[p0 .. p0+kb) into panels of 4 rows: A[i][p] at aBase + (i>>2)·kb·4 + p·4 + (i&3).
        if (rows !== rowsPadded) f.fill(0, aBase + (rowsPadded - TILE_ROWS) * kb, aBase + rowsPadded * kb);
        if (transA) {
          for (let p = 0; p < kb; p++) {
            const src = (p0 + p) * lda + i0;
            const dst = aBase + p * TILE_ROWS;
            for (let i = 0; i < rows; i++) f[dst + (i >> 2) * kb * TILE_ROWS + (i & 3)] = a[src + i];
          }
        } else {
          for (let i = 0; i < rows; i++) {
            const dst = aBase + (i >> 2) * kb * TILE_ROWS + (i & 3);
            const src = (i0 + i) * lda + p0;
            for (let p = 0; p < kb; p++) f[dst + p * TILE_ROWS] = a[src + p];
          }
        }
        for (let ir = 0; ir < rowsPadded; ir += TILE_ROWS) {
          const ap = (aBase + ir * kb) * 4;
          const cRow = (cBase + (i0 + ir) * np) * 4;
          for (let jr = 0; jr < np; jr += TILE_COLS) kernel(ap, (bBase + jr * kb) * 4, cRow + jr * 4, kb, ldcBytes);
        }
      }
    }
    if (contiguous) c.set(f.subarray(cBase, cBase + m * n));
    else for (let i = 0; i < m; i++) c.set(f.subarray(cBase + i * np, cBase + i * np + n), i * ldc);
  }
}
