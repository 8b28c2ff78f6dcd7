import { checkMemoryEstimate, intInRange, withinLimits, nonNegative, nonNegativeInt, numberInRange, oneOf, positive, positiveInt } from '@snn/cli';
import { z } from 'zod';

/** Pixels of an MNIST image. */
const PIXELS = 784;
/** MNIST classes. */
const CLASSES = 10;

/** Upper bounds of the size-like settings of the four configs (each also bounded together by a memory estimate). */
export const SIZE_LIMITS = Object.freeze({
  hidden_size: 16384,
  num_steps: 10000,
  batch_size: 60000,
  filters: 1024,
  dense_size: 16384,
});

/**
 * Bytes each command's settings need, by estimate (4 bytes a float, H hidden_size, T num_steps,
 * B batch_size, P the parameter count):
 * - `gradient`: the encoded input of a batch (B × T × 784), the per-step states BPTT keeps
 *   (8 × T × max(784, H)), weights, gradients and Adam moments (4 × P), P = 784·H + 10·H;
 * - `stdp`: the input spikes of an example (T × 784) and weights with their traces (4 × P);
 * - `mlp`: activations and their gradients of a batch (3 × B × (784 + 2H + 10)) and 4 × P;
 * - `cnn`: activations of a batch (4 × B × (784·c1 + 196·c1 + 196·c2 + 49·c2 + D)) and 4 × P,
 *   P = 25·c1 + 25·c1·c2 + 49·c2·D + 10·D (5 × 5 kernels at most).
 */
export const memoryEstimates = {
  gradient: (m: { hidden_size: number; num_steps: number }, batch: number): number =>
    4 * (batch * m.num_steps * PIXELS + 8 * m.num_steps * Math.max(PIXELS, m.hidden_size) + 4 * (PIXELS + CLASSES) * m.hidden_size),
  stdp: (m: { hidden_size: number; num_steps: number }): number => 4 * (m.num_steps * PIXELS + 4 * (PIXELS + CLASSES) * m.hidden_size),
  mlp: (m: { hidden_size: number }, batch: number): number =>
    4 * (3 * batch * (PIXELS + 2 * m.hidden_size + CLASSES) + 4 * (PIXELS + CLASSES) * m.hidden_size),
  cnn: (m: { conv1_filters: number; conv2_filters: number; dense_size: number }, batch: number): number => {
    const [c1, c2, d] = [m.conv1_filters, m.conv2_filters, m.dense_size];
    return 4 * (4 * batch * (784 * c1 + 196 * c1 + 196 * c2 + 49 * c2 + d) + 4 * (25 * c1 + 25 * c1 * c2 + 49 * c2 * d + CLASSES * d));
  },
};

const FIELD_LIMITS: Readonly<Record<string, number>> = {
  hidden_size: SIZE_LIMITS.hidden_size,
  num_steps: SIZE_LIMITS.num_steps,
  batch_size: SIZE_LIMITS.batch_size,
  conv1_filters: SIZE_LIMITS.filters,
  conv2_filters: SIZE_LIMITS.filters,
  dense_size: SIZE_LIMITS.dense_size,
};

/** True when the model and training sizes passed their own bounds (zod runs refinements even when a field failed). */
function inBounds(c: { model: object; training: object }): boolean {
  return withinLimits(c.model, FIELD_LIMITS) && withinLimits(c.training, FIELD_LIMITS);
}

const dataSchema = z.strictObject({
  train_size: intInRange(2, 60000).default(60000),
  validation_fraction: numberInRange(0, 1, { maxExclusive: true }).default(0.1),
  test_size: intInRange(1, 10000).default(10000),
  mnist_path: z.string({ error: 'expected a directory holding the four MNIST IDX files' }).min(1, { error: 'expected a directory holding the four MNIST IDX files' }).optional(),
});

const adamFields = {
  epochs: positiveInt().default(1),
  batch_size: intInRange(1, SIZE_LIMITS.batch_size).default(128),
  learning_rate: positive().default(1e-3),
  beta1: numberInRange(0, 1, { maxExclusive: true }).default(0.9),
  beta2: numberInRange(0, 1, { maxExclusive: true }).default(0.999),
  early_stopping_patience: nonNegativeInt().default(0),
};

/** Izhikevich neuron of a network: a preset of Izhikevich (2003) with optional overrides. */
const gradientNeuronSchema = z.strictObject({
  preset: oneOf(['RS', 'IB', 'CH', 'FS', 'LTS', 'TC', 'RZ']).default('RS'),
  a: positive().optional(),
  b: z.number({ error: 'expected a number' }).optional(),
  c: z.number({ error: 'expected a number' }).optional(),
  d: z.number({ error: 'expected a number' }).optional(),
  dt_ms: positive().optional(),
});

/**
 * Learning-rate schedules of `gradient`'s `training.lr_schedule`: `constant` (the seed's), or `cosine`:
 * `lr_k = learning_rate · (1 + cos(π·k/K))/2` at batch k of the K = epochs × batches-per-epoch of the run
 * (Loshchilov & Hutter 2017, SGDR, without restarts).
 */
export const GRADIENT_LR_SCHEDULES = ['constant', 'cosine'] as const;

/** Config of `izhikevich-mnist gradient`: Izhikevich SNN trained by surrogate gradient + Adam. */
export const gradientSchema = z.strictObject({
  model: z
    .strictObject({
      hidden_size: intInRange(1, SIZE_LIMITS.hidden_size).default(1024),
      num_steps: intInRange(1, SIZE_LIMITS.num_steps).default(50),
      input_gain: positive().default(1),
      neuron: gradientNeuronSchema.prefault({}),
      current_scale: positive().optional(),
      surrogate_scale_mv: positive().optional(),
      readout: oneOf(['count', 'membrane']).default('count'),
    })
    .prefault({}),
  training: z
    .strictObject({
      ...adamFields,
      epochs: positiveInt().default(30),
      learning_rate: positive().default(0.02),
      lr_schedule: oneOf(GRADIENT_LR_SCHEDULES).default('constant'),
    })
    .prefault({}),
  data: dataSchema.prefault({}),
  seed: nonNegativeInt().default(0),
}).superRefine((c, ctx) => {
  if (inBounds(c)) checkMemoryEstimate(ctx, { bytes: memoryEstimates.gradient(c.model, c.training.batch_size), path: ['model', 'num_steps'], what: 'input spikes of a batch and BPTT states (batch_size × num_steps × 784 and num_steps × hidden_size)' });
});

/** Config of `izhikevich-mnist stdp`: Izhikevich SNN with STDP (input→hidden) and Hebbian (hidden→output) learning. */
export const stdpSchema = z.strictObject({
  model: z
    .strictObject({
      hidden_size: intInRange(1, SIZE_LIMITS.hidden_size).default(512),
      num_steps: intInRange(1, SIZE_LIMITS.num_steps).default(20),
      input_gain: positive().default(1),
      neuron: gradientNeuronSchema.prefault({}),
      input_current: positive().default(0.2),
      hidden_current: positive().default(40),
      lateral_inhibition: nonNegative().default(50),
      feedforward_inhibition: nonNegative().default(1),
      adaptation_current: nonNegative().default(0.05),
      adaptation_decay: numberInRange(0, 1).default(0.999),
      init_weight_max: positive().default(10),
    })
    .prefault({}),
  training: z
    .strictObject({
      epochs: positiveInt().default(1),
      stdp_lr: positive().default(0.01),
      hebbian_lr: positive().default(0.005),
      hebbian_decay: numberInRange(0, 1).default(0),
      tau_plus_ms: positive().default(5),
      tau_minus_ms: positive().default(5),
      a_minus_ratio: nonNegative().default(1.05),
      stdp_winners: nonNegativeInt().default(0),
      w_max: positive().default(10),
      teacher_current: positive().default(20),
      readout_rule: oneOf(['contrastive', 'hebbian']).default('contrastive'),
      hidden_weight_sum: positive().default(3920),
      output_weight_norm: positive().default(0.5),
      early_stopping_patience: nonNegativeInt().default(0),
    })
    .prefault({}),
  data: dataSchema.prefault({}),
  seed: nonNegativeInt().default(0),
}).superRefine((c, ctx) => {
  if (inBounds(c)) checkMemoryEstimate(ctx, { bytes: memoryEstimates.stdp(c.model), path: ['model', 'num_steps'], what: 'input spikes and weights (num_steps × 784 and 784 × hidden_size)' });
  if (c.training.stdp_winners > c.model.hidden_size) {
    ctx.addIssue({ code: 'custom', path: ['training', 'stdp_winners'], message: `expected at most model.hidden_size (${c.model.hidden_size}) winners` });
  }
});

/** Config of `izhikevich-mnist mlp`: 784 → hidden ReLU → dropout → 10 softmax, Adam. */
export const mlpSchema = z.strictObject({
  model: z.strictObject({ hidden_size: intInRange(1, SIZE_LIMITS.hidden_size).default(512), dropout: numberInRange(0, 1, { maxExclusive: true }).default(0.3) }).prefault({}),
  training: z.strictObject({ ...adamFields, epochs: positiveInt().default(20) }).prefault({}),
  data: dataSchema.prefault({}),
  seed: nonNegativeInt().default(0),
}).superRefine((c, ctx) => {
  if (inBounds(c)) checkMemoryEstimate(ctx, { bytes: memoryEstimates.mlp(c.model, c.training.batch_size), path: ['model', 'hidden_size'], what: 'activations of a batch and weights (batch_size × hidden_size and 784 × hidden_size)' });
});

/** Config of `izhikevich-mnist cnn`: conv32-BN-pool-conv64-BN-pool-dense512-dropout-10, Adam, early stopping. */
export const cnnSchema = z.strictObject({
  model: z
    .strictObject({
      conv1_filters: intInRange(1, SIZE_LIMITS.filters).default(32),
      conv2_filters: intInRange(1, SIZE_LIMITS.filters).default(64),
      dense_size: intInRange(1, SIZE_LIMITS.dense_size).default(512),
      dropout: numberInRange(0, 1, { maxExclusive: true }).default(0.3),
    })
    .prefault({}),
  training: z.strictObject({ ...adamFields, epochs: positiveInt().default(30), early_stopping_patience: nonNegativeInt().default(5) }).prefault({}),
  data: dataSchema.prefault({}),
  seed: nonNegativeInt().default(0),
}).superRefine((c, ctx) => {
  if (inBounds(c)) checkMemoryEstimate(ctx, { bytes: memoryEstimates.cnn(c.model, c.training.batch_size), path: ['model', 'dense_size'], what: 'activations of a batch and weights (filters and dense_size)' });
});

/** A validated `gradient` config. */
export type GradientConfig = z.output<typeof gradientSchema>;
/** A validated `stdp` config. */
export type StdpConfig = z.output<typeof stdpSchema>;
/** A validated `mlp` config. */
export type MlpConfig = z.output<typeof mlpSchema>;
/** A validated `cnn` config. */
export type CnnConfig = z.output<typeof cnnSchema>;
