import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readManifest, readMetricsLog } from '@snn/cli';
import { loadCheckpoint } from '@snn/core/node';
import { describe, expect, it } from 'vitest';
import { configPath, runApp, tempDir } from '../testing/harness.js';

const TINY = configPath('tiny');

async function tensorsOf(file: string): Promise<Record<string, Buffer>> {
  const { tensors } = await loadCheckpoint(file);
  return Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength)]));
}

describe('neurospike train', () => {
  it('writes the run directory: config, manifest, metrics, checkpoints, figures, report', async () => {
    const root = tempDir();
    const run = await runApp(['train', '--config', TINY, '--runs-dir', root, '--name', 'layout', '--quiet']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const dir = join(root, 'neurospike', 'layout');
    expect(run.stdout).toMatch(/^final test accuracy: \d+\.\d\d% \(\d+\/200\) after 2 epochs\nbest checkpoint: the last epoch \(2\); no validation split to select on\nrun directory: /);
    expect(run.stdout.endsWith(`run directory: ${dir}\n`)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['checkpoints', 'config.yaml', 'figs', 'logs', 'manifest.json', 'report.html']);
    expect(readdirSync(join(dir, 'checkpoints')).sort()).toEqual(['best.safetensors', 'last.safetensors']);
    expect(readdirSync(join(dir, 'logs')).sort()).toEqual(['confusion.json', 'metrics.jsonl']);
    const figs = readdirSync(join(dir, 'figs')).filter((f) => f.endsWith('.png')).sort();
    expect(figs).toEqual([
      'confusion-matrix.png',
      'hidden1-membrane.png',
      'hidden1-raster.png',
      'input-raster.png',
      'output-membrane.png',
      'output-raster.png',
      'sample-digit.png',
      'training-curves.png',
    ]);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    for (const f of figs) expect(html).toContain(`src="figs/${f}"`);

    const manifest = await readManifest(dir);
    expect(manifest.app).toBe('neurospike');
    expect(manifest.name).toBe('layout');
    expect(manifest.seed).toBe(7);
    expect(manifest.status).toBe('completed');
    expect(manifest.backend).toMatchObject({ name: 'js', kernelClass: null, requested: 'auto' });
    expect(manifest.versions.packages['@snn/learning']).toMatch(/^\d+\.\d+\.\d+/);
    expect(manifest.versions.packages['@snn-apps/neurospike']).toMatch(/^\d+\.\d+\.\d+/);
    expect(Object.keys(manifest.phases).sort()).toEqual(['eval', 'figures', 'load', 'train']);
    expect(manifest.phases.train.count).toBe(2);
    expect(manifest.lastCheckpoint).toMatchObject({ file: 'checkpoints/last.safetensors', epoch: 2, step: 20 });
    expect(manifest.metrics).toMatchObject({ epochs: 2, bestMetric: 'last_epoch', bestEpoch: 2 });
    expect(manifest.metrics.testAccuracy).toBeGreaterThan(0.2);

    const records = await readMetricsLog(join(dir, 'logs', 'metrics.jsonl'));
    expect(records.map((r) => r.epoch)).toEqual([1, 2]);
    expect(Object.keys(records[0]).sort()).toEqual(
      [
        'epoch',
        'eval_seconds',
        'images_per_s',
        'lr',
        'seconds',
        'spike_rate_fc1',
        'spike_rate_fc2',
        'spike_rate_hidden',
        'spike_rate_output',
        'test_acc',
        'test_loss',
        'train_acc',
        'train_loss',
        'train_seconds',
      ].sort(),
    );
    expect(records[1].lr).toBe(0.005);
    const hidden = records[1].spike_rate_hidden as number;
    expect(hidden).toBeGreaterThan(0);
    expect(hidden).toBeLessThan(1);
    const confusion = JSON.parse(readFileSync(join(dir, 'logs', 'confusion.json'), 'utf8')) as { epoch: number; matrix: number[] };
    expect(confusion.epoch).toBe(2);
    expect(confusion.matrix.reduce((a, b) => a + b, 0)).toBe(200);

    const ckpt = await loadCheckpoint(join(dir, 'checkpoints', 'last.safetensors'));
    expect(Object.keys(ckpt.tensors).sort()).toEqual([
      'fc1.bias',
      'fc1.weight',
      'fc2.bias',
      'fc2.weight',
      'optimizer.fc1.bias.m',
      'optimizer.fc1.bias.v',
      'optimizer.fc1.weight.m',
      'optimizer.fc1.weight.v',
      'optimizer.fc2.bias.m',
      'optimizer.fc2.bias.v',
      'optimizer.fc2.weight.m',
      'optimizer.fc2.weight.v',
    ]);
    expect(ckpt.tensors['fc1.weight'].shape).toEqual([784, 16]);
    expect(ckpt.meta).toMatchObject({ kind: 'neurospike-checkpoint', epoch: 2, seed: 7, numSteps: 8, optimizer: { kind: 'adam', step: 20 }, scheduler: null });

    const plot = await runApp(['plot', '--run', dir]);
    expect(plot.code).toBe(0);
    expect(plot.stdout.trim().split('\n')).toHaveLength(9);
  }, 30_000);

  it('with a validation split, best.safetensors is the epoch of the highest validation accuracy, not of the highest test accuracy', async () => {
    const root = tempDir();
    const run = await runApp(['train', '--config', TINY, '--runs-dir', root, '--name', 'val', '--quiet', '--no-figures', '--epochs', '4', '--set', 'training.validation=0.2', 'training.learning_rate=0.02']);
    expect(run.code).toBe(0);
    const dir = join(root, 'neurospike', 'val');
    const records = await readMetricsLog(join(dir, 'logs', 'metrics.jsonl'));
    const argmax = (key: string): number => records.reduce((a, r) => ((r[key] as number) > (a[key] as number) ? r : a)).epoch as number;
    const bestVal = argmax('val_acc');
    // Seed 7 here: the test set would pick another epoch than the validation set does.
    expect(argmax('test_acc')).not.toBe(bestVal);
    const best = await loadCheckpoint(join(dir, 'checkpoints', 'best.safetensors'));
    expect(best.meta).toMatchObject({ epoch: bestVal, best: { metric: 'val_acc', epoch: bestVal } });
    const atBest = records[bestVal - 1];
    expect(run.stdout).toContain(`best validation accuracy: ${(100 * (atBest.val_acc as number)).toFixed(2)}% at epoch ${bestVal} (test accuracy at that epoch: ${(100 * (atBest.test_acc as number)).toFixed(2)}%)`);
  });

  it('resumes exactly: 1 epoch + --resume to 2 ends with the same weights as 2 epochs', async () => {
    const root = tempDir();
    const common = ['--config', TINY, '--runs-dir', root, '--quiet', '--no-figures'];
    expect((await runApp(['train', ...common, '--name', 'straight', '--epochs', '2'])).code).toBe(0);
    expect((await runApp(['train', ...common, '--name', 'resumed', '--epochs', '1'])).code).toBe(0);
    const resumed = await runApp(['train', '--runs-dir', root, '--quiet', '--no-figures', '--name', 'resumed', '--resume', '--epochs', '2']);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    const a = await tensorsOf(join(root, 'neurospike', 'straight', 'checkpoints', 'last.safetensors'));
    const b = await tensorsOf(join(root, 'neurospike', 'resumed', 'checkpoints', 'last.safetensors'));
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    for (const name of Object.keys(a)) expect(Buffer.compare(a[name], b[name]), name).toBe(0);
    const logA = await readMetricsLog(join(root, 'neurospike', 'straight', 'logs', 'metrics.jsonl'));
    const logB = await readMetricsLog(join(root, 'neurospike', 'resumed', 'logs', 'metrics.jsonl'));
    expect(logB.map((r) => [r.epoch, r.train_loss, r.test_acc])).toEqual(logA.map((r) => [r.epoch, r.train_loss, r.test_acc]));
    const manifest = await readManifest(join(root, 'neurospike', 'resumed'));
    expect(manifest.resumedAt).toHaveLength(1);
    expect(manifest.lastCheckpoint?.epoch).toBe(2);
    expect(manifest.status).toBe('completed');
  }, 30_000);

  it('refuses to resume with another architecture, and refuses gpu.js backends', async () => {
    const root = tempDir();
    expect((await runApp(['train', '--config', TINY, '--runs-dir', root, '--quiet', '--no-figures', '--name', 'r', '--epochs', '1'])).code).toBe(0);
    const other = await runApp(['train', '--runs-dir', root, '--quiet', '--name', 'r', '--resume', '--set', 'model.hidden_size=32']);
    expect(other.code).toBe(2);
    expect(other.stderr).toBe(`error: file ${join(root, 'neurospike', 'r', 'config.yaml')}, field model.hidden_size: cannot resume with a different value; saved 16, requested 32\n`);
    const gpu = await runApp(['train', '--config', TINY, '--runs-dir', root, '--name', 'g', '--backend', 'webasm']);
    expect(gpu.code).toBe(1);
    expect(gpu.stderr).toBe(
      'error: field --backend: neurospike train cannot run on a gpu.js backend: the LifNetwork BPTT engine of @snn/learning has only a TypeScript path; expected js or auto (gpu.js backends run the kernels of `neurospike infer` and `neurospike plot`), found webasm\n',
    );
    expect(existsSync(join(root, 'neurospike', 'g'))).toBe(false);
  }, 30_000);
});
