import { ValidationError } from '../errors/errors.js';

/** The saved state of an {@link Rng}: four 32-bit words of xoshiro128**. */
export interface RngState {
  /** Generator name, checked on restore. */
  readonly algorithm: 'xoshiro128**';
  /** The four state words as unsigned 32-bit integers. */
  readonly s: readonly [number, number, number, number];
}

/** SplitMix32 step, used only to spread a seed over the four state words. */
function splitMix32(x: number): [number, number] {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [x, (z ^ (z >>> 16)) >>> 0];
}

const TWO_POW_32 = 4294967296;

/**
 * Seeded pseudo-random generator (xoshiro128**, Blackman & Vigna 2018).
 *
 * @remarks
 * All randomness in the toolkit goes through an `Rng` passed in by the caller,
 * so the same seed gives the same run. Its state can be saved with
 * {@link Rng.getState} and restored with {@link Rng.setState} (e.g. in a
 * checkpoint) to continue the exact same sequence. Period 2^128 − 1;
 * `uniform()` has 32 random bits.
 *
 * Reference: D. Blackman, S. Vigna, "Scrambled linear pseudorandom number
 * generators", ACM TOMS 47(4), 2021.
 *
 * @example
 * ```ts
 * const rng = new Rng(42);
 * const saved = rng.getState();
 * const a = rng.uniform();
 * rng.setState(saved);
 * rng.uniform() === a; // true
 * ```
 */
export class Rng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;

  /**
   * @param seed - any integer (taken modulo 2^32); default 0
   * @throws {@link ValidationError} when `seed` is not a finite integer
   */
  constructor(seed = 0) {
    if (!Number.isInteger(seed)) {
      throw new ValidationError('invalid seed', { field: 'seed', expected: 'an integer', found: String(seed) });
    }
    let x = seed | 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [next, out] = splitMix32(x);
      x = next;
      words.push(out);
    }
    [this.s0, this.s1, this.s2, this.s3] = words as [number, number, number, number];
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next raw 32-bit output as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform float in [0, 1). */
  uniform(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Uniform float in [low, high). */
  uniformIn(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) {
      throw new ValidationError('invalid range', { field: 'n', expected: 'a positive integer', found: String(n) });
    }
    return Math.floor(this.uniform() * n);
  }

  /**
   * Normal (Gaussian) sample by the Box–Muller transform; uses two uniforms per call,
   * so the sequence does not depend on any hidden cache.
   * @param mean - mean (default 0)
   * @param std - standard deviation (default 1)
   */
  normal(mean = 0, std = 1): number {
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** 1 with probability `p` (clamped to [0, 1]), else 0. */
  bernoulli(p: number): 0 | 1 {
    return this.uniform() < p ? 1 : 0;
  }

  /**
   * Poisson sample with mean `lambda` ≥ 0: Knuth's product method for
   * `lambda` < 30, otherwise the PTRS transformed rejection of Hörmann (1993).
   */
  poisson(lambda: number): number {
    if (!(lambda >= 0) || !Number.isFinite(lambda)) {
      throw new ValidationError('invalid Poisson mean', { field: 'lambda', expected: 'a finite number >= 0', found: String(lambda) });
    }
    if (lambda === 0) return 0;
    if (lambda < 30) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = this.uniform();
      while (p > limit) {
        k++;
        p *= this.uniform();
      }
      return k;
    }
    const slam = Math.sqrt(lambda);
    const loglam = Math.log(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.uniform() - 0.5;
      const v = this.uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logGamma(k + 1)) return k;
    }
  }

  /** A random permutation of 0..n−1 (Fisher–Yates). */
  permutation(n: number): Uint32Array {
    const out = new Uint32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return this.shuffle(out);
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<
    T extends {
      /** Number of items. */
      length: number;
      [i: number]: unknown;
    },
  >(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** The current state, to save and later pass to {@link Rng.setState}. */
  getState(): RngState {
    return { algorithm: 'xoshiro128**', s: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0] };
  }

  /**
   * Restores a state from {@link Rng.getState}; the sequence continues from there.
   * @throws {@link ValidationError} when the state is malformed or all zero
   */
  setState(state: RngState): void {
    const s = state?.s;
    const valid =
      state?.algorithm === 'xoshiro128**' &&
      Array.isArray(s) &&
      s.length === 4 &&
      s.every((w) => Number.isInteger(w) && w >= 0 && w < TWO_POW_32) &&
      s.some((w) => w !== 0);
    if (!valid) {
      throw new ValidationError('invalid RNG state', {
        field: 'rngState',
        expected: '{ algorithm: "xoshiro128**", s: four uint32 words, not all zero }',
        found: JSON.stringify(state),
      });
    }
    [this.s0, this.s1, this.s2, this.s3] = [s[0] | 0, s[1] | 0, s[2] | 0, s[3] | 0];
  }

  /** A new generator seeded from this one (for independent streams). */
  fork(): Rng {
    return new Rng(this.nextUint32() | 0);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** log Γ(x) for x > 0 (Lanczos approximation, g = 7). */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}
