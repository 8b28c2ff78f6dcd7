import { Rng } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { createCnn } from '../cnn/cnn.js';
import { createMlp } from '../mlp/mlp.js';
import { ReluActivity } from './relu-activity.js';

describe('ReluActivity', () => {
  it('counts the active hidden units of an MLP (output > 0, zero is inactive)', async () => {
    const mlp = createMlp({ layers: [2, 3, 2], activation: 'relu', rng: new Rng(0) });
    const [w1, b1] = mlp.parameters();
    w1.value.set([1, 0, 0, 1, -1, -1]); // [out, in]: z = (x0, x1, −x0 − x1)
    b1.value.fill(0);
    const activity = new ReluActivity();
    // (1, 2) → z = (1, 2, −3): 2 active; (−1, 1) → z = (−1, 1, 0): 1 active.
    await mlp.forward(Float32Array.from([1, 2, -1, 1]), 2, { activity });
    expect(activity.layers()).toEqual(['relu1']);
    expect(activity.count('relu1')).toEqual({ active: 3, total: 6 });
    expect(activity.fraction()).toBe(0.5);
    // Training mode with dropout counts the units before dropout: the same numbers.
    const dropped = createMlp({ layers: [2, 3, 2], activation: 'relu', dropout: 0.5, rng: new Rng(0) });
    dropped.parameters()[0].value.set([1, 0, 0, 1, -1, -1]);
    dropped.parameters()[1].value.fill(0);
    const training = new ReluActivity();
    await dropped.forward(Float32Array.from([1, 2, -1, 1]), 2, { training: true, rng: new Rng(1), activity: training });
    expect(training.fraction('relu1')).toBe(0.5);
  });

  it('counts every ReLU layer of a CNN under its layerSummaries name, over evaluation chunks', async () => {
    const cnn = createCnn({ rng: new Rng(2), imageSize: 10, channels: [2, 3], hidden: 8, classes: 3 });
    const batch = 130; // more than one evaluation chunk (128)
    const rng = new Rng(3);
    const x = Float32Array.from({ length: batch * 100 }, () => rng.uniform());
    const activity = new ReluActivity();
    await cnn.forward(x, batch, { activity });
    const relus = cnn.layerSummaries().filter((l) => l.kind === 'relu');
    expect(activity.layers()).toEqual(relus.map((l) => l.name));
    let active = 0;
    let total = 0;
    for (const l of relus) {
      const c = activity.count(l.name);
      expect(c.total, l.name).toBe(batch * l.outputShape.reduce((a, b) => a * b, 1));
      expect(c.active, l.name).toBeGreaterThan(0);
      expect(c.active, l.name).toBeLessThan(c.total);
      active += c.active;
      total += c.total;
    }
    expect(activity.fraction()).toBeCloseTo(active / total, 12);
  });

  it('is NaN before anything was counted', () => {
    expect(new ReluActivity().fraction()).toBeNaN();
    expect(new ReluActivity().count('relu1')).toEqual({ active: 0, total: 0 });
  });
});
