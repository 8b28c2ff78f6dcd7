import { Rng } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { Gemm, type GemmArgs, gemmReference } from './gemm.js';

function randomArray(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal(0, 1));
}

describe('gemmReference', () => {
  it('computes the documented example and accumulates', () => {
    const c = Float32Array.of(1);
    const args = { transA: false, transB: false, m: 1, n: 1, k: 2, a: Float32Array.of(1, 2), lda: 2, b: Float32Array.of(3, 4), ldb: 1, c, ldc: 1 };
    gemmReference({ ...args, accumulate: false });
    expect(Array.from(c)).toEqual([11]);
    gemmReference({ ...args, accumulate: true });
    expect(Array.from(c)).toEqual([22]);
  });
});

describe('Gemm.multiply (WebAssembly SIMD)', () => {
  const gemm = new Gemm();
  // Sizes around the 4×8 register tile, the k blocking (k > 128 splits into blocks when n is 512) and the m blocking.
  const cases: [number, number, number][] = [
    [1, 1, 1],
    [3, 5, 7],
    [4, 8, 16],
    [9, 17, 33],
    [13, 512, 300],
    [70, 24, 9],
    [300, 20, 40], // more rows than one 128-row block of A
  ];
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      it(`matches the reference (transA ${transA}, transB ${transB})`, () => {
        const rng = new Rng(7);
        for (const [m, n, k] of cases) {
          for (const accumulate of [false, true]) {
            const lda = (transA ? m : k) + 2; // strides larger than a row are allowed
            const ldb = (transB ? k : n) + 1;
            const ldc = n + 3;
            const a = randomArray(rng, (transA ? k : m) * lda);
            const b = randomArray(rng, (transB ? n : k) * ldb);
            const c0 = randomArray(rng, m * ldc);
            const base: Omit<GemmArgs, 'c'> = { transA, transB, m, n, k, a, lda, b, ldb, ldc, accumulate };
            const got = c0.slice();
            const want = c0.slice();
            gemm.multiply({ ...base, c: got });
            gemmReference({ ...base, c: want });
            let worst = 0;
            let paddingChanged = 0;
            for (let i = 0; i < m; i++) {
              for (let j = 0; j < n; j++) worst = Math.max(worst, Math.abs(got[i * ldc + j] - want[i * ldc + j]));
              // the padding between rows of C is left alone
              for (let j = n; j < ldc; j++) if (got[i * ldc + j] !== c0[i * ldc + j]) paddingChanged++;
            }
            // float32 sums of k products of N(0,1) values: the error grows like √k · 2⁻²⁴ · |terms|.
            expect(worst, `${m}x${n}x${k} accumulate ${accumulate}`).toBeLessThan(4e-5 * Math.sqrt(k));
            expect(paddingChanged).toBe(0);
          }
        }
      });
    }
  }

  it('grows its memory for large products and stays correct', () => {
    const rng = new Rng(3);
    const [m, n, k] = [600, 40, 700];
    const a = randomArray(rng, m * k);
    const b = randomArray(rng, k * n);
    const got = new Float32Array(m * n);
    const want = new Float32Array(m * n);
    const base = { transA: false, transB: false, m, n, k, a, lda: k, b, ldb: n, ldc: n, accumulate: false };
    gemm.multiply({ ...base, c: got });
    gemmReference({ ...base, c: want });
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]));
    expect(worst).toBeLessThan(2e-4);
  });

  it('rejects bad sizes and short arrays', () => {
    const z = new Float32Array(6);
    const ok = { transA: false, transB: false, m: 2, n: 3, k: 1, a: z, lda: 1, b: z, ldb: 3, c: z, ldc: 3, accumulate: false };
    expect(() => gemm.multiply({ ...ok, m: 0 })).toThrow('field Gemm.multiply.m: invalid size; expected a positive integer, found 0');
    expect(() => gemm.multiply({ ...ok, ldc: 2 })).toThrow('field Gemm.multiply.ldc: leading dimension smaller than a row; expected ≥ 3, found 2');
    expect(() => gemm.multiply({ ...ok, c: new Float32Array(5) })).toThrow(
      'field Gemm.multiply.c: c is too short; expected ≥ 6 values (2 × 3, stride 3), found 5',
    );
    expect(() => gemmReference({ ...ok, transA: true, lda: 2, a: new Float32Array(1) })).toThrow(
      'field gemmReference.a: a is too short; expected ≥ 2 values (1 × 2, stride 2), found 1',
    );
  });
});
