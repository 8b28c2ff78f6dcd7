import { ValidationError } from '@snn/core';

/** Names of the built-in surrogate spike functions. */
export type SurrogateName = 'fastSigmoid' | 'atan' | 'sigmoid' | 'straightThrough' | 'triangular';

/**
 * A spike non-linearity for gradient training: Heaviside forward, a smooth
 * pseudo-derivative backward.
 *
 * @remarks
 * The forward pass is the step `S = H(x)` with `x = U − θ` (membrane minus
 * threshold) and a strict inequality, `H(0) = 0`, as in snnTorch. Its true
 * derivative is zero almost everywhere, so backpropagation through time uses
 * `derivative(x)` in its place (the surrogate-gradient method; Neftci, Mostafa
 * & Zenke 2019, "Surrogate gradient learning in spiking neural networks",
 * IEEE Signal Processing Magazine 36(6)).
 */
export interface SurrogateFunction {
  /** Name of the factory that made it, e.g. `"atan"`; with `options` it rebuilds the function (e.g. in a worker thread). */
  readonly name: SurrogateName;
  /** The factory options in effect, defaults filled in (e.g. `{ alpha: 2 }`). */
  readonly options: Readonly<Record<string, number>>;
  /**
   * Heaviside step: 1 when `x > 0`, else 0.
   * @param x - membrane potential minus threshold (same unit as the membrane)
   */
  spike(x: number): number;
  /**
   * The pseudo-derivative dS/dx used in the backward pass.
   * @param x - membrane potential minus threshold
   */
  derivative(x: number): number;
}

function heaviside(x: number): number {
  return x > 0 ? 1 : 0;
}

function positiveOption(value: number, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ValidationError('invalid surrogate option', { field, expected: 'a finite number > 0', found: String(value) });
  }
  return value;
}

/** Options of {@link fastSigmoid} and {@link sigmoid}. */
export interface SlopeOptions {
  /** Steepness k of the pseudo-derivative, per unit of membrane potential (> 0). Default 25. */
  readonly slope?: number;
}

/** Options of {@link atan}. */
export interface AtanOptions {
  /** Width parameter α of the arctan pseudo-derivative (> 0). Default 2. */
  readonly alpha?: number;
}

/**
 * Fast sigmoid surrogate (SuperSpike): `dS/dx = 1 / (1 + k·|x|)²`.
 *
 * @remarks
 * The derivative of the fast sigmoid `x / (1 + k·|x|)`; peak 1 at `x = 0`.
 * Zenke & Ganguli (2018), "SuperSpike: Supervised learning in multilayer
 * spiking neural networks", Neural Computation 30(6); the same function as
 * snnTorch's `surrogate.fast_sigmoid(slope=25)`.
 *
 * @param opts - `slope` k (default 25)
 * @throws `ValidationError` when `slope` is not a finite number > 0
 * @example
 * ```ts
 * const sg = fastSigmoid({ slope: 25 });
 * sg.spike(0.1);      // 1
 * sg.derivative(0);   // 1
 * ```
 */
export function fastSigmoid(opts: SlopeOptions = {}): SurrogateFunction {
  const slope = positiveOption(opts.slope ?? 25, 'fastSigmoid.slope');
  return {
    name: 'fastSigmoid',
    options: Object.freeze({ slope }),
    spike: heaviside,
    derivative(x: number): number {
      const d = 1 + slope * Math.abs(x);
      return 1 / (d * d);
    },
  };
}

/**
 * Arctan surrogate: `dS/dx = (α/2) / (1 + (π/2·α·x)²)`.
 *
 * @remarks
 * The derivative of the shifted arctan `(1/π)·arctan(π/2·α·x) + 1/2`; peak
 * `α/2` at `x = 0`. Fang et al. (2021), "Incorporating learnable membrane time
 * constant to enhance learning of spiking neural networks", ICCV; snnTorch's
 * default `surrogate.atan(alpha=2)`.
 *
 * @param opts - `alpha` α (default 2)
 * @throws `ValidationError` when `alpha` is not a finite number > 0
 * @example
 * ```ts
 * atan().derivative(0); // 1
 * ```
 */
export function atan(opts: AtanOptions = {}): SurrogateFunction {
  const alpha = positiveOption(opts.alpha ?? 2, 'atan.alpha');
  const half = alpha / 2;
  const scale = (Math.PI / 2) * alpha;
  return {
    name: 'atan',
    options: Object.freeze({ alpha }),
    spike: heaviside,
    derivative(x: number): number {
      const z = scale * x;
      return half / (1 + z * z);
    },
  };
}

/**
 * Sigmoid surrogate: `dS/dx = k·σ(k·x)·(1 − σ(k·x))` with `σ(z) = 1/(1 + e^−z)`.
 *
 * @remarks
 * The derivative of the logistic function `σ(k·x)`; peak `k/4` at `x = 0`.
 * Zenke & Vogels (2021), "The remarkable robustness of surrogate gradient
 * learning for instilling complex function in spiking neural networks",
 * Neural Computation 33(4); snnTorch's `surrogate.sigmoid(slope=25)`.
 *
 * @param opts - `slope` k (default 25)
 * @throws `ValidationError` when `slope` is not a finite number > 0
 * @example
 * ```ts
 * sigmoid({ slope: 4 }).derivative(0); // 1
 * ```
 */
export function sigmoid(opts: SlopeOptions = {}): SurrogateFunction {
  const slope = positiveOption(opts.slope ?? 25, 'sigmoid.slope');
  return {
    name: 'sigmoid',
    options: Object.freeze({ slope }),
    spike: heaviside,
    derivative(x: number): number {
      const s = 1 / (1 + Math.exp(-slope * x));
      return slope * s * (1 - s);
    },
  };
}

/**
 * Straight-through estimator: `dS/dx = 1`.
 *
 * @remarks
 * Passes the gradient through the step unchanged. Bengio, Léonard & Courville
 * (2013), "Estimating or propagating gradients through stochastic neurons for
 * conditional computation", arXiv:1308.3432; snnTorch's
 * `surrogate.straight_through_estimator()`.
 *
 * @example
 * ```ts
 * straightThrough().derivative(-3); // 1
 * ```
 */
export function straightThrough(): SurrogateFunction {
  return {
    name: 'straightThrough',
    options: Object.freeze({}),
    spike: heaviside,
    derivative(): number {
      return 1;
    },
  };
}

/** Options of {@link triangular}. */
export interface TriangularOptions {
  /** Magnitude of the pseudo-derivative (snnTorch's `threshold` argument of `surrogate.triangular`, > 0). Default 1. */
  readonly threshold?: number;
}

/**
 * Triangular surrogate as snnTorch 0.9 computes it: `dS/dx = +k` for `x < 0`, `−k` for `x ≥ 0`.
 *
 * @remarks
 * snnTorch's `surrogate.triangular(threshold=k)` passes back the slope of a
 * triangle peaked at the threshold, `+k` below it and `−k` at or above it,
 * with no window around the peak (its `Triangular.backward`: the incoming
 * gradient times k, negated where `x ≥ 0`). Reproduced exactly so that runs
 * match snnTorch's; note that the gradient is negative above the threshold.
 *
 * @param opts - `threshold` k (default 1)
 * @throws `ValidationError` when `threshold` is not a finite number > 0
 * @example
 * ```ts
 * triangular().derivative(-0.2); // 1
 * triangular().derivative(0.2);  // -1
 * ```
 */
export function triangular(opts: TriangularOptions = {}): SurrogateFunction {
  const k = positiveOption(opts.threshold ?? 1, 'triangular.threshold');
  return {
    name: 'triangular',
    options: Object.freeze({ threshold: k }),
    spike: heaviside,
    derivative(x: number): number {
      return x < 0 ? k : -k;
    },
  };
}

/**
 * Rebuilds a built-in surrogate from its `name` and `options` (e.g. received by a worker thread).
 *
 * @param name - one of `fastSigmoid`, `atan`, `sigmoid`, `straightThrough`, `triangular`
 * @param options - the factory options (`slope`, `alpha` or `threshold`)
 * @throws `ValidationError` for an unknown name or a bad option
 * @example
 * ```ts
 * const sg = surrogateFromSpec('atan', { alpha: 2 });
 * ```
 */
export function surrogateFromSpec(name: string, options: Readonly<Record<string, number>> = {}): SurrogateFunction {
  switch (name) {
    case 'fastSigmoid':
      return fastSigmoid({ slope: options.slope });
    case 'atan':
      return atan({ alpha: options.alpha });
    case 'sigmoid':
      return sigmoid({ slope: options.slope });
    case 'straightThrough':
      return straightThrough();
    case 'triangular':
      return triangular({ threshold: options.threshold });
    default:
      throw new ValidationError('unknown surrogate function', {
        field: 'surrogate.name',
        expected: 'one of fastSigmoid, atan, sigmoid, straightThrough, triangular',
        found: JSON.stringify(name),
      });
  }
}
