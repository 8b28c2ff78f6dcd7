import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CheckpointError, type Rng, ValidationError } from '@snn/core';
import { UsageError } from '../command/usage-error.js';

/** Names of the files and folders inside a run directory. */
export const RUN_LAYOUT = Object.freeze({
  /** Run manifest (JSON). */
  manifest: 'manifest.json',
  /** Resolved config (YAML), as the run used it. */
  config: 'config.yaml',
  /** Weights per epoch, `last` and `best`. */
  checkpoints: 'checkpoints',
  /** Metrics logs (`metrics.jsonl`). */
  logs: 'logs',
  /** Figures (PNG/SVG). */
  figs: 'figs',
  /** Metrics log file inside `logs/`. */
  metrics: 'metrics.jsonl',
});

/** Folder inside a run directory that holds the files of an older run being replaced (`--force`) until the new run saves its first checkpoint. */
export const REPLACED_DIR = '.replaced';

/** A run directory that may hold, in {@link REPLACED_DIR}, an older run it replaces. */
export interface ReplacedRun {
  /** The run directory. */
  readonly path: string;
  /** Folder with the replaced run's files, or null when nothing was replaced. */
  readonly replacedDir?: string | null;
}

/** An opened run directory `<root>/<app>/<name>/` and its sub-folders. */
export interface RunDir extends ReplacedRun {
  /** The run directory itself. */
  readonly path: string;
  /** App name (first level under the root). */
  readonly app: string;
  /** Run name (second level). */
  readonly name: string;
  /** `<path>/checkpoints`. */
  readonly checkpointsDir: string;
  /** `<path>/logs`. */
  readonly logsDir: string;
  /** `<path>/figs`. */
  readonly figsDir: string;
  /** True when an existing run was reopened to continue it. */
  readonly resumed: boolean;
  /** Folder holding an older run replaced by `force` until the new run saves a checkpoint, else null. */
  readonly replacedDir: string | null;
}

/** Options of {@link createRunDir}. */
export interface RunDirOptions {
  /** Folder that holds all runs; default `runs`. */
  readonly root?: string;
  /** App name, e.g. `neurospike`; letters, digits, `.`, `_`, `-`. */
  readonly app: string;
  /** Run name; default {@link defaultRunName} (with `resume`: the latest run of the app). */
  readonly name?: string;
  /** Reopen an existing run instead of starting a new one; default false. */
  readonly resume?: boolean;
  /** Replace an existing non-empty run directory of the same name (its files are kept in {@link REPLACED_DIR} until the new run saves a checkpoint); default false. */
  readonly force?: boolean;
  /** Source of the random suffix of a default name; default `node:crypto`. */
  readonly rng?: Rng;
  /** Clock for a default name; default now. */
  readonly now?: Date;
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function checkName(value: string, field: string): void {
  if (!SAFE_NAME.test(value) || value.length > 128) {
    throw new ValidationError(`invalid ${field} name`, {
      field,
      expected: 'letters, digits, ".", "_" or "-", starting with a letter or digit (at most 128 characters)',
      found: JSON.stringify(value),
    });
  }
}

/**
 * A fresh run name: UTC timestamp plus 6 random hex digits, e.g. `20250301-142233-3fa9c1`.
 *
 * @param now - the time to stamp; default now
 * @param rng - source of the random suffix (seeded runs get reproducible names); default `node:crypto`
 */
export function defaultRunName(now: Date = new Date(), rng?: Rng): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}-${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
  const random = rng ? (rng.nextUint32() & 0xffffff).toString(16).padStart(6, '0') : randomBytes(3).toString('hex');
  return `${stamp}-${random}`;
}

/**
 * The names in a directory, or undefined when it does not exist.
 *
 * @param path - the directory
 */
export async function entriesOf(path: string): Promise<string[] | undefined> {
  try {
    return await readdir(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The most recently started run of an app (by `startTime` in its manifest), or undefined when there is none.
 *
 * @param root - folder that holds all runs
 * @param app - app name
 */
export async function findLatestRun(root: string, app: string): Promise<string | undefined> {
  const appDir = join(root, app);
  const names = (await entriesOf(appDir)) ?? [];
  let best: { name: string; time: number } | undefined;
  for (const name of names) {
    let time: number;
    try {
      const manifest = JSON.parse(await readFile(join(appDir, name, RUN_LAYOUT.manifest), 'utf8')) as { startTime?: unknown };
      time = typeof manifest.startTime === 'string' ? Date.parse(manifest.startTime) : Number.NaN;
      if (Number.isNaN(time)) time = (await stat(join(appDir, name, RUN_LAYOUT.manifest))).mtimeMs;
    } catch {
      continue;
    }
    if (!best || time > best.time || (time === best.time && name > best.name)) best = { name, time };
  }
  return best?.name;
}

function layout(path: string, app: string, name: string, resumed: boolean, replacedDir: string | null): RunDir {
  return {
    path,
    app,
    name,
    checkpointsDir: join(path, RUN_LAYOUT.checkpoints),
    logsDir: join(path, RUN_LAYOUT.logs),
    figsDir: join(path, RUN_LAYOUT.figs),
    resumed,
    replacedDir,
  };
}

/**
 * Moves the files of a run directory (all but {@link REPLACED_DIR}) into its {@link REPLACED_DIR}:
 * a new run starts in the directory while the older one can still be put back.
 *
 * @param path - the run directory
 * @returns the folder now holding the older run
 */
export async function moveAside(path: string): Promise<string> {
  const replacedDir = join(path, REPLACED_DIR);
  const entries = ((await entriesOf(path)) ?? []).filter((e) => e !== REPLACED_DIR);
  if (((await entriesOf(replacedDir)) ?? []).length > 0) {
    // An earlier replacement was killed before its first checkpoint: the older run is still the
    // one in REPLACED_DIR, and what lies beside it is that unfinished attempt.
    for (const entry of entries) await rm(join(path, entry), { recursive: true, force: true });
    return replacedDir;
  }
  await mkdir(replacedDir, { recursive: true });
  for (const entry of entries) await rename(join(path, entry), join(replacedDir, entry));
  return replacedDir;
}

/**
 * Deletes the older run kept by {@link moveAside} (call once the new run has saved a checkpoint).
 *
 * @param run - the run directory as opened
 */
export async function discardReplaced(run: ReplacedRun): Promise<void> {
  if (run.replacedDir) await rm(run.replacedDir, { recursive: true, force: true });
}

/**
 * Puts back the older run kept by {@link moveAside}, deleting what the new run wrote (call when
 * the new run fails before its first checkpoint).
 *
 * @param run - the run directory as opened
 */
export async function restoreReplaced(run: ReplacedRun): Promise<void> {
  const replacedDir = run.replacedDir;
  if (!replacedDir) return;
  const kept = await entriesOf(replacedDir);
  if (kept === undefined) return;
  for (const entry of (await entriesOf(run.path)) ?? []) {
    if (entry !== REPLACED_DIR) await rm(join(run.path, entry), { recursive: true, force: true });
  }
  for (const entry of kept) await rename(join(replacedDir, entry), join(run.path, entry));
  await rm(replacedDir, { recursive: true, force: true });
}

const TEMP_FILE = /\.tmp-(\d+)-[0-9a-f]+$/;

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Deletes the temporary files (`<file>.tmp-<pid>-<hex>`, see `writeFileAtomic` of @snn/core)
 * that writers killed mid-write left in a run directory and its sub-folders; files of live
 * processes are kept.
 *
 * @param path - the run directory
 * @returns the files deleted
 */
export async function removeStaleTempFiles(path: string): Promise<string[]> {
  const removed: string[] = [];
  const visit = async (dir: string, depth: number): Promise<void> => {
    for (const entry of (await entriesOf(dir)) ?? []) {
      const full = join(dir, entry);
      const match = TEMP_FILE.exec(entry);
      if (match && !processAlive(Number(match[1]))) {
        await rm(full, { force: true });
        removed.push(full);
      } else if (depth > 0 && entry !== REPLACED_DIR && !match) {
        const info = await stat(full).catch(() => undefined);
        if (info?.isDirectory()) await visit(full, depth - 1);
      }
    }
  };
  await visit(path, 1);
  return removed;
}

/**
 * Creates (or, with `resume`, reopens) the run directory `<root>/<app>/<name>/` with its
 * `checkpoints/`, `logs/` and `figs/` folders.
 *
 * @remarks
 * A new run never writes into an existing non-empty directory: that is an error naming the
 * directory, unless `force` is set, in which case its content is moved into {@link REPLACED_DIR}
 * (nothing is deleted until the new run has saved a checkpoint: {@link discardReplaced}, or put
 * back on failure: {@link restoreReplaced}). `resume` requires the directory to exist (without a
 * name it picks the latest run of the app). Temporary files left by killed writers are removed
 * ({@link removeStaleTempFiles}).
 *
 * @param options - root, app, name, resume/force flags, injected RNG and clock
 * @returns the run directory and its sub-folders
 * @throws {@link UsageError} when the directory exists and is not empty (without `force`),
 *   or when `resume` and `force` are both set
 * @throws `CheckpointError` (from `@snn/core`) when `resume` finds no run to reopen
 * @throws `ValidationError` (from `@snn/core`) for an app or run name with unsafe characters
 * @example
 * ```ts
 * const run = await createRunDir({ app: 'neurospike', rng: new Rng(seed) });
 * // run.path === 'runs/neurospike/20250301-142233-3fa9c1'
 * ```
 */
export async function createRunDir(options: RunDirOptions): Promise<RunDir> {
  const root = options.root ?? 'runs';
  checkName(options.app, 'app');
  if (options.resume && options.force) {
    throw new UsageError('--resume and --force cannot be used together: --force would delete the run to resume', {
      field: '--force',
    });
  }
  if (options.resume) {
    const name = options.name ?? (await findLatestRun(root, options.app));
    if (name === undefined) {
      throw new CheckpointError('no run to resume', {
        file: join(root, options.app),
        expected: 'a run directory with a manifest.json',
        found: 'none',
      });
    }
    checkName(name, 'run');
    const path = join(root, options.app, name);
    const entries = await entriesOf(path);
    if (entries === undefined || entries.length === 0) {
      throw new CheckpointError('no run to resume', { file: path, expected: 'an existing run directory', found: 'nothing' });
    }
    await removeStaleTempFiles(path);
    const run = layout(path, options.app, name, true, null);
    await Promise.all([run.checkpointsDir, run.logsDir, run.figsDir].map((d) => mkdir(d, { recursive: true })));
    return run;
  }
  const name = options.name ?? defaultRunName(options.now, options.rng);
  checkName(name, 'run');
  return openRunPath(join(root, options.app, name), { app: options.app, force: options.force });
}

/**
 * Opens a new run at an explicit directory (e.g. an app's `--save-path`), with the same rules as
 * {@link createRunDir}: an existing non-empty directory is refused unless `force`, which moves its
 * files into {@link REPLACED_DIR} until the new run saves a checkpoint.
 *
 * @param path - the run directory
 * @param options - app name (for the layout) and `force`
 * @throws {@link UsageError} when the directory exists and is not empty (without `force`)
 */
export async function openRunPath(path: string, options: { readonly app: string; readonly force?: boolean }): Promise<RunDir> {
  const entries = (await entriesOf(path))?.filter((e) => e !== REPLACED_DIR);
  let replacedDir: string | null = null;
  if (entries !== undefined && entries.length > 0) {
    if (!options.force) {
      throw new UsageError(
        `run directory ${path} already exists and is not empty; choose another name, pass --resume to continue it, or --force to overwrite it`,
        { file: path, expected: 'a new or empty run directory', found: `${entries.length} entries` },
      );
    }
    await removeStaleTempFiles(path);
    replacedDir = await moveAside(path);
  }
  const run = layout(path, options.app, basename(path), false, replacedDir);
  await Promise.all([run.checkpointsDir, run.logsDir, run.figsDir].map((d) => mkdir(d, { recursive: true })));
  return run;
}

/**
 * Path of a checkpoint file in a run directory: `checkpoints/last.safetensors`,
 * `checkpoints/best.safetensors`, or `checkpoints/epoch-0003.safetensors` for an epoch number.
 *
 * @param runDir - the run directory
 * @param which - `last`, `best`, or an epoch number (≥ 0)
 */
export function checkpointPath(runDir: string, which: 'last' | 'best' | number): string {
  if (typeof which === 'number') {
    if (!Number.isInteger(which) || which < 0) {
      throw new ValidationError('invalid epoch for a checkpoint name', {
        field: 'epoch',
        expected: 'a non-negative integer',
        found: String(which),
      });
    }
    return join(runDir, RUN_LAYOUT.checkpoints, `epoch-${String(which).padStart(4, '0')}.safetensors`);
  }
  return join(runDir, RUN_LAYOUT.checkpoints, `${which}.safetensors`);
}
