import type { Rng, SparseSpikes } from '@snn/core';
import { type ConvStdp, type ConvStdpUpdate, initialConvWeights } from '@snn/learning';
import { type ConvIfParams, SpikingConvLayer, SpikingPool, type SpikingPoolParams, convIfParams, spikingPoolParams } from '@snn/neurons';
import type { ConvnetConfig } from '../config/schema.js';

/** The four layers' geometry, derived from a config and the encoded input size. */
export interface NetworkShape {
  /** conv1 geometry. */
  readonly conv1: ConvIfParams;
  /** pool1 geometry. */
  readonly pool1: SpikingPoolParams;
  /** conv2 geometry. */
  readonly conv2: ConvIfParams;
  /** pool2 geometry. */
  readonly pool2: SpikingPoolParams;
  /** Number of features: pool2 maps × height × width. */
  readonly features: number;
  /** Max pooling of the final conv2 potentials (`potential` features): `readout.potential_pool`, else pool2's. */
  readonly potentialPool: SpikingPoolParams;
  /** Number of `potential` features: conv2 maps × potentialPool's output height × width. */
  readonly potentialFeatures: number;
}

/**
 * Derives the layer geometry from the config (input: DoG channels × 28 × 28).
 * @throws `ValidationError` naming the config field when a layer does not fit
 */
export function networkShape(config: ConvnetConfig, height = 28, width = 28): NetworkShape {
  const c1 = config.conv1;
  const conv1 = convIfParams(
    { inChannels: config.encoding.dog.length, inHeight: height, inWidth: width, outChannels: c1.maps, kernelSize: c1.kernel, padding: c1.padding, stride: c1.stride, threshold: c1.threshold },
    'conv1',
  );
  const pool1 = spikingPoolParams({ channels: c1.maps, inHeight: conv1.outHeight, inWidth: conv1.outWidth, kernelSize: config.pool1.kernel, stride: config.pool1.stride }, 'pool1');
  const c2 = config.conv2;
  const conv2 = convIfParams(
    { inChannels: c1.maps, inHeight: pool1.outHeight, inWidth: pool1.outWidth, outChannels: c2.maps, kernelSize: c2.kernel, padding: c2.padding, stride: c2.stride, threshold: c2.threshold },
    'conv2',
  );
  const pool2 = spikingPoolParams({ channels: c2.maps, inHeight: conv2.outHeight, inWidth: conv2.outWidth, kernelSize: config.pool2.kernel, stride: config.pool2.stride }, 'pool2');
  const pp = config.readout.potential_pool ?? config.pool2;
  const potentialPool = spikingPoolParams({ channels: c2.maps, inHeight: conv2.outHeight, inWidth: conv2.outWidth, kernelSize: pp.kernel, stride: pp.stride }, 'readout.potential_pool');
  return { conv1, pool1, conv2, pool2, features: c2.maps * pool2.outHeight * pool2.outWidth, potentialPool, potentialFeatures: c2.maps * potentialPool.outHeight * potentialPool.outWidth };
}

/** What one image produced in the network. */
export interface ImageActivity {
  /** First spike step of each pool2 neuron (the features), −1 if silent. */
  readonly firstSpike: Int16Array;
  /** conv2 spikes in each pool2 window (0 … window size), same layout as `firstSpike`. */
  readonly windowCounts: Uint8Array;
  /** Spikes per time step of each layer: conv1, pool1, conv2, pool2 (rows of T). */
  readonly spikesPerStep: Uint32Array;
  /** With `potentials`: max over each `potentialPool` window of the conv2 potentials that all pool1 spikes give (no firing). */
  readonly potentials?: Float32Array;
}

/**
 * The spiking ConvNet of the seed: conv1 → pool1 → conv2 → pool2, event-driven, each neuron firing at most
 * once per image (Kheradpisheh et al. 2018).
 */
export class SpikingConvNet {
  /** conv1 layer (its weights are trained by STDP). */
  readonly conv1: SpikingConvLayer;
  /** pool1 layer. */
  readonly pool1: SpikingPool;
  /** conv2 layer. */
  readonly conv2: SpikingConvLayer;
  /** pool2 layer. */
  readonly pool2: SpikingPool;
  private integrator: SpikingConvLayer | undefined;

  /**
   * @param shape - from {@link networkShape}
   * @param config - for the firing inhibition radii
   * @param weights1 - conv1 filters `[maps1, channels, K, K]`
   * @param weights2 - conv2 filters `[maps2, maps1, K, K]`
   */
  constructor(
    readonly shape: NetworkShape,
    config: ConvnetConfig,
    weights1: Float32Array,
    weights2: Float32Array,
  ) {
    this.conv1 = new SpikingConvLayer(shape.conv1, weights1, { inhibitionRadius: config.conv1.firing_inhibition_radius });
    this.pool1 = new SpikingPool(shape.pool1);
    this.conv2 = new SpikingConvLayer(shape.conv2, weights2, { inhibitionRadius: config.conv2.firing_inhibition_radius });
    this.pool2 = new SpikingPool(shape.pool2);
  }

  /** A network with the seed's initial weights N(mean, std²). */
  static initial(shape: NetworkShape, config: ConvnetConfig, rng: Rng): SpikingConvNet {
    const normal = () => rng.normal();
    const { weight_mean: mean, weight_std: std } = config.stdp;
    const w1 = initialConvWeights(shape.conv1.outChannels * shape.conv1.inChannels * shape.conv1.kernelSize ** 2, normal, mean, std);
    const w2 = initialConvWeights(shape.conv2.outChannels * shape.conv2.inChannels * shape.conv2.kernelSize ** 2, normal, mean, std);
    return new SpikingConvNet(shape, config, w1, w2);
  }

  /**
   * Runs one image through the layers up to `trainLayer` with STDP on that layer (1 or 2).
   * Layers after the trained one are not run: they do not change what the trained layer learns.
   * @returns the updates made
   */
  train(spikes: SparseSpikes, sample: number, trainLayer: 1 | 2, stdp: ConvStdp): ConvStdpUpdate[] {
    const T = spikes.numSteps;
    this.conv1.reset();
    this.pool1.reset();
    this.conv2.reset();
    stdp.startSample();
    const updates: ConvStdpUpdate[] = [];
    for (let t = 0; t < T; t++) {
      const row = sample * T + t;
      const input = spikes.indices.subarray(spikes.offsets[row], spikes.offsets[row + 1]);
      if (trainLayer === 1) stdp.recordInput(input);
      const s1 = this.conv1.step(input);
      if (trainLayer === 1) {
        for (const u of stdp.learn(s1)) updates.push(u);
        continue;
      }
      const p1 = this.pool1.step(s1.spikes);
      stdp.recordInput(p1);
      const s2 = this.conv2.step(p1);
      for (const u of stdp.learn(s2)) updates.push(u);
    }
    return updates;
  }

  /**
   * Runs one image through all layers (no learning).
   * @param potentials - also integrate every pool1 spike into conv2 filters without firing and return the
   *   max-pooled final potentials (Kheradpisheh et al. 2018 read their last layer out by its potentials)
   */
  infer(spikes: SparseSpikes, sample: number, potentials = false): ImageActivity {
    const T = spikes.numSteps;
    const { pool2 } = this.shape;
    const firstSpike = new Int16Array(this.shape.features).fill(-1);
    const windowCounts = new Uint8Array(this.shape.features);
    const spikesPerStep = new Uint32Array(4 * T);
    this.conv1.reset();
    this.pool1.reset();
    this.conv2.reset();
    this.pool2.reset();
    if (potentials && this.integrator === undefined) {
      // conv2's filters with a threshold no potential reaches: it only integrates (created after training).
      this.integrator = new SpikingConvLayer({ ...this.shape.conv2, threshold: Number.MAX_VALUE }, Float32Array.from(this.conv2.weights));
    }
    const integrator = potentials ? this.integrator : undefined;
    integrator?.reset();
    for (let t = 0; t < T; t++) {
      const row = sample * T + t;
      const input = spikes.indices.subarray(spikes.offsets[row], spikes.offsets[row + 1]);
      const s1 = this.conv1.step(input);
      const p1 = this.pool1.step(s1.spikes);
      integrator?.step(p1);
      const s2 = this.conv2.step(p1);
      const p2 = this.pool2.step(s2.spikes);
      for (const n of p2) firstSpike[n] = t;
      addWindowCounts(s2.spikes, pool2, windowCounts);
      spikesPerStep[t] = s1.spikes.length;
      spikesPerStep[T + t] = p1.length;
      spikesPerStep[2 * T + t] = s2.spikes.length;
      spikesPerStep[3 * T + t] = p2.length;
    }
    if (!integrator) return { firstSpike, windowCounts, spikesPerStep };
    return { firstSpike, windowCounts, spikesPerStep, potentials: poolPotentials(integrator.potentials(), this.shape) };
  }
}

/** Adds conv2 spikes (flat indices `c·H·W + y·W + x`) to the count of every pool2 window that holds them. */
export function addWindowCounts(spikes: ArrayLike<number>, pool2: SpikingPoolParams, windowCounts: Uint8Array): void {
  const c2Plane = pool2.inHeight * pool2.inWidth;
  const p2Plane = pool2.outHeight * pool2.outWidth;
  for (let k = 0; k < spikes.length; k++) {
    const n = spikes[k];
    const c = Math.floor(n / c2Plane);
    const y = Math.floor((n - c * c2Plane) / pool2.inWidth);
    const x = n - c * c2Plane - y * pool2.inWidth;
    for (let py = Math.max(0, Math.ceil((y - pool2.kernelSize + 1) / pool2.stride)); py <= Math.min(pool2.outHeight - 1, Math.floor(y / pool2.stride)); py++) {
      for (let px = Math.max(0, Math.ceil((x - pool2.kernelSize + 1) / pool2.stride)); px <= Math.min(pool2.outWidth - 1, Math.floor(x / pool2.stride)); px++) {
        windowCounts[c * p2Plane + py * pool2.outWidth + px]++;
      }
    }
  }
}

/** Max over each `potentialPool` window of conv2's final potentials `[C, H, W]` (the `potential` features; ≥ 0). */
export function poolPotentials(v: Float32Array, shape: NetworkShape): Float32Array {
  const pp = shape.potentialPool;
  const c2Plane = pp.inHeight * pp.inWidth;
  const ppPlane = pp.outHeight * pp.outWidth;
  const pooled = new Float32Array(shape.potentialFeatures);
  for (let c = 0; c < pp.channels; c++) {
    for (let py = 0; py < pp.outHeight; py++) {
      for (let px = 0; px < pp.outWidth; px++) {
        let m = 0;
        for (let i = 0; i < pp.kernelSize; i++) {
          for (let j = 0; j < pp.kernelSize; j++) m = Math.max(m, v[c * c2Plane + (py * pp.stride + i) * pp.inWidth + px * pp.stride + j]);
        }
        pooled[c * ppPlane + py * pp.outWidth + px] = m;
      }
    }
  }
  return pooled;
}
