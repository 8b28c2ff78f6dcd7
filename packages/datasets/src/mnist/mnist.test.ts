import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChecksumError, FileFormatError, ValidationError } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { imagesToTensor, subsetDataset } from '../image-dataset/image-dataset.js';
import { writeIdx } from '../idx/write-file.js';
import { useTempDir } from '../test-utils/temp-dir.js';
import { MNIST_MD5, md5Hex, mnistPackageDir } from './files.js';
import { loadMnist } from './load.js';

const tmp = useTempDir('mnist');

/** Writes a small fake MNIST split into `dir`. */
async function fakeSplit(dir: string, count: number, labelCount = count, names = ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
  mkdirSync(dir, { recursive: true });
  const images = new Uint8Array(count * 784).map((_, i) => (i * 7) % 256);
  const labels = Array.from({ length: labelCount }, (_, i) => i % 10);
  await writeIdx(join(dir, names[0]), { dtype: 'u8', shape: [count, 28, 28], data: images });
  await writeIdx(join(dir, names[1]), { dtype: 'u8', shape: [labelCount], data: labels });
  return { images, labels };
}

describe('loadMnist (embedded copy)', () => {
  it('loads the 10,000 test images with md5 verification', () => {
    const test = loadMnist({ split: 'test' });
    expect(test.count).toBe(10000);
    expect(test.rows).toBe(28);
    expect(test.cols).toBe(28);
    expect(test.images.length).toBe(10000 * 784);
    expect(test.labels.length).toBe(10000);
    expect(Array.from(test.labels.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    const perClass = new Array(10).fill(0);
    for (const l of test.labels) perClass[l]++;
    expect(perClass).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    const dir = mnistPackageDir();
    expect(md5Hex(readFileSync(join(dir, 't10k-images-idx3-ubyte')))).toBe(MNIST_MD5.test.images);
    expect(md5Hex(readFileSync(join(dir, 't10k-labels-idx1-ubyte')))).toBe(MNIST_MD5.test.labels);
  });

  it('gives a [n, 784] float tensor in [0, 1]', () => {
    const test = loadMnist({ split: 'test', verify: false });
    const x = imagesToTensor(test, [0, 9999]);
    expect(x.shape).toEqual([2, 784]);
    expect(x.data[0]).toBe(0);
    let max = 0;
    for (const v of x.data) max = Math.max(max, v);
    expect(max).toBe(1);
    expect(x.data[7 * 28 + 6]).toBeCloseTo(test.images[7 * 28 + 6] / 255, 7);
    expect(imagesToTensor(test).shape).toEqual([10000, 784]);
    expect(() => imagesToTensor(test, [10000])).toThrow('field indices[0]: index out of range; expected an integer in [0, 9999], found 10000');
  });

  it('rejects an unknown split', () => {
    expect(() => loadMnist({ split: 'val' as 'test' })).toThrow(ValidationError);
  });
});

describe('loadMnist (own directory)', () => {
  it('reads the four accepted name variants, plain and gzip', async () => {
    const variants = [
      ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
      ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'],
      ['t10k-images.idx3-ubyte', 't10k-labels.idx1-ubyte'],
      ['t10k-images.idx3-ubyte.gz', 't10k-labels.idx1-ubyte.gz'],
    ];
    for (const [v, names] of variants.entries()) {
      const dir = join(tmp, `variant-${v}`);
      const { images, labels } = await fakeSplit(dir, 5, 5, names);
      const ds = loadMnist({ split: 'test', dir });
      expect(ds.count).toBe(5);
      expect(Array.from(ds.labels)).toEqual(labels);
      expect(ds.images).toEqual(images);
    }
  });

  it('verifies md5 against a given map', async () => {
    const dir = join(tmp, 'md5');
    await fakeSplit(dir, 3);
    const imagesMd5 = md5Hex(readFileSync(join(dir, 't10k-images-idx3-ubyte')));
    const labelsMd5 = md5Hex(readFileSync(join(dir, 't10k-labels-idx1-ubyte')));
    expect(loadMnist({ split: 'test', dir, verify: true, md5: { images: imagesMd5, labels: labelsMd5 } }).count).toBe(3);
    const wrong = '0123456789abcdef0123456789abcdef';
    const load = () => loadMnist({ split: 'test', dir, verify: true, md5: { images: imagesMd5, labels: wrong } });
    expect(load).toThrow(ChecksumError);
    expect(load).toThrow(`file ${join(dir, 't10k-labels-idx1-ubyte')}: md5 mismatch; expected md5 ${wrong}, found md5 ${labelsMd5}`);
  });

  it('detects a corrupted copy of the real labels file', () => {
    const dir = join(tmp, 'corrupt');
    mkdirSync(dir);
    const src = mnistPackageDir();
    copyFileSync(join(src, 't10k-images-idx3-ubyte'), join(dir, 't10k-images-idx3-ubyte'));
    const labels = readFileSync(join(src, 't10k-labels-idx1-ubyte'));
    labels[8] = (labels[8] + 1) % 10;
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), labels);
    expect(() => loadMnist({ split: 'test', dir, verify: true })).toThrow(
      `md5 mismatch; expected md5 27ae3e4e09519cfbb04c329615203637, found md5 ${md5Hex(labels)}`,
    );
    expect(loadMnist({ split: 'test', dir }).labels[0]).toBe(8);
  });

  it('rejects an image file with 0 images', async () => {
    const dir = join(tmp, 'empty');
    await fakeSplit(dir, 0);
    const images = join(dir, 't10k-images-idx3-ubyte');
    expect(() => loadMnist({ split: 'test', dir })).toThrow(`file ${images}: MNIST image file holds no images; expected at least 1 image, found a header that says 0 images`);
  });

  it('rejects a label count that differs from the image count', async () => {
    const dir = join(tmp, 'counts');
    await fakeSplit(dir, 4, 3);
    const images = join(dir, 't10k-images-idx3-ubyte');
    const labels = join(dir, 't10k-labels-idx1-ubyte');
    expect(() => loadMnist({ split: 'test', dir })).toThrow(
      `file ${labels}: label count differs from image count; expected 4 labels, one per image in ${images}, found 3 labels`,
    );
  });

  it('rejects labels outside 0..9 and images that are not 28×28', async () => {
    const dir = join(tmp, 'labels');
    await fakeSplit(dir, 2);
    await writeIdx(join(dir, 't10k-labels-idx1-ubyte'), { dtype: 'u8', shape: [2], data: [3, 10] });
    expect(() => loadMnist({ split: 'test', dir })).toThrow('field labels[1]: label outside 0..9; expected a digit 0..9, found 10');
    await writeIdx(join(dir, 't10k-images-idx3-ubyte'), { dtype: 'u8', shape: [2, 28, 27], data: new Uint8Array(2 * 28 * 27) });
    expect(() => loadMnist({ split: 'test', dir })).toThrow('unexpected IDX layout for MNIST; expected u8 [n, 28, 28], found u8 [2, 28, 27]');
  });

  it('rejects a truncated images file', async () => {
    const dir = join(tmp, 'truncated');
    await fakeSplit(dir, 2);
    const path = join(dir, 't10k-images-idx3-ubyte');
    writeFileSync(path, readFileSync(path).subarray(0, 1000));
    expect(() => loadMnist({ split: 'test', dir })).toThrow(`file ${path}: truncated IDX file; expected 1584 bytes (header says 2×28×28 u8), found 1000`);
  });

  it('names the directory and the files it looked for', async () => {
    const missing = join(tmp, 'does-not-exist');
    const load = () => loadMnist({ split: 'train', dir: missing });
    expect(load).toThrow(FileFormatError);
    expect(load).toThrow(
      `file ${missing}: MNIST data directory not found; expected a directory holding train-images-idx3-ubyte or train-images-idx3-ubyte.gz or train-images.idx3-ubyte or train-images.idx3-ubyte.gz, found no such directory`,
    );
    const dir = join(tmp, 'only-images');
    await fakeSplit(dir, 1);
    expect(() => loadMnist({ split: 'train', dir })).toThrow(
      `file ${dir}: MNIST train images file not found; expected one of train-images-idx3-ubyte, train-images-idx3-ubyte.gz, train-images.idx3-ubyte, train-images.idx3-ubyte.gz, found only t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte`,
    );
  });

  it('copies a subset', async () => {
    const dir = join(tmp, 'subset');
    const { images } = await fakeSplit(dir, 4);
    const ds = loadMnist({ split: 'test', dir });
    const sub = subsetDataset(ds, [3, 1]);
    expect(sub.count).toBe(2);
    expect(Array.from(sub.labels)).toEqual([3, 1]);
    expect(sub.images.subarray(0, 784)).toEqual(images.subarray(3 * 784, 4 * 784));
    expect(sub.images.subarray(784)).toEqual(images.subarray(784, 2 * 784));
  });
});
