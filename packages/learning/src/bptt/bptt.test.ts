import { Rng, denseToSparse, tensor } from '@snn/core';
import { type LifParams, type ResetMechanism, type SurrogateFunction, atan, fastSigmoid, lifParams, sigmoid, straightThrough } from '@snn/neurons';
import { describe, expect, it } from 'vitest';
import { Adam } from '../optim/adam.js';
import type { BpttLoss } from './loss.js';
import { LifNetwork } from './network.js';
import { type ReferenceNetwork, type ReferenceTrace, bpttReferenceBackward, bpttReferenceForward } from './reference.js';
import { countCorrect, evaluate, trainEpoch } from './train.js';

// ---------------------------------------------------------------------------------------------
// Test-local float64 losses on a reference trace: value and dL/dU, dL/dS of the output layer.
// ---------------------------------------------------------------------------------------------

function logSoftmaxRow(z: ArrayLike<number>, offset: number, classes: number, out: Float64Array): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < classes; c++) max = Math.max(max, z[offset + c]);
  let sum = 0;
  for (let c = 0; c < classes; c++) sum += Math.exp(z[offset + c] - max);
  const logSum = Math.log(sum) + max;
  for (let c = 0; c < classes; c++) out[c] = z[offset + c] - logSum;
}

interface LossGrad {
  value: number;
  gradMem: Float64Array | null;
  gradSpikes: Float64Array | null;
}

function referenceLoss(trace: ReferenceTrace, labels: number[], classes: number, loss: BpttLoss): LossGrad {
  const { batch: B, numSteps: T } = trace;
  const last = trace.mem.length - 1;
  const logp = new Float64Array(classes);
  if (loss.kind === 'membraneCrossEntropy') {
    const mem = trace.mem[last];
    const gradMem = new Float64Array(B * T * classes);
    let value = 0;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const o = (b * T + t) * classes;
        logSoftmaxRow(mem, o, classes, logp);
        value -= logp[labels[b]] / B;
        for (let c = 0; c < classes; c++) gradMem[o + c] = (Math.exp(logp[c]) - (c === labels[b] ? 1 : 0)) / B;
      }
    }
    return { value, gradMem, gradSpikes: null };
  }
  const spikes = trace.spikes[last];
  const counts = new Float64Array(B * classes);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let c = 0; c < classes; c++) counts[b * classes + c] += spikes[(b * T + t) * classes + c];
  const gCount = new Float64Array(B * classes);
  let value = 0;
  if (loss.kind === 'countCrossEntropy') {
    for (let b = 0; b < B; b++) {
      logSoftmaxRow(counts, b * classes, classes, logp);
      value -= logp[labels[b]] / B;
      for (let c = 0; c < classes; c++) gCount[b * classes + c] = (Math.exp(logp[c]) - (c === labels[b] ? 1 : 0)) / B;
    }
  } else {
    const on = Math.trunc(T * (loss.correctRate ?? 1));
    const off = Math.trunc(T * (loss.incorrectRate ?? 0));
    for (let b = 0; b < B; b++) {
      for (let c = 0; c < classes; c++) {
        const d = counts[b * classes + c] - (c === labels[b] ? on : off);
        value += (d * d) / (B * classes * T);
        gCount[b * classes + c] = (2 * d) / (B * classes * T);
      }
    }
  }
  const gradSpikes = new Float64Array(B * T * classes);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let c = 0; c < classes; c++) gradSpikes[(b * T + t) * classes + c] = gCount[b * classes + c];
  return { value, gradMem: null, gradSpikes };
}

// Smooth spike functions whose derivative is exactly the surrogate's: with them the surrogate
// gradient is the true gradient, so central finite differences can check the backward pass.
function smooth(sg: SurrogateFunction): SurrogateFunction {
  const k = sg.options.slope ?? 0;
  const alpha = sg.options.alpha ?? 0;
  const primitive: Record<string, (x: number) => number> = {
    fastSigmoid: (x) => x / (1 + k * Math.abs(x)),
    atan: (x) => Math.atan((Math.PI / 2) * alpha * x) / Math.PI + 0.5,
    sigmoid: (x) => 1 / (1 + Math.exp(-k * x)),
    straightThrough: (x) => x,
  };
  return { ...sg, spike: primitive[sg.name] };
}

function randomNetwork(rng: Rng, sizes: number[], lif: LifParams, surrogate: SurrogateFunction, residual: boolean[]): ReferenceNetwork {
  const weights: Float64Array[] = [];
  const biases: Float64Array[] = [];
  for (let l = 0; l < sizes.length - 1; l++) {
    // Float32-representable values, so the engine (float32 weights) sees the same network.
    weights.push(Float64Array.from({ length: sizes[l] * sizes[l + 1] }, () => Math.fround(rng.uniformIn(-0.6, 1.0))));
    biases.push(Float64Array.from({ length: sizes[l + 1] }, () => Math.fround(rng.uniformIn(-0.2, 0.4))));
  }
  return { sizes, weights, biases, lif: sizes.slice(1).map(() => lif), residual, surrogate };
}

/** Binary inputs with every kind of train: silent, sparse, half, long runs, always on. */
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

function totalLoss(net: ReferenceNetwork, input: Float64Array, B: number, T: number, labels: number[], loss: BpttLoss): number {
  const trace = bpttReferenceForward(net, input, B, T);
  return referenceLoss(trace, labels, net.sizes[net.sizes.length - 1], loss).value;
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
  lif: LifParams;
  loss: BpttLoss;
  surrogate: SurrogateFunction;
}

const CASES: Case[] = [];
for (const resetMechanism of MECHANISMS) {
  for (const resetDelay of [true, false]) {
    for (const loss of LOSSES) {
      CASES.push({
        name: `${resetMechanism}, ${resetDelay ? 'delayed' : 'immediate'} reset, ${loss.kind}`,
        sizes: [5, 4, 3],
        residual: [false, false],
        lif: lifParams({ beta: 0.8, resetMechanism, resetDelay }),
        loss,
        surrogate: atan(),
      });
    }
  }
}
CASES.push({
  name: 'residual hidden layer, subtract, membraneCrossEntropy',
  sizes: [4, 5, 5, 3],
  residual: [false, true, false],
  lif: lifParams({ beta: 0.9 }),
  loss: LOSSES[0],
  surrogate: atan(),
});
for (const surrogate of [fastSigmoid({ slope: 5 }), sigmoid({ slope: 4 }), straightThrough()]) {
  CASES.push({ name: `${surrogate.name} surrogate, countCrossEntropy`, sizes: [5, 4, 3], residual: [false, false], lif: lifParams(), loss: LOSSES[1], surrogate });
}

describe('BPTT reference backward vs central finite differences (float64, smooth spike function)', () => {
  const B = 2;
  const T = 6;
  const labels = [2, 0];
  for (const c of CASES) {
    it(c.name, () => {
      const rng = new Rng(11);
      const net = randomNetwork(rng, c.sizes, c.lif, smooth(c.surrogate), c.residual);
      const input = randomInput(rng, B, T, c.sizes[0]);
      const trace = bpttReferenceForward(net, input, B, T);
      const { gradMem, gradSpikes } = referenceLoss(trace, labels, c.sizes[c.sizes.length - 1], c.loss);
      const grads = bpttReferenceBackward(net, trace, gradMem, gradSpikes);
      const h = 1e-6;
      let checked = 0;
      let largest = 0;
      for (let l = 0; l < c.sizes.length - 1; l++) {
        for (const [kind, values, g] of [
          ['weight', net.weights[l], grads.weight[l]],
          ['bias', net.biases[l], grads.bias[l]],
        ] as const) {
          const p = values as Float64Array;
          for (let i = 0; i < p.length; i++) {
            const keep = p[i];
            p[i] = keep + h;
            const up = totalLoss(net, input, B, T, labels, c.loss);
            p[i] = keep - h;
            const down = totalLoss(net, input, B, T, labels, c.loss);
            p[i] = keep;
            const fd = (up - down) / (2 * h);
            expect(Math.abs(g[i] - fd), `layer ${l} ${kind}[${i}]: backward ${g[i]}, finite difference ${fd}`).toBeLessThanOrEqual(
              1e-7 + 1e-5 * Math.abs(fd),
            );
            largest = Math.max(largest, Math.abs(fd));
            checked++;
          }
        }
      }
      // The check is not vacuous: the gradients are far from zero.
      expect(largest).toBeGreaterThan(1e-2);
      expect(checked).toBe(c.sizes.slice(1).reduce((s, n, l) => s + (c.sizes[l] + 1) * n, 0));
    });
  }
});

/** A LifNetwork holding the reference network's weights. */
function networkFrom(ref: ReferenceNetwork, c: Case): LifNetwork {
  const net = new LifNetwork({ sizes: c.sizes, lif: c.lif, residual: c.residual, surrogate: c.surrogate });
  net.layers.forEach((layer, l) => {
    layer.weight.value.set(ref.weights[l]);
    layer.bias.value.set(ref.biases[l]);
  });
  return net;
}

describe('event-driven engine vs the reference (Heaviside spikes)', () => {
  const B = 3;
  const T = 9;
  const labels = [2, 0, 1];
  for (const c of CASES) {
    it(c.name, () => {
      const rng = new Rng(5);
      const ref = randomNetwork(rng, c.sizes, c.lif, c.surrogate, c.residual);
      const input = randomInput(rng, B, T, c.sizes[0]);
      const trace = bpttReferenceForward(ref, input, B, T);
      const classes = c.sizes[c.sizes.length - 1];
      const expected = referenceLoss(trace, labels, classes, c.loss);
      const grads = bpttReferenceBackward(ref, trace, expected.gradMem, expected.gradSpikes);
      let hiddenSpikes = 0;
      for (const s of trace.spikes[0]) hiddenSpikes += s;
      expect(hiddenSpikes).toBeGreaterThan(5);

      const net = networkFrom(ref, c);
      const spikes = denseToSparse(tensor(Float32Array.from(input), [B, T, c.sizes[0]]));
      const result = net.forwardBackward(spikes, labels, c.loss);
      expect(result.loss).toBeCloseTo(expected.value, 5);
      const outSpikes = trace.spikes[trace.spikes.length - 1];
      for (let b = 0; b < B; b++) {
        for (let k = 0; k < classes; k++) {
          let n = 0;
          for (let t = 0; t < T; t++) n += outSpikes[(b * T + t) * classes + k];
          expect(result.counts[b * classes + k]).toBe(n);
        }
      }
      const params = net.parameters();
      for (let l = 0; l < c.sizes.length - 1; l++) {
        for (const [p, g] of [
          [params[2 * l], grads.weight[l]],
          [params[2 * l + 1], grads.bias[l]],
        ] as const) {
          let scale = 0;
          for (const x of g) scale = Math.max(scale, Math.abs(x));
          expect(scale).toBeGreaterThan(0);
          for (let i = 0; i < g.length; i++) {
            expect(Math.abs(p.grad[i] - g[i]), `${p.name}[${i}]: engine ${p.grad[i]}, reference ${g[i]}`).toBeLessThanOrEqual(1e-5 * scale);
          }
        }
      }
      // Forward-only paths agree with the training pass.
      const fwd = net.forward(spikes, { membrane: true });
      expect(Array.from(fwd.counts)).toEqual(Array.from(result.counts));
      const mem = trace.mem[trace.mem.length - 1];
      for (let i = 0; i < mem.length; i++) expect(fwd.membrane?.[i]).toBeCloseTo(mem[i], 5);
      expect(net.evaluateLoss(spikes, labels, c.loss).loss).toBeCloseTo(result.loss, 6);
    });
  }

  it('handles more than 32 steps (several spike-mask words)', () => {
    const c = CASES[1];
    const T = 70;
    const rng = new Rng(8);
    const ref = randomNetwork(rng, c.sizes, c.lif, c.surrogate, c.residual);
    const input = randomInput(rng, 2, T, c.sizes[0]);
    const trace = bpttReferenceForward(ref, input, 2, T);
    const expected = referenceLoss(trace, [1, 2], 3, c.loss);
    const grads = bpttReferenceBackward(ref, trace, expected.gradMem, expected.gradSpikes);
    const net = networkFrom(ref, c);
    const result = net.forwardBackward(denseToSparse(tensor(Float32Array.from(input), [2, T, c.sizes[0]])), [1, 2], c.loss);
    expect(result.loss).toBeCloseTo(expected.value, 5);
    const w = net.parameters()[0].grad;
    let scale = 0;
    for (const x of grads.weight[0]) scale = Math.max(scale, Math.abs(x));
    for (let i = 0; i < w.length; i++) expect(Math.abs(w[i] - grads.weight[0][i])).toBeLessThanOrEqual(1e-5 * scale);
  });

  it('adds into Parameter.grad (two calls double the gradient)', () => {
    const c = CASES[0];
    const ref = randomNetwork(new Rng(2), c.sizes, c.lif, c.surrogate, c.residual);
    const net = networkFrom(ref, c);
    const spikes = denseToSparse(tensor(Float32Array.from(randomInput(new Rng(3), 2, 5, 5)), [2, 5, 5]));
    net.forwardBackward(spikes, [0, 1]);
    const once = Array.from(net.parameters()[0].grad);
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
