/**
 * Upper bounds of the size-like settings of a spiking-convnet config, and the memory estimate that
 * bounds them together (checked by the schema before anything is allocated).
 */

/** MNIST training images (the largest `data_prop` subset). */
export const MNIST_TRAIN_IMAGES = 60000;
/** MNIST image side, pixels. */
const IMAGE_SIDE = 28;

/**
 * Upper bounds of the size-like settings. `timesteps` ≤ 255 because the saved first-spike files are
 * `uint8` with 255 meaning "silent" (steps 0 … 254); a pooling window of at most 15 × 15 because its
 * spike counts are `uint8`; the others are far above any published setting.
 */
export const SIZE_LIMITS = Object.freeze({
  /** Feature maps of a conv layer. */
  maps: 1024,
  /** Filter, padding and stride sides, pixels. */
  side: IMAGE_SIDE,
  /** Pooling window side (its per-window spike counts are `uint8`). */
  pool_kernel: 15,
  /** Time steps of the latency code. */
  timesteps: 255,
  /** DoG filters (input channels). */
  dog_filters: 16,
  /** STDP epochs of one layer. */
  epochs: 1000,
  /** Linear SVM iterations. */
  max_iter: 1_000_000,
  /** Training samples of the RBF SVM. */
  max_train: MNIST_TRAIN_IMAGES,
});

/** The settings the estimate reads (a parsed config's fields). */
export interface EstimateInput {
  readonly data: { readonly data_prop: number; readonly test_size: number };
  readonly encoding: { readonly timesteps: number; readonly dog: readonly unknown[] };
  readonly conv1: ConvGeometry;
  readonly pool1: PoolGeometry;
  readonly conv2: ConvGeometry;
  readonly pool2: PoolGeometry;
  readonly readout: { readonly features: string; readonly potential_pool?: PoolGeometry | null; readonly standardize: boolean; readonly rbf: { readonly max_train: number } };
}

interface ConvGeometry {
  readonly maps: number;
  readonly kernel: number;
  readonly padding: number;
  readonly stride: number;
}

interface PoolGeometry {
  readonly kernel: number;
  readonly stride: number;
}

/** Bytes of a run by estimate, and the field most to blame. */
export interface RunEstimate {
  /** Bytes in all. */
  readonly bytes: number;
  /** Config path of the field that contributes most. */
  readonly path: readonly string[];
  /** Number of features per image (pool2 maps × height × width). */
  readonly features: number;
}

const convSide = (side: number, c: ConvGeometry): number => Math.floor((side + 2 * c.padding - c.kernel) / c.stride) + 1;
const poolSide = (side: number, p: PoolGeometry): number => Math.floor((side - p.kernel) / p.stride) + 1;

/**
 * Bytes a `train` or `evaluate` run of these settings holds at its peak, by estimate: for each of the
 * N = ⌈60000 · data_prop⌉ + test_size images, the image (784 float32), its spike train (at most one
 * spike per pixel and DoG channel, a uint32 each, and T + 1 row offsets), its F spike features (first-spike
 * step int16 + window count uint8) and its R readout features (the SVM's float32 matrix, + float32
 * potentials for `potential` features, + a standardised float32 copy); and the RBF SVM's sparse copy of its
 * training rows (min(max_train, N_train) × R × (float64 value + uint32 index + float32 row)). F = maps₂ ×
 * side² of pool2; R = F, or maps₂ × side² of `readout.potential_pool` for `potential` features.
 *
 * @returns undefined when the geometry does not fit (the layer checks name that field)
 */
export function estimateRunBytes(c: EstimateInput): RunEstimate | undefined {
  const side1 = convSide(IMAGE_SIDE, c.conv1);
  const side2 = poolSide(side1, c.pool1);
  const side3 = convSide(side2, c.conv2);
  const side4 = poolSide(side3, c.pool2);
  if (!(side1 > 0 && side2 > 0 && side3 > 0 && side4 > 0)) return undefined;
  const features = c.conv2.maps * side4 * side4;
  const potential = c.readout.features === 'potential';
  const sidePotential = potential && c.readout.potential_pool ? poolSide(side3, c.readout.potential_pool) : side4;
  if (!(sidePotential > 0)) return undefined;
  const readoutFeatures = potential ? c.conv2.maps * sidePotential * sidePotential : features;
  const trainImages = Math.ceil(MNIST_TRAIN_IMAGES * c.data.data_prop);
  const images = trainImages + c.data.test_size;
  const perReadoutFeature = 4 + (potential ? 4 : 0) + (c.readout.standardize ? 4 : 0);
  const inputBytes = images * (4 * IMAGE_SIDE ** 2 + 4 * c.encoding.dog.length * IMAGE_SIDE ** 2 + 4 * (c.encoding.timesteps + 1));
  const featureBytes = images * (features * 3 + readoutFeatures * perReadoutFeature);
  const rbfBytes = Math.min(c.readout.rbf.max_train, trainImages) * readoutFeatures * 16;
  const parts: [number, string[]][] = [
    [inputBytes, ['data', 'data_prop']],
    [featureBytes, ['conv2', 'maps']],
    [rbfBytes, ['readout', 'rbf', 'max_train']],
  ];
  const [, path] = parts.reduce((a, b) => (b[0] > a[0] ? b : a));
  return { bytes: inputBytes + featureBytes + rbfBytes, path, features };
}
