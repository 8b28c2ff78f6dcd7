import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readManifest, readMetricsLog } from '@snn/cli';
import { killUntilDone, timedRun } from '@snn/cli/testing';
import { loadCheckpoint } from '@snn/core/node';
import { describe, expect, it } from 'vitest';
import { APP_ROOT, configPath, tempDir } from '../testing/harness.js';

const CLI = join(APP_ROOT, 'dist', 'cli.js');

async function tensorBytes(file: string): Promise<Record<string, string>> {
  const { tensors } = await loadCheckpoint(file);
  return Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name, Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('base64')]));
}

describe('fault injection', () => {
  it('killed at random moments (SIGKILL) and continued, a run keeps a loadable checkpoint and ends as an uninterrupted one', async () => {
    const root = tempDir();
    const common = ['--runs-dir', root, '--quiet', '--no-figures', '--epochs', '3'];
    // The uninterrupted run, as a child process too: its duration places the kills inside runs.
    const duration = await timedRun(CLI, ['train', '--config', configPath('tiny'), ...common, '--name', 'straight']);
    const dir = join(root, 'neurospike', 'killed');
    const last = join(dir, 'checkpoints', 'last.safetensors');
    const result = await killUntilDone(
      {
        script: CLI,
        args: (attempt) =>
          attempt > 0 && existsSync(last)
            ? ['train', ...common, '--name', 'killed', '--resume']
            : ['train', '--config', configPath('tiny'), ...common, '--name', 'killed', ...(attempt > 0 ? ['--force'] : [])],
        afterKill: async () => {
          // Whatever the kill interrupted, the checkpoint on disk is a whole one.
          if (existsSync(last)) await expect(loadCheckpoint(last)).resolves.toBeDefined();
        },
      },
      { kills: 4, minMs: 0.25 * duration, maxMs: 0.9 * duration, seed: 11 },
    );
    expect(result.kills).toBeGreaterThanOrEqual(1);
    expect(await tensorBytes(last)).toEqual(await tensorBytes(join(root, 'neurospike', 'straight', 'checkpoints', 'last.safetensors')));
    const epochs = (await readMetricsLog(join(dir, 'logs', 'metrics.jsonl'))).map((r) => r.epoch);
    expect(epochs).toEqual([1, 2, 3]);
    expect((await readManifest(dir)).status).toBe('completed');
    expect(existsSync(join(dir, '.replaced'))).toBe(false);
  }, 120_000);
});
