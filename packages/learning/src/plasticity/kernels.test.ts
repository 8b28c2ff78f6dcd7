import { type Backend, Rng, createBackend } from '@snn/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// Kernels from the build: gpu.js compiles fn.toString(), so the built code is what must work.
import {
  diehlCookPowerLawDenseReference,
  diehlCookPowerLawKernel,
  diehlCookStdpDenseReference,
  diehlCookStdpKernel,
  diehlCookStdpParams,
  hebbianKernel,
  hebbianParams,
  hebbianUpdate,
  normalizeColumns,
  normalizeColumnsKernel,
  pairStdpDenseReference,
  pairStdpKernel,
  pairStdpParams,
} from '../../dist/index.js';

const close = (a: Float32Array, b: ArrayLike<number>, tol: number) => {
  expect(a.length).toBe(b.length);
  for (let k = 0; k < a.length; k++) expect(Math.abs(a[k] - b[k]), `element ${k}`).toBeLessThanOrEqual(tol);
};

for (const mode of ['cpu', 'webasm'] as const) {
  describe(`plasticity kernels on gpu.js ${mode} vs the TypeScript references`, () => {
    let backend: Backend;
    beforeAll(async () => {
      backend = await createBackend(mode);
    });
    afterAll(async () => {
      await backend.destroy();
    });
    const rng = new Rng(8);
    const nPre = 24;
    const nPost = 10;
    const u = (n: number) => Float32Array.from({ length: n }, () => rng.uniform());
    const s = (n: number, p: number) => Float32Array.from({ length: n }, () => (rng.bernoulli(p) ? 1 : 0));
    const w = u(nPre * nPost);
    const preTrace = u(nPre);
    const postTrace = u(nPost);
    const post2 = u(nPost);
    const preSpikes = s(nPre, 0.3);
    const postSpikes = s(nPost, 0.3);

    it('pairStdpKernel', async () => {
      const p = pairStdpParams({ aPlus: 0.3, aMinus: 0.2 });
      const run = backend.kernel('test.pair-stdp', pairStdpKernel as never, {
        output: [nPost, nPre],
        constants: { nPost, aPlus: p.aPlus, aMinus: p.aMinus, wMin: p.wMin, wMax: p.wMax },
      });
      const out = backend.flatten(await run(w, preTrace, postTrace, preSpikes, postSpikes));
      const ref = pairStdpDenseReference(w, preTrace, postTrace, preSpikes, postSpikes, p);
      close(out, ref, 1e-6);
      expect(ref.some((x, k) => x !== w[k])).toBe(true);
    });
    it.each(['depress', 'potentiate'] as const)('diehlCookStdpKernel (pre spikes %s)', async (preUpdate) => {
      const p = diehlCookStdpParams({ nuPre: 0.2, nuPost: 0.5, preUpdate });
      const run = backend.kernel(`test.dc-stdp-${preUpdate}`, diehlCookStdpKernel as never, {
        output: [nPost, nPre],
        constants: { nPost, nuPre: p.nuPre, preSign: preUpdate === 'depress' ? -1 : 1, nuPost: p.nuPost, wMin: p.wMin, wMax: p.wMax },
      });
      const out = backend.flatten(await run(w, preTrace, postTrace, post2, preSpikes, postSpikes));
      const ref = diehlCookStdpDenseReference(w, preTrace, postTrace, post2, preSpikes, postSpikes, p);
      close(out, ref, 1e-6);
      expect(ref.some((x) => x === 0 || x === 1)).toBe(true);
    });
    it('diehlCookPowerLawKernel', async () => {
      const p = diehlCookStdpParams({ rule: 'power-law', nuPost: 0.5 });
      const x = Float32Array.from(preTrace, (v) => 2 * v); // additive traces reach above 1
      const run = backend.kernel('test.dc-power-law', diehlCookPowerLawKernel as never, {
        output: [nPost, nPre],
        constants: { nPost, nuPost: p.nuPost, xTar: p.xTar, mu: p.mu, wMin: p.wMin, wMax: p.wMax },
      });
      const out = backend.flatten(await run(w, x, postSpikes));
      const ref = diehlCookPowerLawDenseReference(w, x, postSpikes, p);
      close(out, ref, 1e-5);
      expect(ref.some((v, k) => v < w[k])).toBe(true);
      expect(ref.some((v, k) => v > w[k])).toBe(true);
    });
    it('hebbianKernel', async () => {
      const p = hebbianParams({ learningRate: 0.5, decay: 0.1 });
      const run = backend.kernel('test.hebbian', hebbianKernel as never, {
        output: [nPost, nPre],
        constants: { nPost, learningRate: p.learningRate, decay: p.decay, wMin: p.wMin, wMax: p.wMax },
      });
      const out = backend.flatten(await run(w, preTrace, postTrace));
      close(out, hebbianUpdate(w.slice(), preTrace, postTrace, p), 1e-6);
    });
    it('normalizeColumnsKernel', async () => {
      const run = backend.kernel('test.normalize', normalizeColumnsKernel as never, { output: [nPost, nPre], constants: { nRows: nPre, nCols: nPost, target: 7.8 } });
      const out = backend.flatten(await run(w));
      close(out, normalizeColumns(w.slice(), nPre, nPost, 7.8), 1e-5);
    });
  });
}
