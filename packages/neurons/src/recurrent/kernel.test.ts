import { type Backend, Rng, createBackend, kernelInput } from '@snn/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Kernels are imported from the build: gpu.js compiles fn.toString(), so the built code is what must work.
import { recurrentCurrent, recurrentCurrentKernel, recurrentKernel, recurrentKernelReference } from '../../dist/index.js';

for (const mode of ['cpu', 'webasm'] as const) {
  describe(`recurrentKernel on gpu.js ${mode} vs the TypeScript reference`, () => {
    let backend: Backend;
    beforeAll(async () => {
      backend = await createBackend(mode);
    });
    afterAll(async () => {
      await backend.destroy();
    });
    it('recurrentKernel', async () => {
      const rng = new Rng(8);
      const size = 20;
      const batch = 3;
      const w = Float32Array.from({ length: size * size }, () => rng.normal(0, 0.5));
      const current = Float32Array.from({ length: batch * size }, () => rng.uniformIn(-1, 1));
      const z = Float32Array.from({ length: batch * size }, () => rng.bernoulli(0.3));
      const run = backend.kernel('test.recurrent', recurrentKernel as never, { output: [size, batch], constants: { size } });
      const out = backend.flatten(await run(kernelInput(current, [batch, size]), kernelInput(z, [batch, size]), kernelInput(w, [size, size])));
      const ref = recurrentKernelReference(current, z, w, { size });
      for (let i = 0; i < ref.length; i++) expect(Math.abs(out[i] - ref[i]), `element ${i}`).toBeLessThanOrEqual(1e-5);
      const viaRunner = await recurrentCurrentKernel(backend, current, z, w, size);
      const plain = recurrentCurrent(current, z, w, size);
      for (let i = 0; i < plain.length; i++) expect(viaRunner[i]).toBeCloseTo(plain[i], 5);
    });
  });
}
