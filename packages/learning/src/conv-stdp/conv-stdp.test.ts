import { type Backend, Rng, ValidationError, createBackend } from '@snn/core';
import { SpikingConvLayer, convIfParams } from '@snn/neurons';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The kernel is imported from the build: gpu.js compiles fn.toString(), so the built code is what must work.
import { ConvStdp, convStdpUpdateKernel, convStdpUpdateReference, convergenceMetric, initialConvWeights } from '../../dist/index.js';

function makeLayer(seed: number) {
  const rng = new Rng(seed);
  const params = convIfParams({ inChannels: 1, inHeight: 6, inWidth: 6, outChannels: 3, kernelSize: 3, padding: 1, threshold: 1.2 });
  const weights = initialConvWeights(3 * 9, () => rng.normal());
  return new SpikingConvLayer(params, weights);
}

describe('ConvStdp', () => {
  it('updates the winner (largest potential) by Δw = a±·w(1−w) and blocks its map and neighbours', () => {
    const layer = makeLayer(1);
    const stdp = new ConvStdp(layer, { inhibitionRadius: 1 });
    const before = Float32Array.from(layer.weights);
    layer.reset();
    stdp.startSample();
    const input = [7, 8, 14];
    stdp.recordInput(input);
    const step = layer.step(input);
    expect(step.spikes.length).toBeGreaterThan(0);
    const updates = stdp.learn(step);
    expect(updates.length).toBe(1);
    const best = step.potentials.indexOf(Math.max(...step.potentials));
    const n = step.spikes[best];
    expect(updates[0].channel).toBe(Math.floor(n / 36));
    const { channel, y, x } = updates[0];
    // pre map of the winner's receptive field (padding 1, stride 1)
    const pre = new Float32Array(9);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
      const iy = y - 1 + i;
      const ix = x - 1 + j;
      if (iy >= 0 && iy < 6 && ix >= 0 && ix < 6 && input.includes(iy * 6 + ix)) pre[i * 3 + j] = 1;
    }
    const expected = convStdpUpdateReference(before.subarray(channel * 9, channel * 9 + 9), pre, { aPlus: 0.004, aMinus: -0.003 });
    for (let i = 0; i < 9; i++) expect(layer.weights[channel * 9 + i]).toBeCloseTo(expected[i], 7);
    for (let o = 0; o < 3; o++) if (o !== channel) expect(Array.from(layer.weights.subarray(o * 9, o * 9 + 9))).toEqual(Array.from(before.subarray(o * 9, o * 9 + 9)));
    expect(updates[0].convergence).toBeCloseTo(convergenceMetric(layer.weights), 6);
    // the same map cannot win again in this sample
    expect(stdp.learn({ spikes: Uint32Array.from([channel * 36]), potentials: Float32Array.from([9]) })).toEqual([]);
  });

  it('doubles a+ every N updates up to aMax and sets a- = -0.75 a+', () => {
    const layer = makeLayer(2);
    const stdp = new ConvStdp(layer, { updatesPerDoubling: 2, aMax: 0.01 });
    const fire = (n: number) => {
      stdp.startSample();
      stdp.learn({ spikes: Uint32Array.from([n]), potentials: Float32Array.from([2]) });
    };
    fire(0);
    expect(stdp.aPlus).toBe(0.004);
    fire(1);
    expect(stdp.aPlus).toBe(0.008);
    expect(stdp.aMinus).toBeCloseTo(-0.006, 12);
    fire(2);
    fire(3);
    expect(stdp.aPlus).toBe(0.01);
    expect(stdp.updates).toBe(4);
  });

  it('refuses out-of-range options', () => {
    const layer = makeLayer(3);
    expect(() => new ConvStdp(layer, { aPlus: 0 })).toThrow(ValidationError);
    expect(() => new ConvStdp(layer, { inhibitionRadius: -2 })).toThrow('field stdp.inhibitionRadius: inhibition radius must be an integer >= 0');
  });

  it('convergenceMetric is mean w(1 - w)', () => {
    expect(convergenceMetric(Float32Array.from([0, 0.5, 1]))).toBeCloseTo(0.25 / 3, 12);
  });
});

for (const mode of ['cpu', 'webasm'] as const) {
  describe(`convStdpKernel on gpu.js ${mode} vs convStdpUpdateReference`, () => {
    let backend: Backend;
    beforeAll(async () => {
      backend = await createBackend(mode);
    });
    afterAll(async () => {
      await backend.destroy();
    });
    it('matches, including clipping at 0 and 1', async () => {
      const rng = new Rng(4);
      const filter = Float32Array.from({ length: 50 }, () => rng.uniform());
      filter[0] = 1;
      filter[1] = 0;
      const pre = Float32Array.from({ length: 50 }, () => rng.bernoulli(0.5));
      const constants = { aPlus: 0.15, aMinus: -0.1125 };
      const got = await convStdpUpdateKernel(backend, filter, pre, constants);
      const ref = convStdpUpdateReference(filter, pre, constants);
      for (let i = 0; i < 50; i++) expect(Math.abs(got[i] - ref[i])).toBeLessThanOrEqual(1e-6);
      expect(ref.some((v, i) => v !== filter[i])).toBe(true);
    });

    it('ConvStdp.learnOn (kernel updates) makes the updates of ConvStdp.learn', async () => {
      const a = makeLayer(6);
      const b = makeLayer(6);
      const stdpA = new ConvStdp(a, { inhibitionRadius: 1, updatesPerDoubling: 3 });
      const stdpB = new ConvStdp(b, { inhibitionRadius: 1, updatesPerDoubling: 3 });
      const rng = new Rng(8);
      let updates = 0;
      for (let sample = 0; sample < 4; sample++) {
        a.reset();
        b.reset();
        stdpA.startSample();
        stdpB.startSample();
        for (let t = 0; t < 4; t++) {
          const input = Array.from({ length: 36 }, (_, i) => i).filter(() => rng.bernoulli(0.3));
          stdpA.recordInput(input);
          stdpB.recordInput(input);
          const ua = stdpA.learn(a.step(input));
          const ub = await stdpB.learnOn(backend, b.step(input));
          expect(ub.map((u) => [u.channel, u.y, u.x])).toEqual(ua.map((u) => [u.channel, u.y, u.x]));
          for (let i = 0; i < ub.length; i++) expect(ub[i].convergence).toBeCloseTo(ua[i].convergence, 6);
          updates += ua.length;
        }
      }
      expect(updates).toBeGreaterThan(3);
      expect(stdpB.aPlus).toBe(stdpA.aPlus);
      for (let i = 0; i < a.weights.length; i++) expect(Math.abs(b.weights[i] - a.weights[i])).toBeLessThanOrEqual(1e-6);
    });
  });
}
