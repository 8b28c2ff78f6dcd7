import { describe, expect, it } from 'vitest';
import { flattenKernelOutput, kernelInput } from './kernel-data.js';

describe('flattenKernelOutput', () => {
  it('returns a Float32Array output as is and wraps a number', () => {
    const out = Float32Array.of(1, 2, 3);
    expect(flattenKernelOutput(out)).toBe(out);
    expect(Array.from(flattenKernelOutput(4))).toEqual([4]);
  });

  it('concatenates 2-D and 3-D rows row-major', () => {
    const rows = [Float32Array.of(1, 2, 3), Float32Array.of(4, 5, 6)];
    expect(Array.from(flattenKernelOutput(rows))).toEqual([1, 2, 3, 4, 5, 6]);
    const planes = [
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8],
      ],
    ];
    expect(Array.from(flattenKernelOutput(planes))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('views rows that lie back to back in one buffer instead of copying them', () => {
    const buffer = new Float32Array([1, 2, 3, 4, 5, 6]).buffer;
    const rows = [new Float32Array(buffer, 0, 3), new Float32Array(buffer, 12, 3)];
    const flat = flattenKernelOutput(rows);
    expect(flat.buffer).toBe(buffer);
    expect(Array.from(flat)).toEqual([1, 2, 3, 4, 5, 6]);
    const swapped = flattenKernelOutput([rows[1], rows[0]]);
    expect(swapped.buffer).not.toBe(buffer);
    expect(Array.from(swapped)).toEqual([4, 5, 6, 1, 2, 3]);
  });

  it('reads back a pipeline result synchronously, or says to await it', () => {
    expect(Array.from(flattenKernelOutput({ toArray: () => [Float32Array.of(1), Float32Array.of(2)] }))).toEqual([1, 2]);
    expect(() => flattenKernelOutput({ toArray: async () => [1] })).toThrow(
      'pipeline output reads back asynchronously; expected the awaited result of output.toArray(), found a Promise',
    );
  });

  it('refuses values that are not kernel outputs', () => {
    expect(() => flattenKernelOutput('x')).toThrow('cannot flatten kernel output; expected a number, a Float32Array, or nested arrays of them, found "x"');
  });
});

describe('kernelInput', () => {
  it('tags flat data with the gpu.js size (the shape reversed)', () => {
    const data = new Float32Array(24);
    const x = kernelInput(data, [2, 3, 4]);
    expect(x.value).toBe(data);
    expect(Array.from(x.size)).toEqual([4, 3, 2]);
  });

  it('checks the shape', () => {
    expect(() => kernelInput(new Float32Array(6), [2, 2])).toThrow('field shape: data length does not match shape; expected 4 values for shape [2, 2], found 6');
    expect(() => kernelInput(new Float32Array(16), [2, 2, 2, 2])).toThrow(
      'field shape: gpu.js kernel arguments have 1 to 3 dimensions; expected 1 to 3 dimensions, found [2, 2, 2, 2]',
    );
  });
});
