import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { killUntilDone, timedRun } from '@snn/cli/testing';
import { loadCheckpoint } from '@snn/core';
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
});
