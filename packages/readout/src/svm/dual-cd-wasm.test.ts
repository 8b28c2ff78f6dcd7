import { Rng } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { DualCdSolver } from './dual-cd-wasm.js';
import type { FeatureMatrix } from './features.js';
import { dualDiagonal, solveDualCdReference, solverRows } from './linear-svm.js';

/** 120 samples × 37 features of three kinds: 0/1 spikes, sparse counts, dense real values (with a few exact zeros). */
function data(kind: 'binary' | 'sparse' | 'dense', seed: number): { x: FeatureMatrix; y: Int8Array } {
  const rng = new Rng(seed);
  const rows = 120;
  const columns = 37;
  const values = new Float32Array(rows * columns);
  const y = new Int8Array(rows);
  for (let r = 0; r < rows; r++) {
    y[r] = rng.bernoulli(0.3) ? 1 : -1;
    for (let c = 0; c < columns; c++) {
      const signal = y[r] > 0 && c < 6 ? 0.25 : 0;
      if (kind === 'binary') values[r * columns + c] = rng.bernoulli(0.15 + signal) ? 1 : 0;
      else if (kind === 'sparse') values[r * columns + c] = rng.bernoulli(0.15 + signal) ? 1 + Math.floor(rng.uniform() * 4) : 0;
      else values[r * columns + c] = rng.bernoulli(0.05) ? 0 : rng.normal() + 4 * signal;
    }
  }
  return { x: { data: values, rows, columns }, y };
}

describe('DualCdSolver (WebAssembly) against the TypeScript dual coordinate descent', () => {
  for (const kind of ['binary', 'sparse', 'dense'] as const) {
    it(`${kind} rows: the same weights bit for bit, the same passes`, () => {
      const { x, y } = data(kind, kind.length);
      const rows = solverRows(x, 'features');
      expect(rows.layout).toBe(kind);
      for (const [C, maxIter] of [
        [2.4, 3000],
        [0.01, 7],
      ]) {
        const problem = { y, diag: 0.5 / C, bias: 1, maxIter, tol: 1e-4, state: 0x2545f491 | 1 };
        const qd = dualDiagonal(rows, x.rows, problem.diag, problem.bias);
        const ref = solveDualCdReference(rows, x.rows, x.columns, qd, problem);
        const solver = new DualCdSolver(rows, x.rows, x.columns, qd);
        const got = solver.solve(problem);
        expect(got.iterations).toBe(ref.iterations);
        expect(got.converged).toBe(ref.converged);
        expect(Array.from(got.w)).toEqual(Array.from(ref.w));
        expect(ref.w.some((v) => v !== 0)).toBe(true);
        // a second problem on the same rows starts from zero again
        expect(Array.from(solver.solve(problem).w)).toEqual(Array.from(ref.w));
      }
      const short = solveDualCdReference(rows, x.rows, x.columns, dualDiagonal(rows, x.rows, 50, 1), { y, diag: 50, bias: 1, maxIter: 3, tol: 1e-12, state: 7 });
      expect(short.iterations).toBe(3);
      expect(short.converged).toBe(false);
    });
  }
});
