import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileFormatError, Rng, ValidationError } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../test-utils/temp-dir.js';
import { FASHION_MNIST_CLASSES, FASHION_MNIST_TRAIN_SEED } from './constants.js';
import { loadFashionMnist, loadFashionMnistSplits } from './load.js';
import { parseClothesGeneric, scanClothes } from './parse.js';

const tmp = useTempDir('fashion');
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

/** Pixel p of row r of class c in the synthetic data: unique per (c, r) in its first two bytes. */
function pixel(c: number, r: number, p: number): number {
  if (p === 0) return c;
  if (p === 1) return r;
  return (c * 31 + r * 7 + p) % 256;
}

/** Writes 10 class files with `rows` rows each (plus the given empty-row positions in class 0). */
function syntheticDir(name: string, rows: number, emptyAt: number[] = [], format: (data: number[][]) => string = (d) => JSON.stringify({ data: d })) {
  const dir = join(tmp, name);
  mkdirSync(dir, { recursive: true });
  for (let c = 0; c < 10; c++) {
    const data: number[][] = [];
    for (let r = 0; r < rows; r++) data.push(Array.from({ length: 784 }, (_, p) => pixel(c, r, p)));
    if (c === 0) for (const at of emptyAt) data.splice(at, 0, []);
    writeFileSync(join(dir, `${c}.json`), format(data));
  }
  return dir;
}

describe('Fashion-MNIST parser', () => {
  it('fast scanner and JSON.parse agree, empty rows skipped', () => {
    const rng = new Rng(3);
    const data = Array.from({ length: 6 }, (_, r) => (r === 2 ? [] : Array.from({ length: 784 }, () => rng.int(256))));
    const bytes = new TextEncoder().encode(JSON.stringify({ data }));
    const fast = scanClothes(bytes, 784)!;
    const slow = parseClothesGeneric(bytes, 'f.json', 784);
    expect(fast.rows).toBe(5);
    expect(fast.emptyRows).toBe(1);
    expect(slow.rows).toBe(5);
    expect(slow.emptyRows).toBe(1);
    expect(fast.pixels).toEqual(slow.pixels);
    expect(fast.pixels.subarray(2 * 784, 3 * 784)).toEqual(Uint8Array.from(data[3]));
    const spaced = new TextEncoder().encode(JSON.stringify({ data }, null, 2));
    expect(scanClothes(spaced, 784)!.pixels).toEqual(fast.pixels);
  });

  it('falls back to JSON.parse for layouts the scanner does not handle', () => {
    const row = Array.from({ length: 4 }, (_, i) => i);
    const withKey = new TextEncoder().encode(`{"meta": 1, "data": [${JSON.stringify(row)}]}`);
    expect(scanClothes(withKey, 4)).toBeUndefined();
    expect(Array.from(parseClothesGeneric(withKey, 'k.json', 4).pixels)).toEqual(row);
    const withFloat = new TextEncoder().encode('{"data": [[0, 1.0, 2, 3]]}');
    expect(scanClothes(withFloat, 4)).toBeUndefined();
    expect(Array.from(parseClothesGeneric(withFloat, 'f.json', 4).pixels)).toEqual([0, 1, 2, 3]);
  });

  it('scanner declines anything outside the plain layout', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(Array.from(scanClothes(enc(' {"data" : [ [0, 10 ,255] , [ ] ] } \n'), 3)!.pixels)).toEqual([0, 10, 255]);
    for (const bad of ['{"data": [[1, 2', '{"data": [[01, 2, 3]]}', '{"data": [[1, 2, 256]]}', '{"data": [[1, 2, 1000]]}', '{"data": [[1, 2, 3, 4]]}', '{"data": [[1, 2]]}', '{"data": [[1, -2, 3]]}', '{"data": [[1, 2, 3]]}x', '[[1, 2, 3]]']) {
      expect(scanClothes(enc(bad), 3)).toBeUndefined();
    }
  });

  it('reports malformed rows, values and JSON', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(() => parseClothesGeneric(enc('{"data": [[1, 2, 3]]}'), 'a.json', 4)).toThrow(
      'file a.json, field data[0]: malformed image row; expected an array of 4 integers in 0..255 (or [], which is skipped), found an array of 3 values',
    );
    expect(() => parseClothesGeneric(enc('{"data": [[1, 2, 3, 256]]}'), 'b.json', 4)).toThrow(
      'file b.json, field data[0][3]: pixel value outside 0..255; expected an integer in 0..255, found 256',
    );
    expect(() => parseClothesGeneric(enc('{"data": [[1, 2'), 'c.json', 4)).toThrow(FileFormatError);
    expect(() => parseClothesGeneric(enc('{"rows": []}'), 'd.json', 4)).toThrow('file d.json, field data: missing "data" array; expected an array of image rows, found nothing');
  });
});

describe('Fashion-MNIST loader (synthetic directory)', () => {
  it('drops empty rows and derives the documented split', () => {
    const dir = syntheticDir('split', 5, [1, 6]);
    const { train, test } = loadFashionMnistSplits({ dir, trainPerClass: 3, testPerClass: 2 });
    expect(train.count).toBe(30);
    expect(test.count).toBe(20);
    const perm = new Rng(FASHION_MNIST_TRAIN_SEED).permutation(30);
    for (let k = 0; k < 30; k++) {
      const c = Math.floor(perm[k] / 3);
      const r = perm[k] % 3;
      expect(train.labels[k]).toBe(c);
      expect(train.images[k * 784]).toBe(c);
      expect(train.images[k * 784 + 1]).toBe(r);
      expect(train.images[k * 784 + 500]).toBe(pixel(c, r, 500));
    }
    const testRows = new Set<string>();
    for (let k = 0; k < 20; k++) {
      expect(test.labels[k]).toBe(test.images[k * 784]);
      testRows.add(`${test.images[k * 784]}:${test.images[k * 784 + 1]}`);
    }
    expect(testRows.size).toBe(20);
    for (let c = 0; c < 10; c++) for (const r of [3, 4]) expect(testRows.has(`${c}:${r}`)).toBe(true);
    expect(loadFashionMnist({ split: 'test', dir, trainPerClass: 3, testPerClass: 2 }).images).toEqual(test.images);
  });

  it('requires exactly trainPerClass + testPerClass rows per class', () => {
    const dir = syntheticDir('count', 4);
    expect(() => loadFashionMnistSplits({ dir, trainPerClass: 3, testPerClass: 2 })).toThrow(
      `file ${join(dir, '0.json')}: wrong number of images for the class; expected 5 non-empty rows (3 train + 2 test), found 4 (after dropping 0 empty rows)`,
    );
    expect(() => loadFashionMnistSplits({ dir, trainPerClass: 0 })).toThrow(ValidationError);
    expect(() => loadFashionMnist({ split: 'val' as 'test', dir })).toThrow('field split: unknown Fashion-MNIST split');
  });

  it('names a missing class file', () => {
    const dir = join(tmp, 'empty');
    mkdirSync(dir);
    expect(() => loadFashionMnistSplits({ dir })).toThrow(`file ${join(dir, '0.json')}: Fashion-MNIST class file not found`);
  });
});

describe('Fashion-MNIST loader (embedded package)', () => {
  it('loads 60,000 + 10,000 images with 6,000 / 1,000 per class and a fixed order', () => {
    const { train, test } = loadFashionMnistSplits();
    expect(train.count).toBe(60000);
    expect(test.count).toBe(10000);
    const perClass = (labels: Uint8Array) => {
      const counts = new Array(10).fill(0);
      for (const l of labels) counts[l]++;
      return counts;
    };
    expect(perClass(train.labels)).toEqual(new Array(10).fill(6000));
    expect(perClass(test.labels)).toEqual(new Array(10).fill(1000));
    expect(Array.from(train.labels.subarray(0, 10))).toEqual([4, 9, 5, 4, 9, 4, 6, 2, 2, 3]);
    expect(FASHION_MNIST_CLASSES[train.labels[1]]).toBe('Ankle boot');
    expect(md5(train.images)).toBe('7defb4920b8aedad38a64df4797d5a08');
    expect(md5(train.labels)).toBe('516b3ffc900ada68f270497656db0ebc');
    expect(md5(test.images)).toBe('e2d2dcd09ace2641c616c1da9785b658');
    expect(md5(test.labels)).toBe('3b885ced80d0a31aecdc00aefa97c74b');
  }, 20000);
});
