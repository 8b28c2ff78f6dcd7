import { type Backend, Rng, createBackend } from '@snn/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Kernels are imported from the build: gpu.js compiles fn.toString(), so the built code is what must work.
import { liKernel, liKernelReference, liParams, liStep, liStepKernel } from '../../dist/index.js';

for (const mode of ['cpu', 'webasm'] as const) {
  describe(`liKernel on gpu.js ${mode} vs the TypeScript reference`, () => {
    let backend: Backend;
    beforeAll(async () => {
      backend = await createBackend(mode);
    });
    afterAll(async () => {
      await backend.destroy();
    });
    it('liKernel', async () => {
      const rng = new Rng(9);
      const n = 30;
      const y = Float32Array.from({ length: n }, () => rng.uniformIn(-2, 2));
      const input = Float32Array.from({ length: n }, () => rng.uniformIn(-1, 1));
      const params = liParams({ tauOutMs: 15 });
      const run = backend.kernel(`test.li:${n}`, liKernel as never, { output: [n], constants: { kappa: params.kappa } });
      const out = backend.flatten(await run(y, input));
      const ref = liKernelReference(y, input, { kappa: params.kappa });
      for (let i = 0; i < n; i++) expect(Math.abs(out[i] - ref[i]), `element ${i}`).toBeLessThanOrEqual(1e-6);
      const viaRunner = await liStepKernel(backend, input, { out: y }, params);
      const plain = liStep(input, { out: y }, params);
      for (let i = 0; i < n; i++) expect(viaRunner.out[i]).toBeCloseTo(plain.out[i], 6);
    });
  });
}
