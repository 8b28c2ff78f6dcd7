import { CheckpointError, type Tensor, tensor } from '@snn/core';

/** A named array of a model's state with its shape (a parameter's value or a buffer). */
export interface StateEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly value: Float32Array;
}

/** Copies the entries into tensors by name. */
export function stateToTensors(entries: readonly StateEntry[]): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const e of entries) out[e.name] = tensor(e.value.slice(), [...e.shape], e.name);
  return out;
}

/** Overwrites the entries' values from tensors by name; every entry must be present with its shape, and no other tensor. */
export function loadTensorsInto(owner: string, entries: readonly StateEntry[], tensors: Readonly<Record<string, Tensor>>): void {
  const names = new Set(entries.map((e) => e.name));
  for (const name of Object.keys(tensors ?? {})) {
    if (!names.has(name)) {
      throw new CheckpointError('unexpected tensor for this model', { field: `${owner}.${name}`, expected: `one of ${[...names].join(', ')}`, found: name });
    }
  }
  for (const e of entries) {
    const t = tensors?.[e.name];
    const want = `[${e.shape.join(', ')}]`;
    if (!t) throw new CheckpointError('missing tensor', { field: `${owner}.${e.name}`, expected: want, found: 'no such tensor' });
    const found = `[${t.shape.join(', ')}]`;
    if (found !== want || t.data.length !== e.value.length) {
      throw new CheckpointError('tensor shape does not match the model', { field: `${owner}.${e.name}`, expected: want, found });
    }
  }
  for (const e of entries) e.value.set(tensors[e.name].data);
}
