import { CheckpointError, type RngState, type Tensor, loadCheckpoint, saveCheckpoint, tensor } from '@snn/core';
import type { LifNetwork, LifNetworkSpec, LrScheduler, LrSchedulerState, Optimizer, OptimizerState } from '@snn/learning';
import type { NeuroSpikeConfig } from '../config/schema.js';
import { weightShapes } from './network.js';

/** Value of `meta.kind` in every checkpoint the app writes. */
export const CHECKPOINT_KIND = 'neurospike-checkpoint';

/** The model-selection record kept in checkpoints: which metric, its best value and epoch. */
export interface BestRecord {
  /** `validation_accuracy` when the run holds out a validation set, else `test_accuracy`. */
  readonly metric: 'validation_accuracy' | 'test_accuracy';
  /** Best value so far (a fraction). */
  readonly value: number;
  /** Epoch (1-based) that reached it. */
  readonly epoch: number;
}

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
  /** Optimiser scalars (its per-parameter buffers are tensors `optimizer.<param>.<buffer>`). */
  readonly optimizer: Omit<OptimizerState, 'params'>;
  /** Learning-rate schedule state, or null without a schedule. */
  readonly scheduler: LrSchedulerState | null;
  /** Generator state the next epoch's shuffle and encoding start from (derived from seed and epoch). */
  readonly rng: { readonly nextEpoch: RngState };
  /** Best model-selection value so far, or null before the first evaluation. */
  readonly best: BestRecord | null;
  /** Metrics of the epoch just finished. */
  readonly metrics: Readonly<Record<string, number | null>>;
}

/** What {@link saveRunCheckpoint} needs besides the network and the optimiser. */
export type CheckpointExtras = Omit<CheckpointMeta, 'kind' | 'network' | 'optimizer'>;

const OPTIMIZER_PREFIX = 'optimizer.';

/**
 * Saves weights, optimiser buffers and the training state as one safetensors file, atomically
 * (core `saveCheckpoint`): tensors `fc{k}.weight`, `fc{k}.bias`, `optimizer.fc{k}.weight.m`, …
 *
 * @param path - e.g. `runs/neurospike/x/checkpoints/last.safetensors`
 * @param network - the network
 * @param optimizer - its optimiser
 * @param extras - epoch, seed, encoding, schedule and RNG state, best record, metrics
 */
export async function saveRunCheckpoint(path: string, network: LifNetwork, optimizer: Optimizer, extras: CheckpointExtras): Promise<void> {
  const tensors: Record<string, Tensor> = {};
  for (const p of network.parameters()) tensors[p.name] = tensor(p.value.slice(), [...p.shape], p.name);
  const state = optimizer.getState();
  state.params.forEach((slot, i) => {
    const shape = [...network.parameters()[i].shape];
    for (const [buffer, values] of Object.entries(slot.buffers)) {
      tensors[`${OPTIMIZER_PREFIX}${slot.name}.${buffer}`] = tensor(values, shape);
    }
  });
  const meta: CheckpointMeta = {
    kind: CHECKPOINT_KIND,
    ...extras,
    network: network.spec,
    optimizer: { kind: state.kind, step: state.step, lr: state.lr, hyperparameters: state.hyperparameters },
  };
  await saveCheckpoint(path, { tensors, meta: meta as unknown as Record<string, unknown> });
}

/** A checkpoint loaded and checked by {@link loadRunCheckpoint}. */
export interface LoadedRunCheckpoint {
  /** The file read. */
  readonly file: string;
  /** `fc{k}.weight` and `fc{k}.bias` tensors. */
  readonly weights: Record<string, Tensor>;
  /** Optimiser buffers by parameter name and buffer name (empty for a weights-only file). */
  readonly optimizerBuffers: Record<string, Record<string, Float32Array>>;
  /** The metadata. */
  readonly meta: CheckpointMeta;
}

function metaError(file: string, field: string, expected: string, found: unknown): CheckpointError {
  return new CheckpointError('not a neurospike checkpoint', {
    file,
    field: `__metadata__.meta.${field}`,
    expected,
    found: found === undefined ? 'nothing' : JSON.stringify(found),
  });
}

function checkMeta(file: string, meta: Record<string, unknown>): CheckpointMeta {
  if (meta.kind !== CHECKPOINT_KIND) throw metaError(file, 'kind', JSON.stringify(CHECKPOINT_KIND), meta.kind);
  if (!Number.isInteger(meta.epoch) || (meta.epoch as number) < 0) throw metaError(file, 'epoch', 'a non-negative integer', meta.epoch);
  const network = meta.network as LifNetworkSpec | undefined;
  if (!network || !Array.isArray(network.sizes) || !network.sizes.every((s) => Number.isInteger(s) && s > 0)) {
    throw metaError(file, 'network.sizes', 'the layer widths', network?.sizes);
  }
  if (!Number.isInteger(meta.numSteps) || (meta.numSteps as number) < 1) throw metaError(file, 'numSteps', 'a positive integer', meta.numSteps);
  return meta as unknown as CheckpointMeta;
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
  let expected = sizes;
  if (expected === undefined) {
    const first = await loadCheckpoint(file);
    expected = checkMeta(file, first.meta).network.sizes;
  }
  const shapes = weightShapes(expected);
  const loaded = await loadCheckpoint(file, { tensors: shapes, allowExtra: true });
  const weights: Record<string, Tensor> = {};
  const optimizerBuffers: Record<string, Record<string, Float32Array>> = {};
  for (const [name, t] of Object.entries(loaded.tensors)) {
    if (name in shapes) {
      weights[name] = t;
      continue;
    }
    const rest = name.startsWith(OPTIMIZER_PREFIX) ? name.slice(OPTIMIZER_PREFIX.length) : '';
    const dot = rest.lastIndexOf('.');
    const param = dot > 0 ? rest.slice(0, dot) : '';
    const paramShape = shapes[param];
    const sameShape = paramShape !== undefined && paramShape.length === t.shape.length && paramShape.every((d, i) => d === t.shape[i]);
    if (!sameShape) {
      throw new CheckpointError('checkpoint belongs to another architecture', {
        file,
        field: name,
        expected: paramShape === undefined ? 'no such tensor' : `[${paramShape.join(', ')}]`,
        found: `[${t.shape.join(', ')}]`,
      });
    }
    optimizerBuffers[param] ??= {};
    optimizerBuffers[param][rest.slice(dot + 1)] = t.data;
  }
  return { file, weights, optimizerBuffers, meta: checkMeta(file, loaded.meta) };
}

/**
 * Copies loaded weights into a network's parameters.
 *
 * @param network - a network of the checkpoint's architecture
 * @param weights - from {@link loadRunCheckpoint}
 */
export function applyWeights(network: LifNetwork, weights: Readonly<Record<string, Tensor>>): void {
  for (const p of network.parameters()) p.value.set(weights[p.name].data);
}

/**
 * Restores an optimiser from a checkpoint (step count, learning rate, hyper-parameters, buffers).
 *
 * @param optimizer - an optimiser over the network's parameters, of the saved kind
 * @param checkpoint - from {@link loadRunCheckpoint}
 * @throws `CheckpointError` when the checkpoint holds no optimiser state; `ValidationError`
 *   from the optimiser for another kind or other parameters
 */
export function restoreOptimizer(optimizer: Optimizer, checkpoint: LoadedRunCheckpoint): void {
  const params = optimizer.params.map((p) => {
    const buffers = checkpoint.optimizerBuffers[p.name];
    if (buffers === undefined) {
      throw new CheckpointError('checkpoint holds no optimiser state to resume from', {
        file: checkpoint.file,
        field: `${OPTIMIZER_PREFIX}${p.name}`,
        expected: 'the optimiser buffers saved by neurospike train',
        found: 'no such tensor',
      });
    }
    return { name: p.name, buffers };
  });
  optimizer.setState({ ...checkpoint.meta.optimizer, params });
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
