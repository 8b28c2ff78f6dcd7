import { Rng } from '@snn/core';
import { fastSigmoid, sigmoid } from '@snn/neurons';
import { describe, expect, it } from 'vitest';
import { gradCheck } from './grad-check.js';
import type { RunContext } from './layer.js';
import { type IzhikevichLayerOptions, izhikevich } from './neurons/izhikevich.js';
import type { FloatArray, Seq } from './types.js';

const TRAIN: RunContext = { train: true, rng: new Rng(0), spikeOverride: null };

/** One layer of `width` neurons run on the currents `[T, B, width]`; returns its spikes, membrane and the VJP of `L = Σ gOut·S + Σ gMem·v`. */
function runLayer(opts: IzhikevichLayerOptions, data: FloatArray, T: number, B: number, width: number, gOut: FloatArray, gMem: FloatArray | null) {
  const layer = izhikevich(opts);
  layer.name = 'izh';
  layer.build([width], { rng: new Rng(0), needInputGrad: true, previous: 'input' });
  const x: Seq = { data, steps: T, batch: B, shape: [width] };
  const out = layer.forward(x, TRAIN);
  const spikes = Array.from(out.out.data);
  const mem = Array.from(out.mem as FloatArray);
  const grad = Array.from(layer.backward({ out: gOut, mem: gMem }, TRAIN) as FloatArray);
  return { spikes, mem, grad };
}

describe('izhikevich layer options', () => {
  it('passes gradCheck with the exact VJP: attached reset, both schemes, a membrane on the floor', () => {
    for (const integration of ['izhikevich', 'euler'] as const) {
      for (const inputMean of [0.6, -15]) {
        const model = izhikevich({ integration, dtMs: 0.5, currentScale: 20, detachReset: false, surrogate: fastSigmoid({ slope: 1 }) }).model;
        // Mean current −300: the membrane sits on the −100 mV floor after a step or two (a floored step passes nothing).
        const report = gradCheck(model, { inputMean, inputStd: inputMean < 0 ? 2 : 0.6, steps: 8, throwOnFailure: false });
        for (const e of report.entries) expect(e.maxRelError, `${integration}, mean ${inputMean}: ${e.name}`).toBeLessThan(1e-4);
      }
    }
  });

  it('clipSurrogate gives a spike the surrogate peak σ′(0)/s; stableBackward caps ∂v′/∂v at 1 (Euler, one neuron, hand-derived)', () => {
    // Step 0 from v = −65, u = −13 (RS), I = 10·x: with x = 30, f = 169 − 325 + 140 + 13 + 300 = 297, v′ = 232 mV ≥ 30: a spike.
    const base: IzhikevichLayerOptions = { integration: 'euler', dtMs: 1, surrogate: fastSigmoid({ slope: 1 }), surrogateScaleMv: 10, membraneFloorMv: null };
    const one = (opts: IzhikevichLayerOptions) => runLayer({ ...base, ...opts }, Float64Array.from([30]), 1, 1, 1, Float64Array.from([1]), null);
    const raw = one({ clipSurrogate: false });
    const clipped = one({ clipSurrogate: true });
    expect(raw.spikes).toEqual([1]);
    expect(clipped.spikes).toEqual([1]);
    // dS/dx = σ′(z)/s · ∂v′/∂I · 10, ∂v′/∂I = Δt = 1; z = (232 − 30)/10 = 20.2 unclipped, 0 clipped.
    expect(raw.grad[0]).toBeCloseTo((10 * 1) / (1 + 20.2) ** 2 / 10, 10);
    expect(clipped.grad[0]).toBeCloseTo(1, 10);
    // Two steps from v = −40 (u = −8), x = 0: v₁ = −40 + (64 − 200 + 140 + 8) = −28; dv₂/dx₀ = 10·Δt·(1 + Δt·(0.08·(−28) + 5)) = 10·3.76 exact,
    // 10·1 capped (u₁ does not read x₀ in Euler's scheme).
    const two = (stableBackward: boolean) =>
      runLayer({ ...base, vInitMv: -40, stableBackward }, Float64Array.from([0, 0]), 2, 1, 1, Float64Array.from([0, 0]), Float64Array.from([0, 1]));
    const exact = two(false);
    expect(exact.mem[0]).toBeCloseTo(-28, 10);
    expect(exact.grad[0]).toBeCloseTo(37.6, 8);
    expect(two(true).grad[0]).toBeCloseTo(10, 8);
  });

  it('holds the membrane at the floor (or lets it fall through with null)', () => {
    const floored = runLayer({ integration: 'euler' }, Float64Array.from([-30, -30, -30]), 3, 1, 1, new Float64Array(3), null);
    expect(floored.mem).toEqual([-100, -100, -100]);
    // Without the floor: v₁ = −65 + 169 − 325 + 140 + 13 − 300 = −368, then the explicit step overshoots to large positive values.
    const free = runLayer({ integration: 'euler', membraneFloorMv: null }, Float64Array.from([-30, -30]), 2, 1, 1, new Float64Array(2), null);
    expect(free.mem[0]).toBeCloseTo(-368, 8);
    expect(free.spikes[1]).toBe(1);
  });

  it('the float32 sequence kernel equals the float64 per-step path for every option', () => {
    const T = 14;
    const B = 3;
    const width = 8;
    const rng = new Rng(5);
    const x = Float64Array.from({ length: T * B * width }, () => rng.normal(1.2, 1.5));
    const gOut = Float64Array.from({ length: T * B * width }, () => rng.normal());
    const gMem = Float64Array.from({ length: T * B * width }, () => rng.normal() * 0.01);
    const settings: IzhikevichLayerOptions[] = [
      {},
      { integration: 'euler', dtMs: 0.5, detachReset: false },
      { clipSurrogate: true, stableBackward: true, surrogate: fastSigmoid({ slope: 1 }), surrogateScaleMv: 30, currentScale: 20 },
      { preset: 'FS', membraneFloorMv: -70, surrogate: sigmoid({ slope: 2 }), detachReset: false, stableBackward: true },
    ];
    for (const opts of settings) {
      const slow = runLayer(opts, x, T, B, width, gOut, gMem);
      const fast = runLayer(opts, Float32Array.from(x), T, B, width, Float32Array.from(gOut), Float32Array.from(gMem));
      const tag = JSON.stringify(opts);
      expect(slow.spikes.reduce((s, v) => s + v, 0), tag).toBeGreaterThan(5);
      expect(fast.spikes, tag).toEqual(slow.spikes);
      for (let i = 0; i < slow.mem.length; i++) expect(fast.mem[i], `${tag} mem[${i}]`).toBeCloseTo(slow.mem[i], 2);
      const scale = Math.max(...slow.grad.map(Math.abs));
      for (let i = 0; i < slow.grad.length; i++) expect(Math.abs(fast.grad[i] - slow.grad[i]), `${tag} grad[${i}]`).toBeLessThanOrEqual(1e-4 * scale);
    }
  });

  it('rejects bad options with the field', () => {
    expect(() => izhikevich({ clipSurrogate: 'yes' as never })).toThrow('field izhikevich.clipSurrogate: invalid Izhikevich layer option; expected a boolean, found yes');
    expect(() => izhikevich({ membraneFloorMv: Number.NaN })).toThrow('field izhikevich.membraneFloorMv: invalid Izhikevich layer option');
  });
});
