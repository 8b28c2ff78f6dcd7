import { type BackendRequest, Rng, createBackend, tensor } from '@snn/core';
import { argmaxRow, classProbabilities } from '@snn/readout';
import { type EncodingSettings, encodeImages } from '../data/encode.js';
import { STREAMS, streamSeed } from '../data/streams.js';
import { type DigitImage, loadDigitImage } from '../image/load-digit.js';
import { traceNetwork } from '../inspect/trace.js';
import { loadTrainedModel } from '../model/trained-model.js';

/** How class probabilities are read from the output layer. */
export type Readout = 'counts' | 'membrane';

/** Options of {@link runInference}. */
export interface InferOptions {
  /** A run directory (its `best`, else `last` checkpoint) or a checkpoint file. */
  readonly model: string;
  /** The image file. */
  readonly image: string;
  /** Replace the trained encoding type (the other encoding options stay as trained). */
  readonly encoding?: 'rate' | 'latency';
  /** `counts` (default): softmax of the output spike counts; `membrane`: softmax of the mean output membrane. */
  readonly readout?: Readout;
  /** MNIST-style crop and centring (default true). */
  readonly centre?: boolean;
  /** Backend of the forward pass (`js` references or gpu.js kernels); default `auto`. */
  readonly backend?: BackendRequest;
  /** Seed of the rate-coding draws; default 0. */
  readonly seed?: number;
}

/** Result of {@link runInference}. */
export interface InferResult {
  /** The checkpoint used. */
  readonly checkpoint: string;
  /** Epochs the checkpoint was trained for. */
  readonly epoch: number;
  /** The image as prepared. */
  readonly image: DigitImage;
  /** Encoding and T used. */
  readonly settings: EncodingSettings;
  /** Output spike count per class. */
  readonly counts: number[];
  /** Output membrane per class, averaged over the T steps. */
  readonly meanMembrane: number[];
  /** Probability per class (sums to 1). */
  readonly probabilities: number[];
  /** The readout used for the probabilities. */
  readonly readout: Readout;
  /** Predicted class: the largest readout value (lowest class on ties). */
  readonly predicted: number;
  /** Backend that ran the forward pass, and the gpu.js kernel class (null for js). */
  readonly backend: { readonly name: string; readonly kernelClass: string | null; readonly reason: string };
}

/**
 * Classifies one image with a trained network.
 *
 * @remarks
 * The architecture comes from the run's `config.yaml` when the checkpoint sits in a run
 * directory (so a checkpoint of another architecture is refused, naming the tensor and both
 * shapes), else from the checkpoint itself. The image is prepared by {@link loadDigitImage},
 * encoded as trained (rate coding draws from `seed`), and run through the network layer by
 * layer ({@link traceNetwork}) on the chosen backend. Probabilities are the softmax over the
 * classes of the output spike counts (`counts`) or of the output membrane averaged over the T
 * steps (`membrane`); the predicted class is the largest of those values.
 *
 * @param options - model, image, encoding, readout, centring, backend, seed
 */
export async function runInference(options: InferOptions): Promise<InferResult> {
  const { checkpoint, loaded, network, settings: trained } = await loadTrainedModel(options.model);
  const settings: EncodingSettings = options.encoding ? { ...trained, encoding: { ...trained.encoding, type: options.encoding } } : trained;
  const image = await loadDigitImage(options.image, { centre: options.centre ?? true });
  const backend = await createBackend(options.backend ?? 'auto');
  try {
    const input = encodeImages(tensor(image.pixels, [1, image.pixels.length]), settings, new Rng(streamSeed(options.seed ?? 0, STREAMS.infer)));
    const trace = await traceNetwork(network, input, backend);
    const out = trace.layers[trace.layers.length - 1];
    const classes = out.size;
    const meanMembrane = new Float32Array(classes);
    for (let t = 0; t < trace.numSteps; t++) for (let c = 0; c < classes; c++) meanMembrane[c] += out.membrane[t * classes + c] / trace.numSteps;
    const readout = options.readout ?? 'counts';
    const logits = readout === 'counts' ? trace.counts : meanMembrane;
    const probabilities = Array.from(classProbabilities(tensor(Float32Array.from(logits), [1, classes])).data);
    return {
      checkpoint,
      epoch: loaded.meta.epoch,
      image,
      settings,
      counts: Array.from(trace.counts),
      meanMembrane: Array.from(meanMembrane),
      probabilities,
      readout,
      predicted: argmaxRow(logits, 0, classes),
      backend: { name: backend.name, kernelClass: backend.kernelClass, reason: backend.reason },
    };
  } finally {
    await backend.destroy();
    await network.close();
  }
}
