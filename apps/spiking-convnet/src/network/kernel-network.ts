import type { Backend, SparseSpikes } from '@snn/core';
import type { ConvStdp, ConvStdpUpdate } from '@snn/learning';
import { SpikingConvKernelLayer, SpikingPoolKernelLayer } from '@snn/neurons';
import type { ConvnetConfig } from '../config/schema.js';
import { type ImageActivity, type NetworkShape, addWindowCounts, poolPotentials } from './network.js';

/**
 * {@link SpikingConvNet} on a gpu.js backend: the same four layers and STDP, each step run by the gpu.js kernels of
 * `@snn/neurons` (`convIfKernel`, `lateralInhibitionKernel`, `spikingPoolKernel`) and the filter updates by
 * `convStdpKernel` of `@snn/learning`. Dense per time step (every neuron of a layer is a kernel thread), so on a
 * CPU it is far slower than the event-driven network; its results equal that network's to float rounding.
 */
export class KernelConvNet {
  /** conv1 on the backend. */
  readonly conv1: SpikingConvKernelLayer;
  /** pool1 on the backend. */
  readonly pool1: SpikingPoolKernelLayer;
  /** conv2 on the backend. */
  readonly conv2: SpikingConvKernelLayer;
  /** pool2 on the backend. */
  readonly pool2: SpikingPoolKernelLayer;
  private integrator: SpikingConvKernelLayer | undefined;

  /**
   * @param backend - a started gpu.js backend
   * @param shape - from `networkShape`
   * @param config - for the firing inhibition radii
   * @param weights1 - conv1 filters `[maps1, channels, K, K]` (kept by reference)
   * @param weights2 - conv2 filters `[maps2, maps1, K, K]` (kept by reference)
   */
  constructor(
    readonly backend: Backend,
    readonly shape: NetworkShape,
    config: ConvnetConfig,
    weights1: Float32Array,
    weights2: Float32Array,
  ) {
    this.conv1 = new SpikingConvKernelLayer(backend, shape.conv1, weights1, { inhibitionRadius: config.conv1.firing_inhibition_radius });
    this.pool1 = new SpikingPoolKernelLayer(backend, shape.pool1);
    this.conv2 = new SpikingConvKernelLayer(backend, shape.conv2, weights2, { inhibitionRadius: config.conv2.firing_inhibition_radius });
    this.pool2 = new SpikingPoolKernelLayer(backend, shape.pool2);
  }

  /** As `SpikingConvNet.train`, with the kernels. */
  async train(spikes: SparseSpikes, sample: number, trainLayer: 1 | 2, stdp: ConvStdp): Promise<ConvStdpUpdate[]> {
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
      const s1 = await this.conv1.step(input);
      if (trainLayer === 1) {
        for (const u of await stdp.learnOn(this.backend, s1)) updates.push(u);
        continue;
      }
      const p1 = await this.pool1.step(s1.spikes);
      stdp.recordInput(p1);
      const s2 = await this.conv2.step(p1);
      for (const u of await stdp.learnOn(this.backend, s2)) updates.push(u);
    }
    return updates;
  }

  /** As `SpikingConvNet.infer`, with the kernels. */
  async infer(spikes: SparseSpikes, sample: number, potentials = false): Promise<ImageActivity> {
    const T = spikes.numSteps;
    const firstSpike = new Int16Array(this.shape.features).fill(-1);
    const windowCounts = new Uint8Array(this.shape.features);
    const spikesPerStep = new Uint32Array(4 * T);
    this.conv1.reset();
    this.pool1.reset();
    this.conv2.reset();
    this.pool2.reset();
    if (potentials && this.integrator === undefined) {
      this.integrator = new SpikingConvKernelLayer(this.backend, { ...this.shape.conv2, threshold: Number.MAX_VALUE }, Float32Array.from(this.conv2.weights));
    }
    const integrator = potentials ? this.integrator : undefined;
    integrator?.reset();
    for (let t = 0; t < T; t++) {
      const row = sample * T + t;
      const input = spikes.indices.subarray(spikes.offsets[row], spikes.offsets[row + 1]);
      const s1 = await this.conv1.step(input);
      const p1 = await this.pool1.step(s1.spikes);
      await integrator?.step(p1);
      const s2 = await this.conv2.step(p1);
      const p2 = await this.pool2.step(s2.spikes);
      for (const n of p2) firstSpike[n] = t;
      addWindowCounts(s2.spikes, this.shape.pool2, windowCounts);
      spikesPerStep[t] = s1.spikes.length;
      spikesPerStep[T + t] = p1.length;
      spikesPerStep[2 * T + t] = s2.spikes.length;
      spikesPerStep[3 * T + t] = p2.length;
    }
    if (!integrator) return { firstSpike, windowCounts, spikesPerStep };
    return { firstSpike, windowCounts, spikesPerStep, potentials: poolPotentials(integrator.potentials(), this.shape) };
  }
}
