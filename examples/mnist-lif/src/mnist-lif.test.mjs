import { describe, expect, it } from 'vitest';
import { runExample } from './mnist-lif.mjs';

describe('mnist-lif example', () => {
  it('learns MNIST digits from 1,000 images well above chance', async () => {
    const lines = [];
    const acc = await runExample({ train: 1000, test: 500, epochs: 1, numSteps: 10, hidden: 64, seed: 3, log: (l) => lines.push(l) });
    expect(acc).toBeGreaterThan(0.6);
    expect(lines.at(-1)).toMatch(/^test accuracy on 500 images: \d+\.\d\d %$/);
  }, 60_000);
});
