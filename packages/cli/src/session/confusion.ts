import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileFormatError } from '@snn/core';
import { writeFileAtomic } from '@snn/core/node';
import { RUN_LAYOUT } from '../run-dir/run-dir.js';

/** File (in `logs/`) holding a run's saved confusion matrix. */
export const CONFUSION_FILE = 'confusion.json';

/** A confusion matrix saved in a run directory for its report. */
export interface SavedConfusion {
  /** Epoch (1-based) of the evaluation. */
  readonly epoch: number;
  /** Split it was computed on (e.g. `test`), when recorded. */
  readonly split?: string;
  /** Number of classes C. */
  readonly numClasses: number;
  /** Counts `[C, C]` row-major, rows = true class, columns = predicted class. */
  readonly matrix: number[];
}

/**
 * Writes `logs/confusion.json` atomically.
 *
 * @param runDir - the run directory
 * @param confusion - epoch, split, classes and counts
 */
export async function saveConfusion(runDir: string, confusion: SavedConfusion): Promise<void> {
  await writeFileAtomic(join(runDir, RUN_LAYOUT.logs, CONFUSION_FILE), `${JSON.stringify(confusion)}\n`);
}

/**
 * Reads `logs/confusion.json`, or null when the run has none.
 *
 * @param runDir - the run directory
 * @throws `FileFormatError` for a corrupt file
 */
export async function readConfusion(runDir: string): Promise<SavedConfusion | null> {
  const file = join(runDir, RUN_LAYOUT.logs, CONFUSION_FILE);
  if (!existsSync(file)) return null;
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as SavedConfusion;
    if (!Number.isInteger(value.numClasses) || !Array.isArray(value.matrix) || value.matrix.length !== value.numClasses * value.numClasses) throw new Error('bad size');
    return value;
  } catch (error) {
    throw new FileFormatError('corrupt confusion matrix file', { file, expected: '{ epoch, numClasses, matrix: C·C counts }', cause: error });
  }
}
