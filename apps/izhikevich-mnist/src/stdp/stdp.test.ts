import { Rng, tensor } from '@snn/core';
import { rateSparse } from '@snn/encoding';
import { izhikevichParams } from '@snn/neurons';
import { describe, expect, it } from 'vitest';
import { stdpSchema } from '../config/schemas.js';
import { StdpLearner } from './learner.js';
import { StdpNetwork } from './network.js';

function setup(hiddenSize = 16, readout: 'hebbian' | 'contrastive' = 'hebbian', hiddenCurrent = 40, training: object = {}) {
  const config = stdpSchema.parse({ model: { hidden_size: hiddenSize, num_steps: 10, hidden_current: hiddenCurrent }, training: { readout_rule: readout, ...training } });
  const m = config.model;
  const network = new StdpNetwork({
    hiddenSize,
    numSteps: m.num_steps,
    neuron: izhikevichParams({ preset: 'RS' }),
    inputCurrent: m.input_current,
    hiddenCurrent: m.hidden_current,
    lateralInhibition: m.lateral_inhibition,
    feedforwardInhibition: m.feedforward_inhibition,
    adaptationCurrent: m.adaptation_current,
    adaptationDecay: m.adaptation_decay,
    initWeightMax: m.init_weight_max,
    rng: new Rng(1),
  });
  const image = new Float32Array(784);
  for (let i = 200; i < 600; i++) image[i] = 1;
  const spikes = rateSparse(tensor(image, [1, 784]), { numSteps: 10, rng: new Rng(2) });
  return { config, network, spikes };
}

describe('stdp network and learner', () => {
  it('teacher forcing makes only the label neuron fire; learning keeps the weight sums and fills the Hebbian trace of the label only', () => {
    const { config, network, spikes } = setup();
    const learner = new StdpLearner(network, config.training);
    learner.normalize();
    const before = network.w1.slice();
    const activity = learner.trainSample(spikes, 0, 3);
    expect(activity.outputCounts.filter((c, k) => k !== 3 && c > 0)).toHaveLength(0);
    expect(activity.outputCounts[3]).toBeGreaterThan(0);
    expect(activity.inputSpikes).toBe(spikes.offsets[10]);
    let changed = 0;
    for (let k = 0; k < before.length; k++) if (before[k] !== network.w1[k]) changed++;
    expect(changed).toBeGreaterThan(0);
    for (const j of [0, 7, 15]) {
      let sum = 0;
      for (let i = 0; i < 784; i++) sum += network.w1[i * 16 + j];
      expect(sum / config.training.hidden_weight_sum).toBeCloseTo(1, 5);
    }
    let other = 0;
    let label = 0;
    for (let j = 0; j < 16; j++) {
      label += network.hebbian[j * 10 + 3] ** 2;
      for (let k = 0; k < 10; k++) if (k !== 3) other += Math.abs(network.hebbian[j * 10 + k]);
      expect(network.w2[j * 10 + 3]).toBeGreaterThanOrEqual(0);
    }
    expect(other).toBe(0);
    expect(label).toBeGreaterThan(0);
    let norm = 0;
    for (let j = 0; j < 16; j++) norm += network.w2[j * 10 + 3] ** 2;
    expect(Math.sqrt(norm)).toBeCloseTo(config.training.output_weight_norm, 5);
    expect(Math.max(...network.theta)).toBeGreaterThan(0);
  });

  it('stdp_winners: only the first k hidden neurons to spike in an image change their input weights', () => {
    const changedColumns = (winners: number) => {
      // w_max 100: the normalisation to mean 5 never lifts a weight over the bound, so a column changes only by STDP
      // (with w_max 10 a pre spike clips a normalised weight above 10 in any column).
      const { config, network, spikes } = setup(16, 'hebbian', 40, { stdp_winners: winners, w_max: 100 });
      const learner = new StdpLearner(network, config.training);
      learner.normalize();
      const before = network.w1.slice();
      const activity = learner.trainSample(spikes, 0, 3);
      const columns = new Set<number>();
      for (let k = 0; k < before.length; k++) if (Math.abs(before[k] - network.w1[k]) > 1e-3) columns.add(k % 16);
      return { columns: columns.size, spiking: activity.hiddenCounts.filter((c) => c > 0).length };
    };
    const all = changedColumns(0);
    expect(all.spiking).toBeGreaterThan(2);
    expect(all.columns).toBe(all.spiking);
    expect(changedColumns(1).columns).toBe(1);
    expect(changedColumns(2).columns).toBe(2);
    expect(() => stdpSchema.parse({ training: { stdp_winners: -1 } })).toThrow(/stdp_winners/);
  });

  it('hebbian_decay shrinks the Hebbian trace once per image (also with the contrastive rule)', () => {
    for (const readout of ['hebbian', 'contrastive'] as const) {
      const { config, network, spikes } = setup(16, readout, 40, { hebbian_decay: 0.25 });
      const learner = new StdpLearner(network, config.training);
      for (let j = 0; j < 16; j++) network.hebbian[j * 10 + 6] = 1;
      learner.normalize();
      // Label 3: the teacher clamps output 6 silent; with hidden current 40 the free run does not reach it either.
      const activity = learner.trainSample(spikes, 0, 3);
      expect(activity.outputCounts[6]).toBe(0);
      for (let j = 0; j < 16; j++) expect(network.hebbian[j * 10 + 6], readout).toBeCloseTo(0.75, 6);
    }
    expect(() => stdpSchema.parse({ training: { hebbian_decay: 2 } })).toThrow(/hebbian_decay/);
  });

  it('without a teacher the prediction is the output with most spikes, and nothing learns', () => {
    const { network, spikes } = setup();
    network.w2.fill(0);
    for (let j = 0; j < 16; j++) network.w2[j * 10 + 6] = 1;
    const w1 = network.w1.slice();
    const activity = network.run(spikes, 0, -1, 0);
    expect(activity.prediction).toBe(6);
    expect(network.w1).toEqual(w1);
    expect(Array.from(network.theta)).toEqual(new Array(16).fill(0));
  });

  it('the contrastive rule subtracts the free phase: a wrong free output loses weight, the label gains', () => {
    const { config, network, spikes } = setup(16, 'contrastive', 2000);
    const learner = new StdpLearner(network, config.training);
    for (let j = 0; j < 16; j++) network.hebbian[j * 10 + 6] = 1;
    learner.normalize();
    const free = network.run(spikes, 0, -1, 0);
    expect(free.outputCounts[6]).toBeGreaterThan(0);
    const activity = learner.trainSample(spikes, 0, 3);
    expect(activity.prediction).toBe(6);
    let six = 0;
    let three = 0;
    for (let j = 0; j < 16; j++) {
      six += network.hebbian[j * 10 + 6];
      three += network.hebbian[j * 10 + 3];
    }
    expect(six).toBeLessThan(16);
    expect(three).toBeGreaterThan(0);
    let norm = 0;
    for (let j = 0; j < 16; j++) norm += network.w2[j * 10 + 6] ** 2;
    expect(Math.sqrt(norm)).toBeCloseTo(config.training.output_weight_norm, 5);
  });
});
