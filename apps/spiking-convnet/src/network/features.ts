import { type SparseSpikes, ValidationError } from '@snn/core';
import type { FeatureMatrix } from '@snn/readout';
import type { ImageActivity, NetworkShape } from './network.js';

/** A network `extractFeatures` can run: the event-driven `SpikingConvNet` or the gpu.js `KernelConvNet`. */
export interface InferringNet {
  /** Layer geometry. */
  readonly shape: NetworkShape;
  /** One image through all layers (the js network answers at once, the kernel network later). */
  infer(spikes: SparseSpikes, sample: number, potentials?: boolean): ImageActivity | Promise<ImageActivity>;
}

/** Network outputs of a split: the pooled features' first spikes and conv2 counts per pooling window. */
export interface SplitFeatures {
  /** Samples. */
  readonly count: number;
  /** Features per sample. */
  readonly size: number;
  /** Time steps T of the encoding. */
  readonly numSteps: number;
  /** First spike step of each pool2 neuron, `[count, size]`, −1 if silent. */
  readonly firstSpike: Int16Array;
  /** conv2 spikes per pool2 window, `[count, size]`. */
  readonly windowCounts: Uint8Array;
  /** Spikes per step summed over the split: conv1, pool1, conv2, pool2 (rows of T). */
  readonly spikesPerStep: Float64Array;
  /** Max-pooled final conv2 potentials without firing, `[count, potentialSize]`, when extracted. */
  readonly potentials?: Float32Array;
  /** Potential features per sample (`readout.potential_pool` may differ from pool2); 0 when not extracted. */
  readonly potentialSize: number;
}

/**
 * Runs every sample of a split through the trained network.
 * @param onImage - called after each image (progress)
 */
export async function extractFeatures(net: InferringNet, spikes: SparseSpikes, onImage?: (done: number) => void, withPotentials = false): Promise<SplitFeatures> {
  const size = net.shape.features;
  const firstSpike = new Int16Array(spikes.batch * size);
  const windowCounts = new Uint8Array(spikes.batch * size);
  const spikesPerStep = new Float64Array(4 * spikes.numSteps);
  const potentialSize = withPotentials ? net.shape.potentialFeatures : 0;
  const potentials = withPotentials ? new Float32Array(spikes.batch * potentialSize) : undefined;
  for (let b = 0; b < spikes.batch; b++) {
    const a = await net.infer(spikes, b, withPotentials);
    firstSpike.set(a.firstSpike, b * size);
    windowCounts.set(a.windowCounts, b * size);
    if (potentials && a.potentials) potentials.set(a.potentials, b * potentialSize);
    for (let i = 0; i < spikesPerStep.length; i++) spikesPerStep[i] += a.spikesPerStep[i];
    onImage?.(b + 1);
  }
  return { count: spikes.batch, size, numSteps: spikes.numSteps, firstSpike, windowCounts, spikesPerStep, potentials, potentialSize };
}

/** Which features feed the SVM. */
export type FeatureKind = 'max' | 'sum' | 'window-sum' | 'latency' | 'potential';

/**
 * The SVM's input from a split's network outputs.
 *
 * @remarks
 * `max`: 1 where the pooled neuron fired (the seed's MAX over time); `sum`: pooled spikes summed over time —
 * the same as `max`, since a pooled neuron fires at most once (as in the seed); `window-sum`: conv2 spikes in
 * each pooling window (0 … K²), a SUM that carries more than MAX; `latency`: `(T − t)/T` for a first spike at
 * step t, 0 if silent (earlier = stronger); `potential`: max over each `readout.potential_pool` window (default
 * pool2's) of the final conv2 potentials without firing (extracted only when the config's `readout.features` is
 * `potential`).
 * @throws `ValidationError` when `potential` features were not extracted in this run
 */
export function featureMatrix(f: SplitFeatures, kind: FeatureKind): FeatureMatrix {
  if (kind === 'potential') {
    if (!f.potentials) {
      throw new ValidationError('this run has no potential features', { field: '--features', expected: "a run trained with readout.features: potential", found: 'potential' });
    }
    return { data: f.potentials, rows: f.count, columns: f.potentialSize };
  }
  const data = new Float32Array(f.count * f.size);
  for (let i = 0; i < data.length; i++) {
    const t = f.firstSpike[i];
    if (kind === 'max' || kind === 'sum') data[i] = t >= 0 ? 1 : 0;
    else if (kind === 'window-sum') data[i] = f.windowCounts[i];
    else data[i] = t >= 0 ? (f.numSteps - t) / f.numSteps : 0;
  }
  return { data, rows: f.count, columns: f.size };
}
