import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { readManifest } from '../run-dir/manifest.js';
import { readMetricsLog } from '../run-dir/metrics-log.js';
import { createRunDir } from '../run-dir/run-dir.js';
import { typescriptBackend } from './backend.js';
import { type CheckpointableOptimizer, type OptimizerSnapshot, loadTrainingCheckpoint, restoreOptimizer, saveTrainingCheckpoint } from './checkpoint.js';
import { readConfusion, saveConfusion } from './confusion.js';
import { ModelSelection, readBestRecord } from './selection.js';
import { type AppIo, type EpochLoop, RunSession, type SplitScore } from './session.js';
import { RUN_STREAMS, streamSeed } from './streams.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'snn-cli-session-'));
});

function captured(): AppIo & { out: () => string } {
  let out = '';
  const sink = { write: () => true, isTTY: false };
  return {
    stdout: {
      write: (s: string) => {
        out += s;
        return true;
      },
      isTTY: false,
    },
    stderr: sink,
    env: {},
    out: () => out,
  };
}

describe('ModelSelection', () => {
  it('selects on validation accuracy even where the test accuracy would pick another epoch', () => {
    const selection = new ModelSelection({ hasValidation: true, patience: 2 });
    const val = [0.5, 0.8, 0.7, 0.75];
    const test = [0.5, 0.7, 0.9, 0.95];
    const steps = val.map((v, e) => selection.observe(e + 1, v, { train: 0.6, test: test[e] }));
    expect(steps.map((s) => s.improved)).toEqual([true, true, false, false]);
    expect(steps.map((s) => s.stop)).toEqual([false, false, false, true]);
    expect(selection.best).toEqual({ metric: 'val_acc', value: 0.8, epoch: 2, trainAccuracy: 0.6, testAccuracy: 0.7 });
    expect(selection.state.staleEpochs).toBe(2);
  });

  it('without a validation split, best is the last epoch; early stopping is refused naming the field', () => {
    const selection = new ModelSelection({ hasValidation: false });
    selection.observe(1, null, { train: 0.5, test: 0.9 });
    expect(selection.observe(2, null, { train: 0.6, test: 0.1 })).toEqual({ improved: true, stop: false });
    expect(selection.best).toEqual({ metric: 'last_epoch', value: null, epoch: 2, trainAccuracy: 0.6, testAccuracy: 0.1 });
    expect(() => new ModelSelection({ hasValidation: false, patience: 3, patienceField: 'training.patience' })).toThrow(
      'field training.patience: early stopping needs a validation split: it never looks at the test set; expected 0 without a validation split (or hold out validation images), found 3',
    );
  });

  it('reads stored records, drops those of older versions that selected on test', () => {
    expect(readBestRecord({ metric: 'test_acc', value: 0.9, epoch: 3 })).toBeNull();
    expect(readBestRecord({ metric: 'test_accuracy', value: 0.9, epoch: 3 })).toBeNull();
    expect(readBestRecord({ metric: 'validation_accuracy', value: 0.8, epoch: 2 })).toEqual({ metric: 'val_acc', value: 0.8, epoch: 2, trainAccuracy: null, testAccuracy: null });
    expect(readBestRecord({ epoch: 4, valAccuracy: 0.7, trainAccuracy: 0.9, testAccuracy: 0.6 })).toEqual({ metric: 'val_acc', value: 0.7, epoch: 4, trainAccuracy: 0.9, testAccuracy: 0.6 });
    expect(readBestRecord(null)).toBeNull();
  });
});

describe('streamSeed', () => {
  it('depends on seed, stream and index only', () => {
    expect(streamSeed(1, RUN_STREAMS.trainEpoch, 3)).toBe(streamSeed(1, RUN_STREAMS.trainEpoch, 3));
    expect(new Set([streamSeed(1, 5, 0), streamSeed(2, 5, 0), streamSeed(1, 6, 0), streamSeed(1, 5, 1)]).size).toBe(4);
    // Pinned: runs of the apps made before the kit draw the same numbers.
    expect(streamSeed(0, 5, 0)).toBe(streamSeed(0, RUN_STREAMS.trainEpoch));
    expect(streamSeed(7, 1, 0)).toBe(1245605181);
  });
});

class FakeOptimizer implements CheckpointableOptimizer {
  state: OptimizerSnapshot;
  constructor(readonly params: readonly { name: string; value: Float32Array; shape: readonly number[] }[]) {
    this.state = { kind: 'adam', step: 3, lr: 0.01, hyperparameters: { beta1: 0.9 }, params: params.map((p) => ({ name: p.name, buffers: { m: p.value.map((v) => v * 2) } })) };
  }
  getState(): OptimizerSnapshot {
    return this.state;
  }
  setState(state: OptimizerSnapshot): void {
    this.state = state;
  }
}

describe('training checkpoints', () => {
  it('round-trips parameters and optimiser buffers; refuses another kind or shape naming both', async () => {
    const w = { name: 'fc1.weight', value: new Float32Array([1, 2, 3, 4, 5, 6]), shape: [2, 3] };
    const file = join(root, 'last.safetensors');
    const checkMeta = (_f: string, m: Record<string, unknown>) => m as { epoch: number; optimizer: null };
    await saveTrainingCheckpoint(file, 'demo-checkpoint', [w], new FakeOptimizer([w]), { epoch: 2 });
    const loaded = await loadTrainingCheckpoint(file, { kind: 'demo-checkpoint', shapes: { 'fc1.weight': [2, 3] }, checkMeta });
    expect(Array.from(loaded.weights['fc1.weight'].data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(loaded.optimizerBuffers['fc1.weight'].m)).toEqual([2, 4, 6, 8, 10, 12]);
    expect(loaded.meta).toMatchObject({ kind: 'demo-checkpoint', epoch: 2, optimizer: { kind: 'adam', step: 3, lr: 0.01 } });
    const fresh = new FakeOptimizer([w]);
    restoreOptimizer(fresh, loaded as never);
    expect(fresh.state.step).toBe(3);
    await expect(loadTrainingCheckpoint(file, { kind: 'other-checkpoint', shapes: { 'fc1.weight': [2, 3] }, checkMeta })).rejects.toThrow(
      `file ${file}, field __metadata__.meta.kind: not a other checkpoint; expected "other-checkpoint", found "demo-checkpoint"`,
    );
    await expect(loadTrainingCheckpoint(file, { kind: 'demo-checkpoint', shapes: { 'fc1.weight': [3, 2] }, checkMeta })).rejects.toThrow(/field fc1\.weight.*expected \[3, 2\], found \[2, 3\]/);
    const bare = join(root, 'bare.safetensors');
    await saveTrainingCheckpoint(bare, 'demo-checkpoint', [w], undefined, { epoch: 1 });
    const weightsOnly = await loadTrainingCheckpoint(bare, { kind: 'demo-checkpoint', shapes: () => ({ 'fc1.weight': [2, 3] }), checkMeta });
    expect(() => restoreOptimizer(new FakeOptimizer([w]), weightsOnly as never)).toThrow('checkpoint holds no optimiser state to resume from');
  });
});

interface Score extends SplitScore {
  readonly accuracy: number;
}

function loop(epochs: number, val: readonly number[] | null, test: readonly number[], session: RunSession, failAt = -1, startEpoch = 0): EpochLoop<Score, Score> {
  let epoch = startEpoch;
  return {
    epochs,
    startEpoch,
    trainSamples: 10,
    selection: new ModelSelection({ hasValidation: val !== null }),
    train: async (e, onBatch) => {
      if (e === failAt) throw new Error(`bad data at epoch ${e + 1}`);
      epoch = e;
      onBatch({ samples: 10, loss: 0.5, correct: 5 });
      return { loss: 0.5, accuracy: 0.5, samples: 10, seconds: 0.1 };
    },
    validate: () => (val ? { accuracy: val[epoch], loss: Number.NaN, seconds: 0 } : null),
    test: () => ({ accuracy: test[epoch], loss: 0.3, seconds: 0, extra: { spike_rate: 0.1 } }),
    save: async (which, c) => saveTrainingCheckpoint(join(session.path, 'checkpoints', `${which}.safetensors`), 'demo-checkpoint', [{ name: 'w', value: new Float32Array([c.epoch]), shape: [1] }], undefined, { epoch: c.epoch }),
  };
}

describe('RunSession', () => {
  it('runs the epochs: metrics, last/best checkpoints by validation, manifest lifecycle and results', async () => {
    const run = await createRunDir({ root, app: 'demo', name: 'a' });
    const io = captured();
    const session = await RunSession.start({ run, app: { name: 'demo', version: '1.2.3', moduleUrl: import.meta.url }, config: { seed: 4 }, backend: { name: 'js', kernelClass: null, requested: 'auto', reason: 'test' }, argv: ['train'], io, quiet: true });
    expect((await readManifest(run.path)).status).toBe('running');
    const summary = await session.run(async () => {
      const s = await session.trainEpochs(loop(3, [0.6, 0.9, 0.7], [0.6, 0.5, 0.95], session));
      await session.complete({ metrics: { epochs: s.epochs }, best: s.best });
      session.printResults(s, 20);
      return s;
    });
    expect(summary.best).toEqual({ metric: 'val_acc', value: 0.9, epoch: 2, trainAccuracy: 0.5, testAccuracy: 0.5 });
    expect(io.out()).toBe('final test accuracy: 95.00% (19/20) after 3 epochs\nbest validation accuracy: 90.00% at epoch 2 (test accuracy at that epoch: 50.00%)\n');
    const best = await loadTrainingCheckpoint(join(run.path, 'checkpoints', 'best.safetensors'), { kind: 'demo-checkpoint', shapes: { w: [1] }, checkMeta: (_f, m) => m });
    expect(best.weights.w.data[0]).toBe(2);
    const records = await readMetricsLog(join(run.path, 'logs', 'metrics.jsonl'));
    expect(records.map((r) => [r.epoch, r.val_acc, r.test_acc, r.test_spike_rate])).toEqual([
      [1, 0.6, 0.6, 0.1],
      [2, 0.9, 0.5, 0.1],
      [3, 0.7, 0.95, 0.1],
    ]);
    const manifest = await readManifest(run.path);
    expect(manifest.status).toBe('completed');
    expect(manifest.versions.packages['@snn-apps/demo']).toBe('1.2.3');
    expect(manifest.lastCheckpoint).toMatchObject({ epoch: 3 });
    expect(manifest.metrics).toMatchObject({ epochs: 3, bestMetric: 'val_acc', bestEpoch: 2, bestValAccuracy: 0.9, testAccuracyAtBest: 0.5, testAccuracy: 0.95 });
  });

  it('a failure marks the manifest failed and, before any checkpoint, puts a replaced run back', async () => {
    const first = await createRunDir({ root, app: 'demo', name: 'b' });
    writeFileSync(join(first.checkpointsDir, 'last.safetensors'), 'old run');
    const run = await createRunDir({ root, app: 'demo', name: 'b', force: true });
    const session = await RunSession.start({ run, app: { name: 'demo', version: '1', moduleUrl: import.meta.url }, config: { seed: 1 }, backend: { name: 'js', kernelClass: null, requested: 'js', reason: 'test' }, argv: [], io: captured(), quiet: true });
    await expect(session.run(() => session.trainEpochs(loop(2, null, [0.5, 0.5], session, 0)))).rejects.toThrow('bad data at epoch 1');
    expect(readFileSync(join(first.checkpointsDir, 'last.safetensors'), 'utf8')).toBe('old run');
    expect(existsSync(join(run.path, 'manifest.json'))).toBe(false);

    // After a first checkpoint, the old run is gone and a later failure is recorded in the new manifest.
    const again = await createRunDir({ root, app: 'demo', name: 'b', force: true });
    const second = await RunSession.start({ run: again, app: { name: 'demo', version: '1', moduleUrl: import.meta.url }, config: { seed: 1 }, backend: { name: 'js', kernelClass: null, requested: 'js', reason: 'test' }, argv: [], io: captured(), quiet: true });
    await expect(second.run(() => second.trainEpochs(loop(3, null, [0.5, 0.5, 0.5], second, 1)))).rejects.toThrow('bad data at epoch 2');
    const manifest = await readManifest(again.path);
    expect(manifest.status).toBe('failed');
    expect(manifest.error).toBe('bad data at epoch 2');
    expect(existsSync(join(again.path, '.replaced'))).toBe(false);
    const last = await loadTrainingCheckpoint(join(again.path, 'checkpoints', 'last.safetensors'), { kind: 'demo-checkpoint', shapes: { w: [1] }, checkMeta: (_f, m) => m });
    expect(last.weights.w.data[0]).toBe(1);
  });

  it('a resumed run drops metrics logged after its checkpoint, so each epoch appears once', async () => {
    const run = await createRunDir({ root, app: 'demo', name: 'c' });
    const init = { app: { name: 'demo', version: '1', moduleUrl: import.meta.url }, config: { seed: 1 }, backend: { name: 'js', kernelClass: null, requested: 'js' as const, reason: 'test' }, argv: [], quiet: true };
    const first = await RunSession.start({ ...init, run, io: captured() });
    await first.run(() => first.trainEpochs(loop(2, null, [0.1, 0.2, 0.3, 0.4], first)));
    // An interrupted session had logged epoch 3 after the checkpoint of epoch 2.
    writeFileSync(join(run.path, 'logs', 'metrics.jsonl'), `${readFileSync(join(run.path, 'logs', 'metrics.jsonl'), 'utf8')}{"epoch":3,"test_acc":0}\n`);
    const reopened = await createRunDir({ root, app: 'demo', name: 'c', resume: true });
    const second = await RunSession.start({ ...init, run: reopened, io: captured() });
    expect(second.resumeFrom).toBe(join(run.path, 'checkpoints', 'last.safetensors'));
    await second.run(() => second.trainEpochs(loop(4, null, [0.1, 0.2, 0.3, 0.4], second, -1, 2)));
    const records = await readMetricsLog(join(run.path, 'logs', 'metrics.jsonl'));
    expect(records.map((r) => [r.epoch, r.test_acc])).toEqual([
      [1, 0.1],
      [2, 0.2],
      [3, 0.3],
      [4, 0.4],
    ]);
    expect((await readManifest(run.path)).resumedAt).toHaveLength(1);
  });
});

describe('run files of the kit', () => {
  it('saves and reads the confusion matrix; a corrupt one is a FileFormatError naming the file', async () => {
    const run = await createRunDir({ root, app: 'demo', name: 'cm' });
    expect(await readConfusion(run.path)).toBeNull();
    await saveConfusion(run.path, { epoch: 2, split: 'test', numClasses: 2, matrix: [3, 1, 0, 4] });
    expect(await readConfusion(run.path)).toEqual({ epoch: 2, split: 'test', numClasses: 2, matrix: [3, 1, 0, 4] });
    writeFileSync(join(run.path, 'logs', 'confusion.json'), '{"numClasses":3,"matrix":[1]}');
    await expect(readConfusion(run.path)).rejects.toThrow(`file ${join(run.path, 'logs', 'confusion.json')}: corrupt confusion matrix file`);
  });

  it('refuses gpu.js backends for a TypeScript-only trainer and says why js ran', async () => {
    await expect(typescriptBackend('webgpu', 'demo train cannot run', 'demo engine', 2)).rejects.toThrow(
      'field --backend: demo train cannot run on a gpu.js backend: the demo engine has only a TypeScript path; expected js or auto, found webgpu',
    );
    expect(await typescriptBackend('auto', 'demo train', 'demo engine', 2)).toMatchObject({ name: 'js', requested: 'auto', reason: 'auto: training has only a TypeScript path; demo engine on 2 threads' });
  });
});
