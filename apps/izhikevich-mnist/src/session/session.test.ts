import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readManifest } from '@snn/cli';
import { type Rng, tensor } from '@snn/core';
import { describe, expect, it } from 'vitest';
import type { AppIo } from '../app/io.js';
import type { Split } from '../data/mnist.js';
import { tempDir } from '../testing/harness.js';
import { loadModelCheckpoint, saveModelCheckpoint } from './checkpoint.js';
import { toCsv } from './csv.js';
import type { EpochOutcome, Evaluation, ModelState, TrainableModel } from './model.js';
import { runSession } from './run-session.js';

/**
 * A model whose accuracy follows a script, one value per epoch (test split) and, when given, another
 * for the validation split (told apart by its size): exercises selection and early stopping.
 */
class ScriptedModel implements TrainableModel {
  readonly description = 'scripted';
  epoch = 0;
  constructor(
    private readonly script: readonly number[],
    private readonly validation: { readonly size: number; readonly script: readonly number[] } | null = null,
  ) {}
  parameterCount(): number {
    return 3;
  }
  staticMetrics(): Record<string, number> {
    return { flopsPerImage: 6 };
  }
  async trainEpoch(split: Split, order: Uint32Array, _rng: Rng, onBatch: (b: { samples: number; loss: number; correct: number }) => void): Promise<EpochOutcome> {
    this.epoch++;
    onBatch({ samples: order.length, loss: 1 / this.epoch, correct: 0 });
    return { loss: 1 / this.epoch, accuracy: 0.5, samples: split.count, seconds: 0.01, extra: { weight_change: this.epoch } };
  }
  async evaluate(split: Split): Promise<Evaluation> {
    const script = this.validation !== null && split.count === this.validation.size ? this.validation.script : this.script;
    const acc = script[Math.max(0, this.epoch - 1)];
    const right = Math.round(acc * split.count);
    const predictions = Int32Array.from(split.labels, (label, i) => (i < right ? label : (label + 1) % 10));
    return { predictions, loss: Number.NaN, accuracy: right / split.count, seconds: 0, extra: { spike_rate: 0.25 } };
  }
  getState(): ModelState {
    return { tensors: { w: tensor(new Float32Array([this.epoch, 0, 0]), [3]) }, meta: {} };
  }
  setState(state: ModelState): void {
    this.epoch = state.tensors.w.data[0];
  }
  async figures(): Promise<never[]> {
    return [];
  }
}

const silent: AppIo = { stdout: { write: () => true, isTTY: false }, stderr: { write: () => true, isTTY: false }, env: {} };

function config(epochs: number, patience: number, validationFraction = 0) {
  return { seed: 3, data: { train_size: 50, validation_fraction: validationFraction, test_size: 20 }, training: { epochs, early_stopping_patience: patience }, model: { kind: 'scripted' } };
}

describe('runSession', () => {
  it('selects best on validation accuracy, never test, and stops early after `patience` epochs without improvement; logs CSV and JSONL', async () => {
    const root = tempDir();
    // 10 validation images: validation peaks at epoch 3, test at epoch 2 (which must not be chosen).
    const model = new ScriptedModel([0.5, 0.9, 0.6, 0.65, 0.7], { size: 10, script: [0.5, 0.6, 0.8, 0.7, 0.7] });
    const summary = await runSession({
      command: 'fake',
      note: 'test',
      energyModel: 'test',
      config: config(10, 2, 0.2),
      createModel: () => model,
      backend: { name: 'js', kernelClass: null, requested: 'auto', reason: 'test' },
      flags: { runsDir: root, quiet: true, name: 'es', figures: false },
      argv: [],
      io: silent,
    });
    expect(summary.stoppedEarly).toBe(true);
    expect(summary.epochs).toBe(5);
    expect(summary.best).toEqual({ metric: 'val_acc', value: 0.8, epoch: 3, trainAccuracy: 0.5, testAccuracy: 0.6 });
    const dir = join(root, 'izhikevich-mnist', 'fake', 'es');
    const csv = readFileSync(join(dir, 'logs', 'metrics.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(6);
    expect(csv[0]).toBe('epoch,train_loss,train_acc,train_weight_change,val_acc,val_spike_rate,test_acc,test_spike_rate,rss_mib,train_tdp_energy_wh,test_tdp_energy_per_image_j,train_seconds,eval_seconds,seconds,images_per_s');
    expect(csv[2].startsWith('2,0.5,0.5,2,0.6,0.25,0.9,0.25,')).toBe(true);
    const best = await loadModelCheckpoint(join(dir, 'checkpoints', 'best.safetensors'), 'fake');
    expect(best.meta).toMatchObject({ epoch: 3, command: 'fake', staleEpochs: 0 });
    const last = await loadModelCheckpoint(join(dir, 'checkpoints', 'last.safetensors'), 'fake');
    expect(last.meta).toMatchObject({ epoch: 5, staleEpochs: 2 });
    const manifest = await readManifest(dir);
    expect(manifest.name).toBe('fake/es');
    expect(manifest.metrics).toMatchObject({ epochs: 5, parameters: 3, parameterMiB: 0, flopsPerImage: 6, stoppedEarly: true, bestMetric: 'val_acc', bestEpoch: 3, bestValAccuracy: 0.8, testAccuracyAtBest: 0.6, testAccuracy: 0.7 });
  });

  it('without a validation split selects the last epoch and refuses early stopping', async () => {
    const root = tempDir();
    const common = { command: 'fake', note: 'test', energyModel: 'test', backend: { name: 'js', kernelClass: null, requested: 'auto' as const, reason: 'test' }, argv: [], io: silent };
    const summary = await runSession({ ...common, config: config(3, 0), createModel: () => new ScriptedModel([0.5, 0.9, 0.6]), flags: { runsDir: root, quiet: true, name: 'last', figures: false } });
    expect(summary.best).toEqual({ metric: 'last_epoch', value: null, epoch: 3, trainAccuracy: 0.5, testAccuracy: 0.6 });
    const best = await loadModelCheckpoint(join(root, 'izhikevich-mnist', 'fake', 'last', 'checkpoints', 'best.safetensors'), 'fake');
    expect(best.meta.epoch).toBe(3);
    await expect(runSession({ ...common, config: config(3, 2), createModel: () => new ScriptedModel([0.5]), flags: { runsDir: root, quiet: true, name: 'es', figures: false } })).rejects.toThrow(
      'field training.early_stopping_patience: early stopping needs a validation split: it never looks at the test set; expected 0 without a validation split (or hold out validation images), found 2',
    );
    expect((await readManifest(join(root, 'izhikevich-mnist', 'fake', 'es'))).status).toBe('failed');
  });

  it("logs the seed's energy estimate, TDP × time: per epoch, per test image and in total (--tdp-watts)", async () => {
    const root = tempDir();
    const out: string[] = [];
    const io: AppIo = { ...silent, stdout: { write: (s: string) => out.push(s) > 0, isTTY: false } };
    const common = { command: 'fake', note: 'test', energyModel: 'scripted model', backend: { name: 'js', kernelClass: null, requested: 'auto' as const, reason: 'test' }, argv: [], io };
    // Each scripted epoch trains for 0.01 s: 100 W × 0.01 s = 1 J = 1/3600 Wh.
    await runSession({ ...common, config: config(3, 0), createModel: () => new ScriptedModel([0.5, 0.6, 0.7]), flags: { runsDir: root, quiet: true, name: 'tdp', figures: false, tdpWatts: 100 } });
    const dir = join(root, 'izhikevich-mnist', 'fake', 'tdp');
    const rows = readFileSync(join(dir, 'logs', 'metrics.csv'), 'utf8').trim().split('\n');
    const column = rows[0].split(',').indexOf('train_tdp_energy_wh');
    for (const row of rows.slice(1)) expect(Number(row.split(',')[column])).toBeCloseTo(1 / 3600, 12);
    const manifest = await readManifest(dir);
    expect(manifest.metrics.tdpWatts).toBe(100);
    expect(manifest.metrics.tdpTrainingEnergyWh as number).toBeCloseTo(3 / 3600, 12);
    // The seed's "energy per sample": the total over the 50 training images.
    expect(manifest.metrics.tdpEnergyPerTrainingImageWh as number).toBeCloseTo(3 / 3600 / 50, 14);
    expect(manifest.metrics.test_tdp_energy_per_image_j).toBe(0); // the scripted evaluation takes 0 s
    expect(out.join('')).toContain("energy per test image: 0.00 pJ (TDP 100 W × test time, the seed's estimate); training: 0.000833 Wh (TDP × training time)");
    // The default is the seed's 160 W.
    await runSession({ ...common, config: config(1, 0), createModel: () => new ScriptedModel([0.5]), flags: { runsDir: root, quiet: true, name: 'default', figures: false } });
    const m160 = await readManifest(join(root, 'izhikevich-mnist', 'fake', 'default'));
    expect(m160.metrics.tdpWatts).toBe(160);
    expect(m160.metrics.tdpTrainingEnergyWh as number).toBeCloseTo((160 * 0.01) / 3600, 12);
  });

  it('resumes from a checkpoint in a new run directory and evaluates one in test mode', async () => {
    const root = tempDir();
    const common = { command: 'fake', note: 'test', energyModel: 'test', backend: { name: 'js', kernelClass: null, requested: 'auto' as const, reason: 'test' }, argv: [], io: silent };
    const script = [0.1, 0.2, 0.3, 0.4];
    await runSession({ ...common, config: config(2, 0), createModel: () => new ScriptedModel(script), flags: { runsDir: root, quiet: true, name: 'first', figures: false } });
    const from = join(root, 'izhikevich-mnist', 'fake', 'first', 'checkpoints', 'last.safetensors');
    const resumed = await runSession({ ...common, config: config(4, 0), createModel: () => new ScriptedModel(script), flags: { runsDir: root, quiet: true, name: 'second', resumeFrom: from, figures: false } });
    expect(resumed.epochs).toBe(4);
    expect(resumed.testAccuracy).toBe(0.4);
    const lines = readFileSync(join(root, 'izhikevich-mnist', 'fake', 'second', 'logs', 'metrics.csv'), 'utf8').trim().split('\n');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['3', '4']);
    const tested = await runSession({ ...common, config: config(4, 0), createModel: () => new ScriptedModel(script), flags: { runsDir: root, quiet: true, name: 'third', resumeFrom: from, testMode: true, figures: false } });
    expect(tested.testAccuracy).toBe(0.2);
    expect(existsSync(join(root, 'izhikevich-mnist', 'fake', 'third', 'checkpoints', 'last.safetensors'))).toBe(false);
  });

  it('refuses missing, foreign and other-command checkpoints with clear messages', async () => {
    const root = tempDir();
    await expect(loadModelCheckpoint(join(root, 'none.safetensors'), 'mlp')).rejects.toThrow(
      `file ${join(root, 'none.safetensors')}, field --resume-from: checkpoint file not found; expected a checkpoint written by izhikevich-mnist mlp, found no such file`,
    );
    const file = join(root, 'x.safetensors');
    await saveModelCheckpoint(file, { tensors: { w: tensor(new Float32Array(1), [1]) }, meta: {} }, { command: 'cnn', epoch: 1, model: {}, best: null, staleEpochs: 0 });
    await expect(loadModelCheckpoint(file, 'mlp')).rejects.toThrow(`file ${file}, field __metadata__.meta.command: checkpoint was written by another command; expected mlp, found cnn`);
  });

  it('renders CSV with the union of keys and quotes where needed', () => {
    expect(toCsv([{ a: 1, b: 'x,y' }, { a: 2, c: null }])).toBe('a,b,c\n1,"x,y",\n2,,\n');
    expect(toCsv([])).toBe('');
  });
});
