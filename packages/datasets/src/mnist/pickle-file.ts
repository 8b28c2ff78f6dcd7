import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { FileFormatError } from '@snn/core';
import type { ImageDataset } from '../api.js';
import { readMaybeGzip } from '../idx/read.js';
import { candidateNames, type MnistSplit } from './files.js';
import { parseMnistPickle } from './pickle.js';

/** Names of the classic pickle (all splits), in lookup order. */
const CLASSIC_NAMES = ['mnist.pkl.gz', 'mnist.pkl'];
/** Names of one-split `(images, labels)` pickles, by split. */
const PAIR_NAMES: Readonly<Record<MnistSplit, readonly string[]>> = { train: ['training.pkl.gz', 'training.pkl'], test: ['testing.pkl.gz', 'testing.pkl'] };

/** A pickle of MNIST found by {@link findMnistPickle}. */
export interface MnistPickleFile {
  /** The file. */
  readonly path: string;
  /** What it should hold: every split, or the one asked for. */
  readonly layout: 'classic' | 'pair';
}

const isPickleName = (name: string) => /\.(pkl|pickle)(\.gz)?$/.test(name);

/**
 * The pickle to read for `split` when `path` names one, or names a directory without that split's IDX files that holds
 * `mnist.pkl.gz` / `mnist.pkl`, or `training.pkl.gz` / `testing.pkl.gz` (or without `.gz`); otherwise undefined (the
 * IDX reader then names what is missing).
 */
export function findMnistPickle(path: string, split: MnistSplit): MnistPickleFile | undefined {
  if (!existsSync(path)) return undefined;
  if (!statSync(path).isDirectory()) return isPickleName(basename(path)) ? { path, layout: 'classic' } : undefined;
  const has = (name: string) => existsSync(join(path, name));
  if (candidateNames(split, 'images').some(has)) return undefined;
  const names = readdirSync(path);
  const classic = CLASSIC_NAMES.find((n) => names.includes(n));
  if (classic) return { path: join(path, classic), layout: 'classic' };
  const pair = PAIR_NAMES[split].find((n) => names.includes(n));
  return pair ? { path: join(path, pair), layout: 'pair' } : undefined;
}

/**
 * Reads one split from a pickle found by {@link findMnistPickle} (gunzipped when it starts with the gzip magic).
 * @throws FileFormatError when the file lacks that split (a one-split pickle named directly), plus those of
 *   `parseMnistPickle`
 */
export function loadMnistPickle(file: MnistPickleFile, split: MnistSplit): ImageDataset {
  const { bytes } = readMaybeGzip(file.path);
  const parsed = parseMnistPickle(bytes, file.path);
  const data = file.layout === 'pair' ? parsed.train : parsed[split];
  if (!data || (file.layout === 'classic' && parsed.layout !== 'classic')) {
    throw new FileFormatError(`MNIST pickle lacks the ${split} split`, {
      file: file.path,
      expected: 'the classic (train, valid, test) tuple, or a directory with training.pkl.gz and testing.pkl.gz',
      found: 'one (images, labels) tuple',
    });
  }
  return data;
}
