import { existsSync } from 'node:fs';
import { type BestRecord, readBestRecord } from '@snn/cli';
import { CheckpointError, type Tensor } from '@snn/core';
import { loadCheckpoint, saveCheckpoint } from '@snn/core/node';
import type { ModelState } from './model.js';

/** Value of `meta.kind` in every checkpoint of the app. */
export const CHECKPOINT_KIND = 'izhikevich-mnist-checkpoint';

/** Metadata stored in a checkpoint next to the tensors. */
export interface CheckpointMeta {
  /** Always {@link CHECKPOINT_KIND}. */
  readonly kind: typeof CHECKPOINT_KIND;
  /** Command that wrote it (`gradient`, `stdp`, `mlp`, `cnn`). */
  readonly command: string;
  /** Epochs completed. */
  readonly epoch: number;
  /** The resolved `model` section of the config (architecture). */
  readonly model: unknown;
  /** Model selection so far (best validation epoch, or the last epoch without validation), or null. */
  readonly best: BestRecord | null;
  /** Epochs without improvement so far (early stopping). */
  readonly staleEpochs: number;
  /** The model's own scalars (optimiser state, …). */
  readonly state: Record<string, unknown>;
}

/**
 * Saves a model checkpoint atomically as one safetensors file (weights, optimiser buffers and
 * the JSON metadata), readable by NumPy/PyTorch safetensors readers.
 *
 * @param path - e.g. `checkpoints/last.safetensors`
 * @param state - the model's tensors and scalars
 * @param meta - everything else
 */
export async function saveModelCheckpoint(path: string, state: ModelState, meta: Omit<CheckpointMeta, 'kind' | 'state'>): Promise<void> {
  const full: CheckpointMeta = { kind: CHECKPOINT_KIND, ...meta, state: state.meta };
  await saveCheckpoint(path, { tensors: state.tensors, meta: full as unknown as Record<string, unknown> });
}

/** A loaded checkpoint. */
export interface LoadedModelCheckpoint {
  /** The tensors by name. */
  readonly tensors: Record<string, Tensor>;
  /** Its metadata. */
  readonly meta: CheckpointMeta;
}

/**
 * Loads a checkpoint written by {@link saveModelCheckpoint} and checks that the command that
 * wrote it is the one asking.
 *
 * @param file - the checkpoint (`--resume-from`)
 * @param command - the command loading it
 * @throws `CheckpointError` for a missing file, a foreign file or another command's checkpoint;
 *   `FileFormatError`/`ChecksumError` (from @snn/core) for a corrupt file
 */
export async function loadModelCheckpoint(file: string, command: string): Promise<LoadedModelCheckpoint> {
  if (!existsSync(file)) {
    throw new CheckpointError('checkpoint file not found', { file, field: '--resume-from', expected: `a checkpoint written by izhikevich-mnist ${command}`, found: 'no such file' });
  }
  const loaded = await loadCheckpoint(file);
  const meta = loaded.meta as Partial<CheckpointMeta>;
  if (meta.kind !== CHECKPOINT_KIND) {
    throw new CheckpointError('not an izhikevich-mnist checkpoint', { file, field: '__metadata__.meta.kind', expected: JSON.stringify(CHECKPOINT_KIND), found: JSON.stringify(meta.kind ?? null) });
  }
  if (meta.command !== command) {
    throw new CheckpointError(`checkpoint was written by another command`, { file, field: '__metadata__.meta.command', expected: command, found: String(meta.command) });
  }
  if (!Number.isInteger(meta.epoch) || (meta.epoch as number) < 0) {
    throw new CheckpointError('checkpoint has no valid epoch', { file, field: '__metadata__.meta.epoch', expected: 'a non-negative integer', found: JSON.stringify(meta.epoch) });
  }
  return { tensors: loaded.tensors, meta: { ...(meta as CheckpointMeta), best: readBestRecord(meta.best) } };
}

/**
 * Throws when a checkpoint tensor is missing or has another shape than the model's.
 *
 * @param tensors - loaded tensors
 * @param name - tensor name
 * @param shape - expected shape
 * @param file - checkpoint file, for the message
 * @returns the tensor
 */
export function expectTensor(tensors: Readonly<Record<string, Tensor>>, name: string, shape: readonly number[], file: string): Tensor {
  const t = tensors[name];
  const same = t !== undefined && t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]);
  if (!same) {
    throw new CheckpointError('checkpoint belongs to another architecture', {
      file,
      field: name,
      expected: `[${shape.join(', ')}]`,
      found: t === undefined ? 'no such tensor' : `[${t.shape.join(', ')}]`,
    });
  }
  return t;
}
