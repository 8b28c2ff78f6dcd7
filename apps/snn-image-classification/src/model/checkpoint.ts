import { type BestRecord, type LoadedTrainingCheckpoint, type OptimizerScalars, checkpointMetaError, loadTrainingCheckpoint, readBestRecord, saveTrainingCheckpoint } from '@snn/cli';
import { CheckpointError, type RngState } from '@snn/core';
import type { Optimizer, Parameter, RecurrentClassifierSpec } from '@snn/learning';
import type { ImageClassificationConfig } from '../config/schema.js';
import type { RunParams } from '../run/params.js';

/** Value of `meta.kind` in every checkpoint the app writes. */
export const CHECKPOINT_KIND = 'snn-image-classification-checkpoint';

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
  readonly optimizer: OptimizerScalars | null;
  /** Generator state the next epoch's shuffle and encoding start from. */
  readonly rng: { readonly nextEpoch: RngState };
  /** Best validation record so far (this epoch's when the file is `best.safetensors`). */
  readonly best: BestRecord | null;
  /** Metrics of the epoch just finished. */
  readonly metrics: Readonly<Record<string, number | null>>;
}

/** What {@link saveRunCheckpoint} needs besides the parameters and the optimiser. */
export type CheckpointExtras = Omit<CheckpointMeta, 'kind' | 'optimizer'>;

/** A checkpoint loaded and checked by {@link loadRunCheckpoint}. */
export type LoadedRunCheckpoint = LoadedTrainingCheckpoint<CheckpointMeta>;

/**
 * Saves parameters, optimiser buffers and the training state as one safetensors file, atomically
 * (`saveTrainingCheckpoint` of @snn/cli): tensors named after the parameters (`hidden.weight`, …)
 * and `optimizer.<param>.<buffer>` (Adam `m`, `v`).
 *
 * @param path - e.g. `runs/snn-image-classification/<hash>/checkpoints/last.safetensors`
 * @param parameters - the model's parameters
 * @param optimizer - their optimiser
 * @param extras - epoch, params, classifier spec, RNG state, best record, metrics
 */
export async function saveRunCheckpoint(path: string, parameters: readonly Parameter[], optimizer: Optimizer, extras: CheckpointExtras): Promise<void> {
  await saveTrainingCheckpoint(path, CHECKPOINT_KIND, parameters, optimizer, extras);
}

/** What a checkpoint must hold to be loaded into a model. */
export interface CheckpointExpectation {
  /** Parameter names and shapes of the model. */
  readonly shapes: Readonly<Record<string, readonly number[]>>;
  /** Dataset the model is for. */
  readonly dataset: ImageClassificationConfig['dataset'];
}

function checkMeta(file: string, meta: Record<string, unknown>): CheckpointMeta {
  if (!Number.isInteger(meta.epoch) || (meta.epoch as number) < 0) throw checkpointMetaError(file, CHECKPOINT_KIND, 'epoch', 'a non-negative integer', meta.epoch);
  const params = meta.params as RunParams | undefined;
  if (!params || typeof params !== 'object' || typeof params.dataset !== 'string' || typeof params.model !== 'object') {
    throw checkpointMetaError(file, CHECKPOINT_KIND, 'params', 'the run parameters (dataset, model, …)', params);
  }
  return { ...(meta as unknown as CheckpointMeta), best: readBestRecord(meta.best), optimizer: (meta.optimizer as OptimizerScalars | undefined) ?? null };
}

/**
 * Loads a checkpoint and checks that it fits the expected model: the same dataset, and every
 * parameter tensor with the expected shape (`loadTrainingCheckpoint` of @snn/cli), so a checkpoint
 * of another architecture fails naming the tensor and both shapes, e.g.
 * `file …/last.safetensors, field hidden.weight: checkpoint belongs to another architecture; expected [784, 128], found [784, 64]`.
 *
 * @param file - the `.safetensors` checkpoint
 * @param expected - parameter shapes and dataset of the model
 * @throws `CheckpointError` for a missing file, another architecture or dataset, or a foreign file;
 *   `FileFormatError`/`ChecksumError` for a corrupt one; `NumericError` for NaN weights
 */
export async function loadRunCheckpoint(file: string, expected: CheckpointExpectation): Promise<LoadedRunCheckpoint> {
  const loaded = await loadTrainingCheckpoint(file, { kind: CHECKPOINT_KIND, shapes: expected.shapes, checkMeta });
  if (loaded.meta.params.dataset !== expected.dataset) {
    throw new CheckpointError('checkpoint was trained on another dataset', { file, field: '__metadata__.meta.params.dataset', expected: expected.dataset, found: loaded.meta.params.dataset });
  }
  return loaded;
}
