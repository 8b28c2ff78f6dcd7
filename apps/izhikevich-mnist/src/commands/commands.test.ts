import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readManifest, readMetricsLog } from '@snn/cli';
import { loadCheckpoint } from '@snn/core/node';
import { describe, expect, it } from 'vitest';
import { HOROWITZ_45NM_PJ } from '../metrics/energy.js';
import { configPath, runApp, tempDir } from '../testing/harness.js';

function runDirOf(root: string, command: string, name: string): string {
  return join(root, 'izhikevich-mnist', command, name);
}

function pngs(dir: string): string[] {
  return readdirSync(join(dir, 'figs'))
    .filter((f) => f.endsWith('.png'))
    .sort();
}

describe('izhikevich-mnist commands', () => {
  it('gradient: trains the tiny Izhikevich SNN and logs spike rates, SynOps, energy, FLOPs, memory and figures', async () => {
    const root = tempDir();
    const run = await runApp(['gradient', '-c', configPath('gradient-tiny'), '--runs-dir', root, '--name', 'g', '--quiet']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const dir = runDirOf(root, 'gradient', 'g');
    expect(run.stdout).toMatch(/^final test accuracy: \d+\.\d\d% \(\d+\/100\) after 2 epochs\nbest validation accuracy: \d+\.\d\d% at epoch [12] \(test accuracy at that epoch: \d+\.\d\d%\)\nenergy per test image: \S+ \S?J \(SynOps × 0\.9 pJ\), \S+ \S?J \(TDP 160 W × test time, the seed's estimate\); training: \S+ Wh \(TDP × training time\)\nrun directory: /);
    expect(readdirSync(dir).sort()).toEqual(['checkpoints', 'config.yaml', 'figs', 'logs', 'manifest.json', 'report.html']);
    expect(readdirSync(join(dir, 'checkpoints')).sort()).toEqual(['best.safetensors', 'last.safetensors']);
    expect(readdirSync(join(dir, 'logs')).sort()).toEqual(['metrics.csv', 'metrics.jsonl', 'test-evaluation.json']);
    expect(pngs(dir)).toEqual(['confusion-matrix.png', 'error-examples.png', 'training-analysis.png', 'training-curves.png']);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    for (const f of pngs(dir)) expect(html).toContain(`src="figs/${f}"`);
    const records = await readMetricsLog(join(dir, 'logs', 'metrics.jsonl'));
    expect(records.map((r) => r.epoch)).toEqual([1, 2]);
    const last = records[1];
    for (const key of ['train_hidden_spike_rate', 'test_hidden_spike_rate', 'test_input_spike_rate', 'val_acc', 'val_loss', 'train_loss']) {
      expect(last[key], key).toBeGreaterThan(0);
    }
    expect(last.test_hidden_spike_rate).toBeLessThan(1);
    expect(last.test_energy_per_image_j as number).toBeCloseTo((last.test_synops_per_image as number) * HOROWITZ_45NM_PJ.ac * 1e-12, 18);
    expect(last.test_acc).toBeGreaterThan(0.15);
    const manifest = await readManifest(dir);
    expect(manifest.app).toBe('izhikevich-mnist');
    expect(manifest.name).toBe('gradient/g');
    expect(manifest.metrics).toMatchObject({ epochs: 2, parameters: 784 * 32 + 32 + 32 * 10 + 10, flopsPerImage: 8 * (2 * (784 * 32 + 32 * 10) + 16 * 42), numSteps: 8 });
    expect(manifest.metrics.peakRssMiB).toBeGreaterThan(10);
    // The reported test accuracy is the one of the best-validation epoch, in the manifest and on stdout.
    const bestEpoch = manifest.metrics.bestEpoch as number;
    expect(manifest.metrics.testAccuracyAtBest).toBe(records[bestEpoch - 1].test_acc);
    expect(run.stdout).toContain(`(test accuracy at that epoch: ${(100 * (records[bestEpoch - 1].test_acc as number)).toFixed(2)}%)`);
    const ckpt = await loadCheckpoint(join(dir, 'checkpoints', 'last.safetensors'));
    expect(ckpt.tensors['fc1.weight'].shape).toEqual([784, 32]);
    expect(Object.keys(ckpt.tensors)).toContain('optimizer.fc1.weight.m');
    expect(ckpt.meta).toMatchObject({ kind: 'izhikevich-mnist-checkpoint', command: 'gradient', epoch: 2 });

    // --test-mode evaluates the saved model: the same test accuracy as the last epoch (same encoding seed).
    const tested = await runApp(['gradient', '-c', configPath('gradient-tiny'), '--runs-dir', root, '--name', 't', '--quiet', '--no-figures', '--test-mode', '--resume-from', join(dir, 'checkpoints', 'last.safetensors')]);
    expect(tested.code).toBe(0);
    expect(tested.stdout.split('\n')[0]).toBe(`test accuracy (test mode): ${(100 * (last.test_acc as number)).toFixed(2)}% (${Math.round(100 * (last.test_acc as number))}/100) after 2 epochs`);
  }, 60_000);

  it('stdp: STDP + Hebbian network logs currents, weight variances and changes, outputs per class, and draws receptive fields', async () => {
    const root = tempDir();
    const run = await runApp(['stdp', '-c', configPath('stdp-tiny'), '--runs-dir', root, '--name', 's', '--quiet']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const dir = runDirOf(root, 'stdp', 's');
    expect(pngs(dir)).toEqual(['confusion-matrix.png', 'error-examples.png', 'receptive-fields.png', 'training-analysis.png', 'training-curves.png']);
    expect(readFileSync(join(dir, 'figs', 'training-analysis.svg'), 'utf8')).toContain('mean |Δw| per epoch');
    const [record] = await readMetricsLog(join(dir, 'logs', 'metrics.jsonl'));
    for (const key of ['train_w1_mean_abs_change', 'train_w2_mean_abs_change', 'train_w1_variance', 'train_w2_variance', 'test_hidden_spike_rate', 'test_synops_per_image']) {
      expect(record[key], key).toBeGreaterThan(0);
    }
    expect(typeof record.test_mean_hidden_current).toBe('number');
    let predicted = 0;
    for (let k = 0; k < 10; k++) predicted += record[`test_predicted_${k}`] as number;
    expect(predicted).toBe(100);
    const ckpt = await loadCheckpoint(join(dir, 'checkpoints', 'last.safetensors'));
    expect(ckpt.tensors.w1.shape).toEqual([784, 32]);
    expect(ckpt.tensors.w2.shape).toEqual([32, 10]);
    let sum = 0;
    for (let i = 0; i < 784; i++) sum += ckpt.tensors.w1.data[i * 32];
    expect(sum / 3920).toBeCloseTo(1, 5);
  }, 60_000);

  it('mlp and cnn: baselines with parameter, MAC, FLOP and energy counts', async () => {
    const root = tempDir();
    const mlp = await runApp(['mlp', '-c', configPath('mlp-tiny'), '--runs-dir', root, '--name', 'm', '--quiet', '--tdp-watts', '100']);
    expect(mlp.code).toBe(0);
    const mlpDir = runDirOf(root, 'mlp', 'm');
    const mlpManifest = await readManifest(mlpDir);
    // The training-analysis figure with the equivalent spike rate (fraction of active ReLUs, counted) and the TDP × time energy.
    expect(pngs(mlpDir)).toContain('training-analysis.png');
    const analysis = readFileSync(join(mlpDir, 'figs', 'training-analysis.svg'), 'utf8');
    for (const label of ['equivalent spike rate (%)', 'TDP × time per epoch (Wh)']) expect(analysis).toContain(label);
    const mlpRecords = await readMetricsLog(join(mlpDir, 'logs', 'metrics.jsonl'));
    for (const r of mlpRecords) {
      for (const key of ['train_equivalent_spike_rate', 'test_equivalent_spike_rate']) {
        expect(r[key], key).toBeGreaterThan(0.01);
        expect(r[key], key).toBeLessThan(0.99);
      }
      expect(r.test_relu1_active_fraction).toBe(r.test_equivalent_spike_rate); // one ReLU layer
      expect(r.train_tdp_energy_wh as number).toBeCloseTo((100 * (r.train_seconds as number)) / 3600, 12);
    }
    expect(mlpManifest.metrics.tdpWatts).toBe(100);
    // 50,816 MACs × 4.6 pJ = 234 nJ per image.
    expect(mlp.stdout).toMatch(/energy per test image: 234 nJ \(MACs × 4\.6 pJ\), \S+ \S*J \(TDP 100 W × test time, the seed's estimate\); training: \S+ Wh \(TDP × training time\)\n/);
    const macs = 784 * 64 + 64 * 10;
    expect(mlpManifest.metrics).toMatchObject({ epochs: 3, parameters: macs + 74, macsPerImage: macs });
    expect(mlpManifest.metrics.energyPerImageJ as number).toBeCloseTo(macs * 4.6e-12, 18);
    expect(mlpManifest.metrics.testAccuracy).toBeGreaterThan(0.5);
    // `--set` reaches every config field, data sizes included; a dedicated flag wins over it.
    const viaSet = await runApp(['mlp', '-c', configPath('mlp-tiny'), '--runs-dir', root, '--name', 's', '--quiet', '--no-figures', '--epochs', '1', '--set', 'data.test_size=50']);
    expect(viaSet.code).toBe(0);
    expect(viaSet.stdout).toMatch(/^final test accuracy: \d+\.\d\d% \(\d+\/50\) after 1 epoch\n/);
    const both = await runApp(['mlp', '-c', configPath('mlp-tiny'), '--runs-dir', root, '--name', 'b', '--quiet', '--no-figures', '--epochs', '1', '--set', 'data.test_size=50', '--test-size', '40']);
    expect(both.stdout).toMatch(/^final test accuracy: \d+\.\d\d% \(\d+\/40\) after 1 epoch\n/);
    const cnn = await runApp(['cnn', '-c', configPath('cnn-tiny'), '--runs-dir', root, '--name', 'c', '--quiet', '--no-figures', '--epochs', '1']);
    expect(cnn.stderr).toBe('');
    expect(cnn.code).toBe(0);
    const cnnManifest = await readManifest(runDirOf(root, 'cnn', 'c'));
    expect(cnnManifest.metrics.epochs).toBe(1);
    expect(cnnManifest.metrics.parameters).toBeGreaterThan(1000);
    expect(cnnManifest.metrics.macsPerImage).toBeGreaterThan(cnnManifest.metrics.parameters as number);
    // Three ReLU layers (two conv stages and the dense layer), each counted; the equivalent spike rate lies between them.
    const fractions = ['relu1', 'relu2', 'relu3'].map((l) => cnnManifest.metrics[`test_${l}_active_fraction`] as number);
    for (const f of fractions) expect(f).toBeGreaterThan(0);
    expect(cnnManifest.metrics.test_equivalent_spike_rate).toBeGreaterThanOrEqual(Math.min(...fractions));
    expect(cnnManifest.metrics.test_equivalent_spike_rate).toBeLessThanOrEqual(Math.max(...fractions));
    expect(cnnManifest.metrics.tdpWatts).toBe(160);
    const ckpt = await loadCheckpoint(join(runDirOf(root, 'cnn', 'c'), 'checkpoints', 'best.safetensors'));
    expect(Object.keys(ckpt.tensors).some((n) => n.startsWith('bn1.'))).toBe(true);
  }, 60_000);

  it('gives clear errors for a missing checkpoint, a bare --test-mode, an MNIST directory without the files, and bad config', async () => {
    const root = tempDir();
    const missing = await runApp(['mlp', '--resume-from', join(root, 'nope.safetensors'), '--runs-dir', root]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe(
      `error: file ${join(root, 'nope.safetensors')}, field --resume-from: checkpoint file not found; expected a checkpoint written by izhikevich-mnist mlp, found no such file\n`,
    );
    const bare = await runApp(['stdp', '--test-mode', '--runs-dir', root]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toBe('error: --test-mode needs --resume-from <checkpoint>: the model to evaluate\n');
    const empty = join(root, 'mnist');
    mkdirSync(empty);
    const noFiles = await runApp(['cnn', '--mnist-path', empty, '--runs-dir', root]);
    expect(noFiles.code).toBe(1);
    expect(noFiles.stderr).toBe(
      `error: file ${empty}: MNIST IDX files missing; expected train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each optionally .gz), found no train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte\n`,
    );
    const typo = await runApp(['gradient', '--set', 'model.hiden_size=3', '--runs-dir', root]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('model.hiden_size');
    expect(readdirSync(root)).toEqual(['mnist']);
  }, 60_000);
});
