import { intInRange, nonNegativeInt, numberInRange, oneOf, positive, positiveInt } from '@snn/cli';
import { z } from 'zod';

/** Pixels of one MNIST or Fashion-MNIST image (28 × 28). */
export const IMAGE_PIXELS = 784;
/** Classes of MNIST and Fashion-MNIST. */
export const NUM_CLASSES = 10;

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
  hidden_size: positiveInt().default(128),
  recurrent: bool().default(false),
  learn_beta: bool().default(true),
  num_steps: positiveInt().default(25),
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
  min_period: positiveInt().default(1),
  max_period: positiveInt().optional(),
});

const trainingSchema = z.strictObject({
  epochs: positiveInt().default(6),
  batch_size: positiveInt().default(256),
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
    workers: intInRange(1, 64).default(1),
  })
  .superRefine((value, ctx) => {
    const max = value.encoding.max_period;
    if (max !== undefined && max < value.encoding.min_period) {
      ctx.addIssue({ code: 'custom', path: ['encoding', 'max_period'], message: `expected an integer >= encoding.min_period (${value.encoding.min_period})` });
    }
  });

/** A validated config, defaults filled in. */
export type ImageClassificationConfig = z.output<typeof configSchema>;
