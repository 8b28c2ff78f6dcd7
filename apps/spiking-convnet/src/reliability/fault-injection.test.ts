import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPLACED_DIR } from '@snn/cli';
import { killUntilDone, tempDir, timedRun } from '@snn/cli/testing';
import { loadNpy } from '@snn/core/node';
import { describe, expect, it } from 'vitest';

const CLI = new URL('../../dist/cli.js', import.meta.url).pathname;
// The outputs a finished run is judged by: trained filters, features and test predictions.
const OUTPUTS = ['conv1_weights.npy', 'conv2_weights.npy', 'features_train_first_spike.npy', 'features_test_first_spike.npy', 'y_pred_max.npy'];

/** Every `.npy` of a run directory (and of an old run kept in `.replaced/`) loads: each was written atomically. */
async function everyArrayLoads(dir: string): Promise<number> {
  let loaded = 0;
  for (const folder of [dir, join(dir, REPLACED_DIR)]) {
    if (!existsSync(folder)) continue;
    for (const file of readdirSync(folder).filter((f) => f.endsWith('.npy'))) {
      await expect(loadNpy(join(folder, file)), file).resolves.toBeDefined();
      loaded++;
    }
  }
  return loaded;
}

describe('fault injection', () => {
  it('train: killed at random moments (SIGKILL) and started again with --force, ends as an uninterrupted run', async () => {
    const root = tempDir('spiking-convnet-fault-');
    const common = ['train', '-c', 'tiny', '--data-prop', '0.002', '--test-size', '60', '--runs-dir', root, '--no-figures', '-q'];
    const duration = await timedRun(CLI, [...common, '--name', 'straight']);
    const run = join(root, 'spiking-convnet', 'killed');
    const result = await killUntilDone(
      {
        script: CLI,
        // No resume for this app (a tiny run is seconds, a full one minutes): --force starts over, keeping
        // the interrupted run in .replaced/ until the new one has saved its conv1 filters.
        args: (attempt) => [...common, '--name', 'killed', ...(attempt > 0 ? ['--force'] : [])],
        afterKill: async () => {
          if (!existsSync(run)) return;
          JSON.parse(readFileSync(join(run, 'manifest.json'), 'utf8'));
          await everyArrayLoads(run);
        },
      },
      { kills: 3, minMs: 0.25 * duration, maxMs: 0.9 * duration, seed: 23 },
    );
    expect(result.kills).toBeGreaterThanOrEqual(1);
    expect(existsSync(join(run, REPLACED_DIR))).toBe(false);
    expect(readdirSync(run).filter((f) => f.includes('.tmp-'))).toEqual([]);
    for (const file of OUTPUTS) {
      expect(readFileSync(join(run, file)).equals(readFileSync(join(root, 'spiking-convnet', 'straight', file))), file).toBe(true);
    }
  }, 120_000);
});
