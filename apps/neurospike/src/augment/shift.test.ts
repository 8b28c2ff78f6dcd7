import { Rng, tensor } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { shiftImages } from './shift.js';

describe('shiftImages', () => {
  it('moves each image by whole pixels drawn in [-s, s] and pads with 0', () => {
    const side = 5;
    const data = new Float32Array(2 * 25);
    data[12] = 1; // centre pixel of image 0
    data[25 + 12] = 0.5; // centre pixel of image 1
    const rng = new Rng(3);
    const draws = new Rng(3);
    const expected = [0, 1].map(() => [draws.int(5) - 2, draws.int(5) - 2]);
    const out = shiftImages(tensor(data, [2, 25]), side, 2, rng);
    expect(out.shape).toEqual([2, 25]);
    for (let b = 0; b < 2; b++) {
      const [dx, dy] = expected[b];
      const at = b * 25 + (2 + dy) * 5 + (2 + dx);
      expect(out.data[at]).toBe(b === 0 ? 1 : 0.5);
      expect(out.data.subarray(b * 25, (b + 1) * 25).reduce((a, v) => a + v, 0)).toBe(b === 0 ? 1 : 0.5);
    }
    expect(shiftImages(tensor(data, [2, 25]), side, 0, rng).data).toBe(data);
  });

  it('drops pixels moved out of the frame', () => {
    const data = new Float32Array(9).fill(1);
    let sum = 0;
    const rng = new Rng(1);
    for (let k = 0; k < 20; k++) sum += shiftImages(tensor(data, [1, 9]), 3, 1, rng).data.reduce((a, v) => a + v, 0);
    expect(sum).toBeLessThan(180);
    expect(() => shiftImages(tensor(data, [1, 9]), 3, -1, rng)).toThrow('field training.augment_shift: invalid shift; expected a non-negative integer, found -1');
  });
});
