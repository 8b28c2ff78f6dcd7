import { Rng } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { gradientSchema } from '../config/schemas.js';
import type { Split } from '../data/mnist.js';
import { GradientModel } from './model.js';

/** 48 random "images" (pixels in [0, 0.6]) with labels k mod 10. */
function split(count = 48): Split {
  const rng = new Rng(3);
  const images = Float32Array.from({ length: count * 784 }, () => 0.6 * rng.uniform());
  const labels = Uint8Array.from({ length: count }, (_, k) => k % 10);
  return { images, labels, count };
}

async function trainedLr(schedule: 'constant' | 'cosine', epochs: number): Promise<number[]> {
  const config = gradientSchema.parse({
    model: { hidden_size: 16, num_steps: 4 },
    training: { epochs: 2, batch_size: 16, learning_rate: 0.02, lr_schedule: schedule },
  });
  const model = new GradientModel(config);
  const data = split();
  const rates: number[] = [];
  for (let e = 0; e < epochs; e++) {
    const outcome = await model.trainEpoch(data, new Rng(10 + e).permutation(data.count), new Rng(20 + e), () => {});
    expect(Number.isFinite(outcome.loss)).toBe(true);
    rates.push((model.getState().meta.optimizer as { lr: number }).lr);
  }
  return rates;
}

describe('gradient model', () => {
  it('cosine schedule: batch k of K = epochs × batches runs at lr·(1 + cos(πk/K))/2', async () => {
    // 48 images / batch 16 = 3 batches per epoch, K = 6; the last batches of the epochs are k = 2 and k = 5.
    const rates = await trainedLr('cosine', 2);
    expect(rates[0]).toBeCloseTo((0.02 * (1 + Math.cos((2 * Math.PI) / 6))) / 2, 12);
    expect(rates[1]).toBeCloseTo((0.02 * (1 + Math.cos((5 * Math.PI) / 6))) / 2, 12);
  });

  it('constant schedule keeps the configured rate; an unknown schedule is a config error', async () => {
    expect(await trainedLr('constant', 1)).toEqual([0.02]);
    expect(gradientSchema.parse({}).training.lr_schedule).toBe('constant');
    const bad = gradientSchema.safeParse({ training: { lr_schedule: 'linear' } });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0].message).toBe('expected one of "constant", "cosine"');
  });
});
