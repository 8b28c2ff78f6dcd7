import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { FileFormatError, type PickleNdArray, PickleError, type PickleValue, encodePickle } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { loadMnist } from './load.js';
import { parseMnistPickle } from './pickle.js';

function array(code: 'f4' | 'u1' | 'i8', shape: number[], values: number[]): PickleNdArray {
  const size = { f4: 4, u1: 1, i8: 8 }[code];
  const bytes = new Uint8Array(values.length * size);
  const view = new DataView(bytes.buffer);
  values.forEach((v, k) => {
    if (code === 'f4') view.setFloat32(4 * k, v, true);
    else if (code === 'u1') view.setUint8(k, v);
    else view.setBigInt64(8 * k, BigInt(v), true);
  });
  return { kind: 'ndarray', subclass: 'ndarray', shape, dtype: { kind: 'dtype', code, byteOrder: code === 'u1' ? '|' : '<', itemSize: size, fields: [], isRecord: false }, fortranOrder: false, bytes, objects: [] };
}

const tuple = (...items: PickleValue[]): PickleValue => ({ kind: 'tuple', items });
/** n images whose pixel p is (k·7 + p) mod 256, the first label k mod 10. */
const pixelsOf = (n: number, first: number) => Array.from({ length: n * 784 }, (_, i) => ((Math.floor(i / 784) + first) * 7 + (i % 784)) % 256);
const labelsOf = (n: number, first: number) => Array.from({ length: n }, (_, k) => (k + first) % 10);
/** The classic layout: float32 pixel/256, int64 labels; train 3, valid 2, test 2 images. */
const classicSet = (n: number, first: number) => tuple(array('f4', [n, 784], pixelsOf(n, first).map((p) => p / 256)), array('i8', [n], labelsOf(n, first)));
const CLASSIC = encodePickle(tuple(classicSet(3, 0), classicSet(2, 3), classicSet(2, 5)));

describe('MNIST pickles', () => {
  it('reads the classic (train, valid, test) layout: training = train then valid, pixels scaled back exactly', () => {
    const { train, test, layout } = parseMnistPickle(CLASSIC, 'mnist.pkl');
    expect(layout).toBe('classic');
    expect(train?.count).toBe(5);
    expect(Array.from(train?.images ?? [])).toEqual(pixelsOf(5, 0));
    expect(Array.from(train?.labels ?? [])).toEqual(labelsOf(5, 0));
    expect(test?.count).toBe(2);
    expect(Array.from(test?.images.subarray(0, 784) ?? [])).toEqual(pixelsOf(1, 5));
  });

  it('loadMnist reads mnist.pkl.gz given as the file or its directory, and the seed script’s training/testing.pkl.gz', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnist-pickle-'));
    writeFileSync(join(dir, 'mnist.pkl.gz'), gzipSync(CLASSIC));
    expect(loadMnist({ split: 'train', dir: join(dir, 'mnist.pkl.gz') }).count).toBe(5);
    expect(Array.from(loadMnist({ split: 'test', dir }).labels)).toEqual([5, 6]);
    const seed = join(dir, 'seed');
    mkdirSync(seed);
    writeFileSync(join(seed, 'training.pkl.gz'), gzipSync(encodePickle(tuple(array('u1', [2, 28, 28], pixelsOf(2, 0)), array('i8', [2], [4, 9])))));
    writeFileSync(join(seed, 'testing.pkl.gz'), gzipSync(encodePickle(tuple(array('u1', [1, 28, 28], pixelsOf(1, 8)), array('i8', [1], [3])))));
    const train = loadMnist({ split: 'train', dir: seed });
    expect(Array.from(train.images)).toEqual(pixelsOf(2, 0));
    expect(Array.from(train.labels)).toEqual([4, 9]);
    expect(Array.from(loadMnist({ split: 'test', dir: seed }).labels)).toEqual([3]);
    // A one-split pickle named as a file cannot say which split it is.
    expect(() => loadMnist({ split: 'train', dir: join(seed, 'training.pkl.gz') })).toThrow(/MNIST pickle lacks the train split; expected the classic \(train, valid, test\) tuple/);
  });

  it('refuses code, other layouts, shapes and labels by name, never executing anything', () => {
    // pickle.dumps of an object reducing to os.system: refused at its GLOBAL, nothing runs.
    const evil = Uint8Array.from(Buffer.from('gANjcG9zaXgKc3lzdGVtCnEAWAcAAABlY2hvIGhpcQGFcQJScQMu', 'base64'));
    expect(() => parseMnistPickle(evil, 'mnist.pkl')).toThrow(PickleError);
    expect(() => parseMnistPickle(evil, 'mnist.pkl')).toThrow(/file mnist\.pkl, field pickle byte 2: pickle names a global outside .*found posix\.system/);
    expect(() => parseMnistPickle(encodePickle([1, 2]), 'x.pkl')).toThrow('file x.pkl: unexpected MNIST pickle layout; expected a tuple (train, valid, test) of (images, labels) tuples, or one (images, labels) tuple, found a list of 2');
    const wrongShape = encodePickle(tuple(array('u1', [1, 10], new Array(10).fill(0)), array('i8', [1], [0])));
    expect(() => parseMnistPickle(wrongShape, 'x.pkl')).toThrow(/field pickle\[0\]: MNIST pickle images have the wrong shape; expected a C-order array \(n, 784\) or \(n, 28, 28\)/);
    const badLabel = encodePickle(tuple(array('u1', [1, 784], new Array(784).fill(0)), array('i8', [1], [12])));
    expect(() => parseMnistPickle(badLabel, 'x.pkl')).toThrow('file x.pkl, field pickle[1][0]: label outside 0..9; expected a digit 0..9, found 12');
    expect(() => parseMnistPickle(badLabel, 'x.pkl')).toThrow(FileFormatError);
  });
});
