import { existsSync, readdirSync } from 'node:fs';
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

function hashDir(root: string): string {
  const [hash] = readdirSync(join(root, 'snn-image-classification'));
  return join(root, 'snn-image-classification', hash);
}

describe('fault injection', () => {
  it('killed at random moments (SIGKILL), the same command continues the hash run and ends as an uninterrupted one', async () => {
    const straight = tempDir();
    const killed = tempDir();
    const args = (root: string) => ['train', '--config', configPath('tiny'), '--runs-dir', root, '--quiet', '--no-figures', '--epochs', '3'];
    // The uninterrupted run, as a child process too: its duration places the kills inside runs.
    const duration = await timedRun(CLI, args(straight));
    const result = await killUntilDone(
      {
        script: CLI,
        args: () => args(killed),
        afterKill: async () => {
          const base = join(killed, 'snn-image-classification');
          if (!existsSync(base) || readdirSync(base).length === 0) return;
          const last = join(hashDir(killed), 'checkpoints', 'last.safetensors');
          if (existsSync(last)) await expect(loadCheckpoint(last)).resolves.toBeDefined();
        },
      },
      { kills: 4, minMs: 0.25 * duration, maxMs: 0.9 * duration, seed: 12 },
    );
    expect(result.kills).toBeGreaterThanOrEqual(1);
    const dir = hashDir(killed);
    expect(await tensorBytes(join(dir, 'checkpoints', 'last.safetensors'))).toEqual(await tensorBytes(join(hashDir(straight), 'checkpoints', 'last.safetensors')));
    expect((await readMetricsLog(join(dir, 'logs', 'metrics.jsonl'))).map((r) => r.epoch)).toEqual([1, 2, 3]);
    expect((await readManifest(dir)).status).toBe('completed');
    expect(existsSync(join(dir, '.replaced'))).toBe(false);
  }, 120_000);
});
