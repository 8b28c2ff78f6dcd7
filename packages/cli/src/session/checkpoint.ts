import { CheckpointError, type Tensor, tensor } from '@snn/core';
import { loadCheckpoint, saveCheckpoint } from '@snn/core/node';

/** A trainable tensor as the optimisers of @snn/learning hold it (structurally: name, values, shape). */
export interface NamedParameter {
  /** Stable name, e.g. `fc1.weight`. */
  readonly name: string;
  /** The values, row-major. */
  readonly value: Float32Array;
  /** Its shape. */
  readonly shape: readonly number[];
}

/** Saved optimiser state (the shape of `OptimizerState` in @snn/learning). */
export interface OptimizerSnapshot {
  /** Optimiser kind, e.g. `adam`. */
  readonly kind: string;
  /** Steps taken. */
  readonly step: number;
  /** Current learning rate. */
  readonly lr: number;
  /** Other hyper-parameters. */
  readonly hyperparameters: Readonly<Record<string, number | boolean>>;
  /** Buffers per parameter, in parameter order. */
  readonly params: readonly OptimizerSlot[];
}

/** One parameter's optimiser buffers. */
export interface OptimizerSlot {
  /** The parameter's name. */
  readonly name: string;
  /** Its buffers by name (e.g. Adam's `m`, `v`). */
  readonly buffers: Readonly<Record<string, Float32Array>>;
}

/** What {@link trainingTensors} returns. */
export interface TrainingTensors {
  /** Parameters and `optimizer.<param>.<buffer>` tensors by name. */
  readonly tensors: Record<string, Tensor>;
  /** The optimiser scalars for the metadata, or null without an optimiser. */
  readonly optimizer: OptimizerScalars | null;
}

/** What the kit needs of an optimiser to checkpoint it (implemented by `Adam` and `Sgd` of @snn/learning). */
export interface CheckpointableOptimizer {
  /** The parameters it updates. */
  readonly params: readonly NamedParameter[];
  /** Its state, buffers included. */
  getState(): OptimizerSnapshot;
  /** Restores a state of the same kind and parameters. */
  setState(state: OptimizerSnapshot): void;
}

/** Prefix of optimiser buffer tensors: `optimizer.<param>.<buffer>`. */
export const OPTIMIZER_PREFIX = 'optimizer.';

/** Optimiser scalars as stored in checkpoint metadata (buffers are tensors). */
export type OptimizerScalars = Omit<OptimizerSnapshot, 'params'>;

/**
 * Tensors of a training checkpoint: every parameter under its name and, with an optimiser, its
 * buffers as `optimizer.<param>.<buffer>` (e.g. Adam's `optimizer.fc1.weight.m`).
 *
 * @param parameters - the model's parameters
 * @param optimizer - their optimiser (omit for weights only)
 * @returns the tensors, and the optimiser scalars for the metadata (null without an optimiser)
 */
export function trainingTensors(
  parameters: readonly NamedParameter[],
  optimizer?: CheckpointableOptimizer,
): TrainingTensors {
  const tensors: Record<string, Tensor> = {};
  for (const p of parameters) tensors[p.name] = tensor(p.value.slice(), [...p.shape], p.name);
  if (!optimizer) return { tensors, optimizer: null };
  const state = optimizer.getState();
  state.params.forEach((slot, i) => {
    const shape = [...parameters[i].shape];
    for (const [buffer, values] of Object.entries(slot.buffers)) tensors[`${OPTIMIZER_PREFIX}${slot.name}.${buffer}`] = tensor(values, shape);
  });
  return { tensors, optimizer: { kind: state.kind, step: state.step, lr: state.lr, hyperparameters: state.hyperparameters } };
}

/**
 * Saves a training checkpoint atomically (core `saveCheckpoint`): parameters, optimiser buffers
 * and the app's metadata, with `meta.kind` naming the app and `meta.optimizer` the optimiser scalars.
 *
 * @param path - e.g. `checkpoints/last.safetensors`
 * @param kind - the app's checkpoint kind, e.g. `neurospike-checkpoint`
 * @param parameters - the model's parameters
 * @param optimizer - their optimiser, or undefined for weights only
 * @param meta - the app's metadata (epoch, seed, RNG state, selection, …)
 */
export async function saveTrainingCheckpoint(
  path: string,
  kind: string,
  parameters: readonly NamedParameter[],
  optimizer: CheckpointableOptimizer | undefined,
  meta: Readonly<Record<string, unknown>>,
): Promise<void> {
  const packed = trainingTensors(parameters, optimizer);
  await saveCheckpoint(path, { tensors: packed.tensors, meta: { kind, ...meta, optimizer: packed.optimizer } });
}

/** A checkpoint loaded by {@link loadTrainingCheckpoint}. */
export interface LoadedTrainingCheckpoint<M> {
  /** The file read. */
  readonly file: string;
  /** Parameter tensors by name. */
  readonly weights: Record<string, Tensor>;
  /** Optimiser buffers by parameter name and buffer name (empty for a weights-only file). */
  readonly optimizerBuffers: Record<string, Record<string, Float32Array>>;
  /** The metadata, checked by the app. */
  readonly meta: M;
}

/** What {@link loadTrainingCheckpoint} checks. */
export interface TrainingCheckpointExpectation<M> {
  /** The app's checkpoint kind; another kind is refused naming both. */
  readonly kind: string;
  /** Parameter shapes by name, or a function of the (checked) metadata for a bare file that knows its own architecture. */
  readonly shapes: Readonly<Record<string, readonly number[]>> | ((meta: M) => Readonly<Record<string, readonly number[]>>);
  /**
   * Checks the metadata and returns it typed.
   *
   * @throws `CheckpointError` naming the field
   */
  readonly checkMeta: (file: string, meta: Record<string, unknown>) => M;
}

/**
 * Loads a training checkpoint and checks it against the model: its kind, its metadata (the app's
 * check), and every parameter with the expected shape, so a checkpoint of another architecture
 * fails naming the tensor and both shapes. Any other tensor must be an optimiser buffer
 * `optimizer.<param>.<buffer>` of its parameter's shape.
 *
 * @param file - the `.safetensors` checkpoint
 * @param expect - kind, shapes, metadata check
 * @throws `CheckpointError` for a missing file, another kind or architecture; `FileFormatError` /
 *   `ChecksumError` for a corrupt one; `NumericError` for NaN weights
 */
export async function loadTrainingCheckpoint<M>(file: string, expect: TrainingCheckpointExpectation<M>): Promise<LoadedTrainingCheckpoint<M>> {
  let shapes = expect.shapes;
  if (typeof shapes === 'function') {
    const first = await loadCheckpoint(file);
    shapes = shapes(checkKind(file, first.meta, expect));
  }
  const loaded = await loadCheckpoint(file, { tensors: shapes, allowExtra: true });
  const meta = checkKind(file, loaded.meta, expect);
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
  return { file, weights, optimizerBuffers, meta };
}

/**
 * The error for a missing or invalid metadata field of an app's checkpoint:
 * `file F, field __metadata__.meta.<field>: not a <app> checkpoint; expected E, found V`.
 *
 * @param file - the checkpoint
 * @param kind - the app's checkpoint kind, e.g. `neurospike-checkpoint`
 * @param field - the metadata field
 * @param expected - what it should hold
 * @param found - what it holds (JSON-rendered; `nothing` when undefined)
 */
export function checkpointMetaError(file: string, kind: string, field: string, expected: string, found: unknown): CheckpointError {
  return new CheckpointError(`not a ${kind.replace(/-checkpoint$/, '')} checkpoint`, {
    file,
    field: `__metadata__.meta.${field}`,
    expected,
    found: found === undefined ? 'nothing' : JSON.stringify(found),
  });
}

function checkKind<M>(file: string, meta: Record<string, unknown>, expect: TrainingCheckpointExpectation<M>): M {
  if (meta.kind !== expect.kind) throw checkpointMetaError(file, expect.kind, 'kind', JSON.stringify(expect.kind), meta.kind);
  return expect.checkMeta(file, meta);
}

/**
 * Copies loaded weights into parameters (by name).
 *
 * @param parameters - the model's parameters
 * @param weights - from {@link loadTrainingCheckpoint}
 */
export function applyWeights(parameters: readonly NamedParameter[], weights: Readonly<Record<string, Tensor>>): void {
  for (const p of parameters) p.value.set(weights[p.name].data);
}

/**
 * Restores an optimiser from a checkpoint (step count, learning rate, hyper-parameters, buffers).
 *
 * @param optimizer - an optimiser over the model's parameters, of the saved kind
 * @param checkpoint - from {@link loadTrainingCheckpoint}; its metadata holds `optimizer` scalars
 * @throws `CheckpointError` when the checkpoint holds no optimiser state
 */
export function restoreOptimizer(optimizer: CheckpointableOptimizer, checkpoint: LoadedTrainingCheckpoint<{ readonly optimizer: OptimizerScalars | null }>): void {
  const scalars = checkpoint.meta.optimizer;
  const params = optimizer.params.map((p) => {
    const buffers = checkpoint.optimizerBuffers[p.name];
    if (buffers === undefined || scalars === null) {
      throw new CheckpointError('checkpoint holds no optimiser state to resume from', {
        file: checkpoint.file,
        field: `${OPTIMIZER_PREFIX}${p.name}`,
        expected: 'the optimiser buffers saved by training',
        found: 'no such tensor',
      });
    }
    return { name: p.name, buffers };
  });
  optimizer.setState({ ...(scalars as OptimizerScalars), params });
}
