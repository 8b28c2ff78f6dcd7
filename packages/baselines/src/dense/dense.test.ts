import { type Backend, createBackend, Rng, ShapeError } from '@snn/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The kernel and the dispatcher come from the built package: gpu.js compiles fn.toString(), so the build must not break them.
import { createMlp, denseForward, denseForwardKernel } from '../../dist/index.js';
import { denseBackwardReference, denseForwardReference } from './reference.js';

/** Plain triple loop without the zero skipping, for comparison. */
function naiveForward(x: Float32Array, w: Float32Array, b: Float32Array, batch: number, inputs: number, outputs: number): Float64Array {
  const y = new Float64Array(batch * outputs);
  for (let n = 0; n < batch; n++) {
    for (let j = 0; j < outputs; j++) {
      let s = b[j];
      for (let i = 0; i < inputs; i++) s += x[n * inputs + i] * w[j * inputs + i];
      y[n * outputs + j] = s;
    }
  }
  return y;
}

/** Random array; a fraction `zeros` of the entries set to exactly 0 (like MNIST pixels or ReLU outputs). */
function randomArray(rng: Rng, n: number, zeros = 0): Float32Array {
  return Float32Array.from({ length: n }, () => (rng.uniform() < zeros ? 0 : rng.normal(0, 1)));
}

describe('denseForwardReference', () => {
  it('computes the documented example', () => {
    expect(Array.from(denseForwardReference(Float32Array.of(1, 2), Float32Array.of(3, 4), Float32Array.of(0.5), 1, 2, 1))).toEqual([11.5]);
  });

  it('equals the plain triple loop (zero inputs skipped)', () => {
    const rng = new Rng(3);
    const [batch, inputs, outputs] = [5, 17, 6];
    const x = randomArray(rng, batch * inputs, 0.6);
    const w = randomArray(rng, outputs * inputs);
    const b = randomArray(rng, outputs);
    const y = denseForwardReference(x, w, b, batch, inputs, outputs);
    const ref = naiveForward(x, w, b, batch, inputs, outputs);
    expect(Array.from(y)).toEqual(Array.from(Float32Array.from(ref)));
  });

  it('rejects arrays that do not match the sizes', () => {
    const z = new Float32Array(6);
    expect(() => denseForwardReference(z, z, new Float32Array(3), 2, 3, 3)).toThrow(ShapeError);
    expect(() => denseForwardReference(z, z, new Float32Array(3), 2, 3, 3)).toThrow(
      'field denseForwardReference.weight: weight has the wrong length; expected 9 (3 × 3), found 6',
    );
    expect(() => denseForwardReference(z, z, new Float32Array(2), 2, 3, 0)).toThrow(
      'field denseForwardReference.outputs: invalid size; expected a positive integer, found 0',
    );
  });
});

describe('denseBackwardReference', () => {
  it('matches finite differences of L = Σ y ⊙ r for W, b and x', () => {
    // L(W, b, x) = Σ_nj r[n][j] · y[n][j] is linear in each argument, so central differences are exact up to rounding.
    const rng = new Rng(8);
    const [batch, inputs, outputs] = [3, 4, 5];
    const x = randomArray(rng, batch * inputs, 0.3);
    const w = randomArray(rng, outputs * inputs);
    const b = randomArray(rng, outputs);
    const r = randomArray(rng, batch * outputs);
    const loss = () => naiveForward(x, w, b, batch, inputs, outputs).reduce((s, v, i) => s + v * r[i], 0);
    const gw = new Float32Array(outputs * inputs);
    const gb = new Float32Array(outputs);
    const gx = new Float32Array(batch * inputs);
    denseBackwardReference(x, w, r, batch, inputs, outputs, gw, gb, gx);
    for (const [arr, grad] of [
      [w, gw],
      [b, gb],
      [x, gx],
    ] as const) {
      for (let i = 0; i < arr.length; i++) {
        const keep = arr[i];
        arr[i] = keep + 0.25;
        const up = loss();
        arr[i] = keep - 0.25;
        const down = loss();
        arr[i] = keep;
        expect(grad[i]).toBeCloseTo((up - down) / 0.5, 5);
      }
    }
  });

  it('adds into gradWeight and gradBias', () => {
    const gw = Float32Array.of(1, 1);
    const gb = Float32Array.of(10);
    denseBackwardReference(Float32Array.of(2, 3), Float32Array.of(0, 0), Float32Array.of(0.5), 1, 2, 1, gw, gb);
    expect(Array.from(gw)).toEqual([2, 2.5]);
    expect(Array.from(gb)).toEqual([10.5]);
  });
});

describe.each(['cpu', 'webasm'] as const)('denseForwardKernel on %s (from dist)', (name) => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await createBackend(name);
  });
  afterAll(async () => {
    await backend.destroy();
  });

  it('matches the TypeScript reference', async () => {
    const rng = new Rng(21);
    for (const [batch, inputs, outputs] of [
      [1, 9, 4],
      [7, 33, 12],
      [16, 784, 64],
    ]) {
      const x = randomArray(rng, batch * inputs, 0.5);
      const w = randomArray(rng, outputs * inputs);
      const b = randomArray(rng, outputs);
      const ref = denseForwardReference(x, w, b, batch, inputs, outputs);
      const y = await denseForward(backend, x, w, b, batch, inputs, outputs);
      expect(y.length).toBe(batch * outputs);
      // float32 sums of up to 784 products of N(0,1) values: |error| well under 1e-4.
      for (let i = 0; i < y.length; i++) expect(Math.abs(y[i] - ref[i]), `${batch}x${inputs}x${outputs} [${i}]`).toBeLessThan(1e-4);
    }
    expect(backend.kernelClass).toBe(name === 'cpu' ? 'CPUKernel' : 'WebAssemblyKernel');
    expect(typeof denseForwardKernel).toBe('function');
  });

  it('gives an MLP the same logits as the TypeScript path', async () => {
    const x = randomArray(new Rng(4), 6 * 20, 0.5);
    const onBackend = createMlp({ layers: [20, 16, 3], rng: new Rng(9), backend });
    const onJs = createMlp({ layers: [20, 16, 3], rng: new Rng(9) });
    const a = await onBackend.forward(x, 6);
    const b = await onJs.forward(x, 6);
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 5);
  });
});
