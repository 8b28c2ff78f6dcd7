import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readMetricsLog } from '@snn/cli';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { paramsHash, runParams } from '../run/params.js';
import { configPath, runApp, tempDir } from '../testing/harness.js';

describe('evaluate', () => {
  it('scores the best checkpoint on train/validation/test, matching the logged accuracies, and writes evaluation.json', async () => {
    const root = tempDir();
    expect((await runApp(['train', '--config', configPath('tiny'), '--runs-dir', root, '--quiet', '--no-figures'])).code).toBe(0);
    const dir = join(root, 'snn-image-classification', paramsHash(runParams(await loadConfig(configPath('tiny')))));
    const records = await readMetricsLog(join(dir, 'logs', 'metrics.jsonl'));
    const best = records.reduce((a, r) => ((r.val_acc as number) > (a.val_acc as number) ? r : a));
    const run = await runApp(['evaluate', '--run', dir]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(`checkpoint ${join(dir, 'checkpoints', 'best.safetensors')} (epoch ${best.epoch}, mnist)`);
    expect(lines[1]).toBe('split       images  accuracy     loss');
    expect(lines[2]).toMatch(/^train {10}270 {2} +\d+\.\d\d% {2} +\d+\.\d{4}$/);
    expect(lines[3]).toContain(`validation      30  ${`${(100 * (best.val_acc as number)).toFixed(2)}%`.padStart(8)}`);
    expect(lines[4]).toContain(`test           200  ${`${(100 * (best.test_acc as number)).toFixed(2)}%`.padStart(8)}`);
    expect(lines[5]).toMatch(/^speed \d+\.\d images\/s$/);
    const saved = JSON.parse(readFileSync(join(dir, 'evaluation.json'), 'utf8'));
    expect(saved.scores.map((s: { split: string; images: number }) => [s.split, s.images])).toEqual([
      ['train', 270],
      ['validation', 30],
      ['test', 200],
    ]);
    expect(saved.scores[2].accuracy).toBe(best.test_acc);
    const json = await runApp(['evaluate', '--run', dir, '--checkpoint', 'last', '--splits', 'test', '--json']);
    expect(JSON.parse(json.stdout).scores[0].accuracy).toBe(records[records.length - 1].test_acc);
    const bad = await runApp(['evaluate', '--run', dir, '--splits', 'test,dev']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--splits: unknown split "dev"');
  }, 60_000);
});
