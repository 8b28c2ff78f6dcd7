import { checkMemoryEstimate, intInRange, withinLimits, nonNegativeInt, numberInRange, oneOf, positive, positiveInt } from '@snn/cli';
import { z } from 'zod';

/** Pixels of one MNIST or Fashion-MNIST image (28 × 28). */
export const IMAGE_PIXELS = 784;
/** Classes of MNIST and Fashion-MNIST. */
export const NUM_CLASSES = 10;

/** Upper bounds of the size-like settings (each also bounded together by {@link estimateTrainingBytes}). */
export const SIZE_LIMITS = Object.freeze({
  hidden_size: 16384,
  num_steps: 10000,
  batch_size: 60000,
  period: 10000,
  workers: 64,
});

/**
 * Bytes a training run of these settings needs, by estimate: per worker, the recurrent engine's
 * traces kept for BPTT and its scratch (8 × T × max(784, H) floats) and the weights with their
 * gradients (3 × P floats); the optimiser's weights and Adam moments (3 × P floats); the readout
 * trace of a batch (batch_size × T × 10 floats); with P = 784·H + H² (recurrent) + 10·H and 4 bytes a
 * float (H hidden_size, T num_steps).
 *
 * @returns `bytes` in all, and `stepBytes`: the part that grows with T (to name the field most to blame)
 */
export function estimateTrainingBytes(
  model: { readonly hidden_size: number; readonly num_steps: number; readonly recurrent: boolean },
  batchSize: number,
  workers: number,
): { bytes: number; stepBytes: number } {
  const h = model.hidden_size;
  const t = model.num_steps;
  const params = IMAGE_PIXELS * h + (model.recurrent ? h * h : 0) + h * NUM_CLASSES;
  const stepBytes = 4 * (workers * 8 * t * Math.max(IMAGE_PIXELS, h) + batchSize * t * NUM_CLASSES);
  return { bytes: 4 * (workers * 3 * params + 3 * params) + stepBytes, stepBytes };
}

/** Datasets the app trains on. */
export const DATASETS = ['mnist', 'fashion-mnist'] as const;
/** Hidden-layer neuron models: leaky integrate-and-fire or adaptive LIF (threshold adaptation). */
export const NEURON_TYPES = ['lif', 'alif'] as const;
/** Surrogate spike derivatives BPTT can use (snake_case names, as in snnTorch). */
export const SURROGATE_NAMES = ['fast_sigmoid', 'atan', 'sigmoid', 'straight_through'] as const;

/** How the class scores come from the leaky readout trace y[t]: its maximum over time (the seed's), mean, or last value. */
export const READOUT_KINDS = ['max', 'mean', 'last'] as const;

/**
 * Learning-rate schedules of `training.lr_schedule`: `constant` (the seed's), or `cosine`
 * (annealed per epoch from `learning_rate` to 0 over `training.epochs`, PyTorch's CosineAnnealingLR
 * closed form with T_max = epochs).
 */
export const LR_SCHEDULES = ['constant', 'cosine'] as const;

const bool = (): z.ZodBoolean => z.boolean({ error: 'expected true or false' });

/** Surrogate spike function: `name` plus `slope` (fast_sigmoid, sigmoid) or `alpha` (atan). */
const surrogateSchema = z
  .strictObject({
    name: oneOf(SURROGATE_NAMES).default('fast_sigmoid'),
    slope: positive().optional(),
    alpha: positive().optional(),
  })
  .superRefine((value, ctx) => {
    if (value.alpha !== undefined && value.name !== 'atan') {
      ctx.addIssue({ code: 'custom', path: ['alpha'], message: `expected no alpha for surrogate ${value.name} (alpha belongs to atan)` });
    }
    if (value.slope !== undefined && value.name !== 'fast_sigmoid' && value.name !== 'sigmoid') {
      ctx.addIssue({ code: 'custom', path: ['slope'], message: `expected no slope for surrogate ${value.name} (slope belongs to fast_sigmoid and sigmoid)` });
    }
  });

const modelSchema = z.strictObject({
  neuron: oneOf(NEURON_TYPES).default('alif'),
  hidden_size: intInRange(1, SIZE_LIMITS.hidden_size).default(128),
  recurrent: bool().default(false),
  learn_beta: bool().default(true),
  num_steps: intInRange(1, SIZE_LIMITS.num_steps).default(25),
  dt_ms: positive().default(1),
  tau_mem_ms: positive().default(20),
  tau_adapt_ms: positive().default(200),
  adapt_strength: numberInRange(0, 100).default(1),
  tau_out_ms: positive().default(20),
  threshold: positive().default(1),
  readout: oneOf(READOUT_KINDS).default('max'),
  surrogate: surrogateSchema.prefault({}),
});

const encodingSchema = z.strictObject({
  periodic: bool().default(false),
  gain: numberInRange(0, 1, { minExclusive: true }).default(1),
  min_period: intInRange(1, SIZE_LIMITS.period).default(1),
  max_period: intInRange(1, SIZE_LIMITS.period).optional(),
});

const trainingSchema = z.strictObject({
  epochs: positiveInt().default(6),
  batch_size: intInRange(1, SIZE_LIMITS.batch_size).default(256),
  learning_rate: positive().default(2e-3),
  lr_schedule: oneOf(LR_SCHEDULES).default('cosine'),
  beta1: numberInRange(0, 1, { maxExclusive: true }).default(0.9),
  beta2: numberInRange(0, 1, { maxExclusive: true }).default(0.999),
  weight_decay: numberInRange(0, 1).default(0),
  validation_fraction: numberInRange(0, 1, { minExclusive: true, maxExclusive: true }).default(0.1),
  data_prop: numberInRange(0, 1, { minExclusive: true }).default(1),
  test_prop: numberInRange(0, 1, { minExclusive: true }).default(1),
});

/**
 * The zod schema of a snn-image-classification config file (YAML or JSON, snake_case keys).
 *
 * @remarks
 * Every section is a strict object, so a misspelt key is an error with a "did you mean" hint;
 * every field has a default: the seed project's model (ALIF, 128 hidden neurons, MNIST, batch 256)
 * with our training recipe (learned decays, Adam 2e-3 cosine-annealed over 6 epochs, T = 25; see
 * the app's README, "Config").
 */
export const configSchema = z
  .strictObject({
    dataset: oneOf(DATASETS).default('mnist'),
    model: modelSchema.prefault({}),
    encoding: encodingSchema.prefault({}),
    training: trainingSchema.prefault({}),
    data_path: z.string({ error: 'expected a path to a directory of IDX files' }).min(1, { error: 'expected a path to a directory of IDX files' }).optional(),
    seed: nonNegativeInt().default(0),
    workers: intInRange(1, SIZE_LIMITS.workers).default(1),
  })
  .superRefine((value, ctx) => {
    const max = value.encoding.max_period;
    if (max !== undefined && max < value.encoding.min_period) {
      ctx.addIssue({ code: 'custom', path: ['encoding', 'max_period'], message: `expected an integer >= encoding.min_period (${value.encoding.min_period})` });
    }
    // zod runs this even when a field failed its own bound; the estimate is only meaningful within the bounds.
    if (!withinLimits(value.model, SIZE_LIMITS) || !withinLimits(value.training, SIZE_LIMITS) || !withinLimits(value, SIZE_LIMITS)) return;
    const { bytes, stepBytes } = estimateTrainingBytes(value.model, value.training.batch_size, value.workers);
    checkMemoryEstimate(ctx, {
      bytes,
      path: ['model', stepBytes > bytes / 2 ? 'num_steps' : 'hidden_size'],
      what: 'training buffers (weights and BPTT traces of hidden_size neurons over num_steps, per worker)',
    });
  });

/** A validated config, defaults filled in. */
export type ImageClassificationConfig = z.output<typeof configSchema>;
