import { ShapeError, ValidationError, denseToSparse, tensor } from '@snn/core';
import { describe, expect, it } from 'vitest';
import type { FeatureMatrix } from './features.js';
import { temporalFeatures } from './features.js';
import { LinearSvm } from './linear-svm.js';
import { RbfSvm } from './rbf-svm.js';
import fixture from './sklearn-svm.fixture.json' with { type: 'json' };
import { Standardizer } from './standardize.js';

const PIXELS = '0123456789abcdefg';
function matrix(images: string[], transform: (v: number) => number): FeatureMatrix {
  const data = new Float32Array(images.length * 64);
  images.forEach((s, r) => {
    for (let c = 0; c < 64; c++) data[r * 64 + c] = transform(PIXELS.indexOf(s[c]));
  });
  return { data, rows: images.length, columns: 64 };
}
const transforms = { binary: (v: number) => (v > 8 ? 1 : 0), scaled: (v: number) => v / 16 } as const;

function agreement(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

describe('LinearSvm against scikit-learn LinearSVC(C=2.4, max_iter=3000)', () => {
  for (const name of ['binary', 'scaled'] as const) {
    it(`${name} features: predictions agree on >= 99 % of test samples`, () => {
      const train = matrix(fixture.trainImages, transforms[name]);
      const test = matrix(fixture.testImages, transforms[name]);
      const svm = LinearSvm.fit(train, fixture.trainLabels, { C: 2.4, maxIter: 3000 });
      expect(svm.classes).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const predicted = svm.predict(test);
      expect(agreement(predicted, fixture[`linear_${name}`])).toBeGreaterThanOrEqual(0.99);
      expect(agreement(predicted, fixture.testLabels)).toBeGreaterThan(0.85);
    });
  }

  it('fits in parts (as threads would) to the same model, and refuses parts that do not fit together', () => {
    const train = matrix(fixture.trainImages, transforms.binary);
    const whole = LinearSvm.fit(train, fixture.trainLabels, { C: 2.4, maxIter: 3000, seed: 3 });
    expect(LinearSvm.problemsOf(fixture.trainLabels)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const parts = [LinearSvm.fitPart(train, fixture.trainLabels, { C: 2.4, maxIter: 3000, seed: 3 }, 4, 10), LinearSvm.fitPart(train, fixture.trainLabels, { C: 2.4, maxIter: 3000, seed: 3 }, 0, 4)];
    const merged = LinearSvm.merge(parts);
    expect(Array.from(merged.weights)).toEqual(Array.from(whole.weights));
    expect(Array.from(merged.intercepts)).toEqual(Array.from(whole.intercepts));
    expect(merged.info.iterations).toEqual(whole.info.iterations);
    expect(() => LinearSvm.merge([parts[0]])).toThrow('field parts: parts do not fit together; expected problems from 0');
    expect(() => LinearSvm.merge([parts[1]])).toThrow('parts do not cover every problem; expected 10 problems, found 4');
    expect(() => LinearSvm.fitPart(train, fixture.trainLabels, {}, 3, 11)).toThrow('field from/to: problem range out of bounds');
  });

  it('separates two classes with one problem', () => {
    const x = { data: Float32Array.from([0, 0, 0, 1, 3, 3, 3, 4]), rows: 4, columns: 2 };
    const svm = LinearSvm.fit(x, [0, 0, 1, 1]);
    expect(svm.weights.length).toBe(2);
    expect(Array.from(svm.predict(x))).toEqual([0, 0, 1, 1]);
  });
});

describe('RbfSvm against scikit-learn SVC(kernel="rbf", C=10, gamma="scale")', () => {
  for (const name of ['binary', 'scaled'] as const) {
    it(`${name} features: predictions agree on >= 99 % of test samples`, () => {
      const train = matrix(fixture.trainImages, transforms[name]);
      const test = matrix(fixture.testImages, transforms[name]);
      const svm = RbfSvm.fit(train, fixture.trainLabels, { C: 10, gamma: 'scale' });
      const predicted = svm.predict(test);
      expect(agreement(predicted, fixture[`rbf_${name}`])).toBeGreaterThanOrEqual(0.99);
      expect(Math.abs(svm.supportCount - fixture[`rbf_${name}_support`])).toBeLessThanOrEqual(fixture[`rbf_${name}_support`] * 0.03);
    });
  }
});

describe('bad input', () => {
  const x = { data: Float32Array.from([0, 1, 1, 0]), rows: 2, columns: 2 };
  it('features with NaN name the sample and feature', () => {
    const bad = { data: Float32Array.from([0, 1, Number.NaN, 0]), rows: 2, columns: 2 };
    expect(() => LinearSvm.fit(bad, [0, 1])).toThrow(ValidationError);
    expect(() => LinearSvm.fit(bad, [0, 1])).toThrow('field features: features must be finite numbers; expected finite values, found NaN at sample 1, feature 0');
    expect(() => RbfSvm.fit(bad, [0, 1])).toThrow('found NaN at sample 1, feature 0');
    // odd columns (no float pairs) and an infinity after a NaN-free pair of zeros
    const odd = { data: Float32Array.from([0, 1, 0, 0, 0, Number.POSITIVE_INFINITY]), rows: 2, columns: 3 };
    expect(() => LinearSvm.fit(odd, [0, 1])).toThrow('found Infinity at sample 1, feature 2');
    const inf = { data: Float32Array.from([0, 1, 0, 0, 0, 0, 0, Number.NEGATIVE_INFINITY]), rows: 2, columns: 4 };
    expect(() => LinearSvm.fit(inf, [0, 1])).toThrow('found -Infinity at sample 1, feature 3');
  });
  it('predicting with another feature size than trained', () => {
    const other = { data: new Float32Array(6), rows: 2, columns: 3 };
    expect(() => LinearSvm.fit(x, [0, 1]).predict(other)).toThrow(ShapeError);
    expect(() => LinearSvm.fit(x, [0, 1]).predict(other)).toThrow('field features: the model was trained on another number of features; expected 2 features, found 3');
    expect(() => RbfSvm.fit(x, [0, 1]).predict(other)).toThrow('expected 2 features, found 3');
    expect(() => Standardizer.fit(x).transform(other)).toThrow('expected 2 features, found 3');
  });
  it('bad options and labels', () => {
    expect(() => LinearSvm.fit(x, [0, 1], { C: 0 })).toThrow('field svm.C');
    expect(() => RbfSvm.fit(x, [0, 1], { gamma: -1 })).toThrow("field svm.gamma: gamma must be 'scale' or a number > 0");
    expect(() => LinearSvm.fit(x, [0, 0])).toThrow('at least two classes');
    expect(() => LinearSvm.fit(x, [0])).toThrow('field labels: one label per sample is needed; expected 2, found 1');
  });
});

describe('Standardizer and temporalFeatures', () => {
  it('standardises to mean 0, σ 1; constant features only centred', () => {
    const s = Standardizer.fit({ data: Float32Array.from([1, 5, 3, 5]), rows: 2, columns: 2 });
    const z = s.transform({ data: Float32Array.from([1, 5, 3, 5]), rows: 2, columns: 2 });
    expect(Array.from(z.data)).toEqual([-1, 0, 1, 0]);
  });
  it('MAX and SUM over time', () => {
    const spikes = denseToSparse(tensor([1, 0, 1, 1, 0, 0], [1, 3, 2]));
    expect(Array.from(temporalFeatures(spikes, 'max').data)).toEqual([1, 1]);
    expect(Array.from(temporalFeatures(spikes, 'sum').data)).toEqual([2, 1]);
  });
});
