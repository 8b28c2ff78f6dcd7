import { Rng } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { ROW_KERNEL_REFERENCE, createRowKernels } from './simd.js';

describe('WebAssembly SIMD row kernels vs their TypeScript reference', () => {
  const n = 24;
  const rows = 4;
  function setup(): { simd: Float32Array; ref: Float32Array; k: ReturnType<typeof createRowKernels> } {
    const k = createRowKernels(4 * n * rows);
    const simd = new Float32Array(k.memory.buffer, 0, n * rows);
    const rng = new Rng(1);
    for (let i = 0; i < simd.length; i++) simd[i] = rng.uniformIn(-2, 2);
    return { simd, ref: simd.slice(), k };
  }
  const cases: [string, (k: ReturnType<typeof createRowKernels>) => void, (f: Float32Array) => void][] = [
    ['addRow', (k) => k.addRow(0, 4 * n, 20), (f) => ROW_KERNEL_REFERENCE.addRow(f, 0, n, 20)],
    ['subRow', (k) => k.subRow(4 * n, 8 * n, 24), (f) => ROW_KERNEL_REFERENCE.subRow(f, n, 2 * n, 24)],
    ['addDiff', (k) => k.addDiff(0, 4 * n, 8 * n, 16), (f) => ROW_KERNEL_REFERENCE.addDiff(f, 0, n, 2 * n, 16)],
    ['sumRows', (k) => k.sumRows(12 * n, 0, 4 * n, 24), (f) => ROW_KERNEL_REFERENCE.sumRows(f, 3 * n, 0, n, 24)],
    ['axpy', (k) => k.axpy(0, 8 * n, -0.75, 24), (f) => ROW_KERNEL_REFERENCE.axpy(f, 0, 2 * n, -0.75, 24)],
  ];
  for (const [kernel, runSimd, runRef] of cases) {
    it(kernel, () => {
      const { simd, ref, k } = setup();
      runSimd(k);
      runRef(ref);
      expect(Array.from(simd)).toEqual(Array.from(ref));
    });
  }
  it('does nothing for n = 0', () => {
    const { simd, ref, k } = setup();
    k.addRow(0, 4 * n, 0);
    expect(Array.from(simd)).toEqual(Array.from(ref));
  });
});
