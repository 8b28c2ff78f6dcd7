import { existsSync } from 'node:fs';
import { join } from 'node:path';
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
  it('gradient: killed at random moments (SIGKILL) and continued with --resume-from, ends as an uninterrupted run', async () => {
    const root = tempDir();
    const common = ['gradient', '-c', configPath('gradient-tiny'), '--runs-dir', root, '--quiet', '--no-figures', '--epochs', '3'];
    // The uninterrupted run, as a child process too: its duration places the kills inside runs.
    const duration = await timedRun(CLI, [...common, '--name', 'straight']);
    const lastOf = (attempt: number): string => join(root, 'izhikevich-mnist', 'gradient', `a${attempt}`, 'checkpoints', 'last.safetensors');
    const newest = (before: number): string | undefined => {
      for (let a = before - 1; a >= 0; a--) if (existsSync(lastOf(a))) return lastOf(a);
      return undefined;
    };
    let finished = 0;
    const result = await killUntilDone(
      {
        script: CLI,
        args: (attempt) => {
          finished = attempt;
          const from = newest(attempt);
          return [...common, '--name', `a${attempt}`, ...(from ? ['--resume-from', from] : [])];
        },
        afterKill: async (attempt) => {
          if (existsSync(lastOf(attempt))) await expect(loadCheckpoint(lastOf(attempt))).resolves.toBeDefined();
        },
      },
      { kills: 4, minMs: 0.25 * duration, maxMs: 0.9 * duration, seed: 13 },
    );
    expect(result.kills).toBeGreaterThanOrEqual(1);
    // The final weights are in the newest checkpoint (an attempt resumed after the last epoch trains nothing).
    const final = newest(finished + 1);
    expect(final).toBeDefined();
    expect(await tensorBytes(final as string)).toEqual(await tensorBytes(join(root, 'izhikevich-mnist', 'gradient', 'straight', 'checkpoints', 'last.safetensors')));
  }, 120_000);

  it('diehl-cook train: killed at random moments (SIGKILL) and continued with --resume-from, ends as an uninterrupted run', async () => {
    const root = tempDir();
    const common = ['--seed', '5', 'diehl-cook', 'train', '--n-e', '10', '--example-time', '0.05', '--resting-time', '0.02', '--update-interval', '4'];
    const settings = [...common, '--weight-update-interval', '4', '--num-examples', '16', '--save-interval', '2', '--quiet'];
    const duration = await timedRun(CLI, [...settings, '--save-path', join(root, 'straight')]);
    const run = join(root, 'killed');
    const last = join(run, 'checkpoints', 'last.safetensors');
    const result = await killUntilDone(
      {
        script: CLI,
        // Continue from the newest checkpoint; killed before the first one, start again (--force keeps the
        // interrupted directory aside until the new run has a checkpoint).
        args: (attempt) => (existsSync(last) ? [...settings, '--resume-from', run] : [...settings, '--save-path', run, ...(attempt > 0 ? ['--force'] : [])]),
        afterKill: async () => {
          if (existsSync(last)) await expect(loadCheckpoint(last)).resolves.toBeDefined();
        },
      },
      { kills: 4, minMs: 0.25 * duration, maxMs: 0.9 * duration, seed: 29 },
    );
    expect(result.kills).toBeGreaterThanOrEqual(1);
    expect(await tensorBytes(last)).toEqual(await tensorBytes(join(root, 'straight', 'checkpoints', 'last.safetensors')));
  }, 120_000);
});
