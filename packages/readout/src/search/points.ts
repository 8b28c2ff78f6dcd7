import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker, parentPort } from 'node:worker_threads';
import { CheckpointError, FileFormatError, ValidationError, describeValue } from '@snn/core';
import { writeFileAtomic } from '@snn/core/node';

/** One unit of work of a K-fold or grid search: a name, the settings it runs and its seed. */
export interface SearchPoint<C = unknown> {
  /** Name of the point and of its folder under the search directory (letters, digits, `.`, `_`, `-`). */
  readonly key: string;
  /** The point's settings (JSON data), handed to the worker. */
  readonly config: C;
  /** The point's seed. */
  readonly seed: number;
}

/** What a worker sends back for a point: any JSON object of results. */
export type PointResult = Readonly<Record<string, unknown>>;

/** What a point handler receives in its worker thread. */
export interface PointTask<C = unknown> extends SearchPoint<C> {
  /** The point's own folder (created before the task is sent). */
  readonly dir: string;
  /** Extra data shared by every point (e.g. the dataset folder). */
  readonly shared: unknown;
}

/** The file of a search directory that names its points and fingerprints its settings. */
export const SEARCH_STATE_FILE = 'search.json';
/** The file of a point folder whose presence marks the point finished. */
export const POINT_RESULT_FILE = 'result.json';

interface SearchState {
  readonly formatVersion: 1;
  readonly kind: string;
  readonly signatureHash: string;
  readonly signature: unknown;
  readonly keys: readonly string[];
}

/** Options of {@link runSearchPoints}. */
export interface RunSearchOptions<C> {
  /** The search directory: `search.json` and one folder per point. */
  readonly dir: string;
  /** Kind of search, stored and checked on resume (e.g. `kfold`, `gridsearch`). */
  readonly kind: string;
  /** The points, in order. */
  readonly points: readonly SearchPoint<C>[];
  /** Everything that defines the search (config, data, K…); a resumed search must have the same. */
  readonly signature: unknown;
  /** Module run by each worker thread; it calls {@link servePoints}. */
  readonly workerScript: URL | string;
  /** Worker threads (default 1). */
  readonly workers?: number;
  /** Continue a search in a non-empty directory (finished points are kept, others rerun). */
  readonly resume?: boolean;
  /** Data passed to every task (e.g. the dataset folder). */
  readonly shared?: unknown;
  /** Called as each point finishes (or fails). */
  readonly onPoint?: (event: PointEvent) => void;
}

/** Progress of a search, one event per finished, skipped or failed point. */
export interface PointEvent {
  /** The point. */
  readonly key: string;
  /** `done` (just finished), `kept` (finished in an earlier session), `failed`. */
  readonly status: 'done' | 'kept' | 'failed';
  /** The result (done, kept). */
  readonly result?: PointResult;
  /** The error message (failed). */
  readonly error?: string;
  /** Points finished or failed so far, and in total. */
  readonly finished: number;
  /** Number of points. */
  readonly total: number;
}

/** What {@link runSearchPoints} returns: the results of the finished points and the errors of the failed ones. */
export interface SearchOutcome {
  /** Results by key, for every finished point (this session or earlier). */
  readonly results: ReadonlyMap<string, PointResult>;
  /** Error message by key, for points that failed this session (they rerun on resume). */
  readonly failures: ReadonlyMap<string, string>;
  /** Keys of points kept from an earlier session. */
  readonly kept: readonly string[];
}

const SAFE_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Canonical JSON (sorted keys) of a value, for fingerprints. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The first path at which two JSON values differ, e.g. `optimizer.ap: 0.05 → 0.1`. */
export function firstDifference(a: unknown, b: unknown, path = ''): string | null {
  if (canonicalJson(a) === canonicalJson(b)) return null;
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])].sort();
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path === '' ? k : `${path}.${k}`);
      if (d !== null) return d;
    }
  }
  return `${path === '' ? '(root)' : path}: ${describeValue(a)} → ${describeValue(b)}`;
}

async function readJson(file: string): Promise<unknown | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new FileFormatError('not valid JSON', { file, expected: 'a JSON file written by the search runner', found: (error as Error).message });
  }
}

/** What {@link readSearchResults} returns. */
export interface SearchResults {
  /** Kind of search (`kfold`, `gridsearch`). */
  readonly kind: string;
  /** Every point key, in order. */
  readonly keys: readonly string[];
  /** Results of the finished points, by key. */
  readonly results: Map<string, PointResult>;
}

/**
 * Reads the finished points of a search directory: `<dir>/<key>/result.json` for every key of its `search.json`.
 * @param dir - the search directory
 * @throws CheckpointError when `search.json` is missing
 */
export async function readSearchResults(dir: string): Promise<SearchResults> {
  const state = (await readJson(join(dir, SEARCH_STATE_FILE))) as SearchState | undefined;
  if (state === undefined) throw new CheckpointError('not a search directory', { file: join(dir, SEARCH_STATE_FILE), expected: 'a search.json written by kfold or gridsearch', found: 'no such file' });
  const results = new Map<string, PointResult>();
  for (const key of state.keys) {
    const result = await readJson(join(dir, key, POINT_RESULT_FILE));
    if (result !== undefined) results.set(key, result as PointResult);
  }
  return { kind: state.kind, keys: state.keys, results };
}

/**
 * Runs the points of a K-fold or grid search over worker threads, resumably.
 *
 * @remarks
 * The directory holds `search.json` (kind, point keys, the search's signature and its SHA-256) and one folder per
 * point. A point is finished when its `result.json` exists; the runner writes it atomically (temporary file,
 * fsync, rename) only after the worker reports success, so an interrupted search never loses a finished point
 * and never mistakes a half-run point for a finished one. With `resume`, finished points are kept and never
 * rerun; the others run again from scratch. A resumed search whose signature differs is refused, naming the
 * first differing field; a non-empty directory without `resume` is refused. Points run on `workers` threads, each
 * running `workerScript` (which calls {@link servePoints}); a point that throws is reported as failed and the
 * others go on.
 *
 * @param options - directory, points, signature, worker script and count, resume
 * @returns the results and failures
 * @throws ValidationError for bad keys or worker counts; CheckpointError for a refused resume
 * @example
 * ```ts
 * const outcome = await runSearchPoints({ dir: 'out', kind: 'kfold', points, signature: config,
 *   workerScript: new URL('./worker.js', import.meta.url), workers: 2 });
 * ```
 */
export async function runSearchPoints<C>(options: RunSearchOptions<C>): Promise<SearchOutcome> {
  const { dir, points, kind } = options;
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) throw new ValidationError('invalid worker count', { field: 'workers', expected: 'an integer in [1, 256]', found: describeValue(workers) });
  const keys = points.map((p) => p.key);
  for (const key of keys) {
    if (!SAFE_KEY.test(key)) throw new ValidationError('invalid point key', { field: 'key', expected: 'letters, digits, ".", "_" or "-"', found: JSON.stringify(key) });
  }
  if (new Set(keys).size !== keys.length) throw new ValidationError('duplicate point keys', { field: 'key', expected: 'unique keys', found: keys.join(', ') });
  const signatureHash = createHash('sha256').update(canonicalJson({ kind, keys, signature: options.signature })).digest('hex');
  const stateFile = join(dir, SEARCH_STATE_FILE);
  await mkdir(dir, { recursive: true });
  const existing = (await readJson(stateFile)) as SearchState | undefined;
  if (existing === undefined) {
    // A search killed while writing its state file leaves only that file's temporary copy: not started yet.
    for (const entry of await readdir(dir)) if (entry.startsWith(`${SEARCH_STATE_FILE}.tmp-`)) await rm(join(dir, entry), { force: true });
  }
  const entries = await readdir(dir);
  if (existing !== undefined || entries.length > 0) {
    if (!options.resume) {
      throw new CheckpointError('search directory is not empty', { file: dir, expected: 'a new or empty directory (or --resume to continue this search)', found: `${entries.length} entries` });
    }
    if (existing === undefined) throw new CheckpointError('no search to resume', { file: stateFile, expected: 'a search.json from an earlier session', found: 'no such file' });
    if (existing.signatureHash !== signatureHash) {
      const difference = existing.kind !== kind ? `kind: ${existing.kind} → ${kind}` : (firstDifference({ keys: existing.keys, ...asObject(existing.signature) }, { keys, ...asObject(options.signature) }) ?? 'signature');
      throw new CheckpointError('the resumed search has different settings (refused: its finished points would not match)', {
        file: stateFile,
        field: difference.split(':')[0],
        expected: 'the settings of the search being resumed',
        found: difference,
      });
    }
  } else {
    const state: SearchState = { formatVersion: 1, kind, signatureHash, signature: options.signature, keys };
    await writeFileAtomic(stateFile, `${JSON.stringify(state, null, 1)}\n`);
  }
  const results = new Map<string, PointResult>();
  const failures = new Map<string, string>();
  const kept: string[] = [];
  const pending: SearchPoint<C>[] = [];
  let finished = 0;
  for (const point of points) {
    const result = await readJson(join(dir, point.key, POINT_RESULT_FILE));
    if (result !== undefined) {
      results.set(point.key, result as PointResult);
      kept.push(point.key);
      finished++;
      options.onPoint?.({ key: point.key, status: 'kept', result: result as PointResult, finished, total: points.length });
    } else pending.push(point);
  }
  let next = 0;
  const runWorker = async (): Promise<void> => {
    const worker = new Worker(options.workerScript);
    try {
      for (;;) {
        const point = pending[next++];
        if (point === undefined) return;
        const pointDir = join(dir, point.key);
        await mkdir(pointDir, { recursive: true });
        const reply = await new Promise<{ ok: boolean; result?: PointResult; error?: string }>((resolve) => {
          const onMessage = (message: { ok: boolean; result?: PointResult; error?: string }) => {
            worker.off('error', onError);
            resolve(message);
          };
          const onError = (error: Error) => {
            worker.off('message', onMessage);
            resolve({ ok: false, error: error.message });
          };
          worker.once('message', onMessage);
          worker.once('error', onError);
          const task: PointTask<C> = { ...point, dir: pointDir, shared: options.shared };
          worker.postMessage(task);
        });
        finished++;
        if (reply.ok && reply.result !== undefined) {
          await writeFileAtomic(join(pointDir, POINT_RESULT_FILE), `${JSON.stringify(reply.result, null, 1)}\n`);
          results.set(point.key, reply.result);
          options.onPoint?.({ key: point.key, status: 'done', result: reply.result, finished, total: points.length });
        } else {
          failures.set(point.key, reply.error ?? 'unknown error');
          options.onPoint?.({ key: point.key, status: 'failed', error: reply.error, finished, total: points.length });
        }
      }
    } finally {
      await worker.terminate();
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, pending.length) }, runWorker));
  return { results, failures, kept };
}

function asObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { signature: value };
}

/**
 * The worker side of {@link runSearchPoints}: answers each task posted to this worker thread with the handler's
 * result (or its error message).
 * @param handler - runs one point and returns its results (JSON data)
 * @throws ValidationError when not called inside a worker thread
 */
export function servePoints<C>(handler: (task: PointTask<C>) => Promise<PointResult> | PointResult): void {
  const port = parentPort;
  if (port === null) throw new ValidationError('servePoints runs inside a worker thread', { expected: 'a worker started by runSearchPoints', found: 'the main thread' });
  port.on('message', async (task: PointTask<C>) => {
    try {
      const result = await handler(task);
      port.postMessage({ ok: true, result });
    } catch (error) {
      port.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  });
}
