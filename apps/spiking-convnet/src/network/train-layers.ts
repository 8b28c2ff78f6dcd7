import type { SparseSpikes } from '@snn/core';
import { ConvStdp, type ConvStdpLayer, type ConvStdpUpdate } from '@snn/learning';
import type { ConvnetConfig } from '../config/schema.js';

/** A network `trainLayer` can train: the event-driven `SpikingConvNet` or the gpu.js `KernelConvNet`. */
export interface TrainableNet {
  /** conv1, trained by layer 1's STDP. */
  readonly conv1: ConvStdpLayer;
  /** conv2, trained by layer 2's STDP. */
  readonly conv2: ConvStdpLayer;
  /** One image with STDP on `trainLayer` (the js network answers at once, the kernel network later). */
  train(spikes: SparseSpikes, sample: number, trainLayer: 1 | 2, stdp: ConvStdp): ConvStdpUpdate[] | Promise<ConvStdpUpdate[]>;
}

/** The record of training one layer: C after every update, the winners and the images seen. */
export interface LayerTraining {
  /** Convergence metric after every update. */
  readonly convergence: Float32Array;
  /** Winners: rows of (image, map, y, x), one per update. */
  readonly winners: Int32Array;
  /** Images presented, per epoch. */
  readonly imagesPerEpoch: number[];
}

/**
 * Trains conv1 or conv2 by STDP, epoch after epoch, stopping an epoch once the convergence metric is below
 * the limit (the seed's rule: checked after every image).
 * @param onImage - progress callback (epoch, images done in the epoch, convergence)
 */
export async function trainLayer(
  net: TrainableNet,
  spikes: SparseSpikes,
  layer: 1 | 2,
  config: ConvnetConfig,
  onImage?: (epoch: number, done: number, convergence: number) => void,
): Promise<LayerTraining> {
  const s = config.stdp;
  const conv = layer === 1 ? net.conv1 : net.conv2;
  const epochs = layer === 1 ? config.conv1.epochs : config.conv2.epochs;
  const stdp = new ConvStdp(conv, {
    aPlus: s.a_plus,
    aMinus: s.a_minus,
    aMax: s.a_max,
    updatesPerDoubling: s.updates_per_doubling,
    inhibitionRadius: layer === 1 ? config.conv1.inhibition_radius : config.conv2.inhibition_radius,
  });
  const convergence: number[] = [];
  const winners: number[] = [];
  const imagesPerEpoch: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    let seen = 0;
    for (let b = 0; b < spikes.batch; b++) {
      for (const u of await net.train(spikes, b, layer, stdp)) {
        convergence.push(u.convergence);
        winners.push(b, u.channel, u.y, u.x);
      }
      seen++;
      const c = stdp.convergence();
      onImage?.(epoch, seen, c);
      if (c < s.convergence_limit) break;
    }
    imagesPerEpoch.push(seen);
  }
  return { convergence: Float32Array.from(convergence), winners: Int32Array.from(winners), imagesPerEpoch };
}
