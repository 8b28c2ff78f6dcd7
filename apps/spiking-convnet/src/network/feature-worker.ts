import { parentPort, workerData } from 'node:worker_threads';
import type { SparseSpikes } from '@snn/core';
import type { ConvnetConfig } from '../config/schema.js';
import { extractFeatures } from './features.js';
import { SpikingConvNet, networkShape } from './network.js';

/** What the main thread sends a feature worker: the config, both filter banks and its share of the images. */
export interface FeatureWorkerInput {
  readonly config: ConvnetConfig;
  readonly weights1: Float32Array;
  readonly weights2: Float32Array;
  readonly spikes: SparseSpikes;
  readonly potentials: boolean;
}

// Runs when loaded as a worker thread (dist/feature-worker.js): features of its images, progress every 100.
if (parentPort && workerData) {
  const { config, weights1, weights2, spikes, potentials } = workerData as FeatureWorkerInput;
  const net = new SpikingConvNet(networkShape(config), config, weights1, weights2);
  const port = parentPort;
  extractFeatures(net, spikes, (done) => {
    if (done % 100 === 0) port.postMessage({ progress: 100 });
  }, potentials).then((f) => port.postMessage({ progress: spikes.batch % 100, result: f }));
}
