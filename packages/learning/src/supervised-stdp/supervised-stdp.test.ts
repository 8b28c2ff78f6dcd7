import { Rng } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { CompetitionRegulation, CompetitionRegulationOne } from './competition.js';
import { classOf, decisionMap, isTargetNeuron, targetNeurons } from './decision-map.js';
import { dropoutMask } from './dropout.js';
import { FirstSpikeReadout } from './readout.js';
import { RStdp, S2Stdp, S4nn, s2stdpErrors } from './rules.js';
import { stdpRowUpdate } from './stdp-row.js';

const f = Math.fround;

describe('decision map', () => {
  it('maps neurons to classes and marks the first nt_neurons of each group as non-target', () => {
    const map = decisionMap(6, 2, 1);
    expect([0, 1, 2, 3, 4, 5].map((j) => classOf(map, j))).toEqual([0, 0, 0, 1, 1, 1]);
    expect([0, 1, 2, 3, 4, 5].map((j) => isTargetNeuron(map, j))).toEqual([false, true, true, false, true, true]);
    expect(targetNeurons(map, 1)).toEqual([4, 5]);
    expect(() => decisionMap(7, 2)).toThrow(/field n_neurons: output neurons do not split evenly into classes; expected a multiple of 2 classes, found 7/);
    expect(() => decisionMap(4, 2, 2)).toThrow(/field nt_neurons/);
  });
});

describe('STDP window', () => {
  it('additive: ε·a⁺ for t_in ≤ t_out, ε·a⁻ otherwise (silent inputs too unless ltdBefore)', () => {
    const w = Float32Array.of(0.5, 0.5, 0.5);
    const inputTimes = Float32Array.of(0.1, 0.5, 1);
    stdpRowUpdate(w, 0, 3, inputTimes, 0.3, 0.1, -0.2, 0.5, { kind: 'additive', ltdBefore: Number.POSITIVE_INFINITY });
    // Δ = [0.5·0.1, 0.5·−0.2, 0.5·−0.2]
    expect(Array.from(w)).toEqual([f(0.55), f(0.4), f(0.4)]);
    const v = Float32Array.of(0.5, 0.5, 0.5);
    stdpRowUpdate(v, 0, 3, inputTimes, 0.3, 0.1, -0.2, 0.5, { kind: 'additive', ltdBefore: 1 });
    expect(Array.from(v)).toEqual([f(0.55), f(0.4), 0.5]);
  });

  it('multiplicative: soft bounds exp(−β·(w − w_min)/(w_max − w_min))', () => {
    const w = Float32Array.of(0.25, 0.25);
    stdpRowUpdate(w, 0, 2, Float32Array.of(0, 0.9), 0.5, 0.1, -0.1, 1, { kind: 'multiplicative', beta: 2, wMin: 0, wMax: 1 });
    expect(w[0]).toBeCloseTo(0.25 + 0.1 * Math.exp(-0.5), 6);
    expect(w[1]).toBeCloseTo(0.25 - 0.1 * Math.exp(-1.5), 6);
  });
});

describe('S2-STDP and SSTDP errors', () => {
  // 2 classes × 2 neurons; times [0.2, 0.4, 0.3, 1]; class inhibition keeps n0 (class 0) and n2 (class 1).
  const map = decisionMap(4, 2);
  const times = Float32Array.of(0.2, 0.4, 0.3, 1);
  const pots = Float32Array.of(5, 5, 5, 1);
  it('S2-STDP: t̄ = mean of the winners 0.25, g_t = g_nt = 0.1; targets 0.15 and 0.35', () => {
    const errors = new Float32Array(4);
    const updated = s2stdpErrors(times, pots, 0, map, { tGap: 0.2, classInhibition: true, useTimeRanges: false }, 1, errors);
    expect(updated).toEqual([0, 2]);
    expect(errors[0]).toBeCloseTo(0.05, 6); // (0.2 − 0.15)/1: fired too late → STDP
    expect(errors[2]).toBeCloseTo(-0.05, 6); // (0.3 − 0.35)/1: fired too early → anti-STDP
    expect(errors[1]).toBe(0);
  });
  it('without inhibition every neuron is updated: g_nt = g·2/4, g_t = g·2/4, t̄ = mean(0.2, 0.4, 0.3) = 0.3', () => {
    const errors = new Float32Array(4);
    s2stdpErrors(times, pots, 1, map, { tGap: 0.2, classInhibition: false, useTimeRanges: false }, 1, errors);
    // targets: class 1 (n2, n3) → 0.2, class 0 (n0, n1) → 0.4
    expect(Array.from(errors).map((e) => Number(e.toFixed(5)) + 0)).toEqual([-0.2, 0, 0.1, 0.8]);
  });
  it('SSTDP: a neuron already inside its time range has no error', () => {
    const errors = new Float32Array(4);
    s2stdpErrors(Float32Array.of(0.1, 0.4, 0.5, 1), pots, 0, map, { tGap: 0.2, classInhibition: true, useTimeRanges: true }, 1, errors);
    // t̄ = 0.3: n0 target min(0.1, 0.2) = 0.1 → 0; n2 target max(0.5, 0.4) = 0.5 → 0
    expect(Array.from(errors)).toEqual([0, 0, 0, 0]);
  });
  it('no neuron fired: t̄ = T − g_nt', () => {
    const errors = new Float32Array(4);
    s2stdpErrors(Float32Array.of(1, 1, 1, 1), pots, 0, map, { tGap: 0.2, classInhibition: true, useTimeRanges: false }, 1, errors);
    // t̄ = 0.9: n0 target 0.8 → 0.2; n2 target 1.0 → 0
    expect(errors[0]).toBeCloseTo(0.2, 6);
    expect(errors[2]).toBeCloseTo(0, 6);
  });
  it('S2Stdp.update: STDP with |ε| for late neurons, anti-STDP for early ones; annealing', () => {
    const rule = new S2Stdp({ ap: 0.1, am: -0.2, tGap: 0.2, classInhibition: true, useTimeRanges: false, annealing: 0.5 });
    const weights = new Float32Array(4 * 2).fill(0.5);
    const inputTimes = Float32Array.of(0.1, 0.25);
    const changed = rule.update({ weights, inputSize: 2, maxTime: 1 }, { inputTimes, outputTimes: times, potentials: pots }, 0, map);
    expect(changed).toEqual([0, 2]);
    // n0 (t 0.2, ε 0.05): input 0 causal +0.005, input 1 after → −0.01
    expect(weights[0]).toBeCloseTo(0.505, 6);
    expect(weights[1]).toBeCloseTo(0.49, 6);
    // n2 (t 0.3, ε −0.05): anti rates (−0.1, 0.2) × 0.05: both inputs causal → −0.005
    expect(weights[4]).toBeCloseTo(0.495, 6);
    expect(weights[5]).toBeCloseTo(0.495, 6);
    rule.endEpoch();
    expect(rule.rates()).toEqual({ ap: 0.05, am: -0.1, antiAp: -0.05, antiAm: 0.1 });
  });
});

describe('R-STDP', () => {
  it('rewards a correct winner, punishes a wrong one; rates follow the last epoch accuracy', () => {
    const map = decisionMap(2, 2);
    const rule = new RStdp({ ap: 0.1, am: -0.05, classes: 2, annealing: 0.5 });
    // before any epoch: acc = 1/2 → STDP ×0.5, anti ×0.5
    expect(rule.rates()).toEqual({ ap: 0.05, am: -0.025, antiAp: -0.05, antiAm: 0.025 });
    const weights = new Float32Array(4).fill(0.5);
    const forward = { inputTimes: Float32Array.of(0.1, 0.9), outputTimes: Float32Array.of(0.3, 0.5), potentials: Float32Array.of(1, 1) };
    expect(rule.update({ weights, inputSize: 2, maxTime: 1 }, forward, 0, map)).toEqual([0]);
    expect(Array.from(weights)).toEqual([f(0.55), f(0.475), 0.5, 0.5]);
    rule.update({ weights, inputSize: 2, maxTime: 1 }, forward, 1, map); // wrong winner: anti-STDP
    expect(weights[0]).toBeCloseTo(0.5, 6);
    expect(weights[1]).toBeCloseTo(0.5, 6);
    rule.endEpoch(); // accuracy 1/2, base rates halved
    expect(rule.rates()).toEqual({ ap: 0.025, am: -0.0125, antiAp: -0.025, antiAm: 0.0125 });
  });
});

describe('S4NN', () => {
  it('normalises the errors and updates causal inputs only', () => {
    const map = decisionMap(2, 2);
    const rule = new S4nn({ lr: 0.1, tGap: 0.2, classInhibition: false, useTimeRanges: false });
    const weights = new Float32Array(4).fill(0.5);
    // t̄ = min(0.3, 0.4) = 0.3; targets 0.3 (n0, label 0) and 0.5 (n1): errors [0, −0.1] → normalised [0, −1]
    rule.update({ weights, inputSize: 2, maxTime: 1 }, { inputTimes: Float32Array.of(0.1, 0.35), outputTimes: Float32Array.of(0.3, 0.4), potentials: Float32Array.of(1, 1) }, 0, map);
    expect(Array.from(weights)).toEqual([0.5, 0.5, f(0.4), f(0.4)]);
  });
});

describe('NCG competition regulation', () => {
  it('two thresholds: the winner gains η(k−1)/k, the others lose η/k, floored at the initial threshold', () => {
    const map = decisionMap(3, 1);
    const reg = new CompetitionRegulation({ thrLr: 3, thrAnneal: 0.5 });
    const thresholds = { test: Float32Array.of(10, 10, 10), train: new Float32Array(3) };
    reg.startEpoch(thresholds);
    const forward = (times: number[]) => ({ inputTimes: new Float32Array(1), outputTimes: Float32Array.from(times), potentials: new Float32Array(3) });
    reg.update(forward([0.5, 0.2, 0.3]), 0, map);
    expect(Array.from(reg.adaptive() ?? [])).toEqual([10, 12, 10]);
    reg.update(forward([0.1, 0.2, 0.3]), 0, map);
    expect(Array.from(reg.adaptive() ?? [])).toEqual([12, 11, 10]);
    reg.prepare(0, map, thresholds);
    expect(Array.from(thresholds.train)).toEqual([12, 11, 10]);
    reg.endEpoch();
    reg.startEpoch(thresholds); // restarts from the test thresholds, η halved
    reg.update(forward([0.5, 0.2, 0.3]), 0, map);
    expect(Array.from(reg.adaptive() ?? [])).toEqual([10, 11, 10]);
  });

  it('one threshold: updates the training thresholds, which become the test thresholds after the epoch', () => {
    const map = decisionMap(2, 1);
    const reg = new CompetitionRegulationOne({ thrLr: 2 });
    const thresholds = { test: Float32Array.of(5, 5), train: Float32Array.of(5, 5) };
    reg.update({ inputTimes: new Float32Array(1), outputTimes: Float32Array.of(0.4, 0.2), potentials: new Float32Array(2) }, 0, map, thresholds);
    expect(Array.from(thresholds.train)).toEqual([4, 6]);
    reg.endEpoch(thresholds);
    expect(Array.from(thresholds.test)).toEqual([4, 6]);
  });
});

describe('dropout', () => {
  it('keeps each entry with probability 1 − rate', () => {
    const mask = dropoutMask(new Rng(1), 0.25, new Uint8Array(20000)) as Uint8Array;
    const kept = mask.reduce((a, b) => a + b, 0) / mask.length;
    expect(kept).toBeGreaterThan(0.73);
    expect(kept).toBeLessThan(0.77);
    expect(dropoutMask(new Rng(1), 0, new Uint8Array(4))).toBeNull();
  });
});

describe('FirstSpikeReadout', () => {
  // two classes over 4 inputs: class 0 fires inputs 0 and 1 early, class 1 inputs 2 and 3 early
  const data = {
    count: 40,
    labels: Uint16Array.from({ length: 40 }, (_, s) => s % 2),
    offsets: Uint32Array.from({ length: 41 }, (_, s) => 4 * s),
    indices: Uint32Array.from({ length: 160 }, (_, k) => {
      const s = Math.floor(k / 4);
      const order = s % 2 === 0 ? [0, 1, 2, 3] : [2, 3, 0, 1];
      return order[k % 4];
    }),
    times: Float32Array.from({ length: 160 }, (_, k) => [0.1, 0.2, 0.6, 0.7][k % 4] + (Math.floor(k / 4) % 5) * 0.01),
  };
  it('learns a separable task with S2-STDP + NCG and keeps each row at its initial L1 norm', () => {
    const map = decisionMap(4, 2);
    const model = new FirstSpikeReadout({
      inputSize: 4,
      map,
      threshold: 0.5,
      maxTime: 1,
      init: { normal: true, mean: 0.3, std: 0.01 },
      wMin: 0,
      wMax: 1,
      normalize: true,
      rule: new S2Stdp({ ap: 0.05, am: -0.1, tGap: 0.1, classInhibition: true, useTimeRanges: false, annealing: 0.98 }),
      regulator: new CompetitionRegulation({ thrLr: 0.1, thrAnneal: 0.5 }),
      rng: new Rng(3),
    });
    const w0 = Float32Array.from(model.layer.weights);
    const norm = (w: Float32Array, j: number) => w.subarray(4 * j, 4 * j + 4).reduce((a, b) => a + Math.abs(b), 0);
    for (let e = 0; e < 5; e++) model.trainEpoch(data);
    expect(model.evaluate(data)).toBe(1);
    for (let j = 0; j < 4; j++) expect(norm(model.layer.weights, j)).toBeCloseTo(norm(w0, j), 4);
    expect(model.layer.weights.every((w) => w >= 0 && w <= 1)).toBe(true);
  });
});
