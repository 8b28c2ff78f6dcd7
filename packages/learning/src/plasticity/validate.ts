import { ShapeError, ValidationError } from '@snn/core';

/** A weight matrix `[nPre, nPost]` stored row-major: `w[i·nPost + j]` is the synapse from pre i to post j. */
export type WeightArray = Float32Array | Float64Array;

export function positiveNumber(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ValidationError('invalid plasticity parameter', { field, expected: 'a finite number > 0', found: String(value) });
  }
  return value;
}

export function nonNegativeNumber(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ValidationError('invalid plasticity parameter', { field, expected: 'a finite number >= 0', found: String(value) });
  }
  return value;
}

export function finiteNumber(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ValidationError('invalid plasticity parameter', { field, expected: 'a finite number', found: String(value) });
  }
  return value;
}

export function checkBounds(wMin: number, wMax: number, field: string): void {
  if (!(wMin <= wMax)) {
    throw new ValidationError('invalid weight bounds', { field: `${field}.wMax`, expected: `a number >= wMin (${wMin})`, found: String(wMax) });
  }
}

export function checkCount(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ValidationError('invalid size', { field, expected: 'an integer >= 1', found: String(value) });
  }
  return value;
}

export function checkWeights(weights: ArrayLike<number>, nPre: number, nPost: number, field = 'weights'): void {
  if (weights.length !== nPre * nPost) {
    throw new ShapeError('weight matrix has the wrong size', { field, expected: `${nPre * nPost} values ([${nPre}, ${nPost}])`, found: `${weights.length}` });
  }
}

export function checkLength(values: ArrayLike<number>, n: number, field: string): void {
  if (values.length !== n) {
    throw new ShapeError('array has the wrong length', { field, expected: `${n} values`, found: `${values.length}` });
  }
}

export function clip(x: number, lo: number, hi: number): number {
  return x < lo ? lo : Math.min(x , hi);
}
