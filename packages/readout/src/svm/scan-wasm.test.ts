import { Rng } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { scanRows } from './scan-wasm.js';

/** The same scan as plain loops. */
function reference(data: Float32Array, rows: number, columns: number) {
  const offsets = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const v = data[r * columns + c];
      if (v !== 0) {
        indices.push(c);
        values.push(v);
      }
    }
    offsets.push(indices.length);
  }
  return { offsets, indices, values };
}

describe('scanRows (WebAssembly SIMD) against plain loops', () => {
  for (const [rows, columns] of [
    [7, 13],
    [300, 1001], // several chunks of rows
    [3, 4],
  ]) {
    it(`${rows} × ${columns}: the same non-zero entries, ±0 skipped`, () => {
      const rng = new Rng(rows + columns);
      const data = Float32Array.from({ length: rows * columns }, () => (rng.bernoulli(0.1) ? rng.normal() : rng.bernoulli(0.5) ? -0 : 0));
      data[columns - 1] = 2.5; // last column of a row, after the groups of four
      const got = scanRows(data, rows, columns);
      const ref = reference(data, rows, columns);
      expect(got.notFinite).toBe(-1);
      expect(Array.from(got.offsets)).toEqual(ref.offsets);
      expect(Array.from(got.indices)).toEqual(ref.indices);
      expect(Array.from(got.values)).toEqual(ref.values);
      expect(ref.indices.length).toBeGreaterThan(0);
    });
  }

  it('reports the first NaN or infinity by its flat index', () => {
    const data = new Float32Array(5 * 9);
    data[3] = 1;
    data[22] = Number.POSITIVE_INFINITY;
    data[30] = Number.NaN;
    expect(scanRows(data, 5, 9).notFinite).toBe(22);
    data[22] = 0;
    expect(scanRows(data, 5, 9).notFinite).toBe(30);
    data[30] = 0;
    expect(scanRows(data, 5, 9).notFinite).toBe(-1);
  });
});
