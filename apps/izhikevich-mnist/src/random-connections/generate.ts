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

/** The initial connections of a Diehl & Cook network. */
export interface Connections {
  /** Input → excitatory layer 1 (the seed's XeAe). */
  readonly inputToExc: Projection;
  /** Excitatory layer 1 → excitatory layer 2, when nE2 > 0 (AeAe2). */
  readonly excToExc2?: Projection;
}

/** Default connection options of Diehl & Cook (2015) for n_e neurons. */
export function defaultConnectionOptions(nE: number, nE2 = 0): ConnectionOptions {
  return { nInput: 784, nE, nE2, weightScale: 0.3, maxDelayMs: 10, dtMs: 0.5, excToInh: 10.4, inhToExc: 17 };
}

function projection(nPre: number, nPost: number, options: ConnectionOptions, rng: Rng): Projection {
  const weights = new Float64Array(nPre * nPost);
  for (let k = 0; k < weights.length; k++) weights[k] = (rng.uniform() + 0.01) * options.weightScale;
  const delaySteps = new Uint8Array(nPre * nPost);
  for (let k = 0; k < delaySteps.length; k++) delaySteps[k] = Math.round((rng.uniform() * options.maxDelayMs) / options.dtMs);
  return { nPre, nPost, weights, delaySteps };
}

/**
 * Generates the initial learned connections of the Diehl & Cook network from a seed (the seed's
 * random-connection generator): weights `(U[0,1) + 0.01)·0.3`, delays U[0, 10) ms rounded to steps.
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
  const rng = new Rng(seed);
  const inputToExc = projection(options.nInput, options.nE, options, rng);
  if (options.nE2 === 0) return { inputToExc };
  return { inputToExc, excToExc2: projection(options.nE, options.nE2, options, rng) };
}
