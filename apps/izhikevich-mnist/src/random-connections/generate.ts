import { Rng, ValidationError } from '@snn/core';
import { DIEHL_COOK_LIMITS } from '../diehl-cook/config.js';

/** Options of {@link generateConnections}. */
export interface ConnectionOptions {
  /** Input neurons (784 for MNIST). */
  readonly nInput: number;
  /** Excitatory (and inhibitory) neurons of layer 1. */
  readonly nE: number;
  /** Excitatory neurons of the optional second layer (0 = none). */
  readonly nE2: number;
  /** Initial weights are `(U[0,1) + 0.01)·scale`; Diehl & Cook: 0.3. */
  readonly weightScale: number;
  /** Largest input delay, ms (delays U[0, max)). Diehl & Cook: 10. */
  readonly maxDelayMs: number;
  /** Simulation step, ms (delays are rounded to whole steps). */
  readonly dtMs: number;
  /** Excitatory → inhibitory one-to-one weight. Diehl & Cook: 10.4. */
  readonly excToInh: number;
  /** Inhibitory → excitatory all-but-self weight. Diehl & Cook: 17. */
  readonly inhToExc: number;
  /** Input → inhibitory weights are `U[0,1)·scale`; the seed's generator: 0.2. */
  readonly inputToInhScale: number;
  /** Fraction of the input → inhibitory pairs that are connected (drawn without replacement); the seed's generator: 0.1. */
  readonly inputToInhProbability: number;
}

/** One learned feed-forward projection: weights and delays, `[nPre, nPost]` row-major. */
export interface Projection {
  /** Presynaptic neurons. */
  readonly nPre: number;
  /** Postsynaptic neurons. */
  readonly nPost: number;
  /** Weights, dimensionless conductance increments. */
  readonly weights: Float64Array;
  /** Delays in whole steps (round(U[0, maxDelay)/dt)). */
  readonly delaySteps: Uint8Array;
}

/** A fixed (not learned) sparse projection stored densely: `[nPre, nPost]` row-major, 0 where unconnected. */
export interface SparseProjection {
  /** Presynaptic neurons. */
  readonly nPre: number;
  /** Postsynaptic neurons. */
  readonly nPost: number;
  /** Weights, 0 for absent synapses. */
  readonly weights: Float64Array;
  /** Number of connected pairs. */
  readonly connected: number;
}

/** The initial connections of a Diehl & Cook network. */
export interface Connections {
  /** Input → excitatory layer 1 (the seed's XeAe). */
  readonly inputToExc: Projection;
  /**
   * Input → inhibitory layer 1 (the seed's XeAi): a random `floor(p·784·nE)` of the pairs, weights `U[0,1)·0.2`.
   * The authors' code and its port generate it but train with the input → excitatory projection only, as does
   * `DiehlCookNetwork`.
   */
  readonly inputToInh: SparseProjection;
  /** Excitatory layer 1 → excitatory layer 2, when nE2 > 0 (AeAe2). */
  readonly excToExc2?: Projection;
}

/** Default connection options of Diehl & Cook (2015) for n_e neurons. */
export function defaultConnectionOptions(nE: number, nE2 = 0): ConnectionOptions {
  return { nInput: 784, nE, nE2, weightScale: 0.3, maxDelayMs: 10, dtMs: 0.5, excToInh: 10.4, inhToExc: 17, inputToInhScale: 0.2, inputToInhProbability: 0.1 };
}

function projection(nPre: number, nPost: number, options: ConnectionOptions, rng: Rng): Projection {
  const weights = new Float64Array(nPre * nPost);
  for (let k = 0; k < weights.length; k++) weights[k] = (rng.uniform() + 0.01) * options.weightScale;
  const delaySteps = new Uint8Array(nPre * nPost);
  for (let k = 0; k < delaySteps.length; k++) delaySteps[k] = Math.round((rng.uniform() * options.maxDelayMs) / options.dtMs);
  return { nPre, nPost, weights, delaySteps };
}

/**
 * A random `floor(p·nPre·nPost)` of the pairs (a partial Fisher–Yates shuffle of the pair indices, so exactly that
 * many, none twice), each with weight `U[0,1)·scale`.
 */
function sparseProjection(nPre: number, nPost: number, scale: number, p: number, rng: Rng): SparseProjection {
  const total = nPre * nPost;
  const connected = Math.floor(p * total);
  const order = new Int32Array(total);
  for (let k = 0; k < total; k++) order[k] = k;
  const weights = new Float64Array(total);
  for (let k = 0; k < connected; k++) {
    const pick = k + rng.int(total - k);
    const pair = order[pick];
    order[pick] = order[k];
    order[k] = pair;
    weights[pair] = rng.uniform() * scale;
  }
  return { nPre, nPost, weights, connected };
}

/**
 * Generates the initial learned connections of the Diehl & Cook network from a seed (the seed's
 * random-connection generator): input → excitatory weights `(U[0,1) + 0.01)·0.3` with delays U[0, 10) ms rounded
 * to steps (likewise layer 1 → layer 2), and the sparse input → inhibitory weights (10 % of the pairs, `U[0,1)·0.2`).
 *
 * @param options - sizes and constants
 * @param seed - RNG seed; the same seed gives the same connections
 * @throws `ValidationError` for sizes that are not integers within `DIEHL_COOK_LIMITS` (784 inputs at most) or a delay over 127 steps
 */
export function generateConnections(options: ConnectionOptions, seed: number): Connections {
  // Bounded like the network's settings: the weights and delays are allocated from these sizes.
  const limits = { nInput: 784, nE: DIEHL_COOK_LIMITS.nE, nE2: DIEHL_COOK_LIMITS.nE2 };
  for (const key of ['nInput', 'nE'] as const) {
    if (!Number.isInteger(options[key]) || options[key] < 1 || options[key] > limits[key]) {
      throw new ValidationError('invalid network size', { field: key, expected: `an integer in [1, ${limits[key]}]`, found: String(options[key]) });
    }
  }
  if (!Number.isInteger(options.nE2) || options.nE2 < 0 || options.nE2 > limits.nE2) {
    throw new ValidationError('invalid network size', { field: 'nE2', expected: `an integer in [0, ${limits.nE2}]`, found: String(options.nE2) });
  }
  if (!(options.maxDelayMs >= 0) || Math.round(options.maxDelayMs / options.dtMs) > 127) {
    throw new ValidationError('invalid delay', { field: 'maxDelayMs', expected: `a number in [0, ${127 * options.dtMs}] ms`, found: String(options.maxDelayMs) });
  }
  if (!(options.inputToInhProbability >= 0 && options.inputToInhProbability <= 1)) {
    throw new ValidationError('invalid connection probability', { field: 'inputToInhProbability', expected: 'a number in [0, 1]', found: String(options.inputToInhProbability) });
  }
  const rng = new Rng(seed);
  const inputToExc = projection(options.nInput, options.nE, options, rng);
  const excToExc2 = options.nE2 > 0 ? projection(options.nE, options.nE2, options, rng) : undefined;
  // Drawn last, so XeAe and AeAe2 are those of earlier versions for the same seed.
  const inputToInh = sparseProjection(options.nInput, options.nE, options.inputToInhScale, options.inputToInhProbability, rng);
  return { inputToExc, inputToInh, ...(excToExc2 ? { excToExc2 } : {}) };
}
