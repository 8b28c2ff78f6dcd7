import { CheckpointError, NumericError, Rng, ShapeError, type SparseSpikes } from '@snn/core';
import { atan } from '@snn/neurons';
import { describe, expect, it } from 'vitest';
import { LifNetwork } from '../bptt/network.js';
import { Adam } from '../optim/adam.js';
import { Dropout, Flatten, Residual } from './containers.js';
import { gradCheck } from './grad-check.js';
import { Linear } from './linear.js';
import { type Loss, type LossSpec, ceCountLoss, ceMaxMembraneLoss, ceMeanMembraneLoss, ceRateLoss, lossFromSpec, membraneCrossEntropy, mseMembraneLoss, mseSpikeCountLoss } from './losses.js';
import { Network, sparseToSeq } from './network.js';
import { NeuronLayer, type NeuronModel } from './neuron.js';
import type { FloatArray } from './types.js';
import { alif } from './neurons/alif.js';
import { alphaNeuron } from './neurons/alpha.js';
import { leaky, leakyModel, rleaky } from './neurons/leaky.js';
import { izhikevich } from './neurons/izhikevich.js';
import { li } from './neurons/li.js';
import { rsynaptic, synaptic } from './neurons/synaptic.js';
import { spikesOf } from '../test-support.js';

function expectClose(got: readonly number[], want: readonly number[], digits: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], digits);
}

/** Input current sequence [T, 1, 1] for one neuron. */
function currents(values: number[]) {
  return { data: Float32Array.from(values), steps: values.length, batch: 1, shape: [1] };
}

describe('composition engine', () => {
  it('a Network given the weights of a LifNetwork as a PyTorch state dict gives its loss, counts and gradients', () => {
    const old = new LifNetwork({ sizes: [20, 16, 5], lif: { beta: 0.9 }, seed: 3 });
    const net = new Network(
      [new Linear(20, 16, { name: 'fc1' }), leaky({ beta: 0.9, name: 'lif1' }), new Linear(16, 5, { name: 'fc2' }), leaky({ beta: 0.9, name: 'lif2' })],
      { inputShape: [20] },
    );
    const dict = net.stateDict();
    old.layers.forEach((layer, l) => {
      const w = dict[`fc${l + 1}.weight`];
      const [out, inn] = w.shape;
      const t = new Float32Array(out * inn);
      for (let j = 0; j < out; j++) for (let i = 0; i < inn; i++) t[j * inn + i] = layer.weight.value[i * out + j];
      dict[`fc${l + 1}.weight`] = { shape: w.shape, data: t };
      dict[`fc${l + 1}.bias`] = { shape: [out], data: layer.bias.value.slice() };
    });
    net.loadStateDict(dict);
    const spikes = spikesOf(1, 4, 12, 20, 0.3);
    const labels = [0, 3, 1, 4];
    const a = old.forwardBackward(spikes, labels, { kind: 'membraneCrossEntropy' });
    const b = net.trainStep(spikes, labels, membraneCrossEntropy());
    expect(b.loss).toBeCloseTo(a.loss, 4);
    expect(Array.from(b.output.counts as Float32Array)).toEqual(Array.from(a.counts));
    const p = net.parameters();
    old.layers.forEach((layer, l) => {
      // Both keep the weight in the engine layout [in, out].
      expect(p[2 * l].shape).toEqual([layer.dense.inSize, layer.dense.outSize]);
      expectClose(Array.from(p[2 * l].value), Array.from(layer.weight.value), 6);
      expectClose(Array.from(p[2 * l].grad), Array.from(layer.weight.grad), 4);
      expectClose(Array.from(p[2 * l + 1].grad), Array.from(layer.bias.grad), 4);
    });
  });

  it('follows the snnTorch 0.9 Leaky equations (golden traces)', () => {
    // β = 0.5, θ = 1, I = [1.5, 0, 0.8, 0.8]
    const run = (opts: Parameters<typeof leaky>[0]) => {
      const net = new Network([leaky(opts)], { inputShape: [1] });
      const o = net.forward(currents([1.5, 0, 0.8, 0.8]));
      return { spk: Array.from(o.spikes as Float32Array), mem: Array.from(o.mem) };
    };
    // subtract, delayed: U = 1.5 (S=1), 0.75 − 1 = −0.25, −0.125 + 0.8 = 0.675, 0.3375 + 0.8 = 1.1375 (S=1)
    let r = run({ beta: 0.5 });
    expect(r.spk).toEqual([1, 0, 0, 1]);
    expectClose(r.mem, [1.5, -0.25, 0.675, 1.1375], 6);
    // zero (0.9): U = β(1 − R)U + I: 1.5, 0 + 0 = 0, 0.8, 0.4 + 0.8 = 1.2
    r = run({ beta: 0.5, resetMechanism: 'zero' });
    expectClose(r.mem, [1.5, 0, 0.8, 1.2], 6);
    // subtract, no delay: 1.5 − 1 = 0.5, 0.25, 0.925, 0.4625 + 0.8 = 1.2625 − 1 = 0.2625
    r = run({ beta: 0.5, resetDelay: false });
    expect(r.spk).toEqual([1, 0, 0, 1]);
    expectClose(r.mem, [0.5, 0.25, 0.925, 0.2625], 6);
    // zero, no delay: 0, 0, 0.8, 1.2 → 0
    r = run({ beta: 0.5, resetMechanism: 'zero', resetDelay: false });
    expectClose(r.mem, [0, 0, 0.8, 0], 6);
  });

  it('follows the Synaptic, Alpha, ALIF and LI equations (golden traces)', () => {
    const trace = (layer: NeuronLayer, input: number[]) => {
      const net = new Network([layer], { inputShape: [1] });
      const o = net.forward(currents(input));
      return { spk: o.spikes === null ? null : Array.from(o.spikes), mem: Array.from(o.mem) };
    };
    // Synaptic α = 0.5, β = 0.5: syn = 1, 0.5, 0.25; U = 1, 0.5 + 0.5 = 1, 0.5 + 0.25 = 0.75 (no spike reaches > 1)
    let r = trace(synaptic({ alpha: 0.5, beta: 0.5 }), [1, 0, 0]);
    expectClose(r.mem, [1, 1, 0.75], 6);
    expect(r.spk).toEqual([0, 0, 0]);
    // syn = 2 → U = 2 (S = 1); syn = 1, U = 1 + 1 − 1 = 1; syn = 0.5, U = 0.5 + 0.5 = 1.
    r = trace(synaptic({ alpha: 0.5, beta: 0.5 }), [2, 0, 0]);
    expectClose(r.mem, [2, 1, 1], 6);
    // Alpha α = 0.5, β = 0.25: τ = ln .5/(ln .25 − ln .5) + 1 = 2; I = [1, 1]: e = 1, 1.5; i = −1, −1.25; U = 0, 0.5
    r = trace(alphaNeuron({ alpha: 0.5, beta: 0.25 }), [1, 1]);
    expectClose(r.mem, [0, 0.5], 6);
    // Alpha α = 0.8, β = 0.4: τ = ln .8/(ln .4 − ln .8) + 1 = 1.32193; I = [1, 0]: e = 1, 0.8; i = −1, −0.4; U = 0, 0.52877
    const tau = Math.log(0.8) / (Math.log(0.4) - Math.log(0.8)) + 1;
    r = trace(alphaNeuron({ alpha: 0.8, beta: 0.4 }), [1, 0]);
    expectClose(r.mem, [0, tau * 0.4], 5);
    // ALIF α = 0.5, ρ = 0.5, θ0 = 1, β_a = 1: I = [1.5, 0, 1]: v = 1.5 (z=1, a=0); a = 0.5, v = 0.75 − 1 = −0.25; a = 0.25, v = 0.875 (A = 1.25)
    r = trace(alif({ alpha: 0.5, rho: 0.5, adaptStrength: 1 }), [1.5, 0, 1]);
    expect(r.spk).toEqual([1, 0, 0]);
    expectClose(r.mem, [1.5, -0.25, 0.875], 6);
    // The same with sigmoid-parametrised decays: logits q = log(0.5/0.5) = 0, σ(0) = 0.5.
    const sig = alif({ alpha: 0.5, rho: 0.5, adaptStrength: 1, learnAlpha: true, learnRho: true, parametrisation: 'sigmoid', name: 'h' });
    r = trace(sig, [1.5, 0, 1]);
    expectClose(r.mem, [1.5, -0.25, 0.875], 6);
    expect(sig.parameters().map((p) => `${p.name}=${p.value[0]}`)).toEqual(['h.alpha_logit=0', 'h.rho_logit=0']);
    // Recurrent ALIF, 2 neurons, W_rec[from 0 → to 1] = 0.7 (state dict [to, from]): I = [[1.5, 0], [0, 0]]:
    // t0: v = [1.5, 0] (z = [1, 0]); t1: a = [0.5, 0], v = [0.75 − 1, 0 + 0.7] = [−0.25, 0.7], A = [1.5, 1] → no spike.
    const rec = alif({ alpha: 0.5, rho: 0.5, adaptStrength: 1, recurrent: true, recurrentBias: false, name: 'r' });
    const recNet = new Network([rec], { inputShape: [2] });
    recNet.loadStateDict({ ...recNet.stateDict(), 'r.recurrent.weight': { shape: [2, 2], data: new Float32Array([0, 0, 0.7, 0]) } });
    expect(Array.from(rec.parameters()[0].value)).toEqual([0, Math.fround(0.7), 0, 0]);
    const o = recNet.forward({ data: new Float32Array([1.5, 0, 0, 0]), steps: 2, batch: 1, shape: [2] });
    expect(Array.from(o.spikes as Float32Array)).toEqual([1, 0, 0, 0]);
    expectClose(Array.from(o.mem), [1.5, 0, -0.25, 0.7], 6);
    // Izhikevich RS, Euler, Δt 1 ms, from v = −65, u = −13: f = 169 − 325 + 140 + 13 + I; I = 10·x
    r = trace(izhikevich({ preset: 'RS', integration: 'euler', dtMs: 1 }), [0, 1]);
    // step 1: v = −65 − 3 = −68, u = −13 + 0.02·(0.2·(−65) + 13) = −13; step 2: f = 0.04·4624 − 340 + 153 + 10 = 7.96
    expectClose(r.mem, [-68, -68 + 7.96], 4);
    // LI β = 0.5: y = 1, 0.5 + 2 = 2.5
    r = trace(li({ beta: 0.5 }), [1, 2]);
    expect(r.spk).toBeNull();
    expectClose(r.mem, [1, 2.5], 6);
  });

  it('passes gradCheck for every built-in neuron, reset and delay', () => {
    const models: NeuronModel[] = [];
    for (const resetMechanism of ['subtract', 'zero', 'none'] as const) {
      for (const resetDelay of [true, false]) {
        models.push(leaky({ beta: [0.8, 0.6, 0.9], learnBeta: true, resetMechanism, resetDelay }).model);
        models.push(synaptic({ alpha: 0.7, beta: [0.8, 0.6, 0.9], learnAlpha: true, learnBeta: true, resetMechanism, resetDelay }).model);
        models.push(rleaky({ beta: 0.8, learnBeta: true, resetMechanism, resetDelay }).model);
        models.push(rsynaptic({ alpha: 0.7, beta: 0.8, resetMechanism, resetDelay }).model);
      }
      models.push(alphaNeuron({ alpha: 0.9, beta: 0.6, resetMechanism }).model);
    }
    models.push(alif({ alpha: [0.9, 0.8, 0.7], rho: 0.95, learnAlpha: true, learnRho: true }).model);
    models.push(alif({ alpha: [0.9, 0.8, 0.7], rho: [0.95, 0.9, 0.6], learnAlpha: true, learnRho: true, recurrent: true, parametrisation: 'sigmoid' }).model);
    models.push(li({ beta: 0.7, learnBeta: true }).model);
    models.push(li({ beta: [0.7, 0.8, 0.5], learnBeta: true, parametrisation: 'sigmoid' }).model);
    models.push(izhikevich({ integration: 'euler', dtMs: 0.5 }).model, izhikevich({ dtMs: 0.5, currentScale: 20 }).model);
    for (const m of models) {
      const report = gradCheck(m, { throwOnFailure: false });
      for (const e of report.entries) expect(e.maxRelError, `${m.kind} ${e.name}`).toBeLessThan(1e-4);
    }
  });

  it('gradCheck names the parameter of a wrong VJP and by how much', () => {
    const good = leakyModel({ beta: 0.8, learnBeta: true });
    const broken: NeuronModel = {
      ...good,
      kind: 'BrokenLeaky',
      backward(io) {
        good.backward(io);
        io.paramGrads[3][0] *= 1.5; // wrong dL/dβ
      },
    };
    expect(() => gradCheck(broken)).toThrow(NumericError);
    expect(() => gradCheck(broken)).toThrow(/field beta\[0\]: BrokenLeaky: the VJP does not match/);
  });
});

describe('engine paths agree', () => {
  it('the fast leaky loops equal the generic ones for every reset and delay', () => {
    const x = spikesOf(4, 3, 8, 6, 0.5);
    for (const resetMechanism of ['subtract', 'zero', 'none'] as const) {
      for (const resetDelay of [true, false]) {
        const grads: number[][] = [];
        const outs: number[][] = [];
        for (const generic of [false, true]) {
          const lif = leaky({ beta: 0.8, resetMechanism, resetDelay });
          const sg = atan();
          // A plain object hides the surrogate's name, so the layer takes the generic path.
          const hidden = generic ? new NeuronLayer(lif.model, { fire: { spike: sg.spike, derivative: sg.derivative } }) : lif;
          const net = new Network([new Linear(6, 5), hidden, new Linear(5, 3), leaky({ beta: 0.9, resetMechanism, resetDelay })], { inputShape: [6], seed: 2 });
          const r = net.trainStep(x, [0, 2, 1], ceRateLoss());
          outs.push(Array.from(r.output.mem));
          grads.push(net.parameters().flatMap((p) => Array.from(p.grad)));
        }
        // The fast path is float32 SIMD (delayed reset) or float32-stored JS; the generic one rounds once per step.
        expectClose(outs[1], outs[0], 5);
        expectClose(grads[1], grads[0], 5);
      }
    }
  });

  it('spikes handed on as bit masks and outputs written into the next kernel equal the float64 per-step path', () => {
    const spikes = spikesOf(5, 3, 9, 12, 0.4);
    const dense = sparseToSeq(spikes, 12, [12]);
    const build = () =>
      new Network([new Linear(12, 8, { name: 'fc1' }), leaky({ beta: 0.9, name: 'lif1' }), new Flatten(), new Linear(8, 4, { name: 'fc2' }), leaky({ beta: 0.8, name: 'lif2' })], {
        inputShape: [12],
        seed: 2,
      });
    const labels = [1, 0, 3];
    const runs = [spikes, { data: Float64Array.from(dense.data), steps: 9, batch: 3, shape: [12] }].map((input) => {
      const net = build();
      const r = net.trainStep(input, labels, membraneCrossEntropy(), { record: ['lif1'] });
      return { loss: r.loss, spikes: Array.from(r.output.records.lif1.spikes as FloatArray), mem: Array.from(r.output.mem), grads: net.parameters().flatMap((p) => Array.from(p.grad)) };
    });
    expect(runs[0].spikes).toEqual(runs[1].spikes);
    expect(runs[0].spikes.some((v) => v === 1)).toBe(true);
    expect(runs[0].loss).toBeCloseTo(runs[1].loss, 4);
    expectClose(runs[0].mem, runs[1].mem, 5);
    expectClose(runs[0].grads, runs[1].grads, 4);
  });

  it('float64 runs, non-binary inputs and the SIMD path give the same linear layer', () => {
    const rng = new Rng(7);
    const T = 4;
    const B = 3;
    const values = Array.from({ length: T * B * 5 }, () => (rng.uniform() < 0.5 ? 0 : rng.uniform() < 0.5 ? 1 : rng.normal()));
    const runs = [Float32Array.from(values), Float64Array.from(values)].map((data) => {
      const net = new Network([new Linear(5, 4), new Linear(4, 2), li({ beta: 0.5 })], { inputShape: [5], seed: 3 });
      const r = net.trainStep({ data, steps: T, batch: B, shape: [5] }, [0, 1, 1], mseMembraneLoss());
      return { mem: Array.from(r.output.mem), grads: net.parameters().flatMap((p) => Array.from(p.grad)) };
    });
    expectClose(runs[1].mem, runs[0].mem, 5);
    expectClose(runs[1].grads, runs[0].grads, 5);
  });
});

describe('float64 simulation', () => {
  it('keeps states in float64 when the input is a Float64Array', () => {
    const current = [0.1, 0.7, 0.3, 0.9, 0.2];
    const net = new Network([leaky({ beta: 0.8 })], { inputShape: [1] });
    const out = net.forward({ data: Float64Array.from(current), steps: current.length, batch: 1, shape: [1] });
    expect(out.mem).toBeInstanceOf(Float64Array);
    // The same recursion in float64 by hand (β is stored as a float32 parameter, as snnTorch's buffer).
    const beta = Math.fround(0.8);
    let u = 0;
    const expected = current.map((i) => {
      u = beta * u + i - (u > 1 ? 1 : 0);
      return u;
    });
    expect(Array.from(out.mem)).toEqual(expected);
  });
});

describe('composition errors', () => {
  it('names both layers and shapes when a composition does not chain', () => {
    const build = () => new Network([new Linear(8, 6, { name: 'fc1' }), leaky({ beta: 0.9, name: 'lif1' }), new Linear(5, 3, { name: 'fc2' })], { inputShape: [8] });
    expect(build).toThrow(ShapeError);
    expect(build).toThrow("field fc2: layer 'fc2' (Linear) does not take the output of 'lif1' (Leaky) with output [6]; expected input [5], found [6] from 'lif1' (Leaky) with output [6]");
  });

  it('rejects a bad decay parametrisation, a sigmoid decay at 0 or 1 and a fixed transposed tensor', () => {
    expect(() => alif({ alpha: 0.9, rho: 0.9, parametrisation: 'tanh' as 'sigmoid' })).toThrow('field ALIF.parametrisation: unknown decay parametrisation; expected direct or sigmoid, found "tanh"');
    expect(() => li({ beta: 1, parametrisation: 'sigmoid' })).toThrow('field LI.beta: invalid neuron option; expected a number in (0, 1) (sigmoid parametrisation), found 1');
    const model: NeuronModel = { ...leakyModel({ beta: 0.9 }), params: () => [{ name: 'w', value: new Float32Array(4), shape: [2, 2], transposed: true }] };
    expect(() => new Network([new NeuronLayer(model, { name: 'n', fire: atan() })], { inputShape: [2] })).toThrow(
      'field n.w: a transposed neuron tensor must be a trainable matrix; expected learn: true and a 2-D shape, found learn false, shape [2, 2]',
    );
  });

  it('rejects a NaN loss and a gradient of the wrong shape', () => {
    const net = new Network([new Linear(4, 2), leaky({ beta: 0.9 })], { inputShape: [4] });
    const x = spikesOf(0, 2, 3, 4, 0.5);
    const nan: Loss = { name: 'nanLoss', compute: () => ({ value: Number.NaN, grad: { spikes: new Float32Array(12) } }) };
    expect(() => net.trainStep(x, [0, 1], nan)).toThrow('field nanLoss: the loss is not a finite number; expected a finite value, found NaN');
    const wrong: Loss = { name: 'short', compute: () => ({ value: 1, grad: { spikes: new Float32Array(5) } }) };
    expect(() => net.trainStep(x, [0, 1], wrong)).toThrow('field short.grad.spikes: loss gradient has the wrong shape; expected 12 values ([3, 2, 2]), found 5');
  });

  it('saves a state dict in PyTorch layout and names tensor and shapes for another architecture', () => {
    const net = new Network([new Linear(4, 3, { name: 'fc1' }), leaky({ beta: 0.9, name: 'lif1' })], { inputShape: [4], seed: 1 });
    expect(Object.keys(net.stateDict())).toEqual(['fc1.weight', 'fc1.bias', 'lif1.threshold', 'lif1.graded_spikes_factor', 'lif1.reset_mechanism_val', 'lif1.beta']);
    expect(net.stateDict()['fc1.weight'].shape).toEqual([3, 4]);
    const bytes = net.stateDictBytes();
    const copy = new Network([new Linear(4, 3, { name: 'fc1' }), leaky({ beta: 0.5, name: 'lif1' })], { inputShape: [4], seed: 2 });
    copy.loadStateDictBytes(bytes);
    expect(copy.stateDict()).toEqual(net.stateDict());
    const other = new Network([new Linear(4, 5, { name: 'fc1' }), leaky({ beta: 0.9, name: 'lif1' })], { inputShape: [4] });
    expect(() => other.loadStateDictBytes(bytes)).toThrow(CheckpointError);
    expect(() => other.loadStateDictBytes(bytes)).toThrow('field fc1.weight: state dict tensor has another shape (another architecture?); expected [5, 4], found [3, 4]');
  });
});

describe('composition features', () => {
  it('records hidden layers only when asked', () => {
    const net = new Network([new Linear(6, 4, { name: 'fc1' }), leaky({ beta: 0.9, name: 'lif1' }), new Linear(4, 2, { name: 'fc2' }), li({ beta: 0.8, name: 'out' })], {
      inputShape: [6],
    });
    const x = spikesOf(2, 3, 5, 6, 0.5);
    expect(net.forward(x).records).toEqual({});
    const o = net.forward(x, { record: ['lif1', 'fc1'] });
    expect(o.records.lif1.spikes?.length).toBe(5 * 3 * 4);
    expect(o.records.lif1.mem.length).toBe(5 * 3 * 4);
    expect(o.records.fc1.spikes).toBeNull();
    expect(o.spikes).toBeNull();
    expect(() => net.forward(x, { record: ['nope'] })).toThrow(/no layer of that name/);
  });

  it('trains a composition no old engine had (Synaptic → ALIF → LI) and a custom neuron', () => {
    const rng = new Rng(5);
    const labels = Array.from({ length: 16 }, () => rng.int(2));
    // Class c fires inputs [c*5, c*5 + 5) more often.
    const offsets = [0];
    const indices: number[] = [];
    const T = 10;
    for (const y of labels) {
      for (let t = 0; t < T; t++) {
        for (let i = 0; i < 10; i++) if (rng.uniform() < (Math.floor(i / 5) === y ? 0.6 : 0.1)) indices.push(i);
        offsets.push(indices.length);
      }
    }
    const x: SparseSpikes = { batch: 16, numSteps: T, size: 10, offsets: Uint32Array.from(offsets), indices: Uint32Array.from(indices) };
    // A custom neuron: a leaky neuron with a fixed β = 0.8 and subtract reset, written against the NeuronModel contract.
    const custom: NeuronModel = {
      kind: 'MyLeaky',
      states: ['mem'],
      membrane: 0,
      spiking: true,
      params: () => [],
      step({ input, prev, next, out, fire }) {
        for (let k = 0; k < input.length; k++) {
          const r = prev[0][k] > 1 ? 1 : 0;
          next[0][k] = 0.8 * prev[0][k] + input[k] - r;
          out[k] = fire.spike(next[0][k] - 1);
        }
      },
      backward({ input, next, fire, gradOut, gradNext, gradPrev, gradInput }) {
        for (let k = 0; k < input.length; k++) {
          const g = gradNext[0][k] + gradOut[k] * fire.derivative(next[0][k] - 1);
          gradInput[k] = g;
          gradPrev[0][k] += 0.8 * g;
        }
      },
    };
    expect(gradCheck(custom).ok).toBe(true);
    const nets = [
      new Network([new Linear(10, 8), synaptic({ alpha: 0.8, beta: 0.9 }), new Linear(8, 8), alif({ alpha: 0.9, rho: 0.9, adaptStrength: 0.2 }), new Linear(8, 2), li({ beta: 0.9 })], {
        inputShape: [10],
        seed: 1,
      }),
      new Network([new Linear(10, 8), new NeuronLayer(custom, { fire: { spike: (v) => (v > 0 ? 1 : 0), derivative: (v) => 1 / (1 + 10 * v * v) } }), new Linear(8, 2), leaky({ beta: 0.9 })], {
        inputShape: [10],
        seed: 1,
      }),
    ];
    for (const [n, net] of nets.entries()) {
      const loss = n === 0 ? mseMembraneLoss({ onTarget: 1, offTarget: -1 }) : mseSpikeCountLoss({ correctRate: 0.8, incorrectRate: 0.1 });
      const adam = new Adam(net.parameters(), { lr: 0.05 });
      const first = net.evaluateLoss(x, labels, loss).loss;
      for (let e = 0; e < 30; e++) {
        adam.zeroGrad();
        net.trainStep(x, labels, loss);
        adam.step();
      }
      expect(net.evaluateLoss(x, labels, loss).loss, `net ${n}`).toBeLessThan(0.7 * first);
    }
  });

  it('computes the snnTorch losses from their formulas', () => {
    // One sample, T = 2, C = 2, label 0; spikes [[1, 0], [1, 1]], counts [2, 1].
    const input = { steps: 2, batch: 1, batchSize: 1, size: 2, spikes: Float32Array.from([1, 0, 1, 1]), mem: Float32Array.from([0.5, -0.5, 1, 0]), layers: {} };
    const ce = (z: number[], y: number) => Math.log(z.reduce((s, v) => s + Math.exp(v), 0)) - z[y];
    expect(ceRateLoss().compute(input, [0], false).value).toBeCloseTo((ce([1, 0], 0) + ce([1, 1], 0)) / 2, 6);
    expect(ceCountLoss().compute(input, [0], false).value).toBeCloseTo(ce([2, 1], 0), 6);
    // targets ⌊2·1⌋ = 2 and 0: ((2 − 2)² + (1 − 0)²)/(1·2)/2
    expect(mseSpikeCountLoss().compute(input, [0], false).value).toBeCloseTo(0.25, 6);
    // ((0.5 − 1)² + 0.25 + 0 + 0)/2 per step, averaged over 2 steps
    expect(mseMembraneLoss().compute(input, [0], false).value).toBeCloseTo((0.25 + 0.25) / 2 / 2, 6);
    expect(membraneCrossEntropy().compute(input, [0], false).value).toBeCloseTo(ce([0.5, -0.5], 0) + ce([1, 0], 0), 6);
    // maximum over time of each class's membrane: [1, 0]; the gradient goes to the step of each maximum
    const max = ceMaxMembraneLoss().compute(input, [0], true);
    expect(max.value).toBeCloseTo(ce([1, 0], 0), 6);
    const p0 = Math.exp(1) / (Math.exp(1) + 1);
    expectClose(Array.from(max.grad?.mem as Float32Array), [0, 0, p0 - 1, 1 - p0], 6);
    // mean over time [0.75, −0.25] (gradient split over the steps), last step [1, 0] (gradient at the last step only)
    const mean = ceMeanMembraneLoss().compute(input, [0], true);
    expect(mean.value).toBeCloseTo(ce([0.75, -0.25], 0), 6);
    const pm = Math.exp(0.75) / (Math.exp(0.75) + Math.exp(-0.25));
    expectClose(Array.from(mean.grad?.mem as Float32Array), [(pm - 1) / 2, (1 - pm) / 2, (pm - 1) / 2, (1 - pm) / 2], 6);
    const last = lossFromSpec({ name: 'ceLastMembraneLoss' }).compute(input, [0], true);
    expect(last.value).toBeCloseTo(ce([1, 0], 0), 6);
    expectClose(Array.from(last.grad?.mem as Float32Array), [0, 0, p0 - 1, 1 - p0], 6);
    // built-in losses travel to worker threads by their spec
    const rebuilt = lossFromSpec(mseSpikeCountLoss({ correctRate: 0.5 }).spec as LossSpec);
    expect(rebuilt.compute(input, [0], false).value).toBeCloseTo(mseSpikeCountLoss({ correctRate: 0.5 }).compute(input, [0], false).value, 12);
    expect(() => lossFromSpec({ name: 'mine' })).toThrow('field loss: this loss cannot be rebuilt in a worker thread');
  });

  it('runs flatten, dropout and residual blocks and checks them', () => {
    const net = new Network(
      [new Flatten(), new Linear(8, 6, { name: 'fc1' }), leaky({ beta: 0.9, name: 'lif1' }), new Residual([new Linear(6, 6), leaky({ beta: 0.9 })], { name: 'res' }), new Dropout(0.2), new Linear(6, 2, { name: 'fc2' }), leaky({ beta: 0.9, name: 'lif2' })],
      { inputShape: [2, 4], seed: 0 },
    );
    expect(Object.keys(net.stateDict())).toContain('res.0.weight');
    const x = spikesOf(1, 2, 4, 8, 0.5);
    const r = net.trainStep(x, [0, 1], ceRateLoss());
    expect(Number.isFinite(r.loss)).toBe(true);
    expect(net.parameters().some((p) => p.grad.some((g) => g !== 0))).toBe(true);
    expect(() => new Network([new Residual([new Linear(4, 3)], { name: 'bad' })], { inputShape: [4] })).toThrow("field bad: residual block 'bad' changes the shape of its input; expected output [4] (the input's shape), found [3]");
  });
});
