import { type BackendRequest, Rng, createBackend } from '@snn/core';
import { type ImageDataset, subsetDataset } from '@snn/datasets';
import { loadMnist } from '@snn/datasets/node';
import { argmaxRow } from '@snn/readout';
import { encodedBatches, identityOrder } from '../data/encode.js';
import { loadTestSplit } from '../data/mnist-splits.js';
import { STREAMS, streamSeed } from '../data/streams.js';
import { traceNetwork } from '../inspect/trace.js';
import { loadTrainedModel } from '../model/trained-model.js';

/** Options of {@link runEvaluation}. */
export interface EvaluateOptions {
  /** A run directory (its `best`, else `last` checkpoint) or a checkpoint file. */
  readonly model: string;
  /** Backend of the forward pass; default `auto`. */
  readonly backend?: BackendRequest;
  /** Evaluate only the first `limit` test images; default all. */
  readonly limit?: number;
  /** Images per forward pass; default 100. */
  readonly batchSize?: number;
}

/** Result of {@link runEvaluation}. */
export interface EvaluateResult {
  /** The checkpoint evaluated. */
  readonly checkpoint: string;
  /** Epochs it was trained for. */
  readonly epoch: number;
  /** Backend that ran the forward passes. */
  readonly backend: string;
  /** gpu.js kernel class (null for js). */
  readonly kernelClass: string | null;
  /** What ran the forward passes: the event-driven engine of `LifNetwork` (js) or the @snn/neurons kernels (gpu.js). */
  readonly path: 'engine' | 'kernels';
  /** Number of test images. */
  readonly images: number;
  /** Fraction classified correctly (largest output spike count). */
  readonly accuracy: number;
  /** Seconds spent in the forward passes (encoding excluded). */
  readonly forwardSeconds: number;
  /** Images per second of the forward passes. */
  readonly imagesPerSecond: number;
  /** Peak resident memory of this process so far, in MiB. */
  readonly peakRssMiB: number;
}

/**
 * Test accuracy and forward-pass speed of a trained network on one backend.
 *
 * @remarks
 * The test images are those of the run (the `test_prop` subset of its seed, else all 10,000),
 * encoded with the run's test stream, so on `js` the accuracy equals the `test_acc` the run
 * logged for that checkpoint. On `js` the forward passes run on the event-driven engine of
 * `LifNetwork` (the path training evaluates with); on a gpu.js backend (`cpu`, `webasm`, …) layer
 * by layer ({@link traceNetwork}) with the `denseForwardKernel` and `lifStepKernel` kernels of @snn/neurons.
 *
 * @param options - model, backend, limit, batch size
 */
export async function runEvaluation(options: EvaluateOptions): Promise<EvaluateResult> {
  const { checkpoint, config, loaded, network, settings } = await loadTrainedModel(options.model);
  const seed = config ? config.seed : loaded.meta.seed;
  let test: ImageDataset = config ? loadTestSplit(config) : loadMnist({ split: 'test' });
  if (options.limit !== undefined && options.limit < test.count) test = subsetDataset(test, identityOrder(options.limit));
  const backend = await createBackend(options.backend ?? 'auto');
  try {
    let correct = 0;
    let seconds = 0;
    const batches = encodedBatches(test, identityOrder(test.count), options.batchSize ?? 100, settings, new Rng(streamSeed(seed, STREAMS.test)));
    for (const batch of batches) {
      const start = performance.now();
      const counts = backend.isGpuJs ? (await traceNetwork(network, batch.spikes, backend)).counts : network.forward(batch.spikes).counts;
      seconds += (performance.now() - start) / 1000;
      for (let b = 0; b < batch.labels.length; b++) if (argmaxRow(counts, b, network.classes) === batch.labels[b]) correct++;
    }
    return {
      checkpoint,
      epoch: loaded.meta.epoch,
      backend: backend.name,
      kernelClass: backend.kernelClass,
      path: backend.isGpuJs ? 'kernels' : 'engine',
      images: test.count,
      accuracy: test.count > 0 ? correct / test.count : 0,
      forwardSeconds: seconds,
      imagesPerSecond: seconds > 0 ? test.count / seconds : 0,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    await backend.destroy();
    await network.close();
  }
}
