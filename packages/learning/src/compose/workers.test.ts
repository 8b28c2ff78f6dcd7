import { Rng, type SparseSpikes } from '@snn/core';
import { describe, expect, it } from 'vitest';
// Worker threads load the built module, so this test runs Network from dist/ with a factory module next to it.
import { type Layer, Network, ceMaxMembraneLoss } from '../../dist/index.node.js';

const FACTORY_URL = new URL('./factory.fixture.mjs', import.meta.url).href;
const { makeLayers } = (await import(FACTORY_URL)) as { makeLayers: (args: { dropout: number }) => Layer[] };

function spikes(batch: number, T: number, size: number, seed: number): SparseSpikes {
  const rng = new Rng(seed);
  const offsets = [0];
  const indices: number[] = [];
  for (let r = 0; r < batch * T; r++) {
    for (let i = 0; i < size; i++) if (rng.uniform() < 0.4) indices.push(i);
    offsets.push(indices.length);
  }
  return { batch, numSteps: T, size, offsets: Uint32Array.from(offsets), indices: Uint32Array.from(indices) };
}

describe('Network with worker threads (built module)', () => {
  const x = spikes(7, 9, 12, 1);
  const labels = [0, 1, 2, 0, 1, 2, 0];

  it('matches the single-threaded result and is deterministic per worker count', async () => {
    const make = (workers: number, dropout: number) =>
      new Network(makeLayers({ dropout }), { inputShape: [12], seed: 4, workers, factory: { module: FACTORY_URL, name: 'makeLayers', args: { dropout } } });
    const single = make(1, 0);
    const a = single.trainStep(x, labels, ceMaxMembraneLoss(), { record: ['lif1'] });
    const ga = single.parameters().map((p) => Array.from(p.grad));
    for (const workers of [2, 3]) {
      const net = make(workers, 0);
      try {
        const b = net.trainStep(x, labels, ceMaxMembraneLoss(), { record: ['lif1'] });
        expect(b.loss).toBeCloseTo(a.loss, 6);
        expect(Array.from(b.output.mem)).toEqual(Array.from(a.output.mem));
        expect(Array.from(b.output.records.lif1.spikes as Float32Array)).toEqual(Array.from(a.output.records.lif1.spikes as Float32Array));
        net.parameters().forEach((p, k) => {
          for (let i = 0; i < p.grad.length; i++) expect(p.grad[i]).toBeCloseTo(ga[k][i], 6);
        });
      } finally {
        await net.close();
      }
    }
    // With dropout the masks depend on the worker count, but two runs with the same count agree exactly.
    const runs = [0, 1].map(() => make(2, 0.3));
    try {
      const r = runs.map((net) => net.trainStep(x, labels, ceMaxMembraneLoss()).loss);
      expect(r[1]).toBe(r[0]);
      expect(Array.from(runs[1].parameters()[0].grad)).toEqual(Array.from(runs[0].parameters()[0].grad));
    } finally {
      await Promise.all(runs.map((n) => n.close()));
    }
  });

  it('needs a factory, and names a custom loss it cannot rebuild', async () => {
    expect(() => new Network(makeLayers({ dropout: 0 }), { inputShape: [12], workers: 2 })).toThrow(/field factory: worker threads need a factory/);
    const net = new Network(makeLayers({ dropout: 0 }), { inputShape: [12], workers: 2, factory: { module: FACTORY_URL, name: 'makeLayers', args: { dropout: 0 } } });
    try {
      const custom = { name: 'myLoss', compute: (input: { mem: ArrayLike<number> }) => ({ value: 0, grad: { mem: new Float32Array(input.mem.length) } }) };
      expect(() => net.trainStep(x, labels, custom)).toThrow(/this loss cannot be rebuilt in a worker thread/);
    } finally {
      await net.close();
    }
  });
});
