// The `@example` blocks of the exported TSDoc, run as written (so they stay true).
import { Rng, tensor } from '@snn/core';
import { describe, expect, it } from 'vitest';
import {
  latency,
  latencyCode,
  latencyEncoder,
  latencySparse,
  latencySteps,
  periodic,
  periodicEncoder,
  periodicSparse,
  rate,
  rateEncoder,
  rateSparse,
} from './index.js';

describe('TSDoc examples', () => {
  it('rate, rateSparse, rateEncoder', () => {
    const images = tensor([0, 0.5, 1, 0.25], [1, 4]);
    expect(rate(images, { numSteps: 10, rng: new Rng(1) }).shape).toEqual([1, 10, 4]);
    expect(rateSparse(images, { numSteps: 10, rng: new Rng(1) }).offsets.length).toBe(11);
    const encoder = rateEncoder({ numSteps: 25, gain: 0.5, rng: new Rng(7) });
    expect(encoder.encodeSparse(tensor([0.2, 0.9], [1, 2])).numSteps).toBe(25);
  });

  it('latencyCode, latencySteps, latency, latencySparse, latencyEncoder', () => {
    const code = latencyCode(tensor([0.02, 0.5, 1], [1, 3]), { numSteps: 5, normalize: true, linear: true });
    expect(Array.from(code.times).map((t) => Math.round(t * 100) / 100)).toEqual([3.92, 2, 0]);
    expect(Array.from(latencySteps(tensor([0.02, 0.5, 1], [1, 3]), { numSteps: 5, normalize: true, linear: true }))).toEqual([4, 2, 0]);
    const spikes = latency(tensor([0.02, 0.5, 1], [1, 3]), { numSteps: 5, normalize: true, linear: true });
    expect(spikes.data[(0 * 5 + 2) * 3 + 1]).toBe(1);
    const s = latencySparse(tensor([0.02, 0.5, 1], [1, 3]), { numSteps: 5, normalize: true, linear: true });
    expect(Array.from(s.offsets)).toEqual([0, 1, 1, 2, 2, 3]);
    const encoder = latencyEncoder({ numSteps: 30, tau: 5, normalize: true, clip: true });
    expect(encoder.encode(tensor([0.5, 0], [1, 2])).shape).toEqual([1, 30, 2]);
  });

  it('periodic, periodicSparse, periodicEncoder', () => {
    const spikes = periodic(tensor([1, 0.5, 0], [1, 3]), { numSteps: 4, maxPeriod: 3 });
    expect(spikes.data[(0 * 4 + 1) * 3 + 1]).toBe(1);
    const s = periodicSparse(tensor([1, 0.5, 0], [1, 3]), { numSteps: 4, maxPeriod: 3 });
    expect(Array.from(s.indices)).toEqual([0, 0, 1, 0, 0, 1]);
    const encoder = periodicEncoder({ numSteps: 20, maxPeriod: 10 });
    expect(encoder.encodeSparse(tensor([0.3], [1, 1])).numSteps).toBe(20);
  });
});
