import { Rng } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { KERNEL_REFERENCE, type SimdKernels, createSimdKernels } from './simd.js';

const FLOATS = 1024;

/** Two copies of one random memory image: the SIMD kernels run on the first, the reference on the second. */
function setup(seed = 1): { k: SimdKernels; f: Float32Array; ref: Float32Array } {
  const k = createSimdKernels(4 * FLOATS);
  const f = new Float32Array(k.memory.buffer, 0, FLOATS);
  const rng = new Rng(seed);
  for (let i = 0; i < FLOATS; i++) f[i] = rng.uniformIn(-2, 2);
  return { k, f, ref: f.slice() };
}

function expectSame(a: Float32Array, b: Float32Array): void {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) expect(`${i}: ${a[i]}`).toBe(`${i}: ${b[i]}`);
}

describe('WebAssembly SIMD kernels vs their TypeScript reference (bit-exact)', () => {
  const n = 24;
  const row = (r: number): number => r * n;
  const cases: [string, (k: SimdKernels) => void, (f: Float32Array) => void][] = [
    ['addRow', (k) => k.addRow(0, 4 * row(1), 20), (f) => KERNEL_REFERENCE.addRow(f, 0, row(1), 20)],
    ['subRow', (k) => k.subRow(4 * row(1), 4 * row(2), 24), (f) => KERNEL_REFERENCE.subRow(f, row(1), row(2), 24)],
    ['addDiff', (k) => k.addDiff(0, 4 * row(1), 4 * row(2), 16), (f) => KERNEL_REFERENCE.addDiff(f, 0, row(1), row(2), 16)],
    ['sumRows', (k) => k.sumRows(4 * row(3), 0, 4 * row(1), 24), (f) => KERNEL_REFERENCE.sumRows(f, row(3), 0, row(1), 24)],
    ['axpy', (k) => k.axpy(0, 4 * row(2), -0.75, 24), (f) => KERNEL_REFERENCE.axpy(f, 0, row(2), -0.75, 24)],
    ['surrogateAtan', (k) => k.surrogateAtan(0, 4 * row(2), 48, 0.5, 1, Math.PI), (f) => KERNEL_REFERENCE.surrogateAtan(f, 0, row(2), 48, 0.5, 1, Math.PI)],
    [
      'surrogateFastSigmoid',
      (k) => k.surrogateFastSigmoid(0, 4 * row(2), 48, 0.5, 25),
      (f) => KERNEL_REFERENCE.surrogateFastSigmoid(f, 0, row(2), 48, 0.5, 25),
    ],
  ];
  for (const [kernel, runSimd, runRef] of cases) {
    it(kernel, () => {
      const { k, f, ref } = setup();
      runSimd(k);
      runRef(ref);
      expectSame(f, ref);
    });
  }
  it('row kernels do nothing for n = 0', () => {
    const { k, f, ref } = setup();
    k.addRow(0, 4 * n, 0);
    expectSame(f, ref);
  });

  // Layout for the LIF kernels (floats): cur [T, S] at 0, v [T + 1, S] at 256, mem [S] at 512,
  // masks [2, S] at 528 (int32), sg at 576, gs at 640, gm at 704, dI [T + 1, S] at 768.
  const S = 8;
  const T = 6;
  const layout = { cur: 0, v: 256, mem: 512, masks: 528, sg: 576, gs: 640, gm: 704, dI: 768 };
  function lifSetup(seed: number): { k: SimdKernels; f: Float32Array; ref: Float32Array } {
    const s = setup(seed);
    for (const m of [s.f, s.ref]) {
      for (let i = 0; i < T * S; i++) m[layout.cur + i] = Math.abs(m[layout.cur + i]) * 0.8;
      m.fill(0, layout.v, layout.v + S); // zero row −1
      m.fill(0, layout.mem, layout.mem + S);
      m.fill(0, layout.masks, layout.masks + 2 * S);
      m.fill(0, layout.dI + T * S, layout.dI + (T + 1) * S); // zero row T
    }
    return s;
  }
  for (const mechanism of [0, 1, 2] as const) {
    for (const delayed of [true, false]) {
      it(`lifForward mechanism ${mechanism}, ${delayed ? 'delayed' : 'immediate'} reset`, () => {
        const { k, f, ref } = lifSetup(mechanism * 2 + (delayed ? 1 : 0));
        const { cur, v, mem, masks } = layout;
        k.lifForward[mechanism][delayed ? 1 : 0](4 * cur, 4 * v, 4 * mem, 4 * masks, S, T, 0.9, 1);
        KERNEL_REFERENCE.lifForward(ref, new Int32Array(ref.buffer), mechanism, delayed, cur, v, mem, masks, S, T, 0.9, 1);
        expectSame(f, ref);
        const bits = new Int32Array(f.buffer, 4 * masks, S);
        expect(bits.some((x) => x !== 0)).toBe(true);
      });
    }
  }
  for (const zero of [false, true]) {
    for (const delayed of [true, false]) {
      it(`lifBackward ${zero ? 'zero' : 'subtract/none'}, ${delayed ? 'delayed' : 'immediate'} reset`, () => {
        const { k, f, ref } = lifSetup(7);
        const { cur, v, mem, masks, sg, gs, gm, dI } = layout;
        k.lifForward[zero ? 1 : 0][delayed ? 1 : 0](4 * cur, 4 * v, 4 * mem, 4 * masks, S, T, 0.9, 1);
        ref.set(f);
        k.lifBackward[zero ? 1 : 0][delayed ? 1 : 0](4 * dI, 4 * v, 4 * sg, 4 * gs, 4 * gm, S, T, 0.9, 1);
        KERNEL_REFERENCE.lifBackward(ref, zero, delayed, dI, v, sg, gs, gm, S, T, 0.9, 1);
        expectSame(f, ref);
        if (zero && delayed) expect(Array.from(f.subarray(dI, dI + T * S)).filter((x) => x === 0).length).toBeGreaterThan(0);
      });
    }
  }
});
