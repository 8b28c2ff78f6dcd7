import { appendFileSync, mkdirSync } from 'node:fs';
import { readFile, truncate } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describeValue, FileFormatError, ValidationError } from '@snn/core';
import { writeFileAtomic } from '@snn/core/node';
import type { MetricValue } from './manifest.js';
import { RUN_LAYOUT } from './run-dir.js';

/** One line of a metrics log: flat keys to numbers, strings, booleans or null (e.g. `{ epoch: 1, loss: 0.41 }`). */
export type MetricsRecord = Readonly<Record<string, MetricValue>>;

/** Receives warnings (e.g. a dropped truncated line); default writes `warning: …` to stderr. */
export type WarnFn = (message: string) => void;

const defaultWarn: WarnFn = (message) => {
  process.stderr.write(`warning: ${message}\n`);
};

/** Options of {@link readMetricsLog} and {@link MetricsLog.open}. */
export interface MetricsLogOptions {
  /** Where warnings go; default stderr. */
  readonly warn?: WarnFn;
}

function parseRecord(line: string): MetricsRecord | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as MetricsRecord) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reads a JSON-lines metrics log back into records.
 *
 * @remarks
 * A run killed in the middle of a write can leave a last line without its newline that is not
 * valid JSON: that line is dropped with a warning naming the file and line. Any other bad line
 * is an error. A missing file reads as no records.
 *
 * @param file - the `.jsonl` file
 * @param options - where warnings go
 * @throws `FileFormatError` (from `@snn/core`) naming the file and line of a corrupt line that is not the truncated last one
 * @example
 * ```ts
 * const records = await readMetricsLog('runs/neurospike/r1/logs/metrics.jsonl');
 * ```
 */
export async function readMetricsLog(file: string, options: MetricsLogOptions = {}): Promise<MetricsRecord[]> {
  const warn = options.warn ?? defaultWarn;
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const complete = text.endsWith('\n');
  const lines = text.split('\n');
  if (complete) lines.pop();
  const records: MetricsRecord[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    const record = parseRecord(line);
    if (record !== undefined) {
      records.push(record);
      continue;
    }
    if (!complete && i === lines.length - 1) {
      warn(`file ${file}, line ${i + 1}: dropped a truncated last line (the run was probably interrupted)`);
      continue;
    }
    throw new FileFormatError(`corrupt metrics log at line ${i + 1}`, {
      file,
      expected: 'one JSON object per line',
      found: describeValue(line.slice(0, 60)),
    });
  }
  return records;
}

/**
 * Appends metrics records as JSON lines to a log file (by default `logs/metrics.jsonl` of a run).
 *
 * @remarks
 * Each {@link MetricsLog.append} writes one complete line synchronously, so records are in order
 * and a crash loses at most the line being written. Non-finite numbers are written as `null`.
 *
 * @example
 * ```ts
 * const metrics = await MetricsLog.open(run.path);
 * metrics.append({ epoch: 1, split: 'train', loss: 0.41, accuracy: 0.912 });
 * const all = await metrics.read();
 * ```
 */
export class MetricsLog {
  /** The `.jsonl` file written. */
  readonly file: string;
  private readonly warn: WarnFn;

  private constructor(file: string, warn: WarnFn) {
    this.file = file;
    this.warn = warn;
  }

  /**
   * Opens the metrics log of a run directory (`<runDir>/logs/metrics.jsonl`) or, when `file` ends in
   * `.jsonl`, that file; creates folders as needed. A truncated last line left by an interrupted run is
   * cut off (with a warning) so that new lines start clean.
   *
   * @param runDirOrFile - a run directory, or a `.jsonl` file path
   * @param options - where warnings go
   */
  static async open(runDirOrFile: string, options: MetricsLogOptions = {}): Promise<MetricsLog> {
    const file = runDirOrFile.endsWith('.jsonl') ? runDirOrFile : join(runDirOrFile, RUN_LAYOUT.logs, RUN_LAYOUT.metrics);
    const warn = options.warn ?? defaultWarn;
    mkdirSync(dirname(file), { recursive: true });
    await repairTail(file, warn);
    return new MetricsLog(file, warn);
  }

  /**
   * Appends one record as a line.
   *
   * @param record - flat key -> value record
   * @throws `ValidationError` (from `@snn/core`) when the record is not a plain object of numbers, strings, booleans or null
   */
  append(record: MetricsRecord): void {
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      throw new ValidationError('invalid metrics record', {
        file: this.file,
        expected: 'an object of numbers, strings, booleans or null',
        found: describeValue(record),
      });
    }
    const clean: Record<string, MetricValue> = {};
    for (const [key, value] of Object.entries(record)) {
      if (typeof value === 'number') clean[key] = Number.isFinite(value) ? value : null;
      else if (typeof value === 'string' || typeof value === 'boolean' || value === null) clean[key] = value;
      else {
        throw new ValidationError('invalid metrics value', {
          file: this.file,
          field: key,
          expected: 'a number, string, boolean or null',
          found: describeValue(value),
        });
      }
    }
    appendFileSync(this.file, `${JSON.stringify(clean)}\n`);
  }

  /** Reads every record written so far (see {@link readMetricsLog}). */
  read(): Promise<MetricsRecord[]> {
    return readMetricsLog(this.file, { warn: this.warn });
  }

  /**
   * Removes the records of epochs after `epoch` (records without a numeric `epoch` are kept), so
   * that a run resumed from epoch `epoch`'s checkpoint does not log an epoch twice when it was
   * interrupted after logging a later epoch but before saving its checkpoint. The file is
   * rewritten atomically (temp file, fsync, rename) and only when something is removed.
   *
   * @param epoch - the last epoch whose records are kept (the resumed checkpoint's epoch)
   * @returns how many records were removed
   */
  async dropEpochsAfter(epoch: number): Promise<number> {
    const records = await this.read();
    const kept = records.filter((r) => typeof r.epoch !== 'number' || r.epoch <= epoch);
    const removed = records.length - kept.length;
    if (removed > 0) {
      await writeFileAtomic(this.file, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
      this.warn(`file ${this.file}: dropped ${removed} record(s) of epochs after ${epoch}, logged after the last saved checkpoint`);
    }
    return removed;
  }
}

/** Cuts a truncated last line (no newline, not valid JSON); completes a valid one with its newline. */
async function repairTail(file: string, warn: WarnFn): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (text === '' || text.endsWith('\n')) return;
  const cut = text.lastIndexOf('\n') + 1;
  const tail = text.slice(cut);
  if (parseRecord(tail) !== undefined) {
    appendFileSync(file, '\n');
    return;
  }
  const line = text.slice(0, cut).split('\n').length;
  warn(`file ${file}, line ${line}: dropped a truncated last line (the run was probably interrupted)`);
  await truncate(file, Buffer.byteLength(text.slice(0, cut), 'utf8'));
}

/**
 * The largest `epoch` value among metrics records, or undefined when none has one.
 *
 * @param records - records from {@link readMetricsLog}
 */
export function lastEpochInMetrics(records: readonly MetricsRecord[]): number | undefined {
  let last: number | undefined;
  for (const record of records) {
    const epoch = record.epoch;
    if (typeof epoch === 'number' && Number.isFinite(epoch) && (last === undefined || epoch > last)) last = epoch;
  }
  return last;
}

/**
 * The last record of each epoch in a metrics log, in epoch order (a repeated epoch replaces its
 * earlier record).
 *
 * @param records - the log's records
 */
export function epochRecords(records: readonly MetricsRecord[]): MetricsRecord[] {
  const byEpoch = new Map<number, MetricsRecord>();
  for (const r of records) if (typeof r.epoch === 'number') byEpoch.set(r.epoch, r);
  return [...byEpoch.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
}
