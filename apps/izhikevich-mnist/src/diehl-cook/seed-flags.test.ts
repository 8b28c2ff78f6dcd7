import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { type PickleNdArray, type PickleValue, encodePickle } from '@snn/core';
import { loadMnist } from '@snn/datasets/node';
import { describe, expect, it } from 'vitest';
import { runApp as cli } from '../testing/harness.js';
import { loadDiehlCookCheckpoint } from './checkpoint.js';
import { rewriteSeedFlags } from './seed-flags.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'diehl-cook-seed-flags-'));
/** The seed script's spellings for a tiny run (10 neurons, 50 ms examples). */
const SEED_TINY = ['--n_e', '10', '--example_time', '0.05', '--resting_time', '0.02', '--update_interval', '2', '--weight_update_interval', '2', '--save_interval', '2'];

/** The classic mnist.pkl layout, float32 pixel/256 and int64 labels, from the first MNIST images: train 3, valid 1, test 2. */
function classicPickle(): Uint8Array {
  const train = loadMnist({ split: 'train' });
  const test = loadMnist({ split: 'test' });
  const set = (images: Uint8Array, labels: Uint8Array, first: number, n: number): PickleValue => {
    const x = new Uint8Array(n * 784 * 4);
    const xv = new DataView(x.buffer);
    for (let k = 0; k < n * 784; k++) xv.setFloat32(4 * k, images[first * 784 + k] / 256, true);
    const y = new Uint8Array(n * 8);
    const yv = new DataView(y.buffer);
    for (let k = 0; k < n; k++) yv.setBigInt64(8 * k, BigInt(labels[first + k]), true);
    const array = (code: string, shape: number[], bytes: Uint8Array): PickleNdArray => ({
      kind: 'ndarray',
      subclass: 'ndarray',
      shape,
      dtype: { kind: 'dtype', code, byteOrder: '<', itemSize: Number(code.slice(1)), fields: [], isRecord: false },
      fortranOrder: false,
      bytes,
      objects: [],
    });
    return { kind: 'tuple', items: [array('f4', [n, 784], x), array('i8', [n], y)] };
  };
  return encodePickle({ kind: 'tuple', items: [set(train.images, train.labels, 0, 3), set(train.images, train.labels, 3, 1), set(test.images, test.labels, 0, 2)] });
}

describe("diehl-cook train with the seed script's command line", () => {
  it('rewrites the seed spellings for diehl-cook train only', () => {
    expect(rewriteSeedFlags(['--seed', '1', 'diehl-cook', 'train', '--n_e', '5', '--save_path=out', '--data_path', 'w', '--', '--n_e'])).toEqual([
      '--seed',
      '1',
      'diehl-cook',
      'train',
      '--n-e',
      '5',
      '--save-path=out',
      '--weights-dir',
      'w',
      '--',
      '--n_e',
    ]);
    expect(rewriteSeedFlags(['mlp', '--n_e', '5'])).toEqual(['mlp', '--n_e', '5']);
  });

  it('--save_interval keeps every checkpoint; --resume_from <iteration> continues that one in --save_path exactly', async () => {
    const dir = tmp();
    const run = join(dir, 'results');
    const full = await cli(['--seed', '2', 'diehl-cook', 'train', ...SEED_TINY, '--num_examples', '4', '--save_path', run, '--quiet']);
    expect(full.stderr).toBe('');
    for (const n of [2, 4]) expect(existsSync(join(run, 'checkpoints', `checkpoint-${n}.safetensors`))).toBe(true);
    const end = await loadDiehlCookCheckpoint(join(run, 'checkpoints', 'checkpoint-4.safetensors'));
    const again = await cli(['--seed', '2', 'diehl-cook', 'train', ...SEED_TINY, '--num_examples', '4', '--resume_from', '2', '--save_path', run, '--quiet']);
    expect(again.stderr).toBe('');
    const resumed = await loadDiehlCookCheckpoint(join(run, 'checkpoints', 'last.safetensors'));
    expect(resumed.progress.nextExample).toBe(4);
    expect(Array.from(resumed.net.layers[0].weights)).toEqual(Array.from(end.net.layers[0].weights));
    // Each interval is logged once: the records after example 2 were dropped before they were written again.
    const examples = readFileSync(join(run, 'logs', 'metrics.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).example);
    expect(examples).toEqual([2, 4]);
    const missing = await cli(['diehl-cook', 'train', ...SEED_TINY, '--resume_from', '3', '--save_path', run]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      `file ${join(run, 'checkpoints', 'checkpoint-3.safetensors')}, field --resume-from: no checkpoint saved at that iteration; expected one of the saved iterations (2, 4), found no such file`,
    );
    const noRun = await cli(['diehl-cook', 'train', '--resume_from', '2']);
    expect(noRun.code).toBe(2);
    expect(noRun.stderr).toContain("--resume-from 2 (an iteration, as the seed's --resume_from) needs --save-path <run>");
    // --test_mode with --num_threads: evaluates the run's network on the test images and ends with the accuracy.
    const tested = await cli(['--seed', '2', 'diehl-cook', 'train', '--test_mode', '--save_path', run, '--num_examples', '3', '--num-assign', '4', '--num_threads', '2', '--quiet']);
    expect(tested.stderr).toBe('');
    expect(tested.stdout).toMatch(/test accuracy \d+\.\d\d % \(3 test images, assignments from 4 training images\)\nenergy per test image: \S+ \S?J \(SynOps × 0\.9 pJ, \d+ SynOps\), \S+ \S?J \(TDP 160 W × test time, the seed's estimate\)\n$/);
    // Training with threads says it stays sequential.
    const threads = await cli(['--seed', '2', 'diehl-cook', 'train', ...SEED_TINY, '--num_examples', '2', '--num_threads', '2', '--save_path', join(dir, 't')]);
    expect(threads.stderr).toContain('--num-threads 2: training stays sequential');
  }, 60_000);

  it('--mnist_path reads the classic mnist.pkl.gz: the same training as from the IDX files', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'mnist'));
    writeFileSync(join(dir, 'mnist', 'mnist.pkl.gz'), gzipSync(classicPickle()));
    const args = ['--seed', '4', 'diehl-cook', 'train', ...SEED_TINY, '--num_examples', '4', '--quiet'];
    expect((await cli([...args, '--mnist_path', join(dir, 'mnist'), '--save_path', join(dir, 'pickle')])).stderr).toBe('');
    expect((await cli([...args, '--save_path', join(dir, 'idx')])).stderr).toBe('');
    const a = await loadDiehlCookCheckpoint(join(dir, 'pickle', 'checkpoints', 'last.safetensors'));
    const b = await loadDiehlCookCheckpoint(join(dir, 'idx', 'checkpoints', 'last.safetensors'));
    expect(Array.from(a.net.layers[0].weights)).toEqual(Array.from(b.net.layers[0].weights));
    writeFileSync(join(dir, 'evil.pkl'), Buffer.from('gANjcG9zaXgKc3lzdGVtCnEAWAcAAABlY2hvIGhpcQGFcQJScQMu', 'base64'));
    const evil = await cli([...args, '--mnist_path', join(dir, 'evil.pkl'), '--save_path', join(dir, 'evil')]);
    expect(evil.code).toBe(1);
    expect(evil.stderr).toContain(`file ${join(dir, 'evil.pkl')}, field pickle byte 2: pickle names a global outside`);
  }, 60_000);

  it('diehl-cook test --num-threads 2 (worker threads of the built app) records the same counts as one thread', async () => {
    const dist = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');
    expect(existsSync(join(dist, 'activity-worker.js'))).toBe(true);
    const dir = tmp();
    const run = join(dir, 'run');
    expect((await cli(['--seed', '6', 'diehl-cook', 'train', ...SEED_TINY, '--num_examples', '2', '--save_path', run, '--quiet'])).code).toBe(0);
    const one = await cli(['diehl-cook', 'test', '--run', run, '--num-assign', '6', '--num-test', '5', '--quiet']);
    expect(one.code).toBe(0);
    const single = ['train-counts.npy', 'test-counts.npy'].map((f) => readFileSync(join(run, 'activity', f)));
    await promisify(execFile)(process.execPath, [join(dist, 'cli.js'), 'diehl-cook', 'test', '--run', run, '--num-assign', '6', '--num-test', '5', '--num-threads', '2', '--quiet']);
    const threaded = ['train-counts.npy', 'test-counts.npy'].map((f) => readFileSync(join(run, 'activity', f)));
    expect(threaded[0].equals(single[0])).toBe(true);
    expect(threaded[1].equals(single[1])).toBe(true);
  }, 60_000);
});
