import { type Backend, Rng, createBackend } from '@snn/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The kernel is imported from the build: gpu.js compiles fn.toString(), so the built code is what must work.
import { type ResetMechanism, lifKernel, lifKernelConstants, lifKernelReference, lifParams, lifStep, lifStepKernel } from '../../dist/index.js';

for (const mode of ['cpu', 'webasm'] as const) {
  describe(`lifKernel on gpu.js ${mode} vs the TypeScript reference`, () => {
    let backend: Backend;
    beforeAll(async () => {
      backend = await createBackend(mode);
    });
    afterAll(async () => {
      await backend.destroy();
    });
    const rng = new Rng(4);
    const n = 64;
    // Membranes around and above threshold so every reset branch is taken.
    const mem = Float32Array.from({ length: n }, () => rng.uniformIn(-0.5, 2.5));
    const input = Float32Array.from({ length: n }, () => rng.uniformIn(-0.5, 1.5));
    for (const resetMechanism of ['subtract', 'zero', 'none'] as ResetMechanism[]) {
      for (const resetDelay of [true, false]) {
        it(`${resetMechanism}, ${resetDelay ? 'delayed' : 'immediate'} reset`, async () => {
          const params = lifParams({ beta: 0.9, threshold: 1, resetMechanism, resetDelay });
          const constants = lifKernelConstants(params);
          const run = backend.kernel(`test.lif:${resetMechanism}:${resetDelay}`, lifKernel as never, { output: [n, 2], constants: { ...constants } });
          const out = backend.flatten(await run(mem, input));
          const ref = lifKernelReference(mem, input, constants);
          expect(out.length).toBe(2 * n);
          for (let i = 0; i < 2 * n; i++) expect(Math.abs(out[i] - ref[i]), `element ${i}`).toBeLessThanOrEqual(1e-6);
          const spikes = ref.subarray(n);
          expect(spikes.some((s) => s === 1)).toBe(true);
          expect(spikes.some((s) => s === 0)).toBe(true);
          const step = await lifStepKernel(backend, input, { mem }, params);
          const plain = lifStep(input, { mem }, params);
          expect(Array.from(step.spikes)).toEqual(Array.from(plain.spikes));
          for (let i = 0; i < n; i++) expect(step.state.mem[i]).toBeCloseTo(plain.state.mem[i], 6);
        });
      }
    }
  });
}
