import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Kernels are tested from the built package: gpu.js compiles fn.toString() of what the build emitted.
import { type Backend, createBackend, Rng, ShapeError, scaleAdd, scaleAddKernel, scaleAddReference } from '../../dist/index.js';

function randomArray(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.uniformIn(-1, 1));
}

describe('scaleAddReference', () => {
  it('computes a * x + y', () => {
    expect(Array.from(scaleAddReference(2, Float32Array.of(1, 2), Float32Array.of(10, 20)))).toEqual([12, 24]);
    expect(() => scaleAddReference(1, new Float32Array(2), new Float32Array(3))).toThrow(ShapeError);
    expect(() => scaleAddReference(1, new Float32Array(2), new Float32Array(3))).toThrow('field y: x and y differ in length; expected 2 values, found 3');
  });

  it('is what scaleAdd runs on backend js', async () => {
    const backend = await createBackend('js');
    expect(Array.from(await scaleAdd(backend, 0.5, Float32Array.of(2, 4), Float32Array.of(1, 1)))).toEqual([2, 3]);
  });
});

describe.each(['cpu', 'webasm'] as const)('scaleAddKernel on %s matches the reference', (name) => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await createBackend(name);
  });
  afterAll(async () => {
    await backend.destroy();
  });

  it('on 1000 random values within 1e-6, as the kernel class the backend names', async () => {
    const rng = new Rng(42);
    const x = randomArray(rng, 1000);
    const y = randomArray(rng, 1000);
    const expected = scaleAddReference(1.5, x, y);
    const run = backend.kernel('test.scaleAdd:1000', scaleAddKernel, { output: [1000] });
    const found = backend.flatten(await run(1.5, x, y));
    expect(found.length).toBe(1000);
    let maxError = 0;
    for (let i = 0; i < 1000; i++) maxError = Math.max(maxError, Math.abs(found[i] - expected[i]));
    expect(maxError).toBeLessThanOrEqual(1e-6);
    expect(backend.kernelClass).toBe(name === 'cpu' ? 'CPUKernel' : 'WebAssemblyKernel');
  });

  it('through scaleAdd, reusing the compiled kernel', async () => {
    const x = Float32Array.of(1, 2, 3);
    const y = Float32Array.of(0.5, 0.5, 0.5);
    expect(Array.from(await scaleAdd(backend, -2, x, y))).toEqual([-1.5, -3.5, -5.5]);
    expect(Array.from(await scaleAdd(backend, 3, x, y))).toEqual([3.5, 6.5, 9.5]);
  });
});
