import { CheckpointError, type RngState, type Tensor, loadCheckpoint, saveCheckpoint, tensor } from '@snn/core';
import type { Optimizer, OptimizerState, Parameter, RecurrentClassifierSpec } from '@snn/learning';
import type { ImageClassificationConfig } from '../config/schema.js';
import type { RunParams } from '../run/params.js';

/** Value of `meta.kind` in every checkpoint the app writes. */
export const CHECKPOINT_KIND = 'snn-image-classification-checkpoint';

/** The model-selection record kept in checkpoints: best validation accuracy so far and the metrics of its epoch. */
export interface BestRecord {
  /** Epoch (1-based) with the best validation accuracy so far. */
  readonly epoch: number;
  /** Its validation accuracy (a fraction). */
  readonly valAccuracy: number;
  /** Training accuracy of that epoch (running, during training). */
  readonly trainAccuracy: number;
  /** Test accuracy after that epoch. */
  readonly testAccuracy: number;
}

/** The JSON metadata of a checkpoint (next to the parameter and optimiser tensors). */
export interface CheckpointMeta {
  /** Always {@link CHECKPOINT_KIND}. */
  readonly kind: typeof CHECKPOINT_KIND;
  /** Epochs completed when saved. */
  readonly epoch: number;
  /** The run's training-relevant parameters (dataset, model, encoding, training, seed). */
  readonly params: RunParams;
  /** The classifier's resolved options (`RecurrentClassifier.spec` of @snn/learning; `fromSpec` rebuilds it). */
  readonly spec: RecurrentClassifierSpec;
  /** Optimiser scalars (its per-parameter buffers are tensors `optimizer.<param>.<buffer>`). */
  readonly optimizer: Omit<OptimizerState, 'params'>;
  /** Generator state the next epoch's shuffle and encoding start from. */
  readonly rng: { readonly nextEpoch: RngState };
  /** Best validation record so far (this epoch's when the file is `best.safetensors`). */
  readonly best: BestRecord | null;
  /** Metrics of the epoch just finished. */
  readonly metrics: Readonly<Record<string, number | null>>;
}

/** What {@link saveRunCheckpoint} needs besides the parameters and the optimiser. */
export type CheckpointExtras = Omit<CheckpointMeta, 'kind' | 'optimizer'>;

const OPTIMIZER_PREFIX = 'optimizer.';

/**
 * Saves parameters, optimiser buffers and the training state as one safetensors file, atomically
 * (core `saveCheckpoint`): tensors named after the parameters (`hidden.weight`, …) and
 * `optimizer.<param>.<buffer>` (Adam `m`, `v`).
 *
 * @param path - e.g. `runs/snn-image-classification/<hash>/checkpoints/last.safetensors`
 * @param parameters - the model's parameters
 * @param optimizer - its optimiser
 * @param extras - epoch, params, classifier spec, RNG state, best record, metrics
 */
export async function saveRunCheckpoint(path: string, parameters: readonly Parameter[], optimizer: Optimizer, extras: CheckpointExtras): Promise<void> {
  const tensors: Record<string, Tensor> = {};
  for (const p of parameters) tensors[p.name] = tensor(p.value.slice(), [...p.shape], p.name);
  const state = optimizer.getState();
  state.params.forEach((slot, i) => {
    const shape = [...parameters[i].shape];
    for (const [buffer, values] of Object.entries(slot.buffers)) tensors[`${OPTIMIZER_PREFIX}${slot.name}.${buffer}`] = tensor(values, shape);
  });
  const meta: CheckpointMeta = {
    kind: CHECKPOINT_KIND,
    ...extras,
    optimizer: { kind: state.kind, step: state.step, lr: state.lr, hyperparameters: state.hyperparameters },
  };
  await saveCheckpoint(path, { tensors, meta: meta as unknown as Record<string, unknown> });
}

/** A checkpoint loaded and checked by {@link loadRunCheckpoint}. */
export interface LoadedRunCheckpoint {
  /** The file read. */
  readonly file: string;
  /** Parameter tensors by name. */
  readonly weights: Record<string, Tensor>;
  /** Optimiser buffers by parameter name and buffer name. */
  readonly optimizerBuffers: Record<string, Record<string, Float32Array>>;
  /** The metadata. */
  readonly meta: CheckpointMeta;
}

/** What a checkpoint must hold to be loaded into a model. */
export interface CheckpointExpectation {
  /** Parameter names and shapes of the model. */
  readonly shapes: Readonly<Record<string, readonly number[]>>;
  /** Dataset the model is for. */
  readonly dataset: ImageClassificationConfig['dataset'];
}

function metaError(file: string, field: string, expected: string, found: unknown): CheckpointError {
  return new CheckpointError('not a snn-image-classification checkpoint', {
    file,
    field: `__metadata__.meta.${field}`,
    expected,
    found: found === undefined ? 'nothing' : JSON.stringify(found),
  });
}

function checkMeta(file: string, meta: Record<string, unknown>): CheckpointMeta {
  if (meta.kind !== CHECKPOINT_KIND) throw metaError(file, 'kind', JSON.stringify(CHECKPOINT_KIND), meta.kind);
  if (!Number.isInteger(meta.epoch) || (meta.epoch as number) < 0) throw metaError(file, 'epoch', 'a non-negative integer', meta.epoch);
  const params = meta.params as RunParams | undefined;
  if (!params || typeof params !== 'object' || typeof params.dataset !== 'string' || typeof params.model !== 'object') {
    throw metaError(file, 'params', 'the run parameters (dataset, model, …)', params);
  }
  return meta as unknown as CheckpointMeta;
}

/**
 * Loads a checkpoint and checks that it fits the expected model: the same dataset, and every
 * parameter tensor with the expected shape (core `loadCheckpoint` with `expect`), so a checkpoint
 * of another architecture fails naming the tensor and both shapes, e.g.
 * `file …/last.safetensors, field hidden.weight: checkpoint belongs to another architecture; expected [784, 128], found [784, 64]`.
 *
 * @param file - the `.safetensors` checkpoint
 * @param expected - parameter shapes and dataset of the model
 * @throws `CheckpointError` for a missing file, another architecture or dataset, or a foreign file;
 *   `FileFormatError`/`ChecksumError` for a corrupt one; `NumericError` for NaN weights
 */
export async function loadRunCheckpoint(file: string, expected: CheckpointExpectation): Promise<LoadedRunCheckpoint> {
  const loaded = await loadCheckpoint(file, { tensors: expected.shapes, allowExtra: true });
  const meta = checkMeta(file, loaded.meta);
  if (meta.params.dataset !== expected.dataset) {
    throw new CheckpointError('checkpoint was trained on another dataset', { file, field: '__metadata__.meta.params.dataset', expected: expected.dataset, found: meta.params.dataset });
  }
  const weights: Record<string, Tensor> = {};
  const optimizerBuffers: Record<string, Record<string, Float32Array>> = {};
  for (const [name, t] of Object.entries(loaded.tensors)) {
    if (name in expected.shapes) {
      weights[name] = t;
      continue;
    }
    const rest = name.startsWith(OPTIMIZER_PREFIX) ? name.slice(OPTIMIZER_PREFIX.length) : '';
    const dot = rest.lastIndexOf('.');
    const param = dot > 0 ? rest.slice(0, dot) : '';
    const shape = expected.shapes[param];
    const same = shape !== undefined && shape.length === t.shape.length && shape.every((d, i) => d === t.shape[i]);
    if (!same) {
      throw new CheckpointError('checkpoint belongs to another architecture', {
        file,
        field: name,
        expected: shape === undefined ? 'no such tensor' : `[${shape.join(', ')}]`,
        found: `[${t.shape.join(', ')}]`,
      });
    }
    optimizerBuffers[param] ??= {};
    optimizerBuffers[param][rest.slice(dot + 1)] = t.data;
  }
  return { file, weights, optimizerBuffers, meta };
}

/**
 * Copies loaded weights into a model's parameters.
 *
 * @param parameters - the parameters of a model of the checkpoint's architecture
 * @param weights - from {@link loadRunCheckpoint}
 */
export function applyWeights(parameters: readonly Parameter[], weights: Readonly<Record<string, Tensor>>): void {
  for (const p of parameters) p.value.set(weights[p.name].data);
}

/**
 * Restores an optimiser from a checkpoint (step count, learning rate, hyper-parameters, buffers).
 *
 * @param optimizer - an optimiser over the model's parameters, of the saved kind
 * @param checkpoint - from {@link loadRunCheckpoint}
 * @throws `CheckpointError` when the checkpoint holds no optimiser state for a parameter
 */
export function restoreOptimizer(optimizer: Optimizer, checkpoint: LoadedRunCheckpoint): void {
  const params = optimizer.params.map((p) => {
    const buffers = checkpoint.optimizerBuffers[p.name];
    if (buffers === undefined) {
      throw new CheckpointError('checkpoint holds no optimiser state to resume from', {
        file: checkpoint.file,
        field: `${OPTIMIZER_PREFIX}${p.name}`,
        expected: 'the optimiser buffers saved by snn-image-classification train',
        found: 'no such tensor',
      });
    }
    return { name: p.name, buffers };
  });
  optimizer.setState({ ...checkpoint.meta.optimizer, params });
}
