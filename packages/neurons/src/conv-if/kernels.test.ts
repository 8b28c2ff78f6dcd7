import { type Backend, Rng, createBackend } from '@snn/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Kernels are imported from the build: gpu.js compiles fn.toString(), so the built code is what must work.
import {
  SpikingConvKernelLayer,
  SpikingConvLayer,
  SpikingPool,
  SpikingPoolKernelLayer,
  convIfKernelConstants,
  convIfKernelReference,
  convIfParams,
  convIfStepKernel,
  lateralInhibitionReference,
  lateralInhibitionStepKernel,
  spikingPoolParams,
  spikingPoolReference,
  spikingPoolStepKernel,
} from '../../dist/index.js';

for (const mode of ['cpu', 'webasm'] as const) {
  describe(`conv IF, lateral inhibition and spiking pool kernels on gpu.js ${mode} vs their references`, () => {
    let backend: Backend;
    beforeAll(async () => {
      backend = await createBackend(mode);
    });
    afterAll(async () => {
      await backend.destroy();
    });

    it('convIfKernel (padding 2, stride 1 and padding 0, stride 2)', async () => {
      for (const [padding, stride] of [
        [2, 1],
        [0, 2],
      ]) {
        const rng = new Rng(padding + stride);
        const params = convIfParams({ inChannels: 2, inHeight: 8, inWidth: 7, outChannels: 3, kernelSize: 5, padding, stride, threshold: 1 });
        const n = 3 * params.outHeight * params.outWidth;
        const input = Float32Array.from({ length: 2 * 56 }, () => rng.bernoulli(0.3));
        const weights = Float32Array.from({ length: 3 * 2 * 25 }, () => rng.uniform());
        const potential = Float32Array.from({ length: n }, () => rng.uniform());
        const active = Float32Array.from({ length: n }, () => rng.bernoulli(0.8));
        const got = await convIfStepKernel(backend, params, input, weights, potential, active);
        const ref = convIfKernelReference(input, weights, potential, active, convIfKernelConstants(params));
        expect(got.length).toBe(n);
        for (let i = 0; i < n; i++) expect(Math.abs(got[i] - ref[i]), `neuron ${i}`).toBeLessThanOrEqual(1e-4);
        expect(ref.some((v, i) => v !== potential[i])).toBe(true);
      }
    });

    it('lateralInhibitionKernel (radius 0 and 1)', async () => {
      const rng = new Rng(5);
      for (const radius of [0, 1]) {
        const constants = { channels: 4, height: 5, width: 6, radius };
        const spikes = Float32Array.from({ length: 120 }, () => rng.bernoulli(0.4));
        const potential = Float32Array.from({ length: 120 }, () => Math.round(rng.uniform() * 4)); // ties on purpose
        const got = await lateralInhibitionStepKernel(backend, spikes, potential, constants);
        const ref = lateralInhibitionReference(spikes, potential, constants);
        expect(Array.from(got)).toEqual(Array.from(ref));
        const kept = ref.reduce((a, b) => a + b, 0);
        expect(kept).toBeGreaterThan(0);
        expect(kept).toBeLessThan(spikes.reduce((a, b) => a + b, 0));
      }
      await expect(lateralInhibitionStepKernel(backend, new Float32Array(4), new Float32Array(4), { channels: 1, height: 2, width: 2, radius: -1 })).rejects.toThrow(
        'field radius: inhibition radius must be an integer >= 0',
      );
    });

    it('spikingPoolKernel', async () => {
      const rng = new Rng(9);
      const params = spikingPoolParams({ channels: 3, inHeight: 6, inWidth: 6, kernelSize: 2 });
      const spikes = Float32Array.from({ length: 108 }, () => rng.bernoulli(0.2));
      const active = Float32Array.from({ length: 27 }, () => rng.bernoulli(0.7));
      const got = await spikingPoolStepKernel(backend, spikes, active, params);
      expect(Array.from(got)).toEqual(Array.from(spikingPoolReference(spikes, active, params)));
    });

    it('SpikingConvKernelLayer and SpikingPoolKernelLayer step as the event-driven layers', async () => {
      for (const [radius, stride] of [
        [0, 1],
        [1, 1],
        [0, 2],
      ]) {
        const rng = new Rng(40 + radius + stride);
        const params = convIfParams({ inChannels: 2, inHeight: 9, inWidth: 8, outChannels: 5, kernelSize: 3, padding: 1, stride, threshold: 1.3 });
        const weights = Float32Array.from({ length: 5 * 2 * 9 }, () => rng.uniform() * 0.6);
        const events = new SpikingConvLayer(params, weights, { inhibitionRadius: radius });
        const dense = new SpikingConvKernelLayer(backend, params, weights, { inhibitionRadius: radius });
        const pool = spikingPoolParams({ channels: 5, inHeight: params.outHeight, inWidth: params.outWidth, kernelSize: 2 });
        const poolEvents = new SpikingPool(pool);
        const poolDense = new SpikingPoolKernelLayer(backend, pool);
        let total = 0;
        for (let sample = 0; sample < 2; sample++) {
          events.reset();
          dense.reset();
          poolEvents.reset();
          poolDense.reset();
          for (let t = 0; t < 6; t++) {
            const input = Array.from({ length: 144 }, (_, i) => i).filter(() => rng.bernoulli(0.15));
            const a = events.step(input);
            const b = await dense.step(input);
            expect(Array.from(b.spikes), `radius ${radius} stride ${stride} step ${t}`).toEqual(Array.from(a.spikes));
            for (let i = 0; i < a.potentials.length; i++) expect(Math.abs(b.potentials[i] - a.potentials[i])).toBeLessThanOrEqual(1e-4);
            const va = events.potentials();
            const vb = dense.potentials();
            for (let n = 0; n < va.length; n++) expect(Math.abs(vb[n] - va[n]), `potential ${n}`).toBeLessThanOrEqual(1e-4);
            expect(await poolDense.step(a.spikes)).toEqual(poolEvents.step(a.spikes));
            total += a.spikes.length;
          }
        }
        expect(total).toBeGreaterThan(3);
      }
      await expect(Promise.resolve().then(() => new SpikingPoolKernelLayer({ ...backend, isGpuJs: false, name: 'js' } as Backend, spikingPoolParams({ channels: 1, inHeight: 2, inWidth: 2, kernelSize: 2 })))).rejects.toThrow(
        'field backend: this layer runs gpu.js kernels',
      );
    });
  });
}
