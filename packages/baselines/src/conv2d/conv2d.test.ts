import { type Backend, createBackend, Rng, ShapeError } from '@snn/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The kernel and the dispatcher come from the built package: gpu.js compiles fn.toString(), so the build must not break them.
import { conv2dForward, conv2dForwardKernel } from '../../dist/index.js';
import { Gemm } from '../gemm/gemm.js';
import { conv2dBackwardGemm, conv2dForwardGemm, im2col } from './fast.js';
import { conv2dBackwardReference, conv2dForwardReference } from './reference.js';
import { type Conv2dShape, conv2dOutputSize } from './shape.js';

function random64(rng: Rng, n: number): Float64Array {
  return Float64Array.from({ length: n }, () => rng.normal(0, 1));
}

const small: Conv2dShape = { batch: 2, inChannels: 3, height: 6, width: 5, outChannels: 4, kernelSize: 3 };

describe('conv2dOutputSize', () => {
  it('is H − K + 1 by W − K + 1 and rejects bad sizes', () => {
    expect(conv2dOutputSize({ batch: 1, inChannels: 1, height: 28, width: 28, outChannels: 32, kernelSize: 3 })).toEqual([26, 26]);
    expect(conv2dOutputSize(small)).toEqual([4, 3]);
    expect(() => conv2dOutputSize({ ...small, kernelSize: 7 })).toThrow('field conv2d.kernelSize: kernel larger than the image; expected ≤ 5, found 7');
    expect(() => conv2dOutputSize({ ...small, batch: 0 })).toThrow('field conv2d.batch: invalid size; expected a positive integer, found 0');
  });
});

describe('conv2dForwardReference / conv2dBackwardReference', () => {
  it('computes the documented example and a hand-worked 3×3 case', () => {
    const one = { batch: 1, inChannels: 1, height: 2, width: 2, outChannels: 1, kernelSize: 2 };
    expect(Array.from(conv2dForwardReference(Float32Array.of(1, 2, 3, 4), Float32Array.of(1, 1, 1, 1), Float32Array.of(0.5), one))).toEqual([10.5]);
    // 3×3 image 1..9, 2×2 filter [[1, 0], [0, −1]]: y[i][j] = x[i][j] − x[i+1][j+1] = −4 everywhere.
    const y = conv2dForwardReference(Float32Array.from({ length: 9 }, (_, i) => i + 1), Float32Array.of(1, 0, 0, -1), Float32Array.of(0), {
      ...one,
      height: 3,
      width: 3,
    });
    expect(Array.from(y)).toEqual([-4, -4, -4, -4]);
  });

  it('backward matches float64 central differences of L = Σ r ⊙ y for W, b and x', () => {
    const rng = new Rng(11);
    const [oh, ow] = conv2dOutputSize(small);
    const x = random64(rng, 2 * 3 * 6 * 5);
    const w = random64(rng, 4 * 3 * 3 * 3);
    const b = random64(rng, 4);
    const r = random64(rng, 2 * 4 * oh * ow);
    const loss = (): number => conv2dForwardReference(x, w, b, small).reduce((s, v, i) => s + v * r[i], 0);
    const gw = new Float64Array(w.length);
    const gb = new Float64Array(4);
    const gx = new Float64Array(x.length);
    conv2dBackwardReference(x, w, r, small, gw, gb, gx);
    let checked = 0;
    for (const [arr, grad] of [
      [w, gw],
      [b, gb],
      [x, gx],
    ] as const) {
      for (let i = 0; i < arr.length; i++) {
        const keep = arr[i];
        arr[i] = keep + 1e-4;
        const up = loss();
        arr[i] = keep - 1e-4;
        const down = loss();
        arr[i] = keep;
        // L is linear in each argument: the difference quotient is exact up to float64 rounding.
        expect(Math.abs(grad[i] - (up - down) / 2e-4)).toBeLessThan(1e-8);
        checked++;
      }
    }
    expect(checked).toBe(108 + 4 + 180);
  });

  it('rejects arrays that do not match the shape', () => {
    const z = new Float32Array(180);
    expect(() => conv2dForwardReference(z, new Float32Array(10), new Float32Array(4), small)).toThrow(ShapeError);
    expect(() => conv2dForwardReference(z, new Float32Array(10), new Float32Array(4), small)).toThrow(
      'field conv2dForwardReference.weight: weight has the wrong length; expected 108 (4 × 3 × 3 × 3), found 10',
    );
  });
});

describe('im2col + GEMM path', () => {
  it('im2col lays out each patch as (channel, row, column)', () => {
    const x = Float32Array.from({ length: 9 }, (_, i) => i); // 1 × 1 × 3 × 3
    const cols = new Float32Array(4 * 4);
    im2col(x, { batch: 1, inChannels: 1, height: 3, width: 3, outChannels: 1, kernelSize: 2 }, cols);
    expect(Array.from(cols)).toEqual([0, 1, 3, 4, 1, 2, 4, 5, 3, 4, 6, 7, 4, 5, 7, 8]);
  });

  it('forward and backward equal the reference up to float32 rounding', () => {
    const rng = new Rng(5);
    const shape: Conv2dShape = { batch: 3, inChannels: 5, height: 9, width: 8, outChannels: 12, kernelSize: 3 };
    const [oh, ow] = conv2dOutputSize(shape);
    const rows = 3 * oh * ow;
    const x = Float32Array.from(random64(rng, 3 * 5 * 9 * 8));
    const w = Float32Array.from(random64(rng, 12 * 45));
    const b = Float32Array.from(random64(rng, 12));
    const g = Float32Array.from(random64(rng, rows * 12));
    const gemm = new Gemm();
    const cols = new Float32Array(rows * 45);
    const y = conv2dForwardGemm(gemm, x, w, b, shape, cols, new Float32Array(rows * 12));
    const yRef = conv2dForwardReference(x, w, b, shape);
    for (let i = 0; i < y.length; i++) expect(Math.abs(y[i] - yRef[i])).toBeLessThan(1e-4);
    const [gw, gb, gx] = [new Float32Array(w.length).fill(1), new Float32Array(12).fill(1), new Float32Array(x.length)];
    const [rw, rb, rx] = [new Float32Array(w.length).fill(1), new Float32Array(12).fill(1), new Float32Array(x.length)];
    conv2dBackwardGemm(gemm, cols, w, g, shape, gw, gb, new Float32Array(rows * 12), gx, new Float32Array(rows * 45));
    conv2dBackwardReference(x, w, g, shape, rw, rb, rx);
    for (const [a, c] of [
      [gw, rw],
      [gb, rb],
      [gx, rx],
    ] as const) {
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - c[i])).toBeLessThan(2e-4 * Math.max(1, Math.abs(c[i])));
    }
    expect(() => conv2dBackwardGemm(gemm, cols, w, g, shape, gw, gb, new Float32Array(rows * 12), gx)).toThrow(
      `field conv2dBackwardGemm.colsWork: gradInput needs a scratch array; expected ${rows * 45} floats, found undefined`,
    );
  });
});

describe.each(['cpu', 'webasm'] as const)('conv2dForwardKernel on %s (from dist)', (name) => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await createBackend(name);
  });
  afterAll(async () => {
    await backend.destroy();
  });

  it('matches the TypeScript reference', async () => {
    const rng = new Rng(21);
    for (const shape of [small, { batch: 2, inChannels: 1, height: 28, width: 28, outChannels: 4, kernelSize: 3 }, { ...small, batch: 1, kernelSize: 1 }]) {
      const [oh, ow] = conv2dOutputSize(shape);
      const x = Float32Array.from(random64(rng, shape.batch * shape.inChannels * shape.height * shape.width));
      const w = Float32Array.from(random64(rng, shape.outChannels * shape.inChannels * shape.kernelSize ** 2));
      const b = Float32Array.from(random64(rng, shape.outChannels));
      const ref = conv2dForwardReference(x, w, b, shape);
      const y = await conv2dForward(backend, x, w, b, shape);
      expect(y.length).toBe(shape.batch * shape.outChannels * oh * ow);
      for (let i = 0; i < y.length; i++) expect(Math.abs(y[i] - ref[i])).toBeLessThan(1e-4);
    }
    expect(backend.kernelClass).toBe(name === 'cpu' ? 'CPUKernel' : 'WebAssemblyKernel');
    expect(typeof conv2dForwardKernel).toBe('function');
  });
});
