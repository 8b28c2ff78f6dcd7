import { appendFileSync, copyFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readManifest, readMetricsLog } from '@snn/cli';
import { loadCheckpoint } from '@snn/core/node';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { loadRunCheckpoint } from '../model/checkpoint.js';
import { parameterShapes } from '../model/network.js';
import { paramsHash, runParams } from '../run/params.js';
import { configPath, runApp, tempDir } from '../testing/harness.js';

const TINY = configPath('tiny');

async function tensorsOf(file: string): Promise<Record<string, Buffer>> {
  const { tensors } = await loadCheckpoint(file);
  return Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)]));
}

async function runDirOf(root: string, overrides: Record<string, unknown> = {}): Promise<string> {
  return join(root, 'snn-image-classification', paramsHash(runParams(await loadConfig(TINY, overrides))));
}

describe('train', () => {
  it('writes the hash run directory: params, config, manifest, metrics, checkpoints, figures, report', async () => {
    const root = tempDir();
    const run = await runApp(['train', '--config', TINY, '--runs-dir', root, '--quiet']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const dir = await runDirOf(root);
    expect(run.stdout).toMatch(/^final test accuracy: \d+\.\d\d% \(\d+\/200\) after 2 epochs\nbest validation accuracy: \d+\.\d\d% at epoch [12] \(test accuracy at that epoch: \d+\.\d\d%\)\n/);
    expect(run.stdout.endsWith(`run directory: ${dir} (new, 2 epochs)\n`)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['checkpoints', 'config.yaml', 'figs', 'logs', 'manifest.json', 'params.json', 'report.html']);
    expect(readdirSync(join(dir, 'checkpoints')).sort()).toEqual(['best.safetensors', 'last.safetensors']);
    expect(readdirSync(join(dir, 'logs')).sort()).toEqual(['confusion.json', 'metrics.jsonl']);
    const figs = readdirSync(join(dir, 'figs')).filter((f) => f.endsWith('.png')).sort();
    expect(figs).toEqual(['confusion-matrix.png', 'hidden-raster.png', 'input-raster.png', 'readout-traces.png', 'sample-image.png', 'training-curves.png']);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    for (const f of figs) expect(html).toContain(`src="figs/${f}"`);
    const params = JSON.parse(readFileSync(join(dir, 'params.json'), 'utf8'));
    expect(params.model).toMatchObject({ neuron: 'alif', hidden_size: 16, num_steps: 8 });
    expect(params.training.epochs).toBeUndefined();

    const manifest = await readManifest(dir);
    expect(manifest).toMatchObject({ app: 'snn-image-classification', seed: 7, status: 'completed' });
    expect(manifest.backend).toMatchObject({ name: 'js', kernelClass: null, requested: 'auto' });
    expect(manifest.versions.packages['@snn-apps/snn-image-classification']).toMatch(/^\d+\.\d+\.\d+/);
    expect(manifest.lastCheckpoint).toMatchObject({ file: 'checkpoints/last.safetensors', epoch: 2, step: 18 });
    expect(manifest.metrics).toMatchObject({ epochs: 2 });
    expect(manifest.metrics.bestValAccuracy).toBeGreaterThan(0.2);

    const records = await readMetricsLog(join(dir, 'logs', 'metrics.jsonl'));
    expect(records.map((r) => r.epoch)).toEqual([1, 2]);
    expect(Object.keys(records[0]).sort()).toEqual(
      ['epoch', 'eval_seconds', 'images_per_s', 'lr', 'seconds', 'spike_rate_hidden', 'test_acc', 'test_loss', 'train_acc', 'train_loss', 'train_seconds', 'val_acc', 'val_loss'].sort(),
    );
    const rate = records[1].spike_rate_hidden as number;
    expect(rate).toBeGreaterThan(0);
    expect(rate).toBeLessThan(1);
    const confusion = JSON.parse(readFileSync(join(dir, 'logs', 'confusion.json'), 'utf8')) as { epoch: number; matrix: number[] };
    expect(confusion.matrix.reduce((a, b) => a + b, 0)).toBe(200);
    expect(confusion.epoch).toBe(manifest.metrics.bestEpoch);

    const ckpt = await loadCheckpoint(join(dir, 'checkpoints', 'last.safetensors'));
    expect(Object.keys(ckpt.tensors).sort()).toEqual(
      ['fc1.bias', 'fc1.weight', 'fc2.bias', 'fc2.weight', ...['fc1.bias', 'fc1.weight', 'fc2.bias', 'fc2.weight'].flatMap((p) => [`optimizer.${p}.m`, `optimizer.${p}.v`])].sort(),
    );
    expect(ckpt.tensors['fc1.weight'].shape).toEqual([784, 16]);
    expect(ckpt.meta).toMatchObject({ kind: 'snn-image-classification-checkpoint', epoch: 2, optimizer: { kind: 'adam', step: 18 } });

    const plot = await runApp(['plot', '--run', dir]);
    expect(plot.code).toBe(0);
    expect(plot.stdout.trim().split('\n')).toHaveLength(7);
  }, 60_000);

  it('best.safetensors is the epoch of the highest validation accuracy, not of the highest test accuracy', async () => {
    const root = tempDir();
    const run = await runApp(['train', '--config', TINY, '--runs-dir', root, '--quiet', '--no-figures', '--epochs', '4', '--seed', '2', '--set', 'training.learning_rate=0.03']);
    expect(run.code).toBe(0);
    const [hash] = readdirSync(join(root, 'snn-image-classification'));
    const dir = join(root, 'snn-image-classification', hash);
    const records = await readMetricsLog(join(dir, 'logs', 'metrics.jsonl'));
    const argmax = (key: string): number => records.reduce((a, r) => ((r[key] as number) > (a[key] as number) ? r : a)).epoch as number;
    const bestVal = argmax('val_acc');
    // Seed 2 here: the test set would pick another epoch than the validation set does.
    expect(argmax('test_acc')).not.toBe(bestVal);
    const best = await loadCheckpoint(join(dir, 'checkpoints', 'best.safetensors'));
    expect(best.meta).toMatchObject({ epoch: bestVal, best: { metric: 'val_acc', epoch: bestVal } });
    expect((await readManifest(dir)).metrics).toMatchObject({ bestEpoch: bestVal, testAccuracyAtBest: records[bestVal - 1].test_acc });
  });

  it('resumes automatically: 1 epoch, then the same parameters with 2 epochs, ends as 2 epochs straight', async () => {
    const a = tempDir();
    const b = tempDir();
    const common = ['--config', TINY, '--quiet', '--no-figures'];
    expect((await runApp(['train', ...common, '--runs-dir', a, '--epochs', '2'])).code).toBe(0);
    expect((await runApp(['train', ...common, '--runs-dir', b, '--epochs', '1'])).code).toBe(0);
    const dir = await runDirOf(b);
    // As if interrupted after logging epoch 2 but before its checkpoint was saved: the record is dropped.
    const metricsFile = join(dir, 'logs', 'metrics.jsonl');
    appendFileSync(metricsFile, '{"epoch":2,"train_loss":9}\n');
    const resumed = await runApp(['train', ...common, '--runs-dir', b, '--epochs', '2']);
    expect(resumed.stderr).toBe(`warning: file ${metricsFile}: dropped 1 record(s) of epochs after 1, logged after the last saved checkpoint\n`);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout.endsWith(`run directory: ${dir} (resumed after epoch 1, 2 epochs)\n`)).toBe(true);
    const ta = await tensorsOf(join(await runDirOf(a), 'checkpoints', 'last.safetensors'));
    const tb = await tensorsOf(join(dir, 'checkpoints', 'last.safetensors'));
    expect(Object.keys(tb).sort()).toEqual(Object.keys(ta).sort());
    for (const name of Object.keys(ta)) expect(Buffer.compare(ta[name], tb[name]), name).toBe(0);
    const logA = await readMetricsLog(join(await runDirOf(a), 'logs', 'metrics.jsonl'));
    const logB = await readMetricsLog(join(dir, 'logs', 'metrics.jsonl'));
    expect(logB.map((r) => [r.epoch, r.train_loss, r.val_acc, r.test_acc])).toEqual(logA.map((r) => [r.epoch, r.train_loss, r.val_acc, r.test_acc]));
    const manifest = await readManifest(dir);
    expect(manifest.resumedAt).toHaveLength(1);
    expect(manifest.status).toBe('completed');

    // The same parameters once more: nothing left to train, explicit --resume works too.
    const again = await runApp(['train', ...common, '--runs-dir', b, '--epochs', '2', '--resume']);
    expect(again.code).toBe(0);
    expect(again.stdout.endsWith(`run directory: ${dir} (resumed after epoch 2, 2 epochs)\n`)).toBe(true);
    expect((await readMetricsLog(join(dir, 'logs', 'metrics.jsonl'))).map((r) => r.epoch)).toEqual([1, 2]);
  }, 60_000);

  it('--force-overwrite starts again; --resume without a run and gpu.js backends are refused', async () => {
    const root = tempDir();
    const common = ['--config', TINY, '--quiet', '--no-figures', '--runs-dir', root];
    expect((await runApp(['train', ...common, '--epochs', '1'])).code).toBe(0);
    const dir = await runDirOf(root);
    const before = await tensorsOf(join(dir, 'checkpoints', 'last.safetensors'));
    const over = await runApp(['train', ...common, '--epochs', '1', '--force-overwrite']);
    expect(over.code).toBe(0);
    expect(over.stdout.endsWith(`run directory: ${dir} (overwrite, 1 epoch)\n`)).toBe(true);
    expect(existsSync(join(dir, '.replaced'))).toBe(false);
    expect((await readMetricsLog(join(dir, 'logs', 'metrics.jsonl'))).map((r) => r.epoch)).toEqual([1]);
    expect((await readManifest(dir)).resumedAt).toEqual([]);
    const after = await tensorsOf(join(dir, 'checkpoints', 'last.safetensors'));
    for (const name of Object.keys(before)) expect(Buffer.compare(before[name], after[name]), name).toBe(0);

    const none = await runApp(['train', ...common, '--resume', '--hidden', '8']);
    expect(none.code).toBe(1);
    expect(none.stderr).toBe(`error: file ${await runDirOf(root, { 'model.hidden_size': 8 })}: no run to resume for these parameters; expected a run directory with checkpoints/last.safetensors, found no run directory\n`);
    const gpu = await runApp(['train', ...common, '--backend', 'webasm']);
    expect(gpu.code).toBe(1);
    expect(gpu.stderr).toBe(
      'error: field --backend: snn-image-classification cannot train on a gpu.js backend: the RecurrentClassifier BPTT of @snn/learning has only a TypeScript path; expected js or auto, found webasm\n',
    );
  }, 60_000);

  it('trains LIF with recurrent weights, periodic input and learned decays', async () => {
    const root = tempDir();
    const args = ['--config', TINY, '--quiet', '--no-figures', '--runs-dir', root, '--epochs', '1', '--neuron', 'lif', '--recurrent', '--periodic', '--learn-beta'];
    const run = await runApp(['train', ...args]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const dir = await runDirOf(root, { 'model.neuron': 'lif', 'model.recurrent': true, 'encoding.periodic': true, 'model.learn_beta': true });
    const ckpt = await loadCheckpoint(join(dir, 'checkpoints', 'last.safetensors'));
    const names = Object.keys(ckpt.tensors).filter((n) => !n.startsWith('optimizer.'));
    expect(names.sort()).toEqual(['fc1.bias', 'fc1.weight', 'fc2.bias', 'fc2.weight', 'hidden.alphaLogit', 'readout.kappaLogit', 'rec.weight']);
    expect(ckpt.tensors['rec.weight'].shape).toEqual([16, 16]);
    expect(ckpt.meta).toMatchObject({ spec: { neuron: 'lif', recurrent: true, learnDecay: true, hiddenSize: 16 } });
    const [record] = await readMetricsLog(join(dir, 'logs', 'metrics.jsonl'));
    expect(record.mean_alpha as number).toBeGreaterThan(0);
    expect(record.mean_alpha as number).toBeLessThan(1);
    expect(record.mean_kappa as number).toBeGreaterThan(0);
    expect(record.mean_rho).toBeUndefined();
  }, 60_000);

  it('refuses a checkpoint of another architecture or dataset, naming both shapes', async () => {
    const root = tempDir();
    const common = ['--config', TINY, '--quiet', '--no-figures', '--runs-dir', root, '--epochs', '1'];
    expect((await runApp(['train', ...common])).code).toBe(0);
    expect((await runApp(['train', ...common, '--hidden', '32'])).code).toBe(0);
    const small = await runDirOf(root);
    const large = await runDirOf(root, { 'model.hidden_size': 32 });
    copyFileSync(join(small, 'checkpoints', 'last.safetensors'), join(large, 'checkpoints', 'last.safetensors'));
    const resumed = await runApp(['train', ...common, '--hidden', '32', '--epochs', '2']);
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toBe(
      `error: file ${join(large, 'checkpoints', 'last.safetensors')}, field fc1.weight: checkpoint belongs to another architecture; expected [784, 32], found [784, 16]\n`,
    );
    const config = await loadConfig(TINY);
    await expect(loadRunCheckpoint(join(small, 'checkpoints', 'best.safetensors'), { shapes: parameterShapes(config.model), dataset: 'fashion-mnist' })).rejects.toThrow(
      `file ${join(small, 'checkpoints', 'best.safetensors')}, field __metadata__.meta.params.dataset: checkpoint was trained on another dataset; expected fashion-mnist, found mnist`,
    );
    const recurrent = await loadConfig(TINY, { 'model.recurrent': true });
    await expect(loadRunCheckpoint(join(small, 'checkpoints', 'best.safetensors'), { shapes: parameterShapes(recurrent.model), dataset: 'mnist' })).rejects.toThrow(
      'field rec.weight: checkpoint belongs to another architecture; expected [16, 16], found no such tensor',
    );
  }, 60_000);
});
