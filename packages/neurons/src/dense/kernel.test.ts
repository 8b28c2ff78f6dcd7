import { type Backend, Rng, createBackend, kernelInput } from '@snn/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The kernel is imported from the build: gpu.js compiles fn.toString(), so the built code is what must work.
import { createDense, denseForward, denseForwardKernel, denseKernel, denseKernelReference } from '../../dist/index.js';

for (const mode of ['cpu', 'webasm'] as const) {
  describe(`denseKernel on gpu.js ${mode} vs the TypeScript reference`, () => {
    let backend: Backend;
    beforeAll(async () => {
      backend = await createBackend(mode);
    });
    afterAll(async () => {
      await backend.destroy();
    });
    for (const residual of [false, true]) {
      it(residual ? 'with a residual skip' : 'plain', async () => {
        const rng = new Rng(residual ? 2 : 1);
        const batch = 5;
        const width = 12;
        const layer = createDense(width, width, rng, { residual });
        const x = Float32Array.from({ length: batch * width }, () => rng.bernoulli(0.4));
        const run = backend.kernel(`test.dense:${residual}`, denseKernel as never, {
          output: [width, batch],
          constants: { inSize: width, residual: residual ? 1 : 0 },
        });
        const out = backend.flatten(await run(kernelInput(x, [batch, width]), kernelInput(layer.weight, [width, width]), layer.bias));
        const ref = denseKernelReference(x, layer.weight, layer.bias, { inSize: width, residual: residual ? 1 : 0 });
        expect(out.length).toBe(ref.length);
        for (let i = 0; i < ref.length; i++) expect(Math.abs(out[i] - ref[i]), `element ${i}`).toBeLessThanOrEqual(1e-5);
        const viaRunner = await denseForwardKernel(backend, x, batch, layer);
        const plain = denseForward(x, batch, layer);
        for (let i = 0; i < plain.length; i++) expect(viaRunner[i]).toBeCloseTo(plain[i], 5);
      });
    }
    it('rejects an input of the wrong length', async () => {
      const layer = createDense(3, 2, new Rng(0));
      await expect(denseForwardKernel(backend, new Float32Array(5), 2, layer)).rejects.toThrow(
        'field x: input length does not match batch × inSize; expected 6 (2 × 3), found 5',
      );
    });
  });
}
