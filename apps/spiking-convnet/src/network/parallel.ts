import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SparseSpikes } from '@snn/core';
import type { ConvnetConfig } from '../config/schema.js';
import type { FeatureWorkerInput } from './feature-worker.js';
import { type InferringNet, type SplitFeatures, extractFeatures } from './features.js';
import { KernelConvNet } from './kernel-network.js';
import type { SpikingConvNet } from './network.js';

function slice(spikes: SparseSpikes, from: number, to: number): SparseSpikes {
  const T = spikes.numSteps;
  const start = spikes.offsets[from * T];
  const end = spikes.offsets[to * T];
  const offsets = Uint32Array.from(spikes.offsets.subarray(from * T, to * T + 1), (o) => o - start);
  return { batch: to - from, numSteps: T, size: spikes.size, offsets, indices: spikes.indices.slice(start, end) };
}

/** The built worker script, when the app runs from `dist/` (tests run the source: no workers). */
function workerScript(): string | undefined {
  const file = join(dirname(fileURLToPath(import.meta.url)), 'feature-worker.js');
  return existsSync(file) ? file : undefined;
}

/**
 * Features of every image, split over `workers` threads (contiguous shares, results in image order, so the
 * output does not depend on the number of workers). One worker, or no built worker script, runs in-process.
 * @param onImages - progress: images just finished
 */
export async function extractFeaturesParallel(
  net: SpikingConvNet | KernelConvNet,
  config: ConvnetConfig,
  spikes: SparseSpikes,
  workers: number,
  onImages?: (delta: number) => void,
): Promise<SplitFeatures> {
  const withPotentials = config.readout.features === 'potential';
  const script = workerScript();
  const n = Math.max(1, Math.min(workers, Math.ceil(spikes.batch / 200)));
  // The kernel network runs on this thread's backend; the js network is rebuilt in each worker.
  if (n === 1 || script === undefined || net instanceof KernelConvNet) {
    let last = 0;
    return extractFeatures(net as InferringNet, spikes, (done) => {
      onImages?.(done - last);
      last = done;
    }, withPotentials);
  }
  const bounds = Array.from({ length: n + 1 }, (_, k) => Math.round((k * spikes.batch) / n));
  const parts = await Promise.all(
    Array.from({ length: n }, (_, k) => {
      const data: FeatureWorkerInput = { config, weights1: Float32Array.from(net.conv1.weights), weights2: Float32Array.from(net.conv2.weights), spikes: slice(spikes, bounds[k], bounds[k + 1]), potentials: withPotentials };
      return new Promise<SplitFeatures>((resolve, reject) => {
        const worker = new Worker(script, { workerData: data });
        worker.on('message', (m: { progress: number; result?: SplitFeatures }) => {
          onImages?.(m.progress);
          if (m.result) resolve(m.result);
        });
        worker.on('error', reject);
        worker.on('exit', (code) => {
          if (code !== 0) reject(new Error(`feature worker ${k} stopped with exit code ${code}`));
        });
      });
    }),
  );
  const size = net.shape.features;
  const firstSpike = new Int16Array(spikes.batch * size);
  const windowCounts = new Uint8Array(spikes.batch * size);
  const spikesPerStep = new Float64Array(4 * spikes.numSteps);
  const potentialSize = withPotentials ? net.shape.potentialFeatures : 0;
  const potentials = withPotentials ? new Float32Array(spikes.batch * potentialSize) : undefined;
  parts.forEach((p, k) => {
    if (potentials && p.potentials) potentials.set(p.potentials, bounds[k] * potentialSize);
    firstSpike.set(p.firstSpike, bounds[k] * size);
    windowCounts.set(p.windowCounts, bounds[k] * size);
    for (let i = 0; i < spikesPerStep.length; i++) spikesPerStep[i] += p.spikesPerStep[i];
  });
  return { count: spikes.batch, size, numSteps: spikes.numSteps, firstSpike, windowCounts, spikesPerStep, potentials, potentialSize };
}
