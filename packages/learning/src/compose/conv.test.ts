import { Rng } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { Flatten } from './containers.js';
import { Conv2d, MaxPool2d } from './conv.js';
import { Linear } from './linear.js';
import { mseMembraneLoss } from './losses.js';
import { Network } from './network.js';
import { leaky } from './neurons/leaky.js';
import { li } from './neurons/li.js';

describe('Conv2d and MaxPool2d', () => {
  it('cross-correlate as PyTorch does (golden values)', () => {
    const conv = new Conv2d(1, 1, 3, { padding: 1, name: 'conv' });
    const net = new Network([conv], { inputShape: [1, 3, 3] });
    const w = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    net.loadStateDict({ 'conv.weight': { shape: [1, 1, 3, 3], data: w }, 'conv.bias': { shape: [1], data: [0.5] } });
    const x = new Float32Array(9);
    x[4] = 1; // a spike at the centre
    const out = net.forward({ data: x, steps: 1, batch: 1, shape: [1, 3, 3] }).mem;
    // out[oy, ox] = Σ W[ky, kx]·x[oy + ky − 1, ox + kx − 1] + b = W[2 − oy, 2 − ox] + b
    expect(Array.from(out)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1].map((v) => v + 0.5));
    expect(net.stateDict()['conv.weight'].shape).toEqual([1, 1, 3, 3]);
  });

  it('backward matches central differences through two convolutions and a pooling layer', () => {
    const rng = new Rng(2);
    const T = 2;
    const B = 2;
    const data = new Float64Array(T * B * 2 * 6 * 6).map(() => (rng.uniform() < 0.5 ? 0 : rng.normal()));
    const input = { data, steps: T, batch: B, shape: [2, 6, 6] };
    const net = new Network([new Conv2d(2, 3, 3, { padding: 1, name: 'c1' }), new Conv2d(3, 2, 2, { stride: 2, name: 'c2' }), new MaxPool2d(3), new Flatten(), new Linear(2, 2, { name: 'fc' }), li({ beta: 0.5 })], {
      inputShape: [2, 6, 6],
      seed: 1,
    });
    const loss = mseMembraneLoss();
    const labels = [0, 1];
    net.trainStep(input, labels, loss);
    const eps = 1e-2;
    for (const p of net.parameters().filter((q) => q.name.startsWith('c'))) {
      for (const i of new Set([0, p.value.length >> 1, p.value.length - 1])) {
        const keep = p.value[i];
        p.value[i] = keep + eps;
        const up = net.evaluateLoss(input, labels, loss).loss;
        p.value[i] = keep - eps;
        const down = net.evaluateLoss(input, labels, loss).loss;
        p.value[i] = keep;
        const numeric = (up - down) / (2 * eps);
        expect(p.grad[i], `${p.name}[${i}]`).toBeCloseTo(numeric, 4);
      }
    }
  });

  it('names the layers when shapes do not chain, and trains a spiking conv net', () => {
    expect(() => new Network([new Conv2d(2, 4, 3, { name: 'conv1' })], { inputShape: [1, 8, 8] })).toThrow("field conv1: layer 'conv1' (Conv2d) does not take the output of the input [1, 8, 8]; expected input [2, H, W] with H, W ≥ 3, found [1, 8, 8] from the input [1, 8, 8]");
    const net = new Network([new Conv2d(1, 4, 3, { name: 'conv1' }), leaky({ beta: 0.9, name: 'lif1' }), new MaxPool2d(2), new Flatten(), new Linear(36, 2, { name: 'fc' }), li({ beta: 0.9 })], { inputShape: [1, 8, 8] });
    expect(net.forward({ data: new Float32Array(3 * 2 * 64).fill(1), steps: 3, batch: 2, shape: [1, 8, 8] }).mem.length).toBe(3 * 2 * 2);
  });
});
