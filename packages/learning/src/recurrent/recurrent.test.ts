import { Rng, type SparseSpikes, denseToSparse, tensor } from '@snn/core';
import { fastSigmoid } from '@snn/neurons';
import { describe, expect, it } from 'vitest';
import { Adam } from '../optim/adam.js';
import { RecurrentClassifier } from './classifier.js';
import { type RecurrentReferenceNetwork, recurrentReferenceBackward, recurrentReferenceForward, recurrentReferenceLoss } from './reference.js';
import { evaluateRecurrent, trainRecurrentEpoch } from './train.js';

/** Random input spike trains: each input has its own rate, some inputs are silent. */
function randomInput(seed: number, B: number, T: number, N: number): Float32Array {
  const rng = new Rng(seed);
  const x = new Float32Array(B * T * N);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < N; i++) {
      const p = i % 5 === 4 ? 0 : rng.uniformIn(0.1, 0.7);
      for (let t = 0; t < T; t++) x[(b * T + t) * N + i] = rng.bernoulli(p);
    }
  }
  return x;
}

/** A smooth stand-in for the spike: its derivative is the fast-sigmoid surrogate (slope k), so finite differences see the same gradient. */
function smoothFastSigmoid(k: number) {
  return { spike: (x: number) => 0.5 + x / (1 + k * Math.abs(x)), derivative: (x: number) => 1 / (1 + k * Math.abs(x)) ** 2 };
}

type ArrayKey = 'inWeight' | 'inBias' | 'recWeight' | 'outWeight' | 'outBias' | 'alpha' | 'rho' | 'kappa';

function referenceNet(seed: number, adaptive: boolean, recurrent: boolean, reduction: number): RecurrentReferenceNetwork {
  const rng = new Rng(seed);
  const N = 6;
  const H = 5;
  const C = 3;
  const u = (n: number, k: number) => Float64Array.from({ length: n }, () => rng.uniformIn(-k, k));
  return {
    inputSize: N,
    hiddenSize: H,
    outputSize: C,
    adaptive,
    threshold: 1,
    adaptStrength: 0.8,
    reduction,
    inWeight: u(N * H, 0.8),
    inBias: u(H, 0.3),
    recWeight: recurrent ? u(H * H, 0.6) : null,
    outWeight: u(H * C, 0.8),
    outBias: u(C, 0.2),
    alpha: Float64Array.from({ length: H }, () => rng.uniformIn(0.7, 0.95)),
    rho: Float64Array.from({ length: H }, () => rng.uniformIn(0.6, 0.95)),
    kappa: Float64Array.from({ length: C }, () => rng.uniformIn(0.6, 0.95)),
    surrogate: smoothFastSigmoid(2),
  };
}

describe('recurrent classifier reference backward vs float64 central finite differences (smooth spike function)', () => {
  const cases = [
    { name: 'ALIF, recurrent, max readout', adaptive: true, recurrent: true, reduction: 0 },
    { name: 'ALIF, feed-forward, mean readout', adaptive: true, recurrent: false, reduction: 1 },
    { name: 'LIF, recurrent, last-step readout', adaptive: false, recurrent: true, reduction: 2 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const net = referenceNet(11, c.adaptive, c.recurrent, c.reduction);
      const B = 2;
      const T = 7;
      const input = randomInput(5, B, T, net.inputSize);
      const labels = [1, 2];
      const trace = recurrentReferenceForward(net, input, B, T);
      const grads = recurrentReferenceBackward(net, trace, labels);
      const keys: ArrayKey[] = ['inWeight', 'inBias', 'outWeight', 'outBias', 'alpha', 'kappa'];
      if (c.recurrent) keys.push('recWeight');
      if (c.adaptive) keys.push('rho');
      const eps = 1e-6;
      let checked = 0;
      for (const key of keys) {
        const values = net[key] as Float64Array;
        const g = grads[key] as Float64Array;
        for (let i = 0; i < values.length; i++) {
          const keep = values[i];
          values[i] = keep + eps;
          const up = recurrentReferenceLoss(recurrentReferenceForward(net, input, B, T), labels, net.outputSize);
          values[i] = keep - eps;
          const down = recurrentReferenceLoss(recurrentReferenceForward(net, input, B, T), labels, net.outputSize);
          values[i] = keep;
          const fd = (up - down) / (2 * eps);
          expect(Math.abs(g[i] - fd), `${key}[${i}]: backward ${g[i]}, finite difference ${fd}`).toBeLessThanOrEqual(1e-6 + 1e-5 * Math.abs(fd));
          checked++;
        }
        // Every parameter group takes part in the loss.
        expect(g.some((x) => Math.abs(x) > 1e-8), `${key} has a non-zero gradient`).toBe(true);
      }
      expect(checked).toBeGreaterThan(60);
    });
  }
});

function modelCase(neuron: 'lif' | 'alif', recurrent: boolean, readout: 'max' | 'mean' | 'last', hiddenSize = 16, learnDecay = true) {
  return new RecurrentClassifier({
    inputSize: 20,
    hiddenSize,
    outputSize: 4,
    neuron,
    recurrent,
    learnDecay,
    readout,
    tauMemMs: 10,
    tauAdaptMs: 30,
    tauOutMs: 8,
    adaptStrength: 0.5,
    seed: 4,
  });
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

describe('event-driven engine vs the reference (Heaviside spikes)', () => {
  const cases = [
    { neuron: 'alif', recurrent: true, readout: 'max', learnDecay: true },
    { neuron: 'alif', recurrent: false, readout: 'mean', learnDecay: true },
    { neuron: 'lif', recurrent: true, readout: 'last', learnDecay: true },
    { neuron: 'alif', recurrent: true, readout: 'mean', learnDecay: false },
  ] as const;
  // The LIF case has 14 hidden neurons: rows padded to 16 in the engine memory.
  for (const c of cases) {
    it(`${c.neuron}, ${c.recurrent ? 'recurrent' : 'feed-forward'}, ${c.readout}${c.learnDecay ? ', learned decays' : ''}`, () => {
      const H = c.neuron === 'lif' ? 14 : 16;
      const model = modelCase(c.neuron, c.recurrent, c.readout, H, c.learnDecay);
      const B = 3;
      const T = 15;
      const x = randomInput(8, B, T, 20);
      const spikes = denseToSparse(tensor(x, [B, T, 20]));
      const labels = [0, 3, 1];
      const params = new Map(model.parameters().map((p) => [p.name, p]));
      const get = (name: string) => (params.get(name) as { value: Float32Array }).value;
      const decays = model.decays();
      const net: RecurrentReferenceNetwork = {
        inputSize: 20,
        hiddenSize: H,
        outputSize: 4,
        adaptive: c.neuron === 'alif',
        threshold: 1,
        adaptStrength: c.neuron === 'alif' ? 0.5 : 0,
        reduction: { max: 0, mean: 1, last: 2 }[c.readout],
        inWeight: get('fc1.weight'),
        inBias: get('fc1.bias'),
        recWeight: c.recurrent ? get('rec.weight') : null,
        outWeight: get('fc2.weight'),
        outBias: get('fc2.bias'),
        alpha: decays.alpha,
        rho: decays.rho ?? new Float32Array(H),
        kappa: decays.kappa,
        surrogate: fastSigmoid({ slope: 10 }),
      };
      const trace = recurrentReferenceForward(net, x, B, T);
      const ref = recurrentReferenceBackward(net, trace, labels);
      const result = model.trainStep(spikes, labels);
      expect(result.loss).toBeCloseTo(recurrentReferenceLoss(trace, labels, 4), 5);
      for (let i = 0; i < trace.logits.length; i++) expect(result.logits[i]).toBeCloseTo(trace.logits[i], 4);
      const forward = model.forward(spikes, { record: true });
      for (let i = 0; i < trace.z.length; i++) expect(forward.hiddenSpikes?.[i]).toBe(trace.z[i]);
      expect(forward.hiddenRate).toBeGreaterThan(0.02);
      expect(forward.hiddenRate).toBeLessThan(0.9);
      const compare = (name: string, expected: ArrayLike<number>, scale: (i: number) => number = () => 1) => {
        const g = (params.get(name) as { grad: Float32Array }).grad;
        let max = 0;
        for (let i = 0; i < g.length; i++) max = Math.max(max, Math.abs(expected[i] * scale(i)));
        expect(max, `${name} has a non-zero gradient`).toBeGreaterThan(0);
        for (let i = 0; i < g.length; i++) {
          expect(Math.abs(g[i] - expected[i] * scale(i)), `${name}[${i}]`).toBeLessThanOrEqual(1e-5 + 1e-4 * max);
        }
      };
      compare('fc1.weight', ref.inWeight);
      compare('fc1.bias', ref.inBias);
      compare('fc2.weight', ref.outWeight);
      compare('fc2.bias', ref.outBias);
      if (c.recurrent) compare('rec.weight', ref.recWeight as Float64Array);
      // Decay logits q: dL/dq = dL/dα · α(1 − α).
      const chain = (values: Float32Array) => (i: number) => values[i] * (1 - values[i]);
      if (c.learnDecay) {
        compare('hidden.alphaLogit', ref.alpha, chain(decays.alpha));
        compare('readout.kappaLogit', ref.kappa, chain(decays.kappa));
        if (c.neuron === 'alif') compare('hidden.rhoLogit', ref.rho, chain(decays.rho as Float32Array));
      } else {
        expect(model.parameters().map((p) => p.name)).toEqual(['fc1.weight', 'fc1.bias', 'rec.weight', 'fc2.weight', 'fc2.bias']);
      }
      // Event-driven: weight rows of inputs that never spiked are never touched.
      const gIn = (params.get('fc1.weight') as { grad: Float32Array }).grad;
      for (let j = 0; j < H; j++) expect(gIn[4 * H + j]).toBe(0);
      // The decays are the sigmoid of their logits.
      if (c.learnDecay) expect(decays.alpha[0]).toBeCloseTo(sigmoid(get('hidden.alphaLogit')[0]), 6);
      expect(decays.alpha[0]).toBeCloseTo(Math.exp(-1 / 10), 6);
    });
  }
});

describe('RecurrentClassifier', () => {
  it('names and shapes its parameters in a stable order', () => {
    const alif = new RecurrentClassifier({ inputSize: 784, hiddenSize: 128, outputSize: 10, recurrent: true, learnDecay: true });
    expect(alif.parameters().map((p) => `${p.name} [${p.shape.join(', ')}]`)).toEqual([
      'fc1.weight [784, 128]',
      'fc1.bias [128]',
      'rec.weight [128, 128]',
      'fc2.weight [128, 10]',
      'fc2.bias [10]',
      'hidden.alphaLogit [128]',
      'hidden.rhoLogit [128]',
      'readout.kappaLogit [10]',
    ]);
    const lif = new RecurrentClassifier({ inputSize: 4, hiddenSize: 3, outputSize: 2, neuron: 'lif' });
    expect(lif.parameters().map((p) => p.name)).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(lif.decays().rho).toBeNull();
  });

  it('has a JSON spec with every default filled in that rebuilds it', () => {
    const model = new RecurrentClassifier({ inputSize: 10, hiddenSize: 8, outputSize: 3, seed: 2 });
    expect(model.spec).toEqual({
      inputSize: 10,
      hiddenSize: 8,
      outputSize: 3,
      neuron: 'alif',
      recurrent: false,
      learnDecay: false,
      surrogate: { name: 'fastSigmoid', options: { slope: 10 } },
      dtMs: 1,
      tauMemMs: 20,
      tauAdaptMs: 200,
      tauOutMs: 20,
      threshold: 1,
      adaptStrength: 1,
      readout: 'max',
    });
    const copy = RecurrentClassifier.fromSpec(JSON.parse(JSON.stringify(model.spec)), { seed: 2 });
    expect(copy.spec).toEqual(model.spec);
    expect(Array.from(copy.parameters()[0].value)).toEqual(Array.from(model.parameters()[0].value));
  });

  it('validates its options, listing the valid choices', () => {
    const base = { inputSize: 4, hiddenSize: 3, outputSize: 2 };
    expect(() => new RecurrentClassifier({ ...base, neuron: 'izhikevich' })).toThrow(
      'field neuron: unknown neuron kind; expected one of lif, alif, found "izhikevich"',
    );
    expect(() => new RecurrentClassifier({ ...base, surrogate: 'relu' })).toThrow(
      'field surrogate: unknown surrogate function; expected one of fastSigmoid, atan, sigmoid, straightThrough, found "relu"',
    );
    expect(() => new RecurrentClassifier({ ...base, readout: 'sum' })).toThrow(
      'field readout: unknown readout reduction; expected one of max, mean, last, found "sum"',
    );
    expect(() => new RecurrentClassifier({ ...base, tauMemMs: -5 })).toThrow(
      'field tauMemMs: invalid recurrent classifier option; expected a finite number > 0, found -5',
    );
    expect(() => new RecurrentClassifier({ ...base, tauAdaptMs: 0 })).toThrow(
      'field tauAdaptMs: invalid recurrent classifier option; expected a finite number > 0, found 0',
    );
    expect(() => new RecurrentClassifier({ ...base, tauOutMs: 0 })).toThrow('field tauOutMs: invalid recurrent classifier option; expected a finite number > 0, found 0');
    expect(() => new RecurrentClassifier({ ...base, hiddenSize: 0 })).toThrow('field hiddenSize: invalid recurrent classifier option; expected a positive integer, found 0');
    expect(() => new RecurrentClassifier({ ...base, surrogateOptions: { slope: -1 } })).toThrow(
      'field fastSigmoid.slope: invalid surrogate option; expected a finite number > 0, found -1',
    );
    expect(() => new RecurrentClassifier({ ...base, workers: 0 })).toThrow('field workers: invalid number of workers; expected a positive integer, found 0');
  });

  it('checks spikes and labels', () => {
    const model = new RecurrentClassifier({ inputSize: 4, hiddenSize: 3, outputSize: 2 });
    const spikes = denseToSparse(tensor(new Float32Array(2 * 3 * 4), [2, 3, 4]));
    expect(() => model.trainStep({ ...spikes, size: 5 }, [0, 1])).toThrow('field spikes.size: spike size does not match the input size; expected 4, found 5');
    expect(() => model.trainStep(spikes, [0])).toThrow('field labels: one label per sample needed; expected 2, found 1');
    expect(() => model.evaluateLoss(spikes, [0, 2])).toThrow('field labels[1]: label out of range; expected an integer in [0, 2), found 2');
    // One sample, one step, inputs listed out of order, then out of range.
    const row = (indices: number[]) => ({ batch: 1, numSteps: 1, size: 4, offsets: new Uint32Array([0, indices.length]), indices: Uint32Array.from(indices) });
    expect(() => model.forward(row([2, 1]))).toThrow('field spikes.indices[1]: spike row not in ascending order; expected > 2 (row 0 ascending, no repeats), found 1');
    expect(() => model.forward(row([1, 4]))).toThrow('field spikes.indices[1]: spike index out of range; expected < 4, found 4');
  });

  it('is deterministic for a seed', () => {
    const x = randomInput(3, 4, 10, 20);
    const spikes = denseToSparse(tensor(x, [4, 10, 20]));
    const run = () => {
      const model = modelCase('alif', true, 'max');
      const result = model.trainStep(spikes, [0, 1, 2, 3]);
      return [result.loss, ...model.parameters()[0].grad.slice(0, 20)];
    };
    expect(run()).toEqual(run());
  });

  it('learns a separable toy task through trainRecurrentEpoch and reports per batch', () => {
    // Class k: inputs 5k..5k+4 fire at rate 0.5, the others at 0.05.
    const rng = new Rng(9);
    const makeBatch = (B: number) => {
      const T = 12;
      const x = new Float32Array(B * T * 20);
      const labels: number[] = [];
      for (let b = 0; b < B; b++) {
        const y = rng.int(4);
        labels.push(y);
        for (let t = 0; t < T; t++) for (let i = 0; i < 20; i++) x[(b * T + t) * 20 + i] = rng.bernoulli(Math.floor(i / 5) === y ? 0.5 : 0.05);
      }
      return { spikes: denseToSparse(tensor(x, [B, T, 20])) as SparseSpikes, labels };
    };
    const train = Array.from({ length: 12 }, () => makeBatch(16));
    const test = Array.from({ length: 2 }, () => makeBatch(32));
    const model = modelCase('alif', true, 'max');
    const adam = new Adam(model.parameters(), { lr: 0.02 });
    const seen: number[] = [];
    let last = trainRecurrentEpoch(model, train, adam, { onBatch: (p) => seen.push(p.index) });
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(last.samples).toBe(192);
    for (let epoch = 0; epoch < 3; epoch++) last = trainRecurrentEpoch(model, train, adam);
    expect(last.loss).toBeLessThan(0.5);
    const evaluation = evaluateRecurrent(model, test);
    expect(evaluation.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(evaluation.samples).toBe(64);
    expect(evaluation.hiddenRate).toBeGreaterThan(0);
    expect(Number.isFinite(evaluation.loss)).toBe(true);
  });
});
