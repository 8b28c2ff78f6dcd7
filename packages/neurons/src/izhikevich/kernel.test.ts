import { type Backend, Rng, createBackend } from '@snn/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The kernel is imported from the build: gpu.js compiles fn.toString(), so the built code is what must work.
import { izhikevichKernel, izhikevichKernelConstants, izhikevichKernelReference, izhikevichParams, izhikevichStep, izhikevichStepKernel } from '../../dist/index.js';

for (const mode of ['cpu', 'webasm'] as const) {
  describe(`izhikevichKernel on gpu.js ${mode} vs the TypeScript reference`, () => {
    let backend: Backend;
    beforeAll(async () => {
      backend = await createBackend(mode);
    });
    afterAll(async () => {
      await backend.destroy();
    });
    const rng = new Rng(5);
    const n = 64;
    // v from rest to near the peak, so that some neurons spike and some do not; no value sits on the cut-off.
    const v = Float32Array.from({ length: n }, () => rng.uniformIn(-75, 0));
    const u = Float32Array.from({ length: n }, () => rng.uniformIn(-16, 0));
    const input = Float32Array.from({ length: n }, () => rng.uniformIn(0, 20));
    for (const integration of ['izhikevich', 'euler'] as const) {
      for (const preset of ['RS', 'FS', 'TC'] as const) {
        it(`${preset}, ${integration}`, async () => {
          const params = izhikevichParams({ preset, integration });
          const constants = izhikevichKernelConstants(params);
          const run = backend.kernel(`test.izhikevich:${preset}:${integration}`, izhikevichKernel as never, { output: [n, 3], constants: { ...constants } });
          const out = backend.flatten(await run(v, u, input));
          const ref = izhikevichKernelReference(v, u, input, constants);
          expect(out.length).toBe(3 * n);
          for (let i = 0; i < 3 * n; i++) expect(Math.abs(out[i] - ref[i]), `element ${i}`).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(ref[i])));
          const spikes = ref.subarray(2 * n);
          expect(spikes.some((s) => s === 1)).toBe(true);
          expect(spikes.some((s) => s === 0)).toBe(true);
          const step = await izhikevichStepKernel(backend, input, { v, u }, params);
          const plain = izhikevichStep(input, { v, u }, params);
          expect(Array.from(step.spikes)).toEqual(Array.from(plain.spikes));
          for (let i = 0; i < n; i++) {
            expect(step.state.v[i]).toBeCloseTo(plain.state.v[i], 3);
            expect(step.state.u[i]).toBeCloseTo(plain.state.u[i], 4);
          }
        });
      }
    }
  });
}
