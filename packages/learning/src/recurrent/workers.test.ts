import { Rng, denseToSparse, tensor } from '@snn/core';
import { describe, expect, it } from 'vitest';
// Worker threads load the built module, so this test runs the classifier from dist/.
import { RecurrentClassifier } from '../../dist/index.node.js';

describe('RecurrentClassifier with worker threads (built module)', () => {
  it('splits a batch over threads and matches the single-threaded result', async () => {
    const rng = new Rng(5);
    const B = 7;
    const T = 10;
    const N = 24;
    const x = Float32Array.from({ length: B * T * N }, () => rng.bernoulli(0.3));
    const spikes = denseToSparse(tensor(x, [B, T, N]));
    const labels = Array.from({ length: B }, () => rng.int(3));
    const options = { inputSize: N, hiddenSize: 12, outputSize: 3, recurrent: true, learnDecay: true, seed: 6 } as const;
    const single = new RecurrentClassifier(options);
    const expected = single.trainStep(spikes, labels);
    const expectedRecord = single.forward(spikes, { record: true });
    for (const workers of [2, 3]) {
      const model = new RecurrentClassifier({ ...options, workers });
      try {
        const result = model.trainStep(spikes, labels);
        expect(Array.from(result.logits)).toEqual(Array.from(expected.logits));
        expect(result.loss).toBeCloseTo(expected.loss, 6);
        expect(result.correct).toBe(expected.correct);
        model.parameters().forEach((p, k) => {
          const g = single.parameters()[k].grad;
          let max = 0;
          for (let i = 0; i < g.length; i++) max = Math.max(max, Math.abs(g[i]));
          for (let i = 0; i < g.length; i++) expect(Math.abs(p.grad[i] - g[i]), `${p.name}[${i}]`).toBeLessThanOrEqual(1e-6 * max + 1e-9);
        });
        const record = model.forward(spikes, { record: true });
        expect(Array.from(record.hiddenSpikes ?? [])).toEqual(Array.from(expectedRecord.hiddenSpikes ?? []));
        expect(Array.from(record.hiddenCounts)).toEqual(Array.from(expectedRecord.hiddenCounts));
      } finally {
        await model.destroy();
      }
    }
  });
});
