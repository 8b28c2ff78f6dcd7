import type { Rng, Tensor } from '@snn/core';
import type { Parameter } from '@snn/learning';
import type { ReluActivity } from '../relu-activity/relu-activity.js';

/** Kinds of layer listed by {@link BaselineModel.layerSummaries}. */
export type LayerKind = 'conv2d' | 'batchNorm' | 'relu' | 'maxPool' | 'flatten' | 'dense' | 'dropout' | 'tanh' | 'sigmoid';

/** One layer of a baseline model: its output shape per example, trainable scalars and forward multiply-accumulates. */
export interface LayerSummary {
  /** Layer name, the prefix of its parameters where it has any (e.g. `"conv1"`, `"bn1"`, `"fc1"`). */
  readonly name: string;
  /** What the layer computes. */
  readonly kind: LayerKind;
  /** Output shape of one example, e.g. `[32, 26, 26]` (channels, height, width) or `[512]`. */
  readonly outputShape: readonly number[];
  /** Trainable scalars (weights + biases, or γ + β); running statistics are not counted. */
  readonly parameters: number;
  /** Multiply-accumulates of one example's forward pass (conv2d and dense layers only; 0 elsewhere). */
  readonly macs: number;
  /** FLOPs of one example's forward pass: 2·macs + one per bias addition (conv2d and dense layers only; 0 elsewhere). */
  readonly flops: number;
}

/** Options of a baseline model's forward pass. */
export interface BaselineForwardOptions {
  /** Training mode: dropout on, batch statistics in batch norm, and activations kept for `backward`. Default false. */
  readonly training?: boolean;
  /** Seeded generator for the dropout masks; required in training when dropout > 0. */
  readonly rng?: Rng;
  /** Counts the active units of each ReLU layer under its `layerSummaries()` name (before dropout). */
  readonly activity?: ReluActivity;
}

/**
 * What the training loop, early stopping and checkpoints need from a model: implemented by {@link Mlp} and {@link Cnn}.
 *
 * @remarks
 * Counting convention: `macsPerExample` is the number of multiply-accumulates
 * of the conv2d and dense layers in one example's forward pass (zeros skipped
 * by an event-driven path still count); `flopsPerExample` is `2·macs` plus one
 * FLOP per bias addition of those layers. Batch norm, pooling, activations,
 * dropout and the softmax are not counted. A training step costs about three
 * forward passes (the backward pass is two products per layer).
 */
export interface BaselineModel {
  /** Which model this is. */
  readonly kind: 'mlp' | 'cnn';
  /** Input values per example (784 for MNIST). */
  readonly inputs: number;
  /** Number of classes (logits per example). */
  readonly classes: number;
  /** Trainable scalars. */
  readonly parameterCount: number;
  /** Forward multiply-accumulates per example (see the counting convention above). */
  readonly macsPerExample: number;
  /** Forward FLOPs per example: 2·MACs + bias additions. */
  readonly flopsPerExample: number;
  /** Every layer in order with its output shape, parameters and MACs. */
  layerSummaries(): LayerSummary[];
  /** The trainable parameters in a stable order. */
  parameters(): Parameter[];
  /** Computes the logits `[batch, classes]` of inputs `[batch, inputs]`. */
  forward(x: Float32Array, batch: number, opts?: BaselineForwardOptions): Promise<Float32Array>;
  /** Backpropagates dL/dlogits through the last training-mode forward pass, adding into every parameter's `grad`. */
  backward(gradLogits: Float32Array): void;
  /** Copies of every parameter and buffer (e.g. batch-norm running statistics) by name, as checkpoint tensors. */
  stateTensors(): Record<string, Tensor>;
  /** Overwrites parameters and buffers from tensors by name (all must be present with matching shapes). */
  loadStateTensors(tensors: Readonly<Record<string, Tensor>>): void;
}
