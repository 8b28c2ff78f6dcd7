import { intInRange, nonNegative, nonNegativeInt, numberInRange, oneOf, positive, positiveInt } from '@snn/cli';
import { z } from 'zod';

const dataSchema = z.strictObject({
  train_size: intInRange(2, 60000).default(60000),
  validation_fraction: numberInRange(0, 1, { maxExclusive: true }).default(0.1),
  test_size: intInRange(1, 10000).default(10000),
  mnist_path: z.string({ error: 'expected a directory holding the four MNIST IDX files' }).min(1, { error: 'expected a directory holding the four MNIST IDX files' }).optional(),
});

const adamFields = {
  epochs: positiveInt().default(1),
  batch_size: positiveInt().default(128),
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
      hidden_size: positiveInt().default(1024),
      num_steps: positiveInt().default(50),
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
});

/** Config of `izhikevich-mnist stdp`: Izhikevich SNN with STDP (input→hidden) and Hebbian (hidden→output) learning. */
export const stdpSchema = z.strictObject({
  model: z
    .strictObject({
      hidden_size: positiveInt().default(512),
      num_steps: positiveInt().default(20),
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
});

/** Config of `izhikevich-mnist mlp`: 784 → hidden ReLU → dropout → 10 softmax, Adam. */
export const mlpSchema = z.strictObject({
  model: z.strictObject({ hidden_size: positiveInt().default(512), dropout: numberInRange(0, 1, { maxExclusive: true }).default(0.3) }).prefault({}),
  training: z.strictObject({ ...adamFields, epochs: positiveInt().default(20) }).prefault({}),
  data: dataSchema.prefault({}),
  seed: nonNegativeInt().default(0),
});

/** Config of `izhikevich-mnist cnn`: conv32-BN-pool-conv64-BN-pool-dense512-dropout-10, Adam, early stopping. */
export const cnnSchema = z.strictObject({
  model: z
    .strictObject({
      conv1_filters: positiveInt().default(32),
      conv2_filters: positiveInt().default(64),
      dense_size: positiveInt().default(512),
      dropout: numberInRange(0, 1, { maxExclusive: true }).default(0.3),
    })
    .prefault({}),
  training: z.strictObject({ ...adamFields, epochs: positiveInt().default(30), early_stopping_patience: nonNegativeInt().default(5) }).prefault({}),
  data: dataSchema.prefault({}),
  seed: nonNegativeInt().default(0),
});

/** A validated `gradient` config. */
export type GradientConfig = z.output<typeof gradientSchema>;
/** A validated `stdp` config. */
export type StdpConfig = z.output<typeof stdpSchema>;
/** A validated `mlp` config. */
export type MlpConfig = z.output<typeof mlpSchema>;
/** A validated `cnn` config. */
export type CnnConfig = z.output<typeof cnnSchema>;
