import { Rng, type SparseSpikes, denseToSparse, tensor } from '@snn/core';
import { atan, fastSigmoid, izhikevichParams } from '@snn/neurons';
import { describe, expect, it } from 'vitest';
import { Adam } from '../optim/adam.js';
import { IzhikevichNetwork, type IzhikevichNetworkOptions, type IzhikevichReadout } from './network.js';
import { type ReferenceIzhikevichLayer, type ReferenceIzhikevichOptions, izhikevichReference } from './reference.js';

/** Random 0/1 spikes `[B, T, size]` where input i fires with its own probability (some always on, some never). */
function randomInput(rng: Rng, batch: number, T: number, size: number): { dense: Float64Array; sparse: SparseSpikes } {
  const probs = Array.from({ length: size }, (_, i) => [0, 0.3, 0.6, 0.95, 1][i % 5]);
  const data = new Float32Array(batch * T * size);
  for (let b = 0; b < batch; b++) for (let t = 0; t < T; t++) for (let i = 0; i < size; i++) data[(b * T + t) * size + i] = rng.bernoulli(probs[i]);
  return { dense: Float64Array.from(data), sparse: denseToSparse(tensor(data, [batch, T, size])) };
}

function referenceLayers(net: IzhikevichNetwork): ReferenceIzhikevichLayer[] {
  return net.layers.map((layer, l) => ({
    inSize: net.spec.sizes[l],
    outSize: net.spec.sizes[l + 1],
    weight: Float64Array.from(layer.weight.value),
    bias: Float64Array.from(layer.bias.value),
    neuron: layer.neuron,
    currentScale: layer.currentScale,
  }));
}

describe('izhikevichReference (float64) against central finite differences', () => {
  // Soft spikes σ(k·x) in the forward pass make the loss differentiable; with the reset attached, the hand-derived
  // backward pass must then equal the true gradient through v, u, the quadratic term and the reset.
  for (const integration of ['izhikevich', 'euler'] as const) {
    for (const readout of ['count', 'membrane'] as const) {
      it(`${integration} scheme, ${readout} readout`, () => {
        const rng = new Rng(11);
        const sizes = [6, 5, 3];
        const T = 12;
        const layers: ReferenceIzhikevichLayer[] = sizes.slice(1).map((n, l) => ({
          inSize: sizes[l],
          outSize: n,
          weight: Float64Array.from({ length: sizes[l] * n }, () => rng.uniformIn(-0.6, 1.2)),
          bias: Float64Array.from({ length: n }, () => rng.uniformIn(0, 0.5)),
          neuron: izhikevichParams({ preset: l === 0 ? 'RS' : 'FS', integration, dtMs: integration === 'euler' ? 0.5 : 1 }),
          currentScale: 8,
        }));
        const { dense } = randomInput(rng, 1, T, sizes[0]);
        const opts: ReferenceIzhikevichOptions = {
          surrogate: fastSigmoid({ slope: 1 }),
          surrogateScaleMv: 10,
          detachReset: false,
          stableBackward: false,
          membraneFloorMv: Number.NEGATIVE_INFINITY,
          readout,
          membraneScaleMv: 10,
          soft: 2,
        };
        const result = izhikevichReference(layers, dense, T, 1, opts, true);
        const grads = result.grads ?? [];
        // The network is active: hidden spikes well above zero.
        const hidden = result.spikes[0].reduce((s, x) => s + x, 0);
        expect(hidden).toBeGreaterThan(3);
        const eps = 1e-6;
        let checked = 0;
        let maxRel = 0;
        for (let l = 0; l < layers.length; l++) {
          for (const which of ['weight', 'bias'] as const) {
            const values = layers[l][which];
            for (let k = 0; k < values.length; k++) {
              const keep = values[k];
              values[k] = keep + eps;
              const up = izhikevichReference(layers, dense, T, 1, opts, false).loss;
              values[k] = keep - eps;
              const down = izhikevichReference(layers, dense, T, 1, opts, false).loss;
              values[k] = keep;
              const numeric = (up - down) / (2 * eps);
              const analytic = grads[l][which][k];
              const rel = Math.abs(numeric - analytic) / Math.max(1e-4, Math.abs(numeric) + Math.abs(analytic));
              maxRel = Math.max(maxRel, rel);
              checked++;
            }
          }
        }
        expect(checked).toBe(6 * 5 + 5 + 5 * 3 + 3);
        expect(maxRel).toBeLessThan(1e-4);
      });
    }
  }
});

describe('IzhikevichNetwork engine against the float64 reference', () => {
  const cases: { integration: 'izhikevich' | 'euler'; readout: IzhikevichReadout; detachReset: boolean; stableBackward: boolean; inhibit?: boolean }[] = [
    { integration: 'izhikevich', readout: 'count', detachReset: true, stableBackward: true },
    { integration: 'izhikevich', readout: 'count', detachReset: true, stableBackward: false },
    { integration: 'izhikevich', readout: 'count', detachReset: false, stableBackward: false },
    { integration: 'izhikevich', readout: 'membrane', detachReset: true, stableBackward: true },
    { integration: 'euler', readout: 'count', detachReset: true, stableBackward: true },
    { integration: 'euler', readout: 'membrane', detachReset: false, stableBackward: false },
    // Half the hidden neurons under a current of about −150, far enough below to reach the −100 mV membrane floor.
    { integration: 'izhikevich', readout: 'membrane', detachReset: false, stableBackward: false, inhibit: true },
    { integration: 'euler', readout: 'count', detachReset: false, stableBackward: false, inhibit: true },
  ];
  for (const { integration, readout, detachReset, stableBackward, inhibit } of cases) {
    it(`${integration}, ${readout} readout, ${detachReset ? 'detached' : 'attached'} reset, ${stableBackward ? 'stable' : 'exact'} backward${inhibit ? ', floored membrane' : ''}`, () => {
      const rng = new Rng(3);
      const T = 10;
      const B = 3;
      const opts: IzhikevichNetworkOptions = {
        sizes: [20, 16, 4],
        neuron: [{ preset: 'RS', integration }, { preset: 'FS', integration }],
        currentScale: [12, 15],
        surrogate: atan(),
        surrogateScaleMv: 10,
        detachReset,
        stableBackward,
        readout,
        seed: 5,
      };
      const net = new IzhikevichNetwork(opts);
      // Shift the weights up so the layers spike.
      for (const p of net.parameters()) for (let i = 0; i < p.value.length; i++) p.value[i] += 0.15;
      if (inhibit) for (let j = 0; j < 8; j++) net.layers[0].bias.value[j] = -12.5;
      const { dense, sparse } = randomInput(rng, B, T, 20);
      const labels = [0, 3, 1];
      const result = net.forwardBackward(sparse, labels);
      const layers = referenceLayers(net);
      const refOpts: ReferenceIzhikevichOptions = { surrogate: atan(), surrogateScaleMv: 10, detachReset, stableBackward, membraneFloorMv: net.spec.membraneFloorMv ?? Number.NEGATIVE_INFINITY, readout, membraneScaleMv: 10, soft: null };
      let loss = 0;
      const refGrads = layers.map((layer) => ({ weight: new Float64Array(layer.weight.length), bias: new Float64Array(layer.bias.length) }));
      let hiddenSpikes = 0;
      let inputSpikes = 0;
      for (let b = 0; b < B; b++) {
        const x = dense.subarray(b * T * 20, (b + 1) * T * 20);
        inputSpikes += x.reduce((s, v) => s + v, 0);
        const r = izhikevichReference(layers, x, T, labels[b], refOpts, true);
        loss += r.loss / B;
        hiddenSpikes += r.spikes[0].reduce((s, v) => s + v, 0);
        const counts = Array.from({ length: 4 }, (_, c) => r.spikes[1].reduce((s, v, k) => s + (k % 4 === c ? v : 0), 0));
        expect(Array.from(result.output.counts.subarray(b * 4, b * 4 + 4))).toEqual(counts);
        for (let c = 0; c < 4; c++) expect(result.output.scores[b * 4 + c]).toBeCloseTo(r.logits[c], 4);
        (r.grads ?? []).forEach((g, l) => {
          for (let k = 0; k < g.weight.length; k++) refGrads[l].weight[k] += g.weight[k] / B;
          for (let k = 0; k < g.bias.length; k++) refGrads[l].bias[k] += g.bias[k] / B;
        });
      }
      expect(hiddenSpikes).toBeGreaterThan(20);
      expect(result.output.layerSpikes[0]).toBe(hiddenSpikes);
      expect(result.output.inputSpikes).toBe(inputSpikes);
      expect(result.output.synapticOps).toBe(inputSpikes * 16 + hiddenSpikes * 4);
      expect(result.loss).toBeCloseTo(loss, 5);
      let norm = 0;
      for (const g of refGrads) for (const v of [...g.weight, ...g.bias]) norm = Math.max(norm, Math.abs(v));
      expect(norm).toBeGreaterThan(1e-4);
      net.layers.forEach((layer, l) => {
        for (let k = 0; k < layer.weight.grad.length; k++) expect(Math.abs(layer.weight.grad[k] - refGrads[l].weight[k])).toBeLessThanOrEqual(1e-4 * norm + 1e-3 * Math.abs(refGrads[l].weight[k]));
        for (let k = 0; k < layer.bias.grad.length; k++) expect(Math.abs(layer.bias.grad[k] - refGrads[l].bias[k])).toBeLessThanOrEqual(1e-4 * norm + 1e-3 * Math.abs(refGrads[l].bias[k]));
      });
      // The capped backward pass differs from the exact one here (hidden neurons pass through v > −62.5 mV).
      const exact = izhikevichReference(layers, dense.subarray(0, T * 20), T, labels[0], { ...refOpts, stableBackward: !stableBackward }, true);
      const mine = izhikevichReference(layers, dense.subarray(0, T * 20), T, labels[0], refOpts, true);
      const diff = (exact.grads ?? [])[0].weight.reduce((s, v, k) => s + Math.abs(v - (mine.grads ?? [])[0].weight[k]), 0);
      expect(diff).toBeGreaterThan(1e-6);
      if (inhibit) {
        // The floor is reached: without it the same network integrates (and differentiates) differently.
        const unfloored = izhikevichReference(layers, dense.subarray(0, T * 20), T, labels[0], { ...refOpts, membraneFloorMv: Number.NEGATIVE_INFINITY }, true);
        const change = (unfloored.grads ?? [])[0].bias.reduce((s, v, k) => s + Math.abs(v - (mine.grads ?? [])[0].bias[k]), 0);
        expect(change + Math.abs(unfloored.loss - mine.loss)).toBeGreaterThan(1e-6);
      }
      net.destroy();
    });
  }
});

describe('IzhikevichNetwork', () => {
  it('names its parameters, round-trips its spec and is deterministic per seed', () => {
    const net = new IzhikevichNetwork({ sizes: [8, 6, 3], seed: 1 });
    expect(net.parameters().map((p) => `${p.name}[${p.shape.join(',')}]`)).toEqual(['fc1.weight[8,6]', 'fc1.bias[6]', 'fc2.weight[6,3]', 'fc2.bias[3]']);
    expect(net.classes).toBe(3);
    const spec = JSON.parse(JSON.stringify(net.spec));
    expect(spec).toMatchObject({ sizes: [8, 6, 3], currentScale: [20, 20], surrogateScaleMv: 30, detachReset: true, stableBackward: true, readout: 'count', surrogate: { name: 'fastSigmoid', options: { slope: 1 } } });
    expect(spec.neuron[0]).toMatchObject({ preset: 'RS', a: 0.02, dtMs: 1, integration: 'izhikevich' });
    const again = IzhikevichNetwork.fromSpec(spec, { seed: 1 });
    expect(again.spec).toEqual(net.spec);
    expect(Array.from(again.layers[0].weight.value)).toEqual(Array.from(net.layers[0].weight.value));
    const { sparse } = randomInput(new Rng(4), 2, 6, 8);
    const r1 = net.forwardBackward(sparse, [0, 2]);
    const r2 = again.forwardBackward(sparse, [0, 2]);
    expect(r2.loss).toBe(r1.loss);
    expect(Array.from(again.layers[0].weight.grad)).toEqual(Array.from(net.layers[0].weight.grad));
    const other = new IzhikevichNetwork({ sizes: [8, 6, 3], seed: 2 });
    expect(Array.from(other.layers[0].weight.value)).not.toEqual(Array.from(net.layers[0].weight.value));
  });

  it('learns a small two-class problem with Adam', () => {
    const rng = new Rng(7);
    const size = 16;
    const T = 20;
    const B = 16;
    // Class 0 drives the first half of the inputs, class 1 the second half.
    const make = () => {
      const labels = Array.from({ length: B }, (_, b) => b % 2);
      const data = new Float32Array(B * T * size);
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < T; t++) {
          for (let i = 0; i < size; i++) data[(b * T + t) * size + i] = rng.bernoulli((i < size / 2) === (labels[b] === 0) ? 0.6 : 0.05);
        }
      }
      return { spikes: denseToSparse(tensor(data, [B, T, size])), labels };
    };
    const net = new IzhikevichNetwork({ sizes: [size, 12, 2], seed: 3 });
    const adam = new Adam(net.parameters(), { lr: 0.01 });
    const first = make();
    const before = net.evaluateLoss(first.spikes, first.labels);
    let last = before;
    for (let step = 0; step < 40; step++) {
      const batch = make();
      last = net.trainStep(batch.spikes, batch.labels, adam);
    }
    const after = net.evaluateLoss(first.spikes, first.labels);
    expect(after.loss).toBeLessThan(before.loss * 0.5);
    expect(after.correct).toBe(B);
    expect(last.output.predictions).toHaveLength(B);
    const out = net.forward(first.spikes);
    expect(Array.from(out.predictions)).toEqual(first.labels);
    expect(out.layerSpikes).toHaveLength(2);
    net.destroy();
    expect(() => net.forward(first.spikes)).toThrow('field network: the network was destroyed; expected a network before destroy(), found destroyed');
  });

  it('rejects bad options and inputs with named fields', () => {
    expect(() => new IzhikevichNetwork({ sizes: [4] })).toThrow('field sizes: invalid layer sizes; expected at least two positive integers, input first, found [4]');
    expect(() => new IzhikevichNetwork({ sizes: [4, 3, 2], currentScale: [1, 0] })).toThrow('field currentScale[1]: invalid option; expected a finite number > 0, found 0');
    expect(() => new IzhikevichNetwork({ sizes: [4, 3, 2], currentScale: [1] })).toThrow('field currentScale: one entry per layer needed; expected 2 entries, found 1');
    expect(() => new IzhikevichNetwork({ sizes: [4, 2], neuron: { preset: 'XX' as never } })).toThrow('field neuron.preset: unknown Izhikevich preset');
    expect(() => new IzhikevichNetwork({ sizes: [4, 2], neuron: [{ dtMs: -1 }] })).toThrow('field neuron[0].dtMs: invalid Izhikevich parameter; expected a finite number > 0, found -1');
    expect(() => new IzhikevichNetwork({ sizes: [4, 2], surrogateScaleMv: Number.NaN })).toThrow('field surrogateScaleMv: invalid option; expected a finite number > 0, found NaN');
    expect(() => new IzhikevichNetwork({ sizes: [4, 2], readout: 'rate' as never })).toThrow('field readout: unknown readout; expected one of count, membrane, found "rate"');
    const net = new IzhikevichNetwork({ sizes: [4, 2] });
    const spikes = denseToSparse(tensor(new Float32Array(2 * 3 * 4).fill(1), [2, 3, 4]));
    expect(() => net.forwardBackward(spikes, [0])).toThrow('field labels: one label per sample needed; expected 2, found 1');
    expect(() => net.forwardBackward(spikes, [0, 2])).toThrow('field labels[1]: label out of range; expected an integer in [0, 2), found 2');
    const wrong = denseToSparse(tensor(new Float32Array(3 * 5), [1, 3, 5]));
    expect(() => net.forward(wrong)).toThrow('field spikes.size: spike size does not match the input layer; expected 4, found 5');
  });
});
