import { FileFormatError, ValidationError } from '@snn/core';
import type { ImageDataset } from '../api.js';
import { idxPromisedBytes, parseIdx } from '../idx/parse.js';
import { readMaybeGzip } from '../idx/read.js';
import type { IdxArray } from '../idx/dtype.js';
import { MNIST_MD5, type MnistChecksums, type MnistSplit, findMnistFile, mnistPackageDir, verifyMd5 } from './files.js';
import { findMnistPickle, loadMnistPickle } from './pickle-file.js';

/** Options of {@link loadMnist}. */
export interface LoadMnistOptions {
  /** `'train'` (60,000 images) or `'test'` (10,000 images). */
  readonly split: MnistSplit;
  /**
   * Directory with your own IDX files; default: the copy embedded with this
   * package. Accepted names per file: `train-images-idx3-ubyte` or
   * `train-images.idx3-ubyte`, each optionally with `.gz` (likewise
   * `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`, `t10k-labels-idx1-ubyte`). Also a NumPy pickle of
   * MNIST (read without executing anything, see `parseMnistPickle`): the classic `mnist.pkl.gz` file itself, or
   * a directory without the IDX files that holds `mnist.pkl.gz` (or `mnist.pkl`), or `training.pkl.gz` and
   * `testing.pkl.gz` (one `(images, labels)` tuple each).
   */
  readonly dir?: string;
  /** Check the md5 of both (uncompressed) files; default true for the embedded copy, false for `dir`. */
  readonly verify?: boolean;
  /** Expected md5 digests when verifying; default {@link MNIST_MD5} of the split. */
  readonly md5?: MnistChecksums;
}

const ROWS = 28;
const COLS = 28;

/**
 * Loads one split of MNIST (LeCun et al. 1998): 28×28 greyscale digits with labels 0..9.
 *
 * @remarks
 * Reads the two IDX files with one `readFileSync` each and returns views into
 * those buffers (no per-pixel copy); loading the 60,000 training images takes
 * well under a second. With `verify` the md5 of each file's uncompressed bytes
 * is compared with {@link MNIST_MD5} (or `md5`). Checks: images are u8
 * `[n, 28, 28]`, labels u8 `[n]` with the same `n`, every label in 0..9.
 *
 * Reference: Y. LeCun, L. Bottou, Y. Bengio, P. Haffner, "Gradient-based
 * learning applied to document recognition", Proc. IEEE 86(11), 1998.
 *
 * @param options - split, optional directory, verification
 * @returns images (`count * 784` bytes), labels, count, rows = 28, cols = 28
 * @throws FileFormatError for a missing directory or file, a malformed IDX file, no images, mismatched counts or a label outside 0..9
 *   (a pickle: see `parseMnistPickle`; `PickleError` for anything outside its data subset)
 * @throws ChecksumError when `verify` is on and an md5 differs
 * @throws ValidationError for a split other than `'train'` or `'test'`
 *
 * @example
 * ```ts
 * const test = loadMnist({ split: 'test' });
 * test.count; // 10000
 * test.labels[0]; // 7
 * ```
 */
export function loadMnist(options: LoadMnistOptions): ImageDataset {
  const { split } = options;
  if (split !== 'train' && split !== 'test') {
    throw new ValidationError('unknown MNIST split', { field: 'split', expected: '"train" or "test"', found: JSON.stringify(split) });
  }
  const dir = options.dir ?? mnistPackageDir();
  const pickle = options.dir !== undefined ? findMnistPickle(options.dir, split) : undefined;
  if (pickle) return loadMnistPickle(pickle, split);
  const verify = options.verify ?? options.dir === undefined;
  const md5 = options.md5 ?? MNIST_MD5[split];
  const imagesPath = findMnistFile(dir, split, 'images');
  const labelsPath = findMnistFile(dir, split, 'labels');

  const imagesBytes = readMaybeGzip(imagesPath, { promisedBytes: idxPromisedBytes }).bytes;
  if (verify) verifyMd5(imagesBytes, md5.images, imagesPath);
  const labelsBytes = readMaybeGzip(labelsPath, { promisedBytes: idxPromisedBytes }).bytes;
  if (verify) verifyMd5(labelsBytes, md5.labels, labelsPath);

  const images = parseIdx(imagesBytes, imagesPath);
  checkLayout(images, imagesPath, 3, 'u8 [n, 28, 28]', images.shape[1] === ROWS && images.shape[2] === COLS);
  const labels = parseIdx(labelsBytes, labelsPath);
  checkLayout(labels, labelsPath, 1, 'u8 [n]', true);

  const count = images.shape[0];
  if (count === 0) {
    throw new FileFormatError('MNIST image file holds no images', { file: imagesPath, expected: 'at least 1 image', found: 'a header that says 0 images' });
  }
  if (labels.shape[0] !== count) {
    throw new FileFormatError('label count differs from image count', {
      file: labelsPath,
      expected: `${count} labels, one per image in ${imagesPath}`,
      found: `${labels.shape[0]} labels`,
    });
  }
  const labelData = labels.data as Uint8Array;
  for (let i = 0; i < count; i++) {
    if (labelData[i] > 9) {
      throw new FileFormatError('label outside 0..9', { file: labelsPath, field: `labels[${i}]`, expected: 'a digit 0..9', found: String(labelData[i]) });
    }
  }
  return { images: images.data as Uint8Array, labels: labelData, count, rows: ROWS, cols: COLS };
}

function checkLayout(array: IdxArray, file: string, ndim: number, expected: string, dimsOk: boolean): void {
  if (array.dtype !== 'u8' || array.shape.length !== ndim || !dimsOk) {
    throw new FileFormatError('unexpected IDX layout for MNIST', {
      file,
      expected,
      found: `${array.dtype} [${array.shape.join(', ')}]`,
    });
  }
}
