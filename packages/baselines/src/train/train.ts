import { ValidationError } from '@snn/core';
import { type EpochMetrics, type EvaluateMlpOptions, evaluateOf, type TrainMlpEpochOptions, trainEpochOf } from '../mlp/train.js';
import type { BaselineModel } from '../model/model.js';

/**
 * Trains any baseline model ({@link Mlp} or {@link Cnn}) for one epoch: shuffle, then per mini-batch forward (training mode),
 * softmax cross-entropy, backward, optimiser step.
 *
 * @remarks
 * The same loop as {@link trainMlpEpoch}: a permutation from `opts.rng`
 * (which also draws the dropout masks), every example once, the last batch
 * holding the remainder; the loss of a batch is its mean; the reported loss
 * and accuracy are measured in training mode (dropout on, batch statistics).
 *
 * @param model - the model; its parameters must be the optimiser's
 * @param images - inputs, `[n, model.inputs]` row-major (see {@link pixelsToUnit})
 * @param labels - class per example, `n` integers in [0, classes)
 * @param opts - batch size, optimiser, generator; see {@link TrainMlpEpochOptions}
 * @returns the epoch's mean loss, accuracy and time
 * @throws `ShapeError` when images and labels disagree; `ValidationError` for a bad label or option
 * @example
 * ```ts
 * const cnn = createCnn({ rng: new Rng(0) });
 * const optimizer = new Adam(cnn.parameters(), { lr: 1e-3 });
 * const m = await trainBaselineEpoch(cnn, trainImages, trainLabels, { batchSize: 64, optimizer, rng: new Rng(1) });
 * ```
 */
export function trainBaselineEpoch(model: BaselineModel, images: Float32Array, labels: ArrayLike<number>, opts: TrainMlpEpochOptions): Promise<EpochMetrics> {
  return trainEpochOf('trainBaselineEpoch', model, images, labels, opts);
}

/**
 * Mean softmax cross-entropy and accuracy of any baseline model on a data set, in evaluation mode (no dropout, running batch-norm statistics).
 *
 * @param model - the model
 * @param images - inputs, `[n, model.inputs]` row-major
 * @param labels - class per example, `n` integers in [0, classes)
 * @param opts - batch size (default 1000); see {@link EvaluateMlpOptions}
 * @returns mean loss, accuracy and time (`batches` counts the forward passes)
 * @throws `ShapeError` when images and labels disagree; `ValidationError` for a bad label or option
 */
export function evaluateBaseline(model: BaselineModel, images: Float32Array, labels: ArrayLike<number>, opts: EvaluateMlpOptions = {}): Promise<EpochMetrics> {
  return evaluateOf('evaluateBaseline', model, images, labels, opts);
}

/**
 * Converts 8-bit pixels to floats in [0, 1]: `x = pixel / 255` (no mean/std normalisation, so the background stays exactly 0).
 *
 * @param pixels - e.g. `loadMnist(...).images`
 * @returns a new Float32Array of the same length
 * @throws `ValidationError` when `pixels` is not a Uint8Array
 * @example
 * ```ts
 * pixelsToUnit(Uint8Array.of(0, 255, 51)); // [0, 1, 0.2]
 * ```
 */
export function pixelsToUnit(pixels: Uint8Array): Float32Array {
  if (!(pixels instanceof Uint8Array)) {
    throw new ValidationError('invalid pixels', { field: 'pixelsToUnit.pixels', expected: 'a Uint8Array', found: Object.prototype.toString.call(pixels) });
  }
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i] / 255;
  return out;
}
