import { type CheckpointManifest, loadCheckpoint, saveCheckpoint } from '@snn/core/node';
import type { BaselineModel } from '../model/model.js';

/**
 * Saves a baseline model's parameters and buffers as an snn checkpoint (one safetensors file, written atomically).
 *
 * @remarks
 * The tensors are `model.stateTensors()` under PyTorch state-dict names
 * (`conv1.weight`, `bn1.running_mean`, `fc1.bias`, …), so the file loads
 * into the same architecture in PyTorch with `safetensors.torch.load_file`.
 * `meta.kind` records the model kind.
 *
 * @param path - the file to write, e.g. `runs/x/checkpoints/best.safetensors`
 * @param model - an `Mlp` or `Cnn`
 * @param meta - JSON metadata kept with the weights (epoch, metrics, options…)
 * @returns the manifest written
 * @throws errors of `saveCheckpoint` from `@snn/core` (e.g. `NumericError` for a NaN weight)
 * @example
 * ```ts
 * await saveBaseline('best.safetensors', cnn, { epoch: 7 });
 * const meta = await loadBaseline('best.safetensors', createCnn({ rng: new Rng(0) }));
 * ```
 */
export function saveBaseline(path: string, model: BaselineModel, meta: Readonly<Record<string, unknown>> = {}): Promise<CheckpointManifest> {
  return saveCheckpoint(path, { tensors: model.stateTensors(), meta: { ...meta, kind: model.kind } });
}

/**
 * Loads a checkpoint written by {@link saveBaseline} into a model of the same architecture.
 *
 * @param path - the checkpoint file
 * @param model - the model to overwrite (its tensor names and shapes are required of the file)
 * @returns the checkpoint's `meta`
 * @throws `CheckpointError` for a missing file or another architecture (naming the tensor and shapes);
 *   `ChecksumError`, `FileFormatError`, `NumericError` from `loadCheckpoint`
 */
export async function loadBaseline(path: string, model: BaselineModel): Promise<Record<string, unknown>> {
  const expected: Record<string, number[]> = {};
  for (const [name, t] of Object.entries(model.stateTensors())) expected[name] = [...t.shape];
  const { tensors, meta } = await loadCheckpoint(path, { tensors: expected });
  model.loadStateTensors(tensors);
  return meta;
}
