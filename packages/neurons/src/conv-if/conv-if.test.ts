import { Rng, ShapeError, ValidationError } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { convIfKernelConstants, convIfKernelReference } from './kernel.js';
import { lateralInhibitionReference } from './inhibition.js';
import { SpikingConvLayer } from './layer.js';
import { convIfParams } from './params.js';
import { SpikingPool, spikingPoolParams, spikingPoolReference } from './pool.js';
import { float32AtMost } from './simd.js';

/** The dense form of one sample through the layer: reference kernels plus the silencing rule. */
function denseRun(params: ReturnType<typeof convIfParams>, weights: Float32Array, radius: number, steps: number[][]) {
  const { outChannels: co, outHeight: oh, outWidth: ow, inChannels, inHeight, inWidth, threshold } = params;
  const plane = oh * ow;
  let pot: Float32Array = new Float32Array(co * plane);
  const active = new Float32Array(co * plane).fill(1);
  const result: { spikes: number[]; potentials: number[]; after: Float32Array }[] = [];
  for (const step of steps) {
    const input = new Float32Array(inChannels * inHeight * inWidth);
    for (const i of step) input[i] = 1;
    pot = convIfKernelReference(input, weights, pot, active, convIfKernelConstants(params));
    const spikes = new Float32Array(co * plane);
    for (let n = 0; n < spikes.length; n++) if (active[n] > 0 && pot[n] > threshold) spikes[n] = 1;
    const kept = lateralInhibitionReference(spikes, pot, { channels: co, height: oh, width: ow, radius });
    const out = { spikes: [] as number[], potentials: [] as number[], after: pot };
    for (let n = 0; n < kept.length; n++) {
      if (kept[n]) {
        out.spikes.push(n);
        out.potentials.push(pot[n]);
      }
    }
    for (let n = 0; n < spikes.length; n++) {
      if (spikes[n] && !kept[n]) active[n] = pot[n] = 0;
    }
    for (const n of out.spikes) {
      const o = Math.floor(n / plane);
      const y = Math.floor((n % plane) / ow);
      const x = n % ow;
      for (let o2 = 0; o2 < co; o2++) {
        for (let y2 = Math.max(0, y - radius); y2 <= Math.min(oh - 1, y + radius); y2++) {
          for (let x2 = Math.max(0, x - radius); x2 <= Math.min(ow - 1, x + radius); x2++) {
            if (o2 !== o) active[o2 * plane + y2 * ow + x2] = pot[o2 * plane + y2 * ow + x2] = 0;
          }
        }
      }
      active[n] = pot[n] = 0;
    }
    out.after = pot.map((v, n) => (active[n] ? v : 0));
    result.push(out);
  }
  return result;
}

describe('SpikingConvLayer (event-driven) against the dense reference kernels', () => {
  // 6 maps: channel rows padded to 8 lanes inside; threshold 1.3 is not a float32 (the SIMD pre-filter rounds down).
  for (const [stride, padding, radius, maps, threshold] of [
    [1, 2, 0, 4, 1.5],
    [1, 1, 1, 4, 1.5],
    [2, 0, 0, 4, 1.5],
    [1, 2, 1, 6, 1.3],
  ]) {
    it(`stride ${stride}, padding ${padding}, radius ${radius}, ${maps} maps`, () => {
      const rng = new Rng(10 + stride + padding + radius);
      const params = convIfParams({ inChannels: 2, inHeight: 9, inWidth: 8, outChannels: maps, kernelSize: 3, padding, stride, threshold });
      const weights = Float32Array.from({ length: maps * 2 * 9 }, () => rng.uniform() * 0.6);
      const steps = Array.from({ length: 6 }, () => Array.from({ length: 144 }, (_, i) => i).filter(() => rng.bernoulli(0.15)));
      const layer = new SpikingConvLayer(params, weights, { inhibitionRadius: radius });
      layer.reset();
      const expected = denseRun(params, weights, radius, steps);
      let total = 0;
      steps.forEach((step, t) => {
        const got = layer.step(step);
        expect(Array.from(got.spikes), `step ${t}`).toEqual(expected[t].spikes);
        for (let i = 0; i < got.potentials.length; i++) expect(got.potentials[i]).toBeCloseTo(expected[t].potentials[i], 4);
        const v = layer.potentials();
        for (let n = 0; n < v.length; n++) expect(v[n], `potential ${n} after step ${t}`).toBeCloseTo(expected[t].after[n], 4);
        total += got.spikes.length;
      });
      expect(total).toBeGreaterThan(3);
      // a neuron fires at most once per sample
      layer.reset();
      const seen = new Set<number>();
      for (const step of steps) for (const n of layer.step(step).spikes) {
        expect(seen.has(n)).toBe(false);
        seen.add(n);
      }
    });
  }

  it('rounds the firing pre-filter threshold down to a float32', () => {
    expect(float32AtMost(1.5)).toBe(1.5);
    expect(float32AtMost(1.3)).toBeLessThanOrEqual(1.3);
    expect(Math.fround(float32AtMost(1.3))).toBe(float32AtMost(1.3));
    expect(float32AtMost(1.3)).toBeGreaterThan(1.3 - 2e-7);
    expect(float32AtMost(Number.MAX_VALUE)).toBe(3.4028234663852886e38);
  });

  it('refuses a weight array of the wrong size, a threshold <= 0 and a negative radius', () => {
    const params = convIfParams({ inChannels: 2, inHeight: 5, inWidth: 5, outChannels: 3, kernelSize: 3, threshold: 1 });
    expect(() => new SpikingConvLayer(params, new Float32Array(5))).toThrow(ShapeError);
    expect(() => new SpikingConvLayer(params, new Float32Array(5))).toThrow('field weights: filter array has the wrong size; expected 54 values ([3, 2, 3, 3]), found 5');
    expect(() => convIfParams({ inChannels: 2, inHeight: 5, inWidth: 5, outChannels: 3, kernelSize: 3, threshold: 0 }, 'conv1')).toThrow(
      'field conv1.threshold: firing threshold must be > 0; expected a finite number > 0, found 0',
    );
    expect(() => new SpikingConvLayer(params, new Float32Array(54), { inhibitionRadius: -1 })).toThrow(ValidationError);
    expect(() => convIfParams({ inChannels: 1, inHeight: 3, inWidth: 3, outChannels: 1, kernelSize: 5, threshold: 1 })).toThrow('field conv.kernelSize');
  });
});

describe('SpikingPool (event-driven) against spikingPoolReference', () => {
  it('fires each pooled neuron once, at the first spike of its window', () => {
    const rng = new Rng(3);
    const params = spikingPoolParams({ channels: 3, inHeight: 6, inWidth: 7, kernelSize: 2 });
    expect([params.outHeight, params.outWidth, params.stride]).toEqual([3, 3, 2]);
    const pool = new SpikingPool(params);
    const active = new Float32Array(27).fill(1);
    for (let t = 0; t < 5; t++) {
      const step = Array.from({ length: 126 }, (_, i) => i).filter(() => rng.bernoulli(0.1));
      const dense = new Float32Array(126);
      for (const i of step) dense[i] = 1;
      const ref = spikingPoolReference(dense, active, params);
      const expected: number[] = [];
      ref.forEach((v, n) => {
        if (v) {
          expected.push(n);
          active[n] = 0;
        }
      });
      expect(pool.step(step)).toEqual(expected);
    }
    expect(() => spikingPoolParams({ channels: 1, inHeight: 2, inWidth: 2, kernelSize: 3 }, 'pool1')).toThrow('field pool1.kernelSize');
  });
});
