import { ValidationError } from '@snn/core';
import { alifParams, liParams, surrogateFromSpec } from '@snn/neurons';

/** Hidden neuron models of a `RecurrentClassifier`: `lif` (no adaptation) or `alif` (adaptive threshold). */
export type RecurrentNeuronKind = 'lif' | 'alif';

/** The neuron kinds accepted by `RecurrentClassifier`. */
export const RECURRENT_NEURON_KINDS: readonly RecurrentNeuronKind[] = Object.freeze(['lif', 'alif'] as const);

/** How the logits are read from the leaky-integrator outputs y[t]: maximum over time, mean over time, or the last step. */
export type ReadoutReduction = 'max' | 'mean' | 'last';

/** The readout reductions accepted by `RecurrentClassifier`. */
export const READOUT_REDUCTIONS: readonly ReadoutReduction[] = Object.freeze(['max', 'mean', 'last'] as const);

/** The surrogate names accepted by `RecurrentClassifier`. */
const SURROGATE_NAMES = ['fastSigmoid', 'atan', 'sigmoid', 'straightThrough'] as const;

/** Options of `RecurrentClassifier`; every field but the three sizes is optional. */
export interface RecurrentClassifierOptions {
  /** Number of inputs N (e.g. 784 pixels). */
  readonly inputSize: number;
  /** Number of hidden spiking neurons H (e.g. 128). */
  readonly hiddenSize: number;
  /** Number of classes C (e.g. 10). */
  readonly outputSize: number;
  /** Hidden neuron model, `lif` or `alif`. Default `alif`. */
  readonly neuron?: string;
  /** Recurrent hidden→hidden weights W_rec. Default false. */
  readonly recurrent?: boolean;
  /** Learn the decays α (membrane), κ (readout) and, for ALIF, ρ (adaptation) per neuron. Default false. */
  readonly learnDecay?: boolean;
  /** Surrogate spike function: `fastSigmoid`, `atan`, `sigmoid` or `straightThrough`. Default `fastSigmoid`. */
  readonly surrogate?: string;
  /** Options of the surrogate factory (e.g. `{ slope: 10 }`). Default `{ slope: 10 }` for `fastSigmoid`, the factory's defaults otherwise. */
  readonly surrogateOptions?: Readonly<Record<string, number>>;
  /** Simulation step Δt, in ms (> 0). Default 1. */
  readonly dtMs?: number;
  /** Membrane time constant τ_mem, in ms (> 0): α = exp(−Δt/τ_mem). Default 20. */
  readonly tauMemMs?: number;
  /** Adaptation time constant τ_adapt, in ms (> 0): ρ = exp(−Δt/τ_adapt). Default 200. */
  readonly tauAdaptMs?: number;
  /** Readout time constant τ_out, in ms (> 0): κ = exp(−Δt/τ_out). Default 20. */
  readonly tauOutMs?: number;
  /** Base threshold θ0 (> 0). Default 1. */
  readonly threshold?: number;
  /** Adaptation strength β_a (≥ 0) of the ALIF threshold θ0 + β_a·a. Default 1. */
  readonly adaptStrength?: number;
  /** Readout reduction: `max`, `mean` or `last`. Default `max` (the reproduced paper's code). */
  readonly readout?: string;
  /** Seed of the initial weights. Default 0. */
  readonly seed?: number;
  /** Threads that share each batch (the calling thread included). Default 1. */
  readonly workers?: number;
}

/**
 * Everything that defines a `RecurrentClassifier` except its weights, as plain JSON data (for manifests, parameter hashes and checkpoints).
 */
export interface RecurrentClassifierSpec {
  /** Number of inputs N. */
  readonly inputSize: number;
  /** Number of hidden neurons H. */
  readonly hiddenSize: number;
  /** Number of classes C. */
  readonly outputSize: number;
  /** Hidden neuron model. */
  readonly neuron: RecurrentNeuronKind;
  /** Whether W_rec exists. */
  readonly recurrent: boolean;
  /** Whether the decays are learned. */
  readonly learnDecay: boolean;
  /** Surrogate name and options (defaults filled in). */
  readonly surrogate: {
    /** Factory name, e.g. `"fastSigmoid"`. */
    readonly name: string;
    /** Factory options, e.g. `{ slope: 10 }`. */
    readonly options: Readonly<Record<string, number>>;
  };
  /** Simulation step, in ms. */
  readonly dtMs: number;
  /** Membrane time constant, in ms. */
  readonly tauMemMs: number;
  /** Adaptation time constant, in ms. */
  readonly tauAdaptMs: number;
  /** Readout time constant, in ms. */
  readonly tauOutMs: number;
  /** Base threshold θ0. */
  readonly threshold: number;
  /** Adaptation strength β_a. */
  readonly adaptStrength: number;
  /** Readout reduction. */
  readonly readout: ReadoutReduction;
}

function positiveInteger(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ValidationError('invalid recurrent classifier option', { field, expected: 'a positive integer', found: String(value) });
  }
  return value;
}

function positiveNumber(value: unknown, field: string, fallback: number, allowZero = false): number {
  const v = value ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    throw new ValidationError('invalid recurrent classifier option', {
      field,
      expected: allowZero ? 'a finite number ≥ 0' : 'a finite number > 0',
      found: String(v),
    });
  }
  return v;
}

function flag(value: unknown, field: string, fallback: boolean): boolean {
  const v = value ?? fallback;
  if (typeof v !== 'boolean') {
    throw new ValidationError('invalid recurrent classifier option', { field, expected: 'a boolean', found: String(v) });
  }
  return v;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], field: string, summary: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ValidationError(summary, { field, expected: `one of ${allowed.join(', ')}`, found: JSON.stringify(value) });
  }
  return value as T;
}

/**
 * Validates `RecurrentClassifier` options and returns the resolved spec (defaults filled in).
 *
 * @param opts - the options
 * @throws `ValidationError` naming the bad field, e.g.
 *   `field neuron: unknown neuron kind; expected one of lif, alif, found "izhikevich"`
 */
export function resolveRecurrentSpec(opts: RecurrentClassifierOptions): RecurrentClassifierSpec {
  if (typeof opts !== 'object' || opts === null) {
    throw new ValidationError('invalid recurrent classifier options', { field: 'options', expected: 'an object', found: String(opts) });
  }
  const inputSize = positiveInteger(opts.inputSize, 'inputSize');
  const hiddenSize = positiveInteger(opts.hiddenSize, 'hiddenSize');
  const outputSize = positiveInteger(opts.outputSize, 'outputSize');
  if (outputSize < 2) {
    throw new ValidationError('invalid recurrent classifier option', { field: 'outputSize', expected: 'at least 2 classes', found: String(outputSize) });
  }
  const neuron = oneOf(opts.neuron ?? 'alif', RECURRENT_NEURON_KINDS, 'neuron', 'unknown neuron kind');
  const recurrent = flag(opts.recurrent, 'recurrent', false);
  const learnDecay = flag(opts.learnDecay, 'learnDecay', false);
  const surrogateName = oneOf(opts.surrogate ?? 'fastSigmoid', SURROGATE_NAMES, 'surrogate', 'unknown surrogate function');
  const given = opts.surrogateOptions ?? (surrogateName === 'fastSigmoid' ? { slope: 10 } : {});
  const surrogate = surrogateFromSpec(surrogateName, given);
  const alif = alifParams({
    dtMs: positiveNumber(opts.dtMs, 'dtMs', 1),
    tauMemMs: positiveNumber(opts.tauMemMs, 'tauMemMs', 20),
    tauAdaptMs: positiveNumber(opts.tauAdaptMs, 'tauAdaptMs', 200),
    threshold: positiveNumber(opts.threshold, 'threshold', 1),
    adaptStrength: positiveNumber(opts.adaptStrength, 'adaptStrength', 1, true),
  });
  const li = liParams({ dtMs: alif.dtMs, tauOutMs: positiveNumber(opts.tauOutMs, 'tauOutMs', 20) });
  const readout = oneOf(opts.readout ?? 'max', READOUT_REDUCTIONS, 'readout', 'unknown readout reduction');
  return {
    inputSize,
    hiddenSize,
    outputSize,
    neuron,
    recurrent,
    learnDecay,
    surrogate: { name: surrogate.name, options: { ...surrogate.options } },
    dtMs: alif.dtMs,
    tauMemMs: alif.tauMemMs,
    tauAdaptMs: alif.tauAdaptMs,
    tauOutMs: li.tauOutMs,
    threshold: alif.threshold,
    adaptStrength: alif.adaptStrength,
    readout,
  };
}
