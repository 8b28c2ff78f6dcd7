import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tensor } from '@snn/core';
import { saveNpy } from '@snn/core/node';
import { readAnySpikingDataset } from '@snn/datasets/node';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '@snn/cli';
import { gridConfigSchema, runConfigSchema } from './config/schema.js';
import { main } from './main.js';
import { tinyConfig, tinySplits, tinyTimes } from './testing/tiny.js';

const run = promisify(execFile);
const tmp = mkdtempSync(join(tmpdir(), 'spikenn-app-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const cli = new URL('../dist/cli.js', import.meta.url).pathname;

function capture() {
  let out = '';
  let err = '';
  const stream = (add: (s: string) => void) => ({
    write: (s: string) => {
      add(s);
      return true;
    },
    isTTY: false,
  });
  return {
    io: { stdout: stream((s) => { out += s; }), stderr: stream((s) => { err += s; }), env: {} },
    out: () => out,
    err: () => err,
  };
}

describe('shipped configs', () => {
  it("every seed config and grid config parses (the seed's files, unchanged)", async () => {
    const dir = new URL('../configs/', import.meta.url).pathname;
    for (const name of ['seed.json', 'default.json', 'csnn.json', ...readdirSync(join(dir, 'seed')).map((f) => `seed/${f}`)]) {
      expect(() => parseConfig(JSON.parse(readFileSync(join(dir, name), 'utf8')), runConfigSchema, { file: name })).not.toThrow();
    }
    for (const f of readdirSync(join(dir, 'gs'))) {
      expect(() => parseConfig(JSON.parse(readFileSync(join(dir, 'gs', f), 'utf8')), gridConfigSchema, { file: f })).not.toThrow();
    }
  });
});

describe('spikenn app', () => {
  it('generate-dataset converts dense times and keeps its inputs unless asked', async () => {
    const { times, labels } = tinyTimes(10, 1);
    const x = join(tmp, 'X.npy');
    const y = join(tmp, 'y.npy');
    await saveNpy(x, tensor(times, [10, 4, 4]));
    await saveNpy(y, { data: Int32Array.from(labels, (l) => l + 3), shape: [10] });
    const c = capture();
    expect(await main(['generate-dataset', x, y, join(tmp, 'gen.npy')], c.io as never)).toBe(0);
    expect(c.out()).toMatch(/Successfully converted .* 10 samples, 16 inputs/);
    const ds = readAnySpikingDataset(join(tmp, 'gen.npy'));
    expect([ds.count, ds.inputSize]).toEqual([10, 16]);
    expect(Array.from(ds.labels.subarray(0, 2))).toEqual([0, 1]); // 3, 4 mapped to 0, 1 as the seed does
    expect(existsSync(x)).toBe(true);
    expect(await main(['generate-dataset', x, y, join(tmp, 'gen.snnspk'), '--rm-input'], capture().io as never)).toBe(0);
    expect(existsSync(x) || existsSync(y)).toBe(false);
    const bad = capture();
    await saveNpy(x, tensor(times, [10, 16]));
    await saveNpy(y, { data: new Int32Array(9), shape: [9] });
    expect(await main(['generate-dataset', x, y, join(tmp, 'bad.npy')], bad.io as never)).toBe(2);
    expect(bad.err()).toMatch(/y\.npy: labels do not match the sample count; expected 10 labels/);
  });

  it('run: the seed log lines and the run directory', async () => {
    const data = join(tmp, 'data');
    await tinySplits(data, 10);
    const configPath = join(tmp, 'tiny.json');
    writeFileSync(configPath, JSON.stringify(tinyConfig));
    const c = capture();
    const out = join(tmp, 'run');
    expect(await main(['run', data, out, configPath, '--seed', '1', '-q'], c.io as never)).toBe(0);
    const result = JSON.parse(c.out());
    expect(result.testAccuracy).toBeGreaterThan(0.9);
    const log = readFileSync(join(out, 'readout_log.txt'), 'utf8');
    expect(log).toMatch(/^Accuracy on training set after epoch 0: [01]\.\d+$/m);
    expect(log).toMatch(/^Accuracy on validation set after epoch 0: /m);
    expect(log).toMatch(/^Accuracy on test set after epoch 0: /m);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.status).toBe('completed');
    expect(manifest.seed).toBe(1);
    expect(manifest.metrics.testAccuracy).toBe(result.testAccuracy);
    expect(readFileSync(join(out, 'logs', 'metrics.jsonl'), 'utf8').trim().split('\n').length).toBe(result.lastEpoch + 1);
    for (const f of ['report.html', 'weights.npy', 'thresholds.npy', 'figs/accuracy.png', 'figs/thresholds.png', 'figs/weights.png']) expect(existsSync(join(out, f))).toBe(true);
  });

  it('config errors name the field: unknown keys and rule names', async () => {
    const configPath = join(tmp, 'bad.json');
    writeFileSync(configPath, JSON.stringify({ ...tinyConfig, optimizer: { ...tinyConfig.optimizer, method: 's3stdp', learning: 1 } }));
    const c = capture();
    expect(await main(['run', join(tmp, 'data'), join(tmp, 'bad-run'), configPath], c.io as never)).toBe(2);
    expect(c.err()).toMatch(/optimizer\.method/);
    expect(c.err()).toMatch(/s3stdp/);
    expect(c.err()).toMatch(/optimizer\.learning/);
  });

  it('sizes are bounded before anything is allocated: a grid of 1e16 points, --n-proc and --K', async () => {
    const optimizer = { ...tinyConfig.optimizer, ...Object.fromEntries(['ap', 'am', 't_gap', 'annealing'].map((k) => [k, Array.from({ length: 10_000 }, () => 0.1)])) };
    const configPath = join(tmp, 'bomb.json');
    writeFileSync(configPath, JSON.stringify({ ...tinyConfig, optimizer }));
    const c = capture();
    const code = await main(['gridsearch', join(tmp, 'data'), join(tmp, 'bomb-gs'), configPath], c.io as never);
    expect(code).toBe(2);
    expect(c.err()).toContain(`file ${configPath}, field grid: grid search too large; expected at most 100000 points (the product of the list lengths), found 10000000000000000 points`);
    expect(existsSync(join(tmp, 'bomb-gs'))).toBe(false);
    const n = capture();
    expect(await main(['kfold', join(tmp, 'data'), join(tmp, 'nproc'), configPath, '--n-proc', '100000'], n.io as never)).toBe(2);
    expect(n.err()).toContain('--n-proc must be a positive integer <= 64, found "100000"');
    const k = capture();
    expect(await main(['make-folds', join(tmp, 'data', 'trainset.npy'), join(tmp, 'data', 'testset.npy'), join(tmp, 'kk'), '--K', '1e9'], k.io as never)).toBe(2);
    expect(k.err()).toContain('--K must be a positive integer <= 1000, found "1e9"');
  });

  it('make-folds, kfold on worker threads, kfold-score, and a resumed K-fold whose config changed is refused', async () => {
    const data = join(tmp, 'folds');
    const whole = join(tmp, 'whole');
    await tinySplits(whole, 20);
    const made = capture();
    expect(await main(['make-folds', join(whole, 'trainset.npy'), join(whole, 'testset.npy'), data, '--K', '2'], made.io as never)).toBe(0);
    expect(made.out()).toMatch(/wrote 2 folds of 40 training samples/);
    expect([readAnySpikingDataset(join(data, '0', 'trainset.npy')).count, readAnySpikingDataset(join(data, '0', 'valset.npy')).count]).toEqual([20, 20]);
    const sub = capture();
    expect(await main(['make-folds', join(whole, 'trainset.npy'), join(whole, 'testset.npy'), join(tmp, 'sub-folds'), '--K', '2', '--max-samples', '20'], sub.io as never)).toBe(0);
    expect(sub.out()).toMatch(/wrote 2 folds of 20 \(a stratified subset of 40\) training samples/);
    const subLabels = [...readAnySpikingDataset(join(tmp, 'sub-folds', '0', 'trainset.npy')).labels, ...readAnySpikingDataset(join(tmp, 'sub-folds', '0', 'valset.npy')).labels];
    expect(subLabels.filter((l) => l === 0).length).toBe(subLabels.length / 2); // stratified: both classes halved
    const configPath = join(tmp, 'tiny.json');
    const out = join(tmp, 'kfold');
    const { stdout } = await run('node', [cli, 'kfold', data, out, configPath, '--K', '2', '--n-proc', '2', '--no-report', '-q']);
    expect(stdout).toMatch(/Reading 2-folds/);
    expect(stdout).toMatch(/### TEST ###\nAccuracies: \[[\d., ]+\]\n\d+\.\d\d \+- \d+\.\d\d/);
    expect(existsSync(join(out, '1', 'result.json'))).toBe(true);
    const score = await run('node', [cli, 'kfold-score', out]);
    expect(score.stdout).toBe(stdout);
    // resume with the same config: nothing reruns
    const again = await run('node', [cli, 'kfold', data, out, configPath, '--K', '2', '--resume', '--no-report']);
    expect(again.stderr).toMatch(/fold 0: kept/);
    writeFileSync(join(tmp, 'changed.json'), JSON.stringify({ ...tinyConfig, trainer: { ...tinyConfig.trainer, epochs: 7 } }));
    await expect(run('node', [cli, 'kfold', data, out, join(tmp, 'changed.json'), '--K', '2', '--resume'])).rejects.toThrow(/config\.trainer\.epochs: 6 → 7/);
  }, 60_000);

  it('gridsearch over a grid config, resumable; gridsearch-best ranks on validation', async () => {
    const grid = { ...tinyConfig, network: [{ ...tinyConfig.network[0], firing_threshold: [0.8, 1.2] }], trainer: { ...tinyConfig.trainer, epochs: 3 } };
    const configPath = join(tmp, 'grid.json');
    writeFileSync(configPath, JSON.stringify(grid));
    const out = join(tmp, 'gs');
    const { stdout } = await run('node', [cli, 'gridsearch', join(tmp, 'data'), out, configPath, '--n-proc', '2', '-q']);
    expect(stdout).toMatch(/Reading 2 experiments/);
    expect(stdout).toMatch(/Top #1 config is .*gs\/[01] with a validation accuracy of [\d.]+ \(epoch:\d+ ; std:[\d.e-]+\)/);
    const best = await run('node', [cli, 'gridsearch-best', out, '--N', '1']);
    expect(best.stdout.trim().split('\n').length).toBe(2);
    const again = await run('node', [cli, 'gridsearch', join(tmp, 'data'), out, configPath, '--resume']);
    expect(again.stderr).toMatch(/point 1: kept/);
  }, 60_000);
});
