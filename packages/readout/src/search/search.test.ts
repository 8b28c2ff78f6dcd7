import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError } from '@snn/core';
import { afterAll, describe, expect, it } from 'vitest';
import { readSearchResults, runSearchPoints } from './points.js';
import { MAX_GRID_POINTS, countGridPoints, expandGrid, meanStd, rankByValidation } from './score.js';

const tmp = mkdtempSync(join(tmpdir(), 'snn-readout-search-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// A worker that squares its config, counts its runs in a file, and fails on config 13.
const workerFile = join(tmp, 'worker.mjs');
const dist = new URL('../../dist/node.js', import.meta.url).href;
writeFileSync(
  workerFile,
  `import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { servePoints } from '${dist}';
servePoints(async (task) => {
  appendFileSync(join(task.shared, 'runs.txt'), task.key + '\\n');
  if (task.config === 13) throw new Error('unlucky');
  return { square: task.config * task.config, seed: task.seed };
});
`,
);

const runs = (): string[] => readFileSync(join(tmp, 'runs.txt'), 'utf8').trim().split('\n').sort();

describe('runSearchPoints', () => {
  it('runs every point on worker threads, writes result.json, and resumes without rerunning finished points', async () => {
    const dir = join(tmp, 'search');
    const points = [2, 3, 13, 5].map((c, i) => ({ key: String(i), config: c, seed: i }));
    const first = await runSearchPoints({ dir, kind: 'kfold', points, signature: { k: 4 }, workerScript: workerFile, workers: 2, shared: tmp });
    expect([...first.results.entries()].sort()).toEqual([
      ['0', { square: 4, seed: 0 }],
      ['1', { square: 9, seed: 1 }],
      ['3', { square: 25, seed: 3 }],
    ]);
    expect(first.failures.get('2')).toBe('unlucky');
    expect(runs()).toEqual(['0', '1', '2', '3']);
    // resume: only the failed point runs again
    const second = await runSearchPoints({ dir, kind: 'kfold', points, signature: { k: 4 }, workerScript: workerFile, workers: 2, shared: tmp, resume: true });
    expect([...second.kept].sort()).toEqual(['0', '1', '3']);
    expect(runs()).toEqual(['0', '1', '2', '2', '3']);
    const read = await readSearchResults(dir);
    expect(read.kind).toBe('kfold');
    expect(read.results.get('3')).toEqual({ square: 25, seed: 3 });
  });

  it('refuses a resumed search whose settings changed, naming the field, and a non-empty directory without resume', async () => {
    const dir = join(tmp, 'search');
    const points = [2, 3, 13, 5].map((c, i) => ({ key: String(i), config: c, seed: i }));
    await expect(runSearchPoints({ dir, kind: 'kfold', points, signature: { k: 5 }, workerScript: workerFile, resume: true })).rejects.toThrow(
      /field k: the resumed search has different settings .*found k: 4 → 5/,
    );
    await expect(runSearchPoints({ dir, kind: 'kfold', points, signature: { k: 4 }, workerScript: workerFile })).rejects.toThrow(CheckpointError);
  });

  it('starts a search killed while writing its state file (only the temporary copy left) as a new one', async () => {
    const dir = join(tmp, 'killed-at-start');
    mkdirSync(dir);
    writeFileSync(join(dir, 'search.json.tmp-999999-0a1b2c'), '{"formatVer');
    const points = [4].map((c, i) => ({ key: String(i), config: c, seed: i }));
    const outcome = await runSearchPoints({ dir, kind: 'kfold', points, signature: { k: 1 }, workerScript: workerFile, shared: tmp, resume: true });
    expect(outcome.results.get('0')).toEqual({ square: 16, seed: 0 });
    expect(readdirSync(dir).sort()).toEqual(['0', 'search.json']);
  });
});

describe('score tools', () => {
  it('mean ± population std', () => {
    const s = meanStd([0.9, 0.92, 0.94]);
    expect(s.mean).toBeCloseTo(0.92, 12);
    expect(s.std).toBeCloseTo(Math.sqrt(0.0008 / 3), 12);
    expect(() => meanStd([])).toThrow(/no values/);
  });

  it('ranks by final validation accuracy and refuses points without validation', () => {
    const ranked = rankByValidation([
      { key: 'a', validation: [0.5, 0.7, 0.6] },
      { key: 'b', validation: [0.65] },
      { key: 'c', validation: [0.6, 0.8] },
    ]);
    expect(ranked.map((r) => [r.key, r.accuracy, r.epoch])).toEqual([
      ['c', 0.8, 1],
      ['b', 0.65, 0],
      ['a', 0.6, 2],
    ]);
    expect(() => rankByValidation([{ key: '7', validation: [] }])).toThrow(/field 7: grid-search point has no validation accuracy/);
  });

  it("expands a grid in the seed's order", () => {
    const grid = expandGrid(
      { network: [{ n: 10, thr: [1, 2] }], optimizer: { ap: [0.1, 0.2], am: -0.1 }, trainer: { epochs: [1, 2] } },
      ['network'],
      ['regularizer', 'optimizer', 'trainer'],
    );
    expect(grid.length).toBe(8);
    expect(grid[0]).toEqual({ network: [{ n: 10, thr: 1 }], optimizer: { ap: 0.1, am: -0.1 }, trainer: { epochs: 1 } });
    expect(grid[1]).toEqual({ network: [{ n: 10, thr: 1 }], optimizer: { ap: 0.1, am: -0.1 }, trainer: { epochs: 2 } });
    expect(grid[7]).toEqual({ network: [{ n: 10, thr: 2 }], optimizer: { ap: 0.2, am: -0.1 }, trainer: { epochs: 2 } });
  });

  it('counts grid points without building them and refuses a grid over the limit', () => {
    const layered = ['network'];
    const groups = ['regularizer', 'optimizer', 'trainer'];
    // 20 lists of 10 values: 1e20 points from a config of a few KiB.
    const optimizer = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, Array.from({ length: 10 }, (_, k) => k)]));
    const bomb = { network: [{ n: [1, 2] }], optimizer, trainer: { epochs: 1 } };
    expect(countGridPoints(bomb, layered, groups)).toBe(2e20);
    expect(() => expandGrid(bomb, layered, groups)).toThrow(`field grid: grid search too large; expected at most ${MAX_GRID_POINTS} points (the product of the list lengths), found 200000000000000000000 points`);
    expect(() => expandGrid({ optimizer: { a: [1, 2, 3] } }, layered, groups, { maxPoints: 2, file: 'gs.json' })).toThrow('file gs.json, field grid: grid search too large; expected at most 2 points');
    expect(expandGrid({ optimizer: { a: [1, 2, 3] } }, layered, groups, { maxPoints: 3 })).toHaveLength(3);
  });
});
