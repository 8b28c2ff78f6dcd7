import { type Backend, Rng, createBackend } from '@snn/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Kernels are imported from the build: gpu.js compiles fn.toString(), so the built code is what must work.
import { alifKernel, alifKernelConstants, alifKernelReference, alifParams, alifStep, alifStepKernel } from '../../dist/index.js';

for (const mode of ['cpu', 'webasm'] as const) {
  describe(`alifKernel on gpu.js ${mode} vs the TypeScript reference`, () => {
    let backend: Backend;
    beforeAll(async () => {
      backend = await createBackend(mode);
    });
    afterAll(async () => {
      await backend.destroy();
    });
    it('alifKernel', async () => {
      const rng = new Rng(7);
      const n = 64;
      // Membranes, adaptation and inputs such that spikes, resets and raised thresholds all occur.
      const mem = Float32Array.from({ length: n }, () => rng.uniformIn(-0.5, 1.5));
      const adapt = Float32Array.from({ length: n }, () => rng.uniformIn(0, 0.8));
      const prev = Float32Array.from({ length: n }, () => rng.bernoulli(0.3));
      const input = Float32Array.from({ length: n }, () => rng.uniformIn(-0.5, 1.5));
      const params = alifParams({ tauMemMs: 10, tauAdaptMs: 50, adaptStrength: 0.7 });
      const constants = alifKernelConstants(params);
      const run = backend.kernel(`test.alif:${n}`, alifKernel as never, { output: [n, 3], constants: { ...constants } });
      const out = backend.flatten(await run(mem, adapt, prev, input));
      const ref = alifKernelReference(mem, adapt, prev, input, constants);
      expect(out.length).toBe(3 * n);
      let spikes = 0;
      for (let i = 0; i < ref.length; i++) expect(Math.abs(out[i] - ref[i]), `element ${i}`).toBeLessThanOrEqual(1e-5);
      for (let i = 2 * n; i < 3 * n; i++) spikes += ref[i];
      expect(spikes).toBeGreaterThan(5);
      expect(spikes).toBeLessThan(n - 5);
      const viaRunner = await alifStepKernel(backend, input, { mem, adapt, spikes: prev }, params);
      const plain = alifStep(input, { mem, adapt, spikes: prev }, params);
      expect(Array.from(viaRunner.spikes)).toEqual(Array.from(plain.spikes));
      for (let i = 0; i < n; i++) expect(viaRunner.state.adapt[i]).toBeCloseTo(plain.state.adapt[i], 5);
      for (let i = 0; i < n; i++) expect(viaRunner.threshold[i]).toBeCloseTo(plain.threshold[i], 6);
      await expect(alifStepKernel(backend, new Float32Array(3), { mem, adapt, spikes: prev }, params)).rejects.toThrow(
        'field state.mem: ALIF state and input differ in size; expected 3 values (one per input), found 64',
      );
    });
  });
}
