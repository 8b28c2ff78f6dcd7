import { denseToSparse, Rng, tensor } from '@snn/core';
import { atan, fastSigmoid, type ResetMechanism, type SurrogateFunction, sigmoid, straightThrough } from '@snn/neurons';
import { describe, expect, it } from 'vitest';
import { lossFromSpec } from '../compose/losses.js';
import { Adam } from '../optim/adam.js';
import { maxAbs, spikesOf } from '../test-support.js';
import golden from './lif-network.fixture.json' with { type: 'json' };
import type { BpttLoss } from './loss.js';
import { LifNetwork } from './network.js';
import { countCorrect, evaluate, trainEpoch } from './train.js';

/** Binary inputs with every kind of train: silent, sparse, half, long runs, always on; `[batch, T, size]`. */
function randomInput(rng: Rng, batch: number, T: number, size: number): Float64Array {
  const x = new Float64Array(batch * T * size);
  const rates = [0, 0.15, 0.5, 0.9, 1];
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < size; i++) {
      const p = rates[(i + b) % rates.length];
      for (let t = 0; t < T; t++) x[(b * T + t) * size + i] = rng.bernoulli(p);
    }
  }
  return x;
}

/** Time-major float64 copy `[T, B, size]` of `[B, T, size]` values. */
function timeMajor(x: Float64Array, B: number, T: number, size: number): Float64Array {
  const out = new Float64Array(x.length);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let i = 0; i < size; i++) out[(t * B + b) * size + i] = x[(b * T + t) * size + i];
  return out;
}

const LOSSES: BpttLoss[] = [
  { kind: 'membraneCrossEntropy' },
  { kind: 'countCrossEntropy' },
  { kind: 'mseCount', correctRate: 0.8, incorrectRate: 0.1 },
];
const MECHANISMS: ResetMechanism[] = ['subtract', 'zero', 'none'];

interface Case {
  name: string;
  sizes: number[];
  residual: boolean[];
  lif: { beta?: number; threshold?: number; resetMechanism?: ResetMechanism; resetDelay?: boolean };
  loss: BpttLoss;
  surrogate: SurrogateFunction;
}

// Widths whose B·width is a multiple of 4 run the WebAssembly SIMD kernels (bit-mask hand-off); others the JS loops.
const CASES: Case[] = [];
for (const resetMechanism of MECHANISMS) {
  for (const resetDelay of [true, false]) {
    for (const loss of LOSSES) {
      CASES.push({ name: `${resetMechanism}, ${resetDelay ? 'delayed' : 'immediate'} reset, ${loss.kind}`, sizes: [5, 8, 4], residual: [false, false], lif: { beta: 0.8, resetMechanism, resetDelay }, loss, surrogate: atan() });
    }
  }
}
CASES.push({ name: 'residual hidden layer, subtract, membraneCrossEntropy', sizes: [4, 8, 8, 3], residual: [false, true, false], lif: { beta: 0.9, threshold: 0.3 }, loss: LOSSES[0], surrogate: atan() });
for (const surrogate of [fastSigmoid({ slope: 5 }), sigmoid({ slope: 4 }), straightThrough()]) {
  CASES.push({ name: `${surrogate.name} surrogate, countCrossEntropy`, sizes: [5, 4, 3], residual: [false, false], lif: {}, loss: LOSSES[1], surrogate });
}

describe('LifNetwork on the composition engine', () => {
  const B = 4;
  const T = 9;
  const labels = [2, 0, 1, 2];
  for (const c of CASES) {
    it(`event-driven float32 run equals the float64 per-step run: ${c.name}`, () => {
      const rng = new Rng(5);
      const input = randomInput(rng, B, T, c.sizes[0]);
      const make = () => new LifNetwork({ sizes: c.sizes, lif: c.lif, residual: c.residual, surrogate: c.surrogate, seed: 7 });
      const fast = make();
      const spikes = denseToSparse(tensor(Float32Array.from(input), [B, T, c.sizes[0]]));
      const result = fast.forwardBackward(spikes, labels, c.loss);
      // The same composition on float64 dense input takes the plain loops (no kernels, no bit masks).
      const slow = make();
      const loss = { membraneCrossEntropy: 'membraneCrossEntropy', countCrossEntropy: 'ceCountLoss', mseCount: 'mseSpikeCountLoss' }[c.loss.kind];
      const x = { data: timeMajor(input, B, T, c.sizes[0]), steps: T, batch: B, shape: [c.sizes[0]] };
      const spec = c.loss.kind === 'mseCount' ? { name: loss, options: { correctRate: c.loss.correctRate, incorrectRate: c.loss.incorrectRate } } : { name: loss };
      const ref = slow.network.trainStep(x, labels, lossFromSpec(spec));
      expect(result.loss).toBeCloseTo(ref.loss, 5);
      expect(Array.from(result.counts)).toEqual(Array.from(ref.output.counts as Float32Array));
      let hidden = 0;
      const rec = fast.network.forward(spikes, { record: ['lif1'] }).records.lif1.spikes as Float32Array;
      for (const v of rec) hidden += v;
      expect(hidden).toBeGreaterThan(3);
      fast.parameters().forEach((p, k) => {
        const g = slow.parameters()[k].grad;
        const scale = maxAbs(g);
        expect(scale, p.name).toBeGreaterThan(0);
        for (let i = 0; i < g.length; i++) expect(Math.abs(p.grad[i] - g[i]), `${p.name}[${i}]: ${p.grad[i]} vs ${g[i]}`).toBeLessThanOrEqual(1e-5 * scale);
      });
      // Forward-only paths agree with the training pass; membranes come batch-major.
      const fwd = fast.forward(spikes, { membrane: true });
      expect(Array.from(fwd.counts)).toEqual(Array.from(result.counts));
      const C = c.sizes[c.sizes.length - 1];
      for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let k = 0; k < C; k++) expect(fwd.membrane?.[(b * T + t) * C + k]).toBeCloseTo(ref.output.mem[(t * B + b) * C + k], 5);
      expect(fast.evaluateLoss(spikes, labels, c.loss).loss).toBeCloseTo(result.loss, 6);
    });
  }

  it('reproduces the loss, counts, membranes and gradients of the engine it replaced', () => {
    // Values recorded from LifNetwork's own engine before the migration (same seeds, same inputs).
    const losses: Record<string, BpttLoss> = {
      'subtract, atan, membrane CE': { kind: 'membraneCrossEntropy' },
      'subtract, count CE': { kind: 'countCrossEntropy' },
      'none, mse count': { kind: 'mseCount', correctRate: 0.8, incorrectRate: 0.1 },
      'two hidden layers with a residual skip': { kind: 'membraneCrossEntropy' },
    };
    const lifs: Record<string, object> = {
      'subtract, atan, membrane CE': { beta: 0.9 },
      'subtract, count CE': { beta: 0.8, threshold: 0.7 },
      'none, mse count': { beta: 0.85, resetMechanism: 'none' },
      'two hidden layers with a residual skip': { beta: 0.9 },
    };
    expect(golden.length).toBe(4);
    for (const g of golden) {
      const sizes = g.grads.length === 4 ? [6, 8, 4] : [6, 8, 8, 4];
      const net = new LifNetwork({ sizes, lif: lifs[g.name], residual: sizes.length === 4, seed: 4 });
      const spikes = spikesOf(11, 3, 9, 6, 0.35);
      const r = net.forwardBackward(spikes, [2, 0, 3], losses[g.name]);
      expect(r.loss, g.name).toBeCloseTo(g.loss, 5);
      expect(Array.from(r.counts), g.name).toEqual(g.counts);
      const mem = net.forward(spikes, { membrane: true }).membrane as Float32Array;
      expect(mem.reduce((a, b) => a + b, 0), g.name).toBeCloseTo(g.membraneSum, 3);
      net.parameters().forEach((p, k) => {
        expect(p.name).toBe(g.grads[k].name);
        const want = g.grads[k].values;
        const scale = maxAbs(want);
        for (let i = 0; i < want.length; i++) expect(Math.abs(p.grad[i] - want[i]), `${g.name} ${p.name}[${i}]`).toBeLessThanOrEqual(1e-5 * scale);
      });
    }
  });

  it('handles more than 32 steps (several spike-mask words)', () => {
    const T70 = 70;
    const input = randomInput(new Rng(8), 2, T70, 5);
    const net = new LifNetwork({ sizes: [5, 8, 4], lif: { beta: 0.8 }, seed: 1 });
    const slow = new LifNetwork({ sizes: [5, 8, 4], lif: { beta: 0.8 }, seed: 1 });
    const r = net.forwardBackward(denseToSparse(tensor(Float32Array.from(input), [2, T70, 5])), [1, 2]);
    const ref = slow.network.trainStep({ data: timeMajor(input, 2, T70, 5), steps: T70, batch: 2, shape: [5] }, [1, 2], lossFromSpec({ name: 'membraneCrossEntropy' }));
    expect(r.loss).toBeCloseTo(ref.loss, 4);
    const w = net.parameters()[0].grad;
    const want = slow.parameters()[0].grad;
    const scale = maxAbs(want);
    for (let i = 0; i < w.length; i++) expect(Math.abs(w[i] - want[i])).toBeLessThanOrEqual(1e-5 * scale);
  });

  it('adds into Parameter.grad (two calls double the gradient)', () => {
    const net = new LifNetwork({ sizes: [5, 4, 3], seed: 2 });
    const spikes = denseToSparse(tensor(Float32Array.from(randomInput(new Rng(3), 2, 5, 5)), [2, 5, 5]));
    net.forwardBackward(spikes, [0, 1]);
    const once = Array.from(net.parameters()[0].grad);
    expect(maxAbs(once)).toBeGreaterThan(0);
    net.forwardBackward(spikes, [0, 1]);
    const twice = net.parameters()[0].grad;
    for (let i = 0; i < once.length; i++) expect(twice[i]).toBeCloseTo(2 * once[i], 5);
  });
});

describe('LifNetwork', () => {
  it('names and shapes its parameters, fc1 first', () => {
    const net = new LifNetwork({ sizes: [6, 4, 3] });
    expect(net.parameters().map((p) => [p.name, p.shape])).toEqual([
      ['fc1.weight', [6, 4]],
      ['fc1.bias', [4]],
      ['fc2.weight', [4, 3]],
      ['fc2.bias', [3]],
    ]);
    expect(net.classes).toBe(3);
  });
  it('is seeded: the same seed gives the same weights, another seed others', () => {
    const a = new LifNetwork({ sizes: [6, 4, 3], seed: 4 }).parameters()[0].value;
    const b = new LifNetwork({ sizes: [6, 4, 3], rng: new Rng(4) }).parameters()[0].value;
    const c = new LifNetwork({ sizes: [6, 4, 3], seed: 5 }).parameters()[0].value;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    for (const w of a) expect(Math.abs(w)).toBeLessThanOrEqual(1 / Math.sqrt(6));
  });
  it('has a JSON spec that rebuilds it', () => {
    const net = new LifNetwork({ sizes: [4, 6, 6, 2], lif: [{}, { beta: 0.5 }, { resetMechanism: 'zero' }], residual: true, surrogate: fastSigmoid({ slope: 10 }) });
    const spec = JSON.parse(JSON.stringify(net.spec));
    expect(spec).toEqual({
      sizes: [4, 6, 6, 2],
      lif: [
        { beta: 0.95, threshold: 1, resetMechanism: 'subtract', resetDelay: true },
        { beta: 0.5, threshold: 1, resetMechanism: 'subtract', resetDelay: true },
        { beta: 0.95, threshold: 1, resetMechanism: 'zero', resetDelay: true },
      ],
      residual: [false, true, false],
      surrogate: { name: 'fastSigmoid', options: { slope: 10 } },
    });
    const copy = LifNetwork.fromSpec(spec, { seed: 0 });
    expect(copy.spec).toEqual(net.spec);
    expect(Array.from(copy.parameters()[2].value)).toEqual(Array.from(net.parameters()[2].value));
  });
  it('validates its options', () => {
    expect(() => new LifNetwork({ sizes: [4] })).toThrow('field sizes: invalid layer sizes; expected at least two positive integers, input first, found [4]');
    expect(() => new LifNetwork({ sizes: [4, 3], lif: { beta: 2 } })).toThrow('field lif.beta: invalid LIF parameter; expected a number in [0, 1], found 2');
    expect(() => new LifNetwork({ sizes: [4, 3, 2], lif: [{}, { threshold: -1 }] })).toThrow(
      'field lif[1].threshold: invalid LIF parameter; expected a finite number > 0, found -1',
    );
    expect(() => new LifNetwork({ sizes: [4, 3, 2], lif: [{}] })).toThrow('field lif: one entry per layer needed; expected 2 entries, found 1');
    expect(() => new LifNetwork({ sizes: [4, 3, 2], residual: [false, true] })).toThrow(
      'field residual[1]: a residual skip needs a hidden→hidden layer of equal width; expected false for the first layer and for layers whose widths differ, found true for 3→2',
    );
    expect(() => new LifNetwork({ sizes: [4, 3], workers: 0 })).toThrow('field workers: invalid number of workers; expected a positive integer, found 0');
  });
  it('checks spikes, labels and the loss', () => {
    const net = new LifNetwork({ sizes: [3, 4, 2] });
    const spikes = denseToSparse(tensor(new Float32Array(2 * 2 * 3).fill(1), [2, 2, 3]));
    expect(() => net.forwardBackward(spikes, [0])).toThrow('field labels: one label per sample needed; expected 2, found 1');
    expect(() => net.forwardBackward(spikes, [0, 2])).toThrow('field labels[1]: label out of range; expected an integer in [0, 2), found 2');
    expect(() => net.forwardBackward(spikes, [0, 1], { kind: 'hinge' } as never)).toThrow(
      'field loss.kind: unknown loss; expected one of membraneCrossEntropy, countCrossEntropy, mseCount, found "hinge"',
    );
    const wide = denseToSparse(tensor(new Float32Array(2 * 2 * 4), [2, 2, 4]));
    expect(() => net.forward(wide)).toThrow('field spikes.size: spike size does not match the input layer; expected 3, found 4');
    const bad = { ...spikes, indices: spikes.indices.map((i) => (i === 2 ? 7 : i)) };
    expect(() => net.forward(bad)).toThrow('field spikes.indices[2]: spike index out of range; expected < 3, found 7');
    const cut = { ...spikes, offsets: spikes.offsets.slice(0, 4) };
    expect(() => net.forward(cut)).toThrow('field spikes.offsets: malformed spike rows; expected 5 offsets from 0 to 12, found 4 offsets from 0 to 9');
  });
  it('is deterministic for a seed', () => {
    const run = (): number[] => {
      const net = new LifNetwork({ sizes: [5, 4, 3], seed: 9 });
      const spikes = denseToSparse(tensor(Float32Array.from(randomInput(new Rng(1), 2, 6, 5)), [2, 6, 5]));
      net.forwardBackward(spikes, [1, 2]);
      return Array.from(net.parameters()[0].grad);
    };
    expect(run()).toEqual(run());
  });
});

describe('trainEpoch and evaluate', () => {
  /** Two classes: inputs 0–3 fire for class 0, inputs 4–7 for class 1. */
  function toyBatches(seed: number, count: number): { spikes: ReturnType<typeof denseToSparse>; labels: number[] }[] {
    const rng = new Rng(seed);
    const B = 8;
    const T = 8;
    const out = [];
    for (let k = 0; k < count; k++) {
      const labels = Array.from({ length: B }, () => rng.int(2));
      const x = new Float32Array(B * T * 8);
      for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let i = 0; i < 4; i++) x[(b * T + t) * 8 + labels[b] * 4 + i] = rng.bernoulli(0.7);
      out.push({ spikes: denseToSparse(tensor(x, [B, T, 8])), labels });
    }
    return out;
  }
  it('learns a separable toy task and reports per batch', () => {
    const net = new LifNetwork({ sizes: [8, 12, 2], seed: 1 });
    const adam = new Adam(net.parameters(), { lr: 0.02 });
    const seen: number[] = [];
    const first = trainEpoch(net, toyBatches(1, 20), adam, { onBatch: (p) => seen.push(p.index) });
    expect(first.batches).toBe(20);
    expect(first.samples).toBe(160);
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i));
    const second = trainEpoch(net, toyBatches(2, 20), adam);
    expect(second.loss).toBeLessThan(first.loss);
    const test = evaluate(net, toyBatches(3, 5), { kind: 'membraneCrossEntropy' });
    expect(test.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(test.loss).toBeGreaterThan(0);
    expect(Number.isNaN(evaluate(net, toyBatches(3, 1)).loss)).toBe(true);
  });
  it('countCorrect takes the first maximum on ties', () => {
    expect(countCorrect(new Float32Array([3, 1, 2, 2, 0, 5]), [0, 0, 1], 2)).toBe(3);
    expect(() => countCorrect(new Float32Array(3), [0, 1], 2)).toThrow('field counts: counts length does not match labels × classes; expected 4, found 3');
  });
});
