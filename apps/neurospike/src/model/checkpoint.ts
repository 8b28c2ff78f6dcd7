import { type BestRecord, type LoadedTrainingCheckpoint, type OptimizerScalars, checkpointMetaError, loadTrainingCheckpoint, readBestRecord, saveTrainingCheckpoint } from '@snn/cli';
import { CheckpointError, type RngState } from '@snn/core';
import type { LifNetwork, LifNetworkSpec, LrScheduler, LrSchedulerState, Optimizer } from '@snn/learning';
import type { NeuroSpikeConfig } from '../config/schema.js';
import { validateCheckpointMeta } from './checkpoint-meta.js';
import { weightShapes } from './network.js';

/** Value of `meta.kind` in every checkpoint the app writes. */
export const CHECKPOINT_KIND = 'neurospike-checkpoint';

/** The JSON metadata of a neurospike checkpoint (next to the weights and optimiser tensors). */
export interface CheckpointMeta {
  /** Always {@link CHECKPOINT_KIND}. */
  readonly kind: typeof CHECKPOINT_KIND;
  /** Epochs completed when saved. */
  readonly epoch: number;
  /** Run seed. */
  readonly seed: number;
  /** Network definition (widths, LIF parameters, residual flags, surrogate). */
  readonly network: LifNetworkSpec;
  /** Encoding section of the config the network was trained with. */
  readonly encoding: NeuroSpikeConfig['encoding'];
  /** Number of time steps T. */
  readonly numSteps: number;
  /** Optimiser scalars (its per-parameter buffers are tensors `optimizer.<param>.<buffer>`), null in a weights-only file. */
  readonly optimizer: OptimizerScalars | null;
  /** Learning-rate schedule state, or null without a schedule. */
  readonly scheduler: LrSchedulerState | null;
  /** Generator state the next epoch's shuffle and encoding start from (derived from seed and epoch). */
  readonly rng: { readonly nextEpoch: RngState };
  /** Model selection so far (validation accuracy, or the last epoch without a validation split), or null. */
  readonly best: BestRecord | null;
  /** Epochs since validation accuracy last improved. */
  readonly staleEpochs?: number;
  /** Metrics of the epoch just finished. */
  readonly metrics: Readonly<Record<string, number | null>>;
}

/** What {@link saveRunCheckpoint} needs besides the network and the optimiser. */
export type CheckpointExtras = Omit<CheckpointMeta, 'kind' | 'network' | 'optimizer'>;

/**
 * Saves weights, optimiser buffers and the training state as one safetensors file, atomically
 * (`saveTrainingCheckpoint` of @snn/cli): tensors `fc{k}.weight`, `fc{k}.bias`, `optimizer.fc{k}.weight.m`, …
 *
 * @param path - e.g. `runs/neurospike/x/checkpoints/last.safetensors`
 * @param network - the network
 * @param optimizer - its optimiser
 * @param extras - epoch, seed, encoding, schedule and RNG state, best record, metrics
 */
export async function saveRunCheckpoint(path: string, network: LifNetwork, optimizer: Optimizer, extras: CheckpointExtras): Promise<void> {
  await saveTrainingCheckpoint(path, CHECKPOINT_KIND, network.parameters(), optimizer, { ...extras, network: network.spec });
}

/** A checkpoint loaded and checked by {@link loadRunCheckpoint}. */
export type LoadedRunCheckpoint = LoadedTrainingCheckpoint<CheckpointMeta>;

function checkMeta(file: string, meta: Record<string, unknown>): CheckpointMeta {
  // The same rules as a config (encoding, LIF parameters, sizes): a resumed or loaded checkpoint alike.
  validateCheckpointMeta(file, meta);
  if (!Number.isInteger(meta.epoch) || (meta.epoch as number) < 0) throw checkpointMetaError(file, CHECKPOINT_KIND, 'epoch', 'a non-negative integer', meta.epoch);
  const network = meta.network as LifNetworkSpec | undefined;
  if (!network || !Array.isArray(network.sizes) || !network.sizes.every((s) => Number.isInteger(s) && s > 0)) {
    throw checkpointMetaError(file, CHECKPOINT_KIND, 'network.sizes', 'the layer widths', network?.sizes);
  }
  if (!Number.isInteger(meta.numSteps) || (meta.numSteps as number) < 1) throw checkpointMetaError(file, CHECKPOINT_KIND, 'numSteps', 'a positive integer', meta.numSteps);
  return { ...(meta as unknown as CheckpointMeta), best: readBestRecord(meta.best), optimizer: (meta.optimizer as OptimizerScalars | undefined) ?? null };
}

/**
 * Loads a neurospike checkpoint and checks that it fits the expected architecture.
 *
 * @remarks
 * With `sizes`, core's `loadCheckpoint` is asked for exactly the weight tensors of those widths
 * (`expect`), so a checkpoint of another architecture fails naming the tensor and both shapes.
 * Without `sizes` (a bare checkpoint file) the widths recorded in the file are used. Any tensor
 * besides the weights must be an optimiser buffer `optimizer.<weight>.<buffer>` of the weight's
 * shape. NaN or infinite values fail naming the tensor and index (`NumericError`).
 *
 * @param file - the `.safetensors` checkpoint
 * @param sizes - expected layer widths, input first; default: the widths stored in the file
 * @throws `CheckpointError` for a missing file, another architecture or a foreign file;
 *   `FileFormatError` / `ChecksumError` for a corrupt one; `NumericError` for NaN weights
 */
export async function loadRunCheckpoint(file: string, sizes?: readonly number[]): Promise<LoadedRunCheckpoint> {
  return loadTrainingCheckpoint(file, {
    kind: CHECKPOINT_KIND,
    shapes: sizes === undefined ? (meta: CheckpointMeta) => weightShapes(meta.network.sizes) : weightShapes(sizes),
    checkMeta,
  });
}

/**
 * Restores a learning-rate schedule from a checkpoint.
 *
 * @param scheduler - the schedule built from the config, or null
 * @param checkpoint - from {@link loadRunCheckpoint}
 * @throws `CheckpointError` when one side has a schedule and the other has none
 */
export function restoreScheduler(scheduler: LrScheduler | null, checkpoint: LoadedRunCheckpoint): void {
  const saved = checkpoint.meta.scheduler;
  if ((saved === null) !== (scheduler === null)) {
    throw new CheckpointError('learning-rate schedule differs from the checkpoint', {
      file: checkpoint.file,
      field: '__metadata__.meta.scheduler',
      expected: scheduler === null ? 'no schedule' : scheduler.getState().kind,
      found: saved === null ? 'no schedule' : saved.kind,
    });
  }
  if (scheduler !== null && saved !== null) scheduler.setState(saved);
}
