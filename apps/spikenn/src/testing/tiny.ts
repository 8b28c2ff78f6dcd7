import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Rng } from '@snn/core';
import { denseToSpikingDataset } from '@snn/datasets';
import { writeSeedSpikingDataset } from '@snn/datasets/node';

// Tiny data and config for the app's tests (not exported by the package).

/** Two classes over 16 inputs: class c fires its own 8 inputs early (jittered), the others late. */
export function tinyTimes(count: number, seed: number): { times: Float32Array; labels: Int32Array } {
  const rng = new Rng(seed);
  const times = new Float32Array(count * 16);
  const labels = new Int32Array(count);
  for (let s = 0; s < count; s++) {
    const c = s % 2;
    labels[s] = c;
    for (let i = 0; i < 16; i++) {
      const own = Math.floor(i / 8) === c;
      times[s * 16 + i] = own ? rng.uniformIn(0, 0.3) : rng.uniform() < 0.5 ? rng.uniformIn(0.5, 0.9) : 1;
    }
  }
  return { times, labels };
}

/** Writes `trainset.npy`, `valset.npy`, `testset.npy` of {@link tinyTimes} (40/20/20 samples, or `scale` times as many) into `dir`. */
export async function tinySplits(dir: string, seed: number, scale = 1): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const [name, count, s] of [['trainset', 40 * scale, seed], ['valset', 20 * scale, seed + 1], ['testset', 20 * scale, seed + 2]] as const) {
    const { times, labels } = tinyTimes(count, s);
    await writeSeedSpikingDataset(join(dir, `${name}.npy`), denseToSpikingDataset(times, count, labels));
  }
}

/** A 4-neuron S2-STDP + NCG config (SpikeNN layout) that learns {@link tinyTimes} in a few epochs. */
export const tinyConfig = {
  network: [{ n_neurons: 4, firing_threshold: 1, w_init_normal: true, w_init_mean: 0.3, w_init_std: 0.01, w_norm: true, w_min: 0, w_max: 1 }],
  optimizer: { method: 's2stdp', stdp: 'additive', class_inhib: true, t_gap: 0.05, ap: 0.05, am: -0.1, annealing: 0.98 },
  regularizer: { thr_lr: 0.1, thr_anneal: 0.5 },
  trainer: { epochs: 6, nt_neurons: 0, early_stopping: 3 },
};

