import { type Backend, Rng, createBackend } from '@snn/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The kernel is imported from the build: gpu.js compiles fn.toString(), so the built code is what must work.
import {
  DIEHL_COOK_EXCITATORY,
  DIEHL_COOK_INHIBITORY,
  conductanceLifKernel,
  conductanceLifKernelConstants,
  conductanceLifKernelReference,
  conductanceLifParams,
  conductanceLifStep,
  conductanceLifStepKernel,
} from '../../dist/index.js';

for (const mode of ['cpu', 'webasm'] as const) {
  describe(`conductanceLifKernel on gpu.js ${mode} vs the TypeScript reference`, () => {
    let backend: Backend;
    beforeAll(async () => {
      backend = await createBackend(mode);
    });
    afterAll(async () => {
      await backend.destroy();
    });
    const rng = new Rng(11);
    const n = 64;
    const f = (a: number, b: number) => Float32Array.from({ length: n }, () => rng.uniformIn(a, b));
    const v = f(-80, -30);
    const ge = f(0, 3);
    const gi = f(0, 2);
    // Two neurons in the regime Δt/τ·(1 + g_e + g_i) > 1, where the exact exponential step replaces Euler.
    gi[1] = 600;
    gi[2] = 250;
    const thetaExc = f(15, 25);
    // Inhibitory neurons have no adaptive threshold: θ = 0.
    const thetaInh = new Float32Array(n);
    const timer = f(0, 10);
    // A quarter of the neurons refractory.
    const refLeft = Float32Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 2 : 0));
    for (const [name, preset] of [
      ['excitatory', DIEHL_COOK_EXCITATORY],
      ['inhibitory', DIEHL_COOK_INHIBITORY],
    ] as const) {
      it(`${name} neurons`, async () => {
        const params = conductanceLifParams(preset);
        const theta = name === 'excitatory' ? thetaExc : thetaInh;
        const constants = conductanceLifKernelConstants(params, 0.5);
        const run = backend.kernel(`test.conductance-lif:${name}`, conductanceLifKernel as never, { output: [n, 7], constants: { ...constants } });
        const out = backend.flatten(await run(v, ge, gi, theta, timer, refLeft));
        const ref = conductanceLifKernelReference(v, ge, gi, theta, timer, refLeft, constants);
        expect(out.length).toBe(7 * n);
        for (let i = 0; i < 7 * n; i++) expect(Math.abs(out[i] - ref[i]), `element ${i}`).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(ref[i])));
        const spikes = ref.subarray(6 * n);
        expect(spikes.some((s) => s === 1)).toBe(true);
        expect(spikes.some((s) => s === 0)).toBe(true);
        const state = {
          v: Float64Array.from(v),
          ge: Float64Array.from(ge),
          gi: Float64Array.from(gi),
          theta: Float64Array.from(theta),
          timerMs: Float64Array.from(timer),
          refractoryLeftMs: Float64Array.from(refLeft),
        };
        const viaKernel = await conductanceLifStepKernel(backend, state, params, 0.5);
        const plain = conductanceLifStep(state, params, 0.5);
        expect(Array.from(viaKernel.spikes)).toEqual(Array.from(plain.spikes));
        for (let i = 0; i < n; i++) expect(viaKernel.state.v[i]).toBeCloseTo(plain.state.v[i], 3);
      });
    }
  });
}
