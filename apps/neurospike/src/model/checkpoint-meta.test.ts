import { join } from 'node:path';
import { CheckpointError, tensor } from '@snn/core';
import { saveCheckpoint } from '@snn/core/node';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../testing/harness.js';
import { validateCheckpointMeta } from './checkpoint-meta.js';
import { weightShapes } from './network.js';
import { loadTrainedModel } from './trained-model.js';

const META = {
  kind: 'neurospike-checkpoint',
  epoch: 1,
  seed: 0,
  numSteps: 25,
  network: {
    sizes: [784, 4, 10],
    lif: [
      { beta: 0.95, threshold: 1, resetMechanism: 'subtract' },
      { beta: 0.95, threshold: 1, resetMechanism: 'subtract' },
    ],
    residual: [false, false],
    surrogate: { name: 'atan', options: { alpha: 2 } },
  },
  encoding: { type: 'rate', gain: 1, tau: 5, threshold: 0.01, linear: true, normalize: true, clip: true, first_spike_time: 0, scope: 'sample' },
  optimizer: { kind: 'adam', step: 0, lr: 0.001, hyperparameters: {} },
  scheduler: null,
  rng: { nextEpoch: { s: [1, 2, 3, 4] } },
  best: null,
  metrics: {},
};

/** A bare checkpoint (not in a run directory) of a 784-4-10 network with `meta` changed by `edit`. */
async function bareCheckpoint(edit: (meta: typeof META) => unknown): Promise<string> {
  const file = join(tempDir(), 'bare.safetensors');
  const tensors = Object.fromEntries(Object.entries(weightShapes([784, 4, 10])).map(([name, shape]) => [name, tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.01), shape)]));
  await saveCheckpoint(file, { tensors, meta: edit(structuredClone(META)) as Record<string, unknown> });
  return file;
}

function messageOf(meta: unknown): string {
  try {
    validateCheckpointMeta('c.safetensors', meta as Record<string, unknown>);
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointError);
    return (error as Error).message;
  }
  return 'valid';
}

describe('checkpoint metadata is validated like a config', () => {
  it('accepts the metadata the app writes', () => {
    expect(messageOf(META)).toBe('valid');
  });

  it('names the file and the field of each bad value', () => {
    const bad = (edit: (m: typeof META) => void) => {
      const meta = structuredClone(META);
      edit(meta);
      return messageOf(meta);
    };
    expect(bad((m) => Object.assign(m.encoding, { type: 'morse' }))).toBe(
      'file c.safetensors, field __metadata__.meta.encoding.type: invalid checkpoint metadata; expected one of "rate", "latency", found "morse"',
    );
    expect(bad((m) => Object.assign(m, { numSteps: 1e9 }))).toBe('file c.safetensors, field __metadata__.meta.numSteps: invalid checkpoint metadata; expected an integer in [1, 10000], found 1000000000');
    expect(bad((m) => Object.assign(m.network.lif[0], { beta: -5 }))).toBe(
      'file c.safetensors, field __metadata__.meta.network.lif[0].beta: invalid checkpoint metadata; expected a number in [0, 1], found -5',
    );
    expect(bad((m) => Object.assign(m.network, { sizes: [784, 1e9, 10] }))).toBe(
      'file c.safetensors, field __metadata__.meta.network.sizes[1]: invalid checkpoint metadata; expected an integer in [1, 16384], found 1000000000',
    );
    expect(bad((m) => Object.assign(m.network, { sizes: [784, 4, 3] }))).toBe('file c.safetensors, field __metadata__.meta.network.sizes[2]: invalid checkpoint metadata; expected 10 outputs, found 3');
    expect(bad((m) => Object.assign(m.network.surrogate, { name: 'tanh' }))).toMatch(/^file c\.safetensors, field __metadata__\.meta\.network\.surrogate\.name: invalid checkpoint metadata; expected one of/);
    expect(bad((m) => Object.assign(m.network, { residual: 'no' }))).toBe('file c.safetensors, field __metadata__.meta.network.residual: invalid checkpoint metadata; expected 2 true/false flags, found "no"');
  });

  it('infer on a bare checkpoint with a bad encoding, step count or LIF beta fails naming the file (it printed p = 0.1 or crashed)', async () => {
    const morse = await bareCheckpoint((m) => ({ ...m, encoding: { ...m.encoding, type: 'morse' } }));
    await expect(loadTrainedModel(morse)).rejects.toThrow(`file ${morse}, field __metadata__.meta.encoding.type: invalid checkpoint metadata`);
    const long = await bareCheckpoint((m) => ({ ...m, numSteps: 1e9 }));
    await expect(loadTrainedModel(long)).rejects.toThrow(`file ${long}, field __metadata__.meta.numSteps: invalid checkpoint metadata`);
    const beta = await bareCheckpoint((m) => {
      m.network.lif[1].beta = -5;
      return m;
    });
    await expect(loadTrainedModel(beta)).rejects.toThrow(CheckpointError);
    const good = await bareCheckpoint((m) => m);
    expect((await loadTrainedModel(good)).settings.numSteps).toBe(25);
  });
});
