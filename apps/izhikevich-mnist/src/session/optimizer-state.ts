import { CheckpointError, type Tensor, tensor } from '@snn/core';
import type { Optimizer, OptimizerState } from '@snn/learning';

/** Prefix of optimiser buffer tensors in a checkpoint: `optimizer.<parameter>.<buffer>`. */
export const OPTIMIZER_PREFIX = 'optimizer.';

/**
 * The optimiser's buffers as checkpoint tensors (`optimizer.fc1.weight.m`, …) and its scalars.
 *
 * @param optimizer - e.g. Adam over the model's parameters
 * @returns tensors (shaped like their parameters) and the scalar state
 */
export function optimizerTensors(optimizer: Optimizer): { tensors: Record<string, Tensor>; scalars: Omit<OptimizerState, 'params'> } {
  const state = optimizer.getState();
  const tensors: Record<string, Tensor> = {};
  state.params.forEach((slot, i) => {
    const shape = [...optimizer.params[i].shape];
    for (const [buffer, values] of Object.entries(slot.buffers)) tensors[`${OPTIMIZER_PREFIX}${slot.name}.${buffer}`] = tensor(Float32Array.from(values), shape);
  });
  return { tensors, scalars: { kind: state.kind, step: state.step, lr: state.lr, hyperparameters: state.hyperparameters } };
}

/**
 * Restores an optimiser from checkpoint tensors and scalars written by {@link optimizerTensors}.
 *
 * @param optimizer - optimiser over the same parameters
 * @param tensors - the checkpoint's tensors
 * @param scalars - the saved scalar state, or undefined when the checkpoint has none (weights only: the optimiser starts fresh)
 * @param file - checkpoint file, for errors
 * @throws `CheckpointError` when a buffer is missing
 */
export function restoreOptimizer(optimizer: Optimizer, tensors: Readonly<Record<string, Tensor>>, scalars: Omit<OptimizerState, 'params'> | undefined, file: string): void {
  if (scalars === undefined) return;
  const fresh = optimizer.getState();
  const params = fresh.params.map((slot) => {
    const buffers: Record<string, Float32Array> = {};
    for (const name of Object.keys(slot.buffers)) {
      const t = tensors[`${OPTIMIZER_PREFIX}${slot.name}.${name}`];
      if (t === undefined) {
        throw new CheckpointError('checkpoint lacks an optimiser buffer', { file, field: `${OPTIMIZER_PREFIX}${slot.name}.${name}`, expected: 'the buffer saved with the weights', found: 'no such tensor' });
      }
      buffers[name] = t.data;
    }
    return { name: slot.name, buffers };
  });
  optimizer.setState({ ...scalars, params });
}
