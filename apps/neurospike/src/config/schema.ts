import {
  checkMemoryEstimate,
  intInRange,
  withinLimits,
  nonNegative,
  nonNegativeInt,
  numberInRange,
  oneOf,
  positive,
  positiveInt,
  unitInterval,
} from '@snn/cli';
import { z } from 'zod';

/** Pixels of one MNIST image (28 × 28); the only input size the app accepts. */
export const MNIST_PIXELS = 784;
/** Digit classes of MNIST; the only output size the app accepts. */
export const MNIST_CLASSES = 10;

/**
 * Upper bounds of the size-like settings (each also bounded together by {@link estimateTrainingBytes}).
 * `workers` matches snn-image-classification's; the others are far above any published setting.
 */
export const SIZE_LIMITS = Object.freeze({
  hidden_size: 16384,
  num_steps: 10000,
  num_hidden_layers: 64,
  batch_size: 60000,
  workers: 64,
  augment_shift: 27,
  first_spike_time: 10000,
});

/**
 * Bytes a training run of these model settings needs, by estimate: per worker, the BPTT engine's
 * buffers (weights, their transposes and gradients, 3 × P floats; the membrane of every layer at every
 * step, (T + 1) × N floats; six step-by-neuron scratch arrays, 6 × T × max(784, H) floats), plus the
 * optimiser's weights and Adam moments (3 × P floats), with P = 784·H + (L − 1)·H² + 10·H parameters
 * and N = L·H + 10 neurons (H hidden_size, L num_hidden_layers, T num_steps), 4 bytes a float.
 *
 * @param model - hidden_size, num_hidden_layers, num_steps
 * @param workers - worker threads (each holds an engine)
 * @returns `bytes` in all, and `stepBytes`: the part that grows with T (to name the field most to blame)
 */
export function estimateTrainingBytes(
  model: { readonly hidden_size: number; readonly num_hidden_layers: number; readonly num_steps: number },
  workers: number,
): { bytes: number; stepBytes: number } {
  const h = model.hidden_size;
  const layers = model.num_hidden_layers;
  const t = model.num_steps;
  const params = layers === 0 ? MNIST_PIXELS * MNIST_CLASSES : MNIST_PIXELS * h + (layers - 1) * h * h + h * MNIST_CLASSES;
  const neurons = layers * h + MNIST_CLASSES;
  const stepFloats = (t + 1) * neurons + 6 * t * Math.max(MNIST_PIXELS, h);
  const stepBytes = 4 * workers * stepFloats;
  return { bytes: 4 * (workers * 3 * params + 3 * params) + stepBytes, stepBytes };
}

const bool = (): z.ZodBoolean => z.boolean({ error: 'expected true or false' });

/** Surrogate spike function: `name` plus `alpha` (atan) or `slope` (fast_sigmoid, sigmoid). */
const surrogateSchema = z
  .strictObject({
    name: oneOf(['atan', 'fast_sigmoid', 'sigmoid', 'straight_through']).default('atan'),
    alpha: positive().optional(),
    slope: positive().optional(),
  })
  .superRefine((value, ctx) => {
    if (value.alpha !== undefined && value.name !== 'atan') {
      ctx.addIssue({ code: 'custom', path: ['alpha'], message: `expected no alpha for surrogate ${value.name} (alpha belongs to atan)` });
    }
    if (value.slope !== undefined && value.name !== 'fast_sigmoid' && value.name !== 'sigmoid') {
      ctx.addIssue({ code: 'custom', path: ['slope'], message: `expected no slope for surrogate ${value.name} (slope belongs to fast_sigmoid and sigmoid)` });
    }
  });

const modelSchema = z
  .strictObject({
    input_size: z.literal(MNIST_PIXELS, { error: `expected ${MNIST_PIXELS} (28 × 28 MNIST pixels)` }).default(MNIST_PIXELS),
    hidden_size: intInRange(1, SIZE_LIMITS.hidden_size).default(256),
    output_size: z.literal(MNIST_CLASSES, { error: `expected ${MNIST_CLASSES} (one output neuron per digit)` }).default(MNIST_CLASSES),
    num_steps: intInRange(1, SIZE_LIMITS.num_steps).default(100),
    beta: unitInterval().default(0.95),
    threshold: positive().default(1),
    reset: oneOf(['subtract', 'zero', 'none']).default('subtract'),
    num_hidden_layers: intInRange(0, SIZE_LIMITS.num_hidden_layers).default(1),
    residual: bool().default(false),
    surrogate: surrogateSchema.prefault({}),
  })
  .superRefine((value, ctx) => {
    if (value.residual && value.num_hidden_layers < 2) {
      ctx.addIssue({
        code: 'custom',
        path: ['residual'],
        message: 'expected false when num_hidden_layers < 2 (a residual skip joins two hidden layers of equal width)',
      });
    }
  });

/** The `encoding` section of a config (also validates the encoding stored in a checkpoint). */
export const encodingSchema = z.strictObject({
  type: oneOf(['rate', 'latency']).default('rate'),
  gain: positive().default(1),
  tau: positive().default(5),
  threshold: numberInRange(0, 1, { minExclusive: true, maxExclusive: true }).default(0.01),
  linear: bool().default(true),
  normalize: bool().default(true),
  clip: bool().default(true),
  first_spike_time: intInRange(0, SIZE_LIMITS.first_spike_time).default(0),
  scope: oneOf(['sample', 'batch']).default('sample'),
});

const schedulerSchema = z.strictObject({
  type: oneOf(['none', 'step', 'cosine', 'plateau']).default('none'),
  step_size: positiveInt().default(1),
  gamma: numberInRange(0, 1, { minExclusive: true }).default(0.5),
  t_max: positiveInt().optional(),
  eta_min: nonNegative().default(0),
  factor: numberInRange(0, 1, { minExclusive: true, maxExclusive: true }).default(0.5),
  patience: nonNegativeInt().default(1),
  min_lr: nonNegative().default(0),
});

const trainingSchema = z.strictObject({
  epochs: positiveInt().default(1),
  batch_size: intInRange(1, SIZE_LIMITS.batch_size).default(32),
  learning_rate: positive().default(1e-3),
  beta1: numberInRange(0, 1, { maxExclusive: true }).default(0.9),
  beta2: numberInRange(0, 1, { maxExclusive: true }).default(0.999),
  weight_decay: nonNegative().default(0),
  loss: oneOf(['membrane_ce', 'count_ce', 'mse_count']).default('membrane_ce'),
  correct_rate: unitInterval().default(0.8),
  incorrect_rate: unitInterval().default(0.2),
  scheduler: schedulerSchema.prefault({}),
  augment_shift: intInRange(0, SIZE_LIMITS.augment_shift).default(0),
  data_prop: numberInRange(0, 1, { minExclusive: true }).default(1),
  test_prop: numberInRange(0, 1, { minExclusive: true }).default(1),
  validation: numberInRange(0, 1, { maxExclusive: true }).default(0),
});

/**
 * The zod schema of a neurospike config file (YAML or JSON, snake_case keys).
 *
 * @remarks
 * Every section is a strict object, so a misspelt key is an error with a "did you mean" hint;
 * every field has a default (see `README.md`, "Config reference"). Size-like fields have upper
 * bounds ({@link SIZE_LIMITS}) and together must fit the memory budget of `@snn/cli`
 * ({@link estimateTrainingBytes}), checked before anything is allocated.
 */
export const configSchema = z
  .strictObject({
    model: modelSchema.prefault({}),
    encoding: encodingSchema.prefault({}),
    training: trainingSchema.prefault({}),
    data_path: z.string({ error: 'expected a path to a directory of MNIST IDX files' }).min(1, { error: 'expected a path to a directory of MNIST IDX files' }).optional(),
    seed: nonNegativeInt().default(0),
    workers: intInRange(1, SIZE_LIMITS.workers).default(1),
  })
  .superRefine((value, ctx) => {
    // zod runs this even when a field failed its own bound; the estimate is only meaningful within the bounds.
    if (!withinLimits(value.model, SIZE_LIMITS) || !(value.workers <= SIZE_LIMITS.workers)) return;
    const { bytes, stepBytes } = estimateTrainingBytes(value.model, value.workers);
    checkMemoryEstimate(ctx, {
      bytes,
      path: ['model', stepBytes > bytes / 2 ? 'num_steps' : 'hidden_size'],
      what: 'training buffers (weights and BPTT states of hidden_size × num_hidden_layers neurons over num_steps, per worker)',
    });
  });

/** A validated neurospike config, defaults filled in. */
export type NeuroSpikeConfig = z.output<typeof configSchema>;

/** Config fields a checkpoint's weights depend on: a resume must not change them. */
export const ARCHITECTURE_FIELDS: readonly string[] = Object.freeze(['model']);

/**
 * Config fields that must equal the saved ones for a resumed run to continue exactly as an
 * uninterrupted one would (architecture, data, encoding, optimiser, schedule, seed).
 * `training.epochs` and `workers` may change.
 */
export const RESUME_FIELDS: readonly string[] = Object.freeze([
  'model',
  'encoding',
  'seed',
  'data_path',
  'training.batch_size',
  'training.learning_rate',
  'training.beta1',
  'training.beta2',
  'training.weight_decay',
  'training.loss',
  'training.correct_rate',
  'training.incorrect_rate',
  'training.scheduler',
  'training.augment_shift',
  'training.data_prop',
  'training.test_prop',
  'training.validation',
]);

/**
 * Fills in the defaults that depend on other fields (the cosine schedule's `t_max` defaults to
 * `training.epochs`), so the resolved config written to a run directory is complete.
 *
 * @param config - a config validated by {@link configSchema}
 * @returns a copy with the dependent defaults set
 */
export function resolveDependentDefaults(config: NeuroSpikeConfig): NeuroSpikeConfig {
  const scheduler = config.training.scheduler;
  if (scheduler.type === 'cosine' && scheduler.t_max === undefined) {
    return { ...config, training: { ...config.training, scheduler: { ...scheduler, t_max: config.training.epochs } } };
  }
  return config;
}
