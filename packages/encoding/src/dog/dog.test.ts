import { ShapeError, ValidationError, tensor } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { DOG_ON, dogFilter, dogFilterImages, dogLatencySparse, latencyBins } from './dog.js';
import fixture from './scipy-dog.fixture.json' with { type: 'json' };

describe('dogFilter', () => {
  it('matches the reference filter built with NumPy', () => {
    const on = dogFilter(DOG_ON);
    expect(on.length).toBe(49);
    for (let i = 0; i < 49; i++) expect(on[i]).toBeCloseTo(fixture.on[i], 12);
    expect(Math.max(...on)).toBe(1);
    expect(on[24]).toBe(1); // the ON filter peaks at the centre
  });

  it('refuses equal sigmas and a non-integer size', () => {
    expect(() => dogFilter({ size: 7, sigma1: 1, sigma2: 1 })).toThrow('field dog.sigma2: DoG σ1 and σ2 must differ');
    expect(() => dogFilter({ size: 6.5, sigma1: 1, sigma2: 2 })).toThrow(ValidationError);
  });
});

describe('dogFilterImages', () => {
  const image = tensor(fixture.image, [1, 16, 16]);

  it('gives the contrasts of scipy.ndimage.correlate with integer truncation, border and threshold', () => {
    const out = dogFilterImages(image);
    expect(out.shape).toEqual([1, 2, 16, 16]);
    expect(Array.from(out.data.subarray(0, 256))).toEqual(fixture.onContrast);
    expect(Array.from(out.data.subarray(256))).toEqual(fixture.offContrast);
    expect(fixture.onContrast.filter((v) => v > 0).length).toBeGreaterThan(5);
  });

  it('keeps fractions without truncation and honours border and threshold options', () => {
    const exact = dogFilterImages(image, { truncate: false, filters: [DOG_ON] });
    expect(exact.shape).toEqual([1, 1, 16, 16]);
    const nonInteger = Array.from(exact.data).filter((v) => v !== 0 && !Number.isInteger(v));
    expect(nonInteger.length).toBeGreaterThan(0);
    const noBorder = dogFilterImages(image, { border: 0, threshold: 0 });
    expect(noBorder.data[0]).toBe(0); // corner of a black image region: contrast 0
    const countAbove = (t: number) => Array.from(dogFilterImages(image, { threshold: t }).data).filter((v) => v > 0).length;
    expect(countAbove(100)).toBeLessThan(countAbove(15));
  });

  it('refuses a kernel larger than the image, a negative threshold and a bad shape', () => {
    expect(() => dogFilterImages(tensor(new Array(25).fill(0), [1, 5, 5]))).toThrow(
      'field dog.filters[0].size: DoG kernel is larger than the image; expected at most 5 (image 5×5), found 7',
    );
    expect(() => dogFilterImages(image, { threshold: -1 })).toThrow('field dog.threshold');
    expect(() => dogFilterImages(tensor([1, 2], [2]))).toThrow(ShapeError);
  });
});

describe('latencyBins', () => {
  it('bins values by decreasing intensity into ceil(i / (n / (T - 1)))', () => {
    expect(Array.from(latencyBins(Float32Array.from([0, 5, 9, 1]), 3))).toEqual([-1, 1, 0, 2]);
    // 6 values, T = 4: width 2 → ranks 0..5 get bins 0,1,1,2,2,3
    expect(Array.from(latencyBins(Float32Array.from([6, 5, 4, 3, 2, 1]), 4))).toEqual([0, 1, 1, 2, 2, 3]);
    // ties keep index order
    expect(Array.from(latencyBins(Float32Array.from([2, 2, 2]), 3))).toEqual([0, 1, 2]);
  });

  it('refuses fewer than 2 steps', () => {
    expect(() => latencyBins(Float32Array.from([1]), 1)).toThrow('field numSteps: latency binning needs at least 2 time steps');
  });
});

describe('dogLatencySparse', () => {
  it('emits every positive contrast once, channel-major, ascending within each step', () => {
    const images = tensor([...fixture.image, ...fixture.image.map((v) => 255 - v)], [2, 16, 16]);
    const spikes = dogLatencySparse(images, { numSteps: 10 });
    expect([spikes.batch, spikes.numSteps, spikes.size]).toEqual([2, 10, 512]);
    const contrasts = dogFilterImages(images);
    for (let b = 0; b < 2; b++) {
      const seen = new Map<number, number>();
      for (let t = 0; t < 10; t++) {
        const row = b * 10 + t;
        let last = -1;
        for (let k = spikes.offsets[row]; k < spikes.offsets[row + 1]; k++) {
          const i = spikes.indices[k];
          expect(i).toBeGreaterThan(last);
          last = i;
          seen.set(i, t);
        }
      }
      const positive = Array.from(contrasts.data.subarray(b * 512, (b + 1) * 512)).flatMap((v, i) => (v > 0 ? [i] : []));
      expect([...seen.keys()].sort((x, y) => x - y)).toEqual(positive);
      // the strongest ON contrast spikes at step 0
      const on = contrasts.data.subarray(b * 512, b * 512 + 256);
      const strongest = on.indexOf(Math.max(...on));
      expect(seen.get(strongest)).toBe(0);
    }
  });
});
