import { denseToSparse, Rng, type SparseSpikes, tensor } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { ceLastMembraneLoss, ceMaxMembraneLoss, ceMeanMembraneLoss } from '../compose/losses.js';
import { Adam } from '../optim/adam.js';
import { maxAbs } from '../test-support.js';
import { RecurrentClassifier } from './classifier.js';
import golden from './recurrent-classifier.fixture.json' with { type: 'json' };
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

/** The input spikes the fixture was recorded with (a fixed linear congruential sequence). */
function fixtureSpikes(seed: number, B: number, T: number, size: number, p: number): SparseSpikes {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const offsets = [0];
  const indices: number[] = [];
  for (let r = 0; r < B * T; r++) {
    for (let i = 0; i < size; i++) if (next() < p) indices.push(i);
    offsets.push(indices.length);
  }
  return { batch: B, numSteps: T, size, offsets: Uint32Array.from(offsets), indices: Uint32Array.from(indices) };
}

/** `[B, T, size]` values as a time-major float64 sequence `[T, B, size]` (the composition's dense per-step path). */
function timeMajor(x: Float32Array, B: number, T: number, size: number) {
  const data = new Float64Array(x.length);
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let i = 0; i < size; i++) data[(t * B + b) * size + i] = x[(b * T + t) * size + i];
  return { data, steps: T, batch: B, shape: [size] };
}

describe('RecurrentClassifier on the composition engine', () => {
  it('reproduces the losses, logits, hidden counts, readout traces and gradients of the engine it replaced', () => {
    // Values recorded from RecurrentClassifier's own engine (event-driven, WebAssembly SIMD) before the
    // migration, same options, seeds and inputs. Float32 sums run in another order here, hence 1e-5.
    expect(golden.length).toBe(5);
    for (const g of golden) {
      const model = new RecurrentClassifier({ inputSize: 6, hiddenSize: 8, outputSize: 4, seed: 4, ...g.options });
      const spikes = fixtureSpikes(11, 3, 9, 6, 0.35);
      const r = model.trainStep(spikes, [2, 0, 3]);
      expect(r.loss, g.name).toBeCloseTo(g.loss, 5);
      expect(r.correct, g.name).toBe(g.correct);
      for (const [i, v] of g.logits.entries()) expect(Math.abs(r.logits[i] - v), `${g.name} logits[${i}]`).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(v)));
      const f = model.forward(spikes, { record: true });
      expect(Array.from(f.hiddenCounts), g.name).toEqual(g.hiddenCounts);
      const trace = f.readoutTrace as Float32Array;
      for (const [i, v] of g.readoutTrace.entries()) expect(Math.abs(trace[i] - v), `${g.name} readout[${i}]`).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(v)));
      const params = model.parameters();
      expect(params.map((p) => p.name), g.name).toEqual(g.grads.map((x) => x.name));
      params.forEach((p, k) => {
        expect(p.shape).toEqual(g.grads[k].shape);
        const want = g.grads[k].values;
        const scale = maxAbs(want);
        expect(scale, `${g.name} ${p.name}`).toBeGreaterThan(0);
        for (let i = 0; i < want.length; i++) expect(Math.abs(p.grad[i] - want[i]), `${g.name} ${p.name}[${i}]: ${p.grad[i]} vs ${want[i]}`).toBeLessThanOrEqual(1e-5 * scale);
      });
    }
  });

  const cases = [
    { neuron: 'alif', recurrent: true, readout: 'max', learnDecay: true },
    { neuron: 'alif', recurrent: false, readout: 'mean', learnDecay: true },
    { neuron: 'lif', recurrent: true, readout: 'last', learnDecay: true },
    { neuron: 'alif', recurrent: true, readout: 'mean', learnDecay: false },
  ] as const;
  for (const c of cases) {
    it(`event-driven float32 run equals the float64 per-step run: ${c.neuron}, ${c.recurrent ? 'recurrent' : 'feed-forward'}, ${c.readout}${c.learnDecay ? ', learned decays' : ''}`, () => {
      const H = c.neuron === 'lif' ? 14 : 16;
      const model = modelCase(c.neuron, c.recurrent, c.readout, H, c.learnDecay);
      const slow = modelCase(c.neuron, c.recurrent, c.readout, H, c.learnDecay);
      const B = 3;
      const T = 15;
      const x = randomInput(8, B, T, 20);
      const spikes = denseToSparse(tensor(x, [B, T, 20]));
      const labels = [0, 3, 1];
      const result = model.trainStep(spikes, labels);
      const loss = { max: ceMaxMembraneLoss, mean: ceMeanMembraneLoss, last: ceLastMembraneLoss }[c.readout]();
      const ref = slow.network.trainStep(timeMajor(x, B, T, 20), labels, loss);
      expect(result.loss).toBeCloseTo(ref.loss, 5);
      const forward = model.forward(spikes, { record: true });
      expect(forward.hiddenRate).toBeGreaterThan(0.02);
      expect(forward.hiddenRate).toBeLessThan(0.9);
      const slowParams = slow.parameters();
      model.parameters().forEach((p, k) => {
        const g = slowParams[k].grad;
        const scale = maxAbs(g);
        expect(scale, `${p.name} has a non-zero gradient`).toBeGreaterThan(0);
        for (let i = 0; i < g.length; i++) expect(Math.abs(p.grad[i] - g[i]), `${p.name}[${i}]`).toBeLessThanOrEqual(1e-5 * scale);
      });
      const params = new Map(model.parameters().map((p) => [p.name, p]));
      const get = (name: string) => (params.get(name) as { value: Float32Array }).value;
      if (!c.learnDecay) expect(model.parameters().map((p) => p.name)).toEqual(['fc1.weight', 'fc1.bias', 'rec.weight', 'fc2.weight', 'fc2.bias']);
      // Event-driven: weight rows of inputs that never spiked are never touched.
      const gIn = (params.get('fc1.weight') as { grad: Float32Array }).grad;
      for (let j = 0; j < H; j++) expect(gIn[4 * H + j]).toBe(0);
      // The decays are the sigmoid of their logits.
      const decays = model.decays();
      if (c.learnDecay) expect(decays.alpha[0]).toBeCloseTo(sigmoid(get('hidden.alphaLogit')[0]), 6);
      expect(decays.alpha[0]).toBeCloseTo(Math.exp(-1 / 10), 6);
      expect(decays.kappa[0]).toBeCloseTo(Math.exp(-1 / 8), 6);
    });
  }

  it('keeps its checkpoint names and layouts while the state dict has PyTorch layouts', () => {
    const model = new RecurrentClassifier({ inputSize: 5, hiddenSize: 3, outputSize: 2, recurrent: true, learnDecay: true, seed: 1 });
    const rec = model.parameters().find((p) => p.name === 'rec.weight') as { value: Float32Array };
    const state = model.network.stateDict();
    expect(Object.keys(state)).toEqual([
      'fc1.weight',
      'fc1.bias',
      'hidden.threshold',
      'hidden.adapt_strength',
      'hidden.alpha_logit',
      'hidden.rho_logit',
      'hidden.recurrent.weight',
      'fc2.weight',
      'fc2.bias',
      'readout.beta_logit',
    ]);
    // rec.weight is [from, to]; the state dict's hidden.recurrent.weight is nn.Linear's [to, from].
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(state['hidden.recurrent.weight'].data[j * 3 + i]).toBe(rec.value[i * 3 + j]);
    const copy = new RecurrentClassifier({ inputSize: 5, hiddenSize: 3, outputSize: 2, recurrent: true, learnDecay: true, seed: 2 });
    copy.network.loadStateDict(state);
    for (const [k, p] of copy.parameters().entries()) expect(Array.from(p.value), p.name).toEqual(Array.from(model.parameters()[k].value));
  });
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
