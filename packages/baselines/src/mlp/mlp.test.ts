import { Rng } from '@snn/core';
import { Adam, softmaxCrossEntropy } from '@snn/learning';
import { describe, expect, it } from 'vitest';
import { createMlp, type Mlp } from './mlp.js';
import { evaluateMlp, trainMlpEpoch } from './train.js';

describe('createMlp', () => {
  it('784-512-10: names, shapes, parameter and FLOP counts', () => {
    const mlp = createMlp({ layers: [784, 512, 10], activation: 'relu', dropout: 0.3, rng: new Rng(0) });
    const ps = mlp.parameters();
    expect(ps.map((p) => p.name)).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(ps.map((p) => p.shape)).toEqual([[512, 784], [512], [10, 512], [10]]);
    // 784·512 + 512 + 512·10 + 10
    expect(mlp.parameterCount).toBe(407050);
    expect(ps.reduce((s, p) => s + p.value.length, 0)).toBe(407050);
    // 2·784·512 + 512 + 2·512·10 + 10
    expect(mlp.flopsPerExample).toBe(813578);
    expect(mlp.macsPerExample).toBe(784 * 512 + 512 * 10);
    expect(mlp.kind).toBe('mlp');
    expect(mlp.layerSummaries()).toEqual([
      { name: 'fc1', kind: 'dense', outputShape: [512], parameters: 401920, macs: 401408, flops: 803328 },
      { name: 'relu1', kind: 'relu', outputShape: [512], parameters: 0, macs: 0, flops: 0 },
      { name: 'dropout1', kind: 'dropout', outputShape: [512], parameters: 0, macs: 0, flops: 0 },
      { name: 'fc2', kind: 'dense', outputShape: [10], parameters: 5130, macs: 5120, flops: 10250 },
    ]);
    expect(Object.entries(mlp.stateTensors()).map(([name, t]) => [name, t.shape])).toEqual([
      ['fc1.weight', [512, 784]],
      ['fc1.bias', [512]],
      ['fc2.weight', [10, 512]],
      ['fc2.bias', [10]],
    ]);
  });

  it('initialises like nn.Linear: U(−1/√in, 1/√in)', () => {
    const mlp = createMlp({ layers: [784, 512, 10], rng: new Rng(1) });
    const w = mlp.weights[0].value;
    const bound = 1 / Math.sqrt(784);
    let mean = 0;
    let sq = 0;
    let largest = 0;
    for (const v of w) {
      largest = Math.max(largest, Math.abs(v));
      mean += v;
      sq += v * v;
    }
    expect(largest).toBeLessThanOrEqual(bound);
    expect(largest).toBeGreaterThan(0.999 * bound);
    mean /= w.length;
    const std = Math.sqrt(sq / w.length - mean * mean);
    expect(Math.abs(mean)).toBeLessThan(1e-4);
    expect(std).toBeCloseTo(bound / Math.sqrt(3), 4); // uniform on [−a, a] has std a/√3
    expect(Math.max(...mlp.biases[1].value.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(512));
  });

  it('is deterministic for a seed', () => {
    const a = createMlp({ layers: [5, 4, 2], rng: new Rng(5) });
    const b = createMlp({ layers: [5, 4, 2], rng: new Rng(5) });
    expect(Array.from(a.weights[0].value)).toEqual(Array.from(b.weights[0].value));
  });

  it('rejects bad options', () => {
    const rng = new Rng(0);
    expect(() => createMlp({ layers: [784], rng })).toThrow(
      'field createMlp.layers: invalid option; expected at least 2 positive integers [inputs, hidden…, classes], found [784]',
    );
    expect(() => createMlp({ layers: [4, 0, 2], rng })).toThrow('field createMlp.layers: invalid option');
    expect(() => createMlp({ layers: [4, 2], dropout: 1, rng })).toThrow('field createMlp.dropout: invalid option; expected a number in [0, 1), found 1');
    expect(() => createMlp({ layers: [4, 2], activation: 'gelu' as 'relu', rng })).toThrow(
      'field createMlp.activation: invalid option; expected one of "relu", "tanh", "sigmoid", found gelu',
    );
  });
});

describe('Mlp forward/backward', () => {
  // Loss of a batch for the current parameters, with a dropout mask fixed by reseeding the generator.
  async function lossOf(mlp: Mlp, x: Float32Array, labels: number[], seed: number, grad?: Float32Array): Promise<number> {
    const logits = await mlp.forward(x, labels.length, { training: true, rng: new Rng(seed) });
    return softmaxCrossEntropy(logits, labels, labels.length, mlp.classes, grad);
  }

  for (const [activation, dropout] of [
    ['relu', 0],
    ['relu', 0.4],
    ['tanh', 0.2],
    ['sigmoid', 0],
  ] as const) {
    it(`gradient matches finite differences (${activation}, dropout ${dropout})`, async () => {
      const rng = new Rng(17);
      const mlp = createMlp({ layers: [6, 8, 5, 3], activation, dropout, rng });
      const x = Float32Array.from({ length: 4 * 6 }, () => rng.normal(0, 1));
      const labels = [0, 2, 1, 2];
      const g = new Float32Array(4 * 3);
      mlp.zeroGrad();
      await lossOf(mlp, x, labels, 99, g);
      mlp.backward(g);
      let checked = 0;
      for (const p of mlp.parameters()) {
        for (let i = 0; i < p.value.length; i += 3) {
          const keep = p.value[i];
          const h = 1e-2;
          p.value[i] = keep + h;
          const up = await lossOf(mlp, x, labels, 99);
          p.value[i] = keep - h;
          const down = await lossOf(mlp, x, labels, 99);
          p.value[i] = keep;
          const numeric = (up - down) / (Math.fround(keep + h) - Math.fround(keep - h));
          // float32 parameters and logits: a difference quotient with h = 1e-2 is good to ~1e-4 away from ReLU kinks.
          expect(Math.abs(p.grad[i] - numeric), `${p.name}[${i}]`).toBeLessThan(2e-3 * Math.max(1, Math.abs(numeric)));
          checked++;
        }
      }
      expect(checked).toBe(41); // every third element: ⌈48/3⌉ + ⌈8/3⌉ + ⌈40/3⌉ + ⌈5/3⌉ + ⌈15/3⌉ + ⌈3/3⌉ = 16+3+14+2+5+1
    });
  }

  it('evaluation mode has no dropout and is repeatable', async () => {
    const mlp = createMlp({ layers: [4, 16, 2], dropout: 0.5, rng: new Rng(2) });
    const x = Float32Array.of(1, 2, 3, 4);
    const a = await mlp.forward(x, 1);
    const b = await mlp.forward(x, 1);
    expect(Array.from(a)).toEqual(Array.from(b));
    const t = await mlp.forward(x, 1, { training: true, rng: new Rng(1) });
    expect(Array.from(t)).not.toEqual(Array.from(a));
  });

  it('reports misuse with clear errors', async () => {
    const mlp = createMlp({ layers: [4, 3, 2], dropout: 0.5, rng: new Rng(2) });
    await expect(mlp.forward(new Float32Array(7), 2)).rejects.toThrow('field Mlp.forward.x: input length does not match batch × inputs; expected 8 (2 × 4), found 7');
    await expect(mlp.forward(new Float32Array(8), 2, { training: true })).rejects.toThrow(
      'field Mlp.forward.rng: training with dropout needs a generator; expected an Rng, found undefined',
    );
    expect(() => mlp.backward(new Float32Array(4))).toThrow(
      'field Mlp.backward: backward needs a training-mode forward pass first; expected forward(x, batch, { training: true }) before backward, found no cached activations',
    );
    await mlp.forward(new Float32Array(8), 2, { training: true, rng: new Rng(0) });
    expect(() => mlp.backward(new Float32Array(3))).toThrow('field Mlp.backward.gradLogits: gradient length does not match batch × classes; expected 4 (2 × 2), found 3');
  });
});

describe('trainMlpEpoch and evaluateMlp', () => {
  // Three Gaussian blobs in 10 dimensions, centres 3 apart along different axes.
  function blobs(n: number, seed: number): { images: Float32Array; labels: Uint8Array } {
    const rng = new Rng(seed);
    const images = new Float32Array(n * 10);
    const labels = new Uint8Array(n);
    for (let e = 0; e < n; e++) {
      const c = e % 3;
      labels[e] = c;
      for (let i = 0; i < 10; i++) images[e * 10 + i] = rng.normal(i === c ? 3 : 0, 1);
    }
    return { images, labels };
  }

  it('learns a separable problem and is deterministic', async () => {
    const train = blobs(600, 1);
    const test = blobs(300, 2);
    const run = async () => {
      const mlp = createMlp({ layers: [10, 32, 3], dropout: 0.1, rng: new Rng(3) });
      const optimizer = new Adam(mlp.parameters(), { lr: 0.01 });
      const rng = new Rng(4);
      const before = await evaluateMlp(mlp, test.images, test.labels);
      const epochs = [];
      for (let e = 0; e < 5; e++) epochs.push(await trainMlpEpoch(mlp, train.images, train.labels, { batchSize: 32, optimizer, rng }));
      const after = await evaluateMlp(mlp, test.images, test.labels, { batchSize: 64 });
      return { mlp, before, epochs, after };
    };
    const a = await run();
    expect(a.before.accuracy).toBeLessThan(0.6);
    expect(a.epochs[0].batches).toBe(19); // ceil(600 / 32)
    expect(a.epochs[0].examples).toBe(600);
    expect(a.epochs[4].loss).toBeLessThan(a.epochs[0].loss);
    // Bayes accuracy of these blobs is about 0.97.
    expect(a.after.accuracy).toBeGreaterThan(0.93);
    expect(a.after.loss).toBeLessThan(0.25);
    expect(a.after.batches).toBe(5); // ceil(300 / 64)
    const b = await run();
    expect(b.after.loss).toBe(a.after.loss);
    expect(Array.from(b.mlp.weights[1].value)).toEqual(Array.from(a.mlp.weights[1].value));
  });

  it('validates data and options', async () => {
    const mlp = createMlp({ layers: [2, 2], rng: new Rng(0) });
    const optimizer = new Adam(mlp.parameters());
    const rng = new Rng(0);
    await expect(trainMlpEpoch(mlp, new Float32Array(5), [0, 1, 1], { batchSize: 2, optimizer, rng })).rejects.toThrow(
      'field trainMlpEpoch.images: images do not match labels × inputs; expected 6 (3 × 2), found 5',
    );
    await expect(trainMlpEpoch(mlp, new Float32Array(4), [0, 2], { batchSize: 2, optimizer, rng })).rejects.toThrow(
      'field trainMlpEpoch.labels[1]: label out of range; expected an integer in [0, 2), found 2',
    );
    await expect(trainMlpEpoch(mlp, new Float32Array(4), [0, 1], { batchSize: 0, optimizer, rng })).rejects.toThrow(
      'field trainMlpEpoch.batchSize: invalid option; expected a positive integer, found 0',
    );
    await expect(evaluateMlp(mlp, new Float32Array(0), [])).rejects.toThrow('field evaluateMlp.labels: no examples; expected at least one label, found 0');
  });
});
