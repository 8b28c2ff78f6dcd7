import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { killUntilDone, tempDir, timedRun } from '@snn/cli/testing';
import { readSearchResults } from '@snn/readout/node';
import { describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { tinyConfig, tinySplits } from '../testing/tiny.js';

const CLI = new URL('../../dist/cli.js', import.meta.url).pathname;
const silent = { write: () => true, isTTY: false };

/** Each fold's trained weights and thresholds (bytes) and result.json without its timing. */
function foldOutputs(dir: string, folds: number): unknown[] {
  return Array.from({ length: folds }, (_, i) => {
    const fold = join(dir, String(i));
    const { trainSamplesPerSecond: _speed, ...result } = JSON.parse(readFileSync(join(fold, 'result.json'), 'utf8'));
    return { result, weights: readFileSync(join(fold, 'weights.npy')).toString('base64'), thresholds: readFileSync(join(fold, 'thresholds.npy')).toString('base64') };
  });
}

describe('fault injection', () => {
  it('kfold: killed at random moments (SIGKILL) and continued with --resume, ends as an uninterrupted run', async () => {
    const root = tempDir('spikenn-fault-');
    const folds = 4;
    await tinySplits(join(root, 'whole'), 31, 3);
    const io = { stdout: silent, stderr: silent, env: {} };
    expect(await main(['make-folds', join(root, 'whole', 'trainset.npy'), join(root, 'whole', 'testset.npy'), join(root, 'folds'), '--K', String(folds)], io as never)).toBe(0);
    const config = join(root, 'config.json');
    writeFileSync(config, JSON.stringify({ ...tinyConfig, trainer: { ...tinyConfig.trainer, epochs: 12, early_stopping: 12 } }));
    const args = (out: string) => ['kfold', join(root, 'folds'), out, config, '--K', String(folds), '--n-proc', '2', '--no-report', '-q'];
    const duration = await timedRun(CLI, args(join(root, 'straight')));
    const out = join(root, 'killed');
    const result = await killUntilDone(
      {
        script: CLI,
        args: (attempt) => [...args(out), ...(attempt > 0 ? ['--resume'] : [])],
        afterKill: async () => {
          // Whatever the kill interrupted, every fold recorded as finished reads back whole.
          if (!existsSync(join(out, 'search.json'))) return;
          const { results } = await readSearchResults(out);
          for (const [key, r] of results) expect(r, `fold ${key}`).toHaveProperty('testAccuracy');
        },
      },
      { kills: 4, minMs: 0.25 * duration, maxMs: 0.9 * duration, seed: 17 },
    );
    expect(result.kills).toBeGreaterThanOrEqual(1);
    expect(foldOutputs(out, folds)).toEqual(foldOutputs(join(root, 'straight'), folds));
  }, 120_000);
});
