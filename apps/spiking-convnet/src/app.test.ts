import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNpy, saveNpy } from '@snn/core/node';
import { readSpikingDataset } from '@snn/datasets/node';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from './main.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      stdout: { write: (s: string) => out.push(s) > 0 },
      stderr: { write: (s: string) => err.push(s) > 0 },
      env: { CI: '1' },
    },
    out,
    err,
  };
}

const root = mkdtempSync(join(tmpdir(), 'spiking-convnet-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('spiking-convnet on tiny data', () => {
  const run = join(root, 'spiking-convnet', 'tiny');

  it('train writes weights, metrics, features, predictions, figures and a report', async () => {
    const c = capture();
    const code = await main(['train', '-c', 'tiny', '--data-prop', '0.001', '--test-size', '40', '--runs-dir', root, '--name', 'tiny', '-q'], c.io);
    expect(c.err.join('')).toBe('');
    expect(code).toBe(0);
    expect(c.out.join('')).toMatch(/linear SVM \(max\): test accuracy \d+\.\d\d % on 40 images/);
    const w1 = await loadNpy(join(run, 'conv1_weights.npy'));
    expect(w1.shape).toEqual([30, 2, 5, 5]);
    expect(Array.from(w1.data).every((v) => v >= 0 && v <= 1)).toBe(true);
    const metric = await loadNpy(join(run, 'conv1_conv_metric.npy'));
    expect(metric.data.length).toBeGreaterThan(10);
    expect(Array.from(metric.data).every((c) => c > 0 && c <= 0.25)).toBe(true); // mean w(1 − w) of weights in [0, 1]
    const first = await loadNpy(join(run, 'features_test_first_spike.npy'));
    expect(first.shape).toEqual([40, 4900]);
    expect((await loadNpy(join(run, 'y_pred_max.npy'))).data.length).toBe(40);
    const manifest = JSON.parse(readFileSync(join(run, 'manifest.json'), 'utf8'));
    expect(manifest.status).toBe('completed');
    expect(manifest.metrics.linear_max_accuracy).toBeGreaterThan(0.3);
    expect(manifest.metrics.features_test_images_per_s).toBeGreaterThan(0);
    expect(existsSync(join(run, 'report.html'))).toBe(true);
    expect(existsSync(join(run, 'figs', 'conv1_filters.png'))).toBe(true);
    expect(existsSync(join(run, 'figs', 'confusion_max.png'))).toBe(true);
  }, 60_000);

  it('evaluate fits the RBF SVM on window-sum features; features exports a SpikingDataset', async () => {
    const c = capture();
    expect(await main(['evaluate', run, '--readout', 'rbf', '--features', 'window-sum', '-q'], c.io)).toBe(0);
    expect(c.out.join('')).toMatch(/rbf SVM \(window-sum\): test accuracy/);
    expect((await loadNpy(join(run, 'y_pred_rbf_window-sum.npy'))).data.length).toBe(40);
    const p = capture();
    expect(await main(['evaluate', run, '--features', 'potential', '-q'], p.io)).toBe(2);
    expect(p.err.join('')).toContain('field --features: this run has no potential features');
    const e = capture();
    expect(await main(['features', run, '--format', 'spiking-dataset', '-q'], e.io)).toBe(0);
    const ds = readSpikingDataset(join(run, 'export', 'test.spk'));
    expect([ds.count, ds.inputSize, ds.duration, ds.timeUnit]).toEqual([40, 4900, 1, 'a.u.']);
    const first = await loadNpy(join(run, 'features_test_first_spike.npy'));
    const fired = Array.from(first.data.subarray(0, 4900)).filter((v) => v !== 255).length;
    expect(ds.offsets[1]).toBe(fired);
    // seed-style timestamps: step t of T = 30 becomes t / 30, in [0, 1)
    const i0 = ds.indices[0];
    expect(ds.times[0]).toBeCloseTo(first.data[i0] / 30, 6);
    expect(Math.max(...ds.times)).toBeLessThan(1);
    const s = capture();
    expect(await main(['features', run, '--format', 'spiking-dataset', '--time-scale', 'step', '--out', join(root, 'steps'), '-q'], s.io)).toBe(0);
    const steps = readSpikingDataset(join(root, 'steps', 'test.spk'));
    expect([steps.duration, steps.timeUnit, steps.times[0]]).toEqual([30, 'step', first.data[i0]]);
    const bad = capture();
    expect(await main(['features', run, '--time-scale', 'ms', '-q'], bad.io)).toBe(2);
    expect(bad.err.join('')).toContain('ms');
  }, 60_000);

  it('potential features: pooled by readout.potential_pool, fitted by train, exported as first-spike times t = 1 − v/vmax', async () => {
    const { writeFileSync } = await import('node:fs');
    const cfg = join(root, 'pot.yaml');
    const tiny = readFileSync(new URL('../configs/tiny.yaml', import.meta.url), 'utf8');
    writeFileSync(cfg, tiny.replace(/readout:\n.*\n/, 'readout:\n  features: potential\n  potential_pool: { kernel: 6, stride: 4 }\n  standardize: true\n  linear: { C: 0.01, max_iter: 100 }\n'));
    const c = capture();
    expect(await main(['train', '-c', cfg, '--data-prop', '0.001', '--test-size', '20', '--runs-dir', root, '--name', 'pot', '--no-figures', '-q'], c.io)).toBe(0);
    expect(c.out.join('')).toMatch(/linear SVM \(potential\): test accuracy \d+\.\d\d % on 20 images/);
    expect(c.out.join('')).not.toContain('(max)');
    const dir = join(root, 'spiking-convnet', 'pot');
    const v = await loadNpy(join(dir, 'features_test_potential.npy'));
    expect(v.shape).toEqual([20, 900]); // 100 maps × 3 × 3: windows 6, stride 4 over conv2's 14 × 14
    const vTrain = await loadNpy(join(dir, 'features_train_potential.npy'));
    const e = capture();
    expect(await main(['features', dir, '--features', 'potential', '-q'], e.io)).toBe(0);
    const ds = readSpikingDataset(join(dir, 'export', 'test.spk'));
    expect([ds.count, ds.inputSize, ds.duration]).toEqual([20, 900, 1]);
    const j = ds.indices[0];
    let vmax = 0;
    for (let r = 0; r < vTrain.shape[0]; r++) vmax = Math.max(vmax, vTrain.data[r * 900 + j]);
    expect(ds.times[0]).toBeCloseTo(Math.max(0, 1 - v.data[j] / vmax), 5);
    expect(ds.offsets[1]).toBe(Array.from(v.data.subarray(0, 900)).filter((x, i) => x > 0 && vTrain.data.some((_, k) => k % 900 === i && vTrain.data[k] > 0)).length);
    const m = capture();
    expect(await main(['features', run, '--features', 'potential', '-q'], m.io)).toBe(2);
    expect(m.err.join('')).toContain('this run has no potential features');
  }, 60_000);

  it('--dataset fashion-mnist trains on the embedded Fashion-MNIST split', async () => {
    const c = capture();
    expect(await main(['train', '-c', 'tiny', '--dataset', 'fashion-mnist', '--data-prop', '0.001', '--test-size', '20', '--runs-dir', root, '--name', 'fashion', '--no-figures', '-q'], c.io)).toBe(0);
    const dir = join(root, 'spiking-convnet', 'fashion');
    expect(readFileSync(join(dir, 'config.yaml'), 'utf8')).toContain('dataset: fashion-mnist');
    const { loadFashionMnist } = await import('@snn/datasets/node');
    const expected = Array.from(loadFashionMnist({ split: 'test' }).labels.subarray(0, 20));
    expect(Array.from((await loadNpy(join(dir, 'y_test.npy'))).data)).toEqual(expected);
  }, 60_000);

  it('bad input: data proportion, thresholds, radius, weights shape', async () => {
    const dp = capture();
    expect(await main(['train', '-c', 'tiny', '--data-prop', '1.5', '--runs-dir', root], dp.io)).not.toBe(0);
    expect(dp.err.join('')).toContain('field --data-prop: data proportion out of range; expected a fraction in (0, 1], found 1.5');
    const bad = join(root, 'bad.npy');
    await saveNpy(bad, { data: new Float32Array(30 * 2 * 9), shape: [30, 2, 3, 3] });
    const w = capture();
    expect(await main(['train', '-c', 'tiny', '--conv1-weights', bad, '--runs-dir', root, '--name', 'badw', '--no-figures'], w.io)).not.toBe(0);
    expect(w.err.join('')).toContain('weights file has the wrong shape; expected [30, 2, 5, 5], found [30, 2, 3, 3]');
    const cfg = join(root, 'bad.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(cfg, readFileSync(new URL('../configs/tiny.yaml', import.meta.url), 'utf8').replace('threshold: 15, inhibition_radius: 2', 'threshold: 0, inhibition_radius: -1'));
    const t = capture();
    expect(await main(['train', '-c', cfg, '--runs-dir', root], t.io)).toBe(2);
    expect(t.err.join('')).toContain('conv1.threshold');
    expect(t.err.join('')).toContain('conv1.inhibition_radius');
  }, 30_000);
});
