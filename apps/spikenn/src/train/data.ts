import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FileFormatError, ValidationError } from '@snn/core';
import type { SpikingDataset } from '@snn/datasets';
import { readAnySpikingDataset } from '@snn/datasets/node';
import type { Splits } from './fit.js';

/** File names of the splits in a dataset folder (SpikeNN's layout), each `.npy` (seed format) or `.snnspk`. */
export const SPLIT_FILES = { train: 'trainset', val: 'valset', test: 'testset' } as const;

function findSplit(dir: string, base: string): string | undefined {
  for (const ext of ['.npy', '.snnspk']) {
    const path = join(dir, `${base}${ext}`);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/**
 * Reads `trainset`, and `valset` / `testset` when present, from a dataset folder (SpikeNN's `run.py` layout).
 *
 * @remarks
 * Checks what the seed checks and more: every split has the training set's input size; every training sample
 * has at least one spike (the seed's "Some input samples do not contain any spike."); validation and test labels
 * are classes of the training set.
 * @param dir - the folder
 * @returns the splits and the number of classes (distinct training labels, which must be 0..K−1)
 * @throws FileFormatError / ValidationError naming the file, sample or label
 */
export function loadSplits(dir: string): { splits: Splits; classes: number; files: Record<string, string> } {
  const trainPath = findSplit(dir, SPLIT_FILES.train);
  if (trainPath === undefined) {
    throw new FileFormatError('training set not found', { file: join(dir, `${SPLIT_FILES.train}.npy`), expected: 'trainset.npy (SpikeNN SpikingDataset) or trainset.snnspk', found: 'no such file' });
  }
  const files: Record<string, string> = { train: trainPath };
  const train = readAnySpikingDataset(trainPath);
  for (let s = 0; s < train.count; s++) {
    if (train.offsets[s + 1] === train.offsets[s]) {
      throw new ValidationError('a training sample has no spike', { file: trainPath, field: `samples[${s}]`, expected: 'at least one spike per sample', found: '0 spikes' });
    }
  }
  const distinct = [...new Set(train.labels)].sort((a, b) => a - b);
  const classes = distinct.length;
  if (distinct[classes - 1] !== classes - 1) {
    throw new ValidationError('training labels are not 0..K−1', { file: trainPath, field: 'labels', expected: `labels 0..${classes - 1}`, found: `labels ${distinct.slice(0, 12).join(', ')}` });
  }
  const other = (key: 'val' | 'test'): SpikingDataset | undefined => {
    const path = findSplit(dir, SPLIT_FILES[key]);
    if (path === undefined) return undefined;
    files[key] = path;
    const ds = readAnySpikingDataset(path);
    if (ds.inputSize !== train.inputSize) {
      throw new ValidationError('input size differs from the training set', { file: path, field: 'shape', expected: `${train.inputSize} inputs (${trainPath})`, found: String(ds.inputSize) });
    }
    for (let s = 0; s < ds.count; s++) {
      if (ds.labels[s] >= classes) throw new ValidationError('label not seen in the training set', { file: path, field: `labels[${s}]`, expected: `a class in 0..${classes - 1}`, found: String(ds.labels[s]) });
    }
    return ds;
  };
  return { splits: { train, val: other('val'), test: other('test') }, classes, files };
}
