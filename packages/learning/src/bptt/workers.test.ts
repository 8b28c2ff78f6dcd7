import { Rng, type SparseSpikes, denseToSparse, tensor } from '@snn/core';
import { describe, expect, it } from 'vitest';
// Worker threads load the built module, so this test runs LifNetwork from dist/.
import { LifNetwork as BuiltLifNetwork } from '../../dist/index.node.js';
import { LifNetwork } from './network.js';

function batch(seed: number, B: number, T: number, size: number): { spikes: SparseSpikes; labels: number[] } {
  const rng = new Rng(seed);
  const x = new Float32Array(B * T * size);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < size; i++) {
      const p = rng.uniform() < 0.4 ? rng.uniform() : 0;
      for (let t = 0; t < T; t++) x[(b * T + t) * size + i] = rng.bernoulli(p);
    }
  }
  return { spikes: denseToSparse(tensor(x, [B, T, size])), labels: Array.from({ length: B }, () => rng.int(4)) };
}

function grads(net: { parameters(): { grad: Float32Array }[] }): Float32Array[] {
  return net.parameters().map((p) => p.grad.slice());
}

describe('LifNetwork with worker threads (built module)', () => {
  const options = { sizes: [30, 40, 4], seed: 3, lif: { beta: 0.9 } };
  const { spikes, labels } = batch(1, 7, 12, 30);

  it('splits a batch over threads and matches the single-threaded result', async () => {
    const single = new BuiltLifNetwork({ ...options, workers: 1 });
    const expected = single.forwardBackward(spikes, labels, { kind: 'countCrossEntropy' });
    const expectedGrads = grads(single);
    let scale = 0;
    for (const g of expectedGrads) for (const x of g) scale = Math.max(scale, Math.abs(x));
    expect(scale).toBeGreaterThan(0);
    for (const workers of [2, 3]) {
      const net = new BuiltLifNetwork({ ...options, workers });
      try {
        const result = net.forwardBackward(spikes, labels, { kind: 'countCrossEntropy' });
        expect(Array.from(result.counts)).toEqual(Array.from(expected.counts));
        expect(result.loss).toBeCloseTo(expected.loss, 6);
        grads(net).forEach((g, k) => {
          for (let i = 0; i < g.length; i++) expect(Math.abs(g[i] - expectedGrads[k][i])).toBeLessThanOrEqual(1e-6 * scale);
        });
        const fwd = net.forward(spikes, { membrane: true });
        const ref = single.forward(spikes, { membrane: true });
        expect(Array.from(fwd.counts)).toEqual(Array.from(ref.counts));
        expect(Array.from(fwd.membrane ?? [])).toEqual(Array.from(ref.membrane ?? []));
      } finally {
        await net.close();
      }
    }
  });

  it('is deterministic for a seed and a worker count, and keeps working after close()', async () => {
    const run = async (): Promise<Float32Array[]> => {
      const net = new BuiltLifNetwork({ ...options, workers: 2 });
      net.forwardBackward(spikes, labels);
      net.forwardBackward(spikes, labels);
      const out = grads(net);
      await net.close();
      return out;
    };
    const a = await run();
    const b = await run();
    for (let k = 0; k < a.length; k++) expect(Array.from(a[k])).toEqual(Array.from(b[k]));
    const net = new BuiltLifNetwork({ ...options, workers: 2 });
    await net.close();
    expect(net.forward(spikes).counts.length).toBe(7 * 4);
  });

  it('reports a bad batch from the main thread before any worker sees it', async () => {
    const net = new BuiltLifNetwork({ ...options, workers: 2 });
    try {
      expect(() => net.forwardBackward(spikes, labels.slice(1))).toThrow('field labels: one label per sample needed; expected 7, found 6');
    } finally {
      await net.close();
    }
  });

  it('needs the built module for worker threads', () => {
    expect(() => new LifNetwork({ ...options, workers: 2 })).toThrow(/^field workers: worker threads load the built module; expected workers = 1 when running from source/);
  });
});

describe('LifNetwork workers after a failed batch', () => {
  it('drops the answers of the failed call and goes on', async () => {
    const net = new BuiltLifNetwork({ sizes: [30, 40, 4], seed: 3, workers: 2 });
    try {
      const { spikes, labels } = batch(2, 6, 5, 30);
      // A NaN output bias makes the membrane loss throw on the calling thread after the worker got its shard.
      const w = net.parameters()[3].value;
      const keep = w.slice();
      w.fill(Number.NaN);
      expect(() => net.forwardBackward(spikes, labels)).toThrow(/the loss is not a finite number/);
      w.set(keep);
      const result = net.forwardBackward(spikes, labels);
      expect(Number.isFinite(result.loss)).toBe(true);
    } finally {
      await net.close();
    }
  });
});
