import { join } from 'node:path';
import { loadFashionMnistSplits, writeIdx } from '@snn/datasets/node';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/load.js';
import { configPath, runApp, tempDir } from '../testing/harness.js';
import { loadDataSplits } from './splits.js';

/** Writes the first `train`/`test` images of the embedded Fashion-MNIST split as official-style IDX files. */
async function writeFashionIdx(dir: string, splits: ReturnType<typeof loadFashionMnistSplits>, train: number, test: number): Promise<void> {
  for (const [split, data, n] of [
    ['train', splits.train, train],
    ['t10k', splits.test, test],
  ] as const) {
    await writeIdx(join(dir, `${split}-images-idx3-ubyte.gz`), { dtype: 'u8', shape: [n, 28, 28], data: data.images.subarray(0, n * 784) });
    await writeIdx(join(dir, `${split}-labels-idx1-ubyte.gz`), { dtype: 'u8', shape: [n], data: data.labels.subarray(0, n) });
  }
}

describe('Fashion-MNIST from a directory of the official IDX files', () => {
  it('reads the official split with the IDX reader and trains on it', async () => {
    const dir = tempDir();
    const embedded = loadFashionMnistSplits();
    await writeFashionIdx(dir, embedded, 300, 200);
    const config = await loadConfig(configPath('tiny'), { dataset: 'fashion-mnist', data_path: dir, training: { data_prop: 1, test_prop: 1 } });
    const splits = loadDataSplits(config);
    expect([splits.train.count + splits.validation.count, splits.test.count]).toEqual([300, 200]);
    expect(Array.from(splits.test.labels.subarray(0, 5))).toEqual(Array.from(embedded.test.labels.subarray(0, 5)));
    expect(splits.source).toBe(`${dir} (Fashion-MNIST IDX files, official 60,000/10,000 split)`);
    const root = tempDir();
    const run = await runApp(['train', '--config', configPath('tiny'), '--runs-dir', root, '--no-figures', '--epochs', '1', '--set', 'dataset=fashion-mnist', `data_path=${dir}`, 'training.data_prop=1', 'training.test_prop=1']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('(Fashion-MNIST IDX files, official 60,000/10,000 split)');
    expect(run.stdout).toMatch(/final test accuracy: \d+\.\d\d% \(\d+\/200\) after 1 epoch/);
  }, 60_000);
});
