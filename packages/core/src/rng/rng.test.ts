import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/errors.js';
import { Rng, type RngState } from './rng.js';

function draw(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.nextUint32());
}

function moments(values: number[]): { mean: number; variance: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
  return { mean, variance };
}

describe('Rng (xoshiro128**)', () => {
  it('pins the first outputs of seed 42 (checked against the C reference implementation)', () => {
    // Reference: xoshiro128** next() of Blackman & Vigna, state seeded by the same SplitMix32 steps.
    const rng = new Rng(42);
    expect(rng.getState().s).toEqual([939911724, 3948730756, 321366731, 3317318717]);
    expect(draw(rng, 6)).toEqual([2837322924, 544945897, 479756282, 3500138142, 339756180, 113173290]);
    const u = new Rng(42);
    expect(u.uniform()).toBe(2837322924 / 2 ** 32);
    expect(u.uniform()).toBeCloseTo(0.12688010395504534, 15);
  });

  it('gives the same sequence for the same seed and another for another seed', () => {
    expect(draw(new Rng(123), 100)).toEqual(draw(new Rng(123), 100));
    expect(draw(new Rng(123), 10)).not.toEqual(draw(new Rng(124), 10));
    expect(draw(new Rng(2 ** 32 + 5), 5)).toEqual(draw(new Rng(5), 5));
  });

  it('continues the same sequence after restoring a saved state', () => {
    const rng = new Rng(9);
    draw(rng, 17);
    const saved = JSON.parse(JSON.stringify(rng.getState())) as RngState;
    const expected = [rng.uniform(), rng.normal(), rng.poisson(4), rng.int(10)];
    const other = new Rng(1);
    other.setState(saved);
    expect([other.uniform(), other.normal(), other.poisson(4), other.int(10)]).toEqual(expected);
  });

  it('rejects invalid seeds and states', () => {
    expect(() => new Rng(1.5)).toThrow('field seed: invalid seed; expected an integer, found 1.5');
    const rng = new Rng(0);
    const expected = '{ algorithm: "xoshiro128**", s: four uint32 words, not all zero }';
    expect(() => rng.setState({ algorithm: 'xoshiro128**', s: [0, 0, 0, 0] })).toThrow(ValidationError);
    expect(() => rng.setState({ algorithm: 'xoshiro128**', s: [0, 0, 0, 0] })).toThrow(
      `field rngState: invalid RNG state; expected ${expected}, found {"algorithm":"xoshiro128**","s":[0,0,0,0]}`,
    );
    expect(() => rng.setState({ algorithm: 'xoshiro128**', s: [1, 2, 3] } as unknown as RngState)).toThrow(ValidationError);
    expect(() => rng.setState({ algorithm: 'mt19937', s: [1, 2, 3, 4] } as unknown as RngState)).toThrow(ValidationError);
    expect(() => rng.setState({ algorithm: 'xoshiro128**', s: [1, 2, 3, 2 ** 32] })).toThrow(ValidationError);
  });

  it('draws uniforms in range and integers below n', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 1000; i++) {
      const u = rng.uniformIn(-2, 5);
      expect(u).toBeGreaterThanOrEqual(-2);
      expect(u).toBeLessThan(5);
      const k = rng.int(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
    }
    expect(() => rng.int(0)).toThrow('field n: invalid range; expected a positive integer, found 0');
  });

  it('draws normals with the requested mean and variance (1e5 samples)', () => {
    const rng = new Rng(2024);
    const { mean, variance } = moments(Array.from({ length: 100_000 }, () => rng.normal(1, 2)));
    // standard errors: mean 2/sqrt(1e5) = 0.0063, variance 4*sqrt(2/1e5) = 0.018
    expect(Math.abs(mean - 1)).toBeLessThan(0.03);
    expect(Math.abs(variance - 4)).toBeLessThan(0.08);
  });

  it('draws Poisson counts with mean and variance lambda (Knuth for 3, PTRS for 50)', () => {
    const rng = new Rng(11);
    for (const lambda of [3, 50]) {
      const samples = Array.from({ length: 100_000 }, () => rng.poisson(lambda));
      expect(samples.every((k) => Number.isInteger(k) && k >= 0)).toBe(true);
      const { mean, variance } = moments(samples);
      // standard error of the mean: sqrt(lambda / 1e5) = 0.0055 (3), 0.022 (50)
      expect(Math.abs(mean - lambda)).toBeLessThan(5 * Math.sqrt(lambda / 100_000));
      expect(Math.abs(variance / lambda - 1)).toBeLessThan(0.03);
    }
    expect(rng.poisson(0)).toBe(0);
    expect(() => rng.poisson(-1)).toThrow('field lambda: invalid Poisson mean; expected a finite number >= 0, found -1');
  });

  it('draws Bernoulli with probability p', () => {
    const rng = new Rng(5);
    let ones = 0;
    for (let i = 0; i < 100_000; i++) ones += rng.bernoulli(0.3);
    expect(Math.abs(ones / 100_000 - 0.3)).toBeLessThan(0.01);
    expect(rng.bernoulli(0)).toBe(0);
    expect(rng.bernoulli(1)).toBe(1);
  });

  it('makes permutations of 0..n-1 and shuffles in place', () => {
    const rng = new Rng(8);
    const p = rng.permutation(1000);
    expect(p).toBeInstanceOf(Uint32Array);
    expect(Array.from(p).sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(p)).not.toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(Array.from(new Rng(8).permutation(1000))).toEqual(Array.from(p));
    const items = ['a', 'b', 'c', 'd'];
    expect(rng.shuffle(items)).toBe(items);
    expect([...items].sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('forks independent, reproducible streams', () => {
    const a = new Rng(1);
    const fa = a.fork();
    const b = new Rng(1);
    const fb = b.fork();
    expect(draw(fa, 5)).toEqual(draw(fb, 5));
    expect(draw(a, 5)).toEqual(draw(b, 5));
    expect(draw(new Rng(1).fork(), 5)).not.toEqual(draw(new Rng(1), 5));
  });
});
