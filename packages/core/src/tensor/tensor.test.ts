import { describe, expect, it } from 'vitest';
import { NumericError, ShapeError } from '../errors/errors.js';
import { assertFinite, assertShape, full, reshape, shapeSize, tensor, zeros } from './tensor.js';

describe('tensor', () => {
  it('keeps values row-major with their shape', () => {
    const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(x.shape).toEqual([2, 3]);
    expect(x.data).toBeInstanceOf(Float32Array);
    expect(x.data[1 * 3 + 2]).toBe(6);
  });

  it('uses a Float32Array as is', () => {
    const data = new Float32Array(4);
    expect(tensor(data, [4]).data).toBe(data);
  });

  it('refuses a data length that does not match the shape, with an exact message', () => {
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow(ShapeError);
    expect(() => tensor([1, 2, 3], [2, 2])).toThrow('field tensor: data length does not match shape; expected 4 values for shape [2, 2], found 3');
    expect(() => tensor([1, 2, 3], [2, 2], 'hidden.weight')).toThrow(
      'field hidden.weight: data length does not match shape; expected 4 values for shape [2, 2], found 3',
    );
  });

  it('refuses invalid sizes', () => {
    expect(() => tensor([], [-1])).toThrow('field tensor: invalid shape; expected non-negative integer sizes, found [-1]');
    expect(() => zeros([1.5])).toThrow('field shape: invalid shape; expected non-negative integer sizes, found [1.5]');
  });

  it('makes zeros, fills and scalars', () => {
    expect(Array.from(zeros([2, 2]).data)).toEqual([0, 0, 0, 0]);
    expect(Array.from(full([3], 0.5).data)).toEqual([0.5, 0.5, 0.5]);
    expect(shapeSize([])).toBe(1);
    expect(shapeSize([2, 3, 4])).toBe(24);
    expect(tensor([7], []).shape).toEqual([]);
  });

  it('reshapes without copying and checks the size', () => {
    const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const y = reshape(x, [3, 2]);
    expect(y.data).toBe(x.data);
    expect(() => reshape(x, [4, 2])).toThrow('field reshape: data length does not match shape; expected 8 values for shape [4, 2], found 6');
  });

  it('asserts shapes with wildcards', () => {
    const x = zeros([2, 3]);
    expect(() => assertShape(x, [-1, 3], 'x')).not.toThrow();
    expect(() => assertShape(x, [2, 4], 'x')).toThrow('field x: wrong shape; expected [2, 4], found [2, 3]');
    expect(() => assertShape(x, [-1], 'x')).toThrow('field x: wrong shape; expected [*], found [2, 3]');
  });

  it('names the first non-finite value', () => {
    expect(() => assertFinite([1, 2, 3], 'w')).not.toThrow();
    expect(() => assertFinite(Float32Array.of(1, Number.NaN, Number.POSITIVE_INFINITY), 'w', 'ck.safetensors')).toThrow(NumericError);
    expect(() => assertFinite(Float32Array.of(1, Number.NaN), 'w', 'ck.safetensors')).toThrow(
      'file ck.safetensors, field w[1]: non-finite value; expected a finite number, found NaN',
    );
    expect(() => assertFinite([0, 0, Number.NEGATIVE_INFINITY], 'v')).toThrow('field v[2]: non-finite value; expected a finite number, found -Infinity');
  });
});
