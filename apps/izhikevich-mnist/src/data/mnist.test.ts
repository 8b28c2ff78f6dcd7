import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../testing/harness.js';
import { checkMnistDir, gather, loadMnistSplits } from './mnist.js';

describe('MNIST data', () => {
  it('names exactly the missing IDX files (plain, .gz or .idx spellings count as present)', () => {
    const dir = join(tempDir(), 'partial');
    mkdirSync(dir);
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), '');
    writeFileSync(join(dir, 't10k-labels.idx1-ubyte'), '');
    expect(() => checkMnistDir(dir)).toThrow(
      `file ${dir}: MNIST IDX files missing; expected train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (each optionally .gz), found no train-labels-idx1-ubyte, t10k-images-idx3-ubyte`,
    );
    expect(() => checkMnistDir(join(dir, 'nope'))).toThrow(`file ${join(dir, 'nope')}: MNIST directory not found`);
  });

  it('splits a seeded subset into training, validation and test images', () => {
    const a = loadMnistSplits({ train_size: 100, validation_fraction: 0.2, test_size: 30 }, 5);
    expect([a.train.count, a.validation.count, a.test.count]).toEqual([80, 20, 30]);
    expect(a.train.images.length).toBe(80 * 784);
    expect(Math.max(...a.train.images.subarray(0, 784))).toBeLessThanOrEqual(1);
    const b = loadMnistSplits({ train_size: 100, validation_fraction: 0.2, test_size: 30 }, 5);
    expect(Array.from(b.validation.labels)).toEqual(Array.from(a.validation.labels));
    const batch = gather(a.test, [2, 0]);
    expect(Array.from(batch.labels)).toEqual([a.test.labels[2], a.test.labels[0]]);
    expect(batch.images.subarray(784, 1568)).toEqual(a.test.images.subarray(0, 784));
    expect(() => loadMnistSplits({ train_size: 10, validation_fraction: 0.99, test_size: 5 }, 0)).toThrow(
      'field data.validation_fraction: the validation fraction leaves no training image; expected a fraction of data.train_size = 10 that leaves some for training, found 0.99',
    );
    // Reads and md5-checks all 70,000 images twice: seconds on a busy machine.
  }, 30_000);
});
