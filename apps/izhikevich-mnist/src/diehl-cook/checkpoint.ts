import { existsSync } from 'node:fs';
import { CheckpointError, type RngState, type Tensor, ValidationError, tensor } from '@snn/core';
import { loadCheckpoint, saveCheckpoint } from '@snn/core/node';
import { type DiehlCookSettings, type DiehlCookSettingsInput, diehlCookSettings } from './config.js';
import { DiehlCookNetwork } from './network.js';

/** Training progress kept with the network in a checkpoint. */
export interface TrainingProgress {
  /** Index of the next training example to present. */
  readonly nextExample: number;
  /** RNG state after the last presented example. */
  readonly rng: RngState;
  /** Current neuron assignments (layer 1), −1 = none. */
  readonly assignments: number[];
  /** Current neuron assignments of layer 2 (empty without it). */
  readonly assignments2: number[];
  /** Layer-1 counts of the examples since the last assignment update, `[k, nE]` row-major. */
  readonly intervalCounts: Float64Array;
  /** Layer-2 counts of those examples. */
  readonly intervalCounts2: Float64Array;
  /** Labels of those examples. */
  readonly intervalLabels: number[];
  /** Correct predictions (layer 1) among those examples. */
  readonly intervalCorrect: number;
  /** Correct predictions (layer 2) among those examples. */
  readonly intervalCorrect2: number;
}

/**
 * Float64 values as three Float32 arrays whose sum is the value exactly (for |x| ≥ 1e-20, and 0 below):
 * `a = f32(x)`, `b = f32(x − a)`, `c = f32(x − a − b)`. Checkpoints hold F32 tensors; this keeps resumed runs exact.
 */
function split(values: Float64Array): { hi: Float32Array; residual: Float32Array } {
  const n = values.length;
  const hi = new Float32Array(n);
  const residual = new Float32Array(2 * n);
  for (let k = 0; k < n; k++) {
    const x = Math.abs(values[k]) < 1e-20 ? 0 : values[k];
    const a = Math.fround(x);
    const b = Math.fround(x - a);
    hi[k] = a;
    residual[k] = b;
    residual[n + k] = Math.fround(x - a - b);
  }
  return { hi, residual };
}

function join(hi: Tensor, residual: Tensor): Float64Array {
  const n = hi.data.length;
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = hi.data[k] + residual.data[k] + residual.data[n + k];
  return out;
}

function put(tensors: Record<string, Tensor>, name: string, values: Float64Array, shape: number[]): void {
  const { hi, residual } = split(values);
  tensors[name] = tensor(hi, shape, name);
  tensors[`${name}.residual`] = tensor(residual, [2, ...shape], `${name}.residual`);
}

const STATE_KEYS = ['v', 'ge', 'gi', 'timerMs', 'refractoryLeftMs'] as const;

/**
 * Saves the network and the training progress atomically (one safetensors file via `saveCheckpoint`).
 *
 * @remarks
 * `l1.weight` `[784, nE]` holds the input weights as F32 (readable by any safetensors tool); `.residual`
 * tensors make every Float64 state exact on resume. Spike times of the STDP traces (the last emissions of each input, the
 * last spike of each neuron) are stored as ages in steps; spikes still in flight are rebuilt from them.
 */
export async function saveDiehlCookCheckpoint(path: string, net: DiehlCookNetwork, progress: TrainingProgress): Promise<void> {
  const tensors: Record<string, Tensor> = {};
  net.layers.forEach((layer, k) => {
    const p = `l${k + 1}`;
    put(tensors, `${p}.weight`, layer.weights, [layer.nPre, layer.n]);
    tensors[`${p}.delay_steps`] = tensor(Float32Array.from(layer.delaySteps), [layer.nPre, layer.n]);
    put(tensors, `${p}.theta`, layer.exc.theta, [layer.n]);
    for (const [which, st] of [
      ['exc', layer.exc],
      ['inh', layer.inh],
    ] as const) {
      const packed = new Float64Array(STATE_KEYS.length * layer.n);
      for (let r = 0; r < STATE_KEYS.length; r++) packed.set(st[STATE_KEYS[r]], r * layer.n);
      put(tensors, `${p}.${which}_state`, packed, [STATE_KEYS.length, layer.n]);
    }
    tensors[`${p}.counter`] = tensor(Float32Array.from(layer.counter), [layer.n]);
    if (layer.colSums) put(tensors, `${p}.col_sums`, layer.colSums, [layer.n]);
    const st = layer.synapses.getState();
    const age = (a: Float64Array) => Float64Array.from(a, (t) => (t === Number.NEGATIVE_INFINITY ? -1 : net.step - t));
    const slots = st.history.length / layer.nPre;
    put(tensors, `${p}.stdp_pre_history_age`, age(st.history), [layer.nPre, slots]);
    tensors[`${p}.stdp_pre_history_head`] = tensor(Float32Array.from(st.historyHead), [layer.nPre]);
    put(tensors, `${p}.stdp_post_age`, age(st.lastPostStep), [layer.n]);
    // Power-law rule: the additive pre trace after each kept emission.
    if (st.historyTrace) put(tensors, `${p}.stdp_pre_history_trace`, st.historyTrace, [layer.nPre, slots]);
  });
  const k = progress.intervalLabels.length;
  if (k > 0) {
    tensors['interval.counts'] = tensor(Float32Array.from(progress.intervalCounts), [k, net.settings.nE]);
    if (net.settings.nE2 > 0) tensors['interval.counts2'] = tensor(Float32Array.from(progress.intervalCounts2), [k, net.settings.nE2]);
  }
  await saveCheckpoint(path, {
    tensors,
    meta: {
      kind: 'diehl-cook',
      settings: net.settings,
      step: net.step,
      nextExample: progress.nextExample,
      rng: progress.rng,
      assignments: progress.assignments,
      assignments2: progress.assignments2,
      intervalLabels: progress.intervalLabels,
      intervalCorrect: progress.intervalCorrect,
      intervalCorrect2: progress.intervalCorrect2,
      // Columns STDP changed since the last normalisation (the next one rescales only these).
      changedColumns: net.layers.map((layer) => Array.from(layer.synapses.changedColumns())),
    },
  });
}

/** A network and its progress read back by {@link loadDiehlCookCheckpoint}. */
export interface LoadedDiehlCook {
  /** The network, exactly as saved. */
  readonly net: DiehlCookNetwork;
  /** The training progress. */
  readonly progress: TrainingProgress;
  /** The settings stored in the checkpoint. */
  readonly settings: DiehlCookSettings;
}

/**
 * Loads a checkpoint written by {@link saveDiehlCookCheckpoint}.
 * @throws `CheckpointError` naming the file when it is missing, not a Diehl & Cook checkpoint, or has missing or
 *   invalid network settings (the field is named, e.g. `meta.settings.preUpdate`); the errors of
 *   `loadCheckpoint` (shape, checksum) otherwise
 */
export async function loadDiehlCookCheckpoint(path: string): Promise<LoadedDiehlCook> {
  if (!existsSync(path)) {
    throw new CheckpointError('no checkpoint to resume from', { file: path, expected: 'a checkpoint written by `diehl-cook train`', found: 'no such file' });
  }
  const { tensors, meta } = await loadCheckpoint(path);
  if (meta.kind !== 'diehl-cook') {
    throw new CheckpointError('not a Diehl & Cook checkpoint', { file: path, expected: 'meta.kind "diehl-cook"', found: JSON.stringify(meta.kind) });
  }
  const settings = checkpointSettings(meta.settings, path);
  const step = meta.step as number;
  const get = (name: string): Tensor => {
    const t = tensors[name];
    if (!t) throw new CheckpointError('checkpoint lacks a tensor', { file: path, field: name, expected: 'present', found: 'missing' });
    return t;
  };
  const exact = (name: string) => join(get(name), get(`${name}.residual`));
  const sizes = settings.nE2 > 0 ? [784, settings.nE, settings.nE2] : [784, settings.nE];
  const projections = sizes.slice(1).map((n, k) => ({
    nPre: sizes[k],
    nPost: n,
    weights: exact(`l${k + 1}.weight`),
    delaySteps: Uint8Array.from(get(`l${k + 1}.delay_steps`).data),
  }));
  const net = new DiehlCookNetwork(settings, projections);
  net.step = step;
  net.layers.forEach((layer, k) => {
    const p = `l${k + 1}`;
    layer.exc.theta.set(exact(`${p}.theta`));
    for (const [which, st] of [
      ['exc', layer.exc],
      ['inh', layer.inh],
    ] as const) {
      const packed = exact(`${p}.${which}_state`);
      for (let r = 0; r < STATE_KEYS.length; r++) st[STATE_KEYS[r]].set(packed.subarray(r * layer.n, (r + 1) * layer.n));
    }
    layer.counter.set(get(`${p}.counter`).data);
    if (tensors[`${p}.col_sums`]) {
      layer.trackSums(exact(`${p}.col_sums`));
      // Older checkpoints do not list the changed columns: rescale all of them at the next normalisation.
      const changed = (meta.changedColumns as number[][] | undefined)?.[k] ?? Array.from({ length: layer.n }, (_, j) => j);
      layer.synapses.markColumnsChanged(changed);
    }
    const time = (a: Float64Array) => Float64Array.from(a, (age) => (age < 0 ? Number.NEGATIVE_INFINITY : step - age));
    layer.synapses.setState({
      history: time(exact(`${p}.stdp_pre_history_age`)),
      historyHead: Int32Array.from(get(`${p}.stdp_pre_history_head`).data),
      lastPostStep: time(exact(`${p}.stdp_post_age`)),
      deliveredStep: step - 1,
      ...(tensors[`${p}.stdp_pre_history_trace`] ? { historyTrace: exact(`${p}.stdp_pre_history_trace`) } : {}),
    });
    layer.wakeAllInhibitory();
  });
  const labels = (meta.intervalLabels as number[]) ?? [];
  const progress: TrainingProgress = {
    nextExample: meta.nextExample as number,
    rng: meta.rng as RngState,
    assignments: meta.assignments as number[],
    assignments2: (meta.assignments2 as number[]) ?? [],
    intervalCounts: labels.length > 0 ? Float64Array.from(get('interval.counts').data) : new Float64Array(0),
    intervalCounts2: labels.length > 0 && settings.nE2 > 0 ? Float64Array.from(get('interval.counts2').data) : new Float64Array(0),
    intervalLabels: labels,
    intervalCorrect: meta.intervalCorrect as number,
    intervalCorrect2: (meta.intervalCorrect2 as number) ?? 0,
  };
  return { net, progress, settings };
}

/**
 * The network settings stored in a checkpoint, through the validation (so checkpoints written before a setting
 * existed get its default). A missing or invalid entry is a `CheckpointError` naming the file and the field.
 */
function checkpointSettings(raw: unknown, path: string): DiehlCookSettings {
  if (raw === null || typeof raw !== 'object' || !('nE' in raw)) {
    throw new CheckpointError('checkpoint lacks the network settings', { file: path, field: 'meta.settings', expected: 'an object with nE, dtMs, …', found: JSON.stringify(raw) ?? 'undefined' });
  }
  try {
    return diehlCookSettings(raw as DiehlCookSettingsInput);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    throw new CheckpointError('checkpoint has invalid network settings', { file: path, field: `meta.settings.${e.field}`, expected: e.expected, found: e.found });
  }
}
