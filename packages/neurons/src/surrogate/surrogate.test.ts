import { describe, expect, it } from 'vitest';
import { atan, fastSigmoid, sigmoid, straightThrough, surrogateFromSpec, triangular } from '../index.js';

describe('surrogate spike functions', () => {
  it('all spike strictly above 0 (Heaviside with H(0) = 0)', () => {
    for (const sg of [fastSigmoid(), atan(), sigmoid(), straightThrough()]) {
      expect([sg.spike(-0.5), sg.spike(0), sg.spike(1e-7)]).toEqual([0, 0, 1]);
    }
  });
  it('fast sigmoid: 1/(1 + k|x|)^2', () => {
    const sg = fastSigmoid();
    expect(sg.name).toBe('fastSigmoid');
    expect(sg.options).toEqual({ slope: 25 });
    expect(sg.derivative(0)).toBe(1);
    expect(sg.derivative(0.1)).toBeCloseTo(1 / 3.5 ** 2, 12);
    expect(sg.derivative(-0.1)).toBeCloseTo(1 / 3.5 ** 2, 12);
    expect(fastSigmoid({ slope: 10 }).derivative(0.2)).toBeCloseTo(1 / 9, 12);
  });
  it('atan: (α/2)/(1 + (π/2·α·x)^2)', () => {
    const sg = atan();
    expect(sg.options).toEqual({ alpha: 2 });
    expect(sg.derivative(0)).toBe(1);
    expect(sg.derivative(0.5)).toBeCloseTo(1 / (1 + (Math.PI / 2) ** 2), 12);
    expect(atan({ alpha: 4 }).derivative(0.25)).toBeCloseTo(2 / (1 + (Math.PI / 2) ** 2), 12);
  });
  it('sigmoid: k·σ(kx)(1 − σ(kx))', () => {
    const sg = sigmoid();
    expect(sg.derivative(0)).toBeCloseTo(25 / 4, 12);
    const s = 1 / (1 + Math.exp(-2.5));
    expect(sg.derivative(0.1)).toBeCloseTo(25 * s * (1 - s), 12);
  });
  it('straight-through: 1 everywhere', () => {
    expect([straightThrough().derivative(-3), straightThrough().derivative(7)]).toEqual([1, 1]);
  });
  it('triangular: +k below the threshold, −k at or above it (snnTorch 0.9)', () => {
    const sg = triangular({ threshold: 0.5 });
    expect([sg.derivative(-2), sg.derivative(-1e-9), sg.derivative(0), sg.derivative(3)]).toEqual([0.5, 0.5, -0.5, -0.5]);
    expect([sg.spike(0), sg.spike(1e-9)]).toEqual([0, 1]);
    expect(surrogateFromSpec('triangular', sg.options).derivative(-1)).toBe(0.5);
    expect(() => triangular({ threshold: 0 })).toThrow('field triangular.threshold: invalid surrogate option; expected a finite number > 0, found 0');
  });
  it('derivatives match finite differences of their smooth primitives', () => {
    const h = 1e-6;
    const cases: [(x: number) => number, (x: number) => number][] = [
      [(x) => x / (1 + 25 * Math.abs(x)), fastSigmoid().derivative],
      [(x) => Math.atan((Math.PI / 2) * 2 * x) / Math.PI + 0.5, atan().derivative],
      [(x) => 1 / (1 + Math.exp(-25 * x)), sigmoid().derivative],
    ];
    for (const [f, d] of cases) {
      for (const x of [-0.3, -0.05, 0.02, 0.4]) expect(d(x)).toBeCloseTo((f(x + h) - f(x - h)) / (2 * h), 6);
    }
  });
  it('rebuilds from name and options', () => {
    const sg = surrogateFromSpec('fastSigmoid', { slope: 5 });
    expect(sg.derivative(0.2)).toBeCloseTo(0.25, 12);
    expect(surrogateFromSpec('atan', atan({ alpha: 3 }).options).options).toEqual({ alpha: 3 });
    expect(surrogateFromSpec('straightThrough').name).toBe('straightThrough');
    expect(() => surrogateFromSpec('relu')).toThrow(
      'field surrogate.name: unknown surrogate function; expected one of fastSigmoid, atan, sigmoid, straightThrough, triangular, found "relu"',
    );
  });
  it('rejects bad options', () => {
    expect(() => fastSigmoid({ slope: 0 })).toThrow('field fastSigmoid.slope: invalid surrogate option; expected a finite number > 0, found 0');
    expect(() => atan({ alpha: -1 })).toThrow('field atan.alpha: invalid surrogate option; expected a finite number > 0, found -1');
  });
});
