// The demo's network in Node: its dense products on gpu.js (`cpu`, the same
// kernel the page runs as WebGL 2) equal the TypeScript path, and one epoch on
// 1,000 MNIST images learns well above chance.
import { type Backend, createBackend, Rng } from '@snn/core';
import { loadMnist } from '@snn/datasets/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeImages, gather } from '../src/encode.js';
import { argmax, BrowserSnn, DEFAULT_SNN, transpose } from '../src/snn.js';

let js: Backend;
let cpu: Backend;

beforeAll(async () => {
  js = await createBackend('js');
  cpu = await createBackend('cpu');
});

afterAll(async () => {
  await cpu?.destroy();
});

describe('BrowserSnn', () => {
  it('transposes row-major matrices', () => {
    expect(Array.from(transpose(Float32Array.of(1, 2, 3, 4, 5, 6), 2, 3))).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('computes the same spikes, logits and gradients with gpu.js kernels as with the TypeScript references', async () => {
    const options = { ...DEFAULT_SNN, sizes: [12, 8, 3], steps: 5 };
    const a = new BrowserSnn(js, options);
    const b = new BrowserSnn(cpu, options);
    const rng = new Rng(5);
    const input = Float32Array.from({ length: 5 * 4 * 12 }, () => (rng.uniform() < 0.4 ? 1 : 0));
    const labels = [0, 2, 1, 2];
    const ra = await a.trainBatch(input, labels, 4);
    const rb = await b.trainBatch(input, labels, 4);
    expect(rb.loss).toBeCloseTo(ra.loss, 5);
    for (let l = 0; l < 2; l++) {
      const ga = a.layers[l].weight.grad;
      const gb = b.layers[l].weight.grad;
      let diff = 0;
      for (let i = 0; i < ga.length; i++) diff = Math.max(diff, Math.abs(ga[i] - gb[i]));
      expect(diff).toBeLessThan(1e-5);
      expect(ga.some((v) => v !== 0)).toBe(true);
    }
    expect(Array.from(rb.trace.logits).map((v) => Number(v.toFixed(4)))).toEqual(Array.from(ra.trace.logits).map((v) => Number(v.toFixed(4))));
  });

  it('learns MNIST digits well above chance in one epoch of 1,000 images (js backend)', async () => {
    const train = loadMnist({ split: 'train' });
    const test = loadMnist({ split: 'test' });
    const snn = new BrowserSnn(js);
    const rng = new Rng(7);
    const B = 32;
    for (let k = 0; k < 1000 / B - 1; k++) {
      const idx = Array.from({ length: B }, (_, i) => k * B + i);
      await snn.trainBatch(encodeImages(gather(train.images, 784, idx), 784, snn.options.steps, rng), idx.map((i) => train.labels[i]), B);
    }
    let correct = 0;
    const idx = Array.from({ length: 256 }, (_, i) => i);
    const trace = await snn.forward(encodeImages(gather(test.images, 784, idx), 784, snn.options.steps, new Rng(1)), 256);
    for (let b = 0; b < 256; b++) if (argmax(trace.logits, b * 10, 10) === test.labels[b]) correct++;
    expect(correct / 256).toBeGreaterThan(0.65);
  }, 60_000);
});
