import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, type ConfigIssue, REPLACED_DIR, RUN_LAYOUT, compareConfigs, entriesOf, findLastCheckpoint, moveAside, removeStaleTempFiles } from '@snn/cli';
import { CheckpointError, FileFormatError, describeValue } from '@snn/core';
import { writeFileAtomic } from '@snn/core/node';
import { APP_NAME } from '../app/io.js';
import { type RunParams, canonicalJson, paramsHash } from './params.js';

/** File (in the run directory) holding the run's {@link RunParams} as JSON. */
export const PARAMS_FILE = 'params.json';

export { REPLACED_DIR, discardReplaced } from '@snn/cli';

/** What a run directory holds besides {@link PARAMS_FILE}. */
const RUN_FILES = new Set<string>([RUN_LAYOUT.manifest, RUN_LAYOUT.config, RUN_LAYOUT.checkpoints, RUN_LAYOUT.logs, RUN_LAYOUT.figs, 'report.html']);
const TEMP_FILE = /\.tmp-\d+-[0-9a-f]+$/;

/** How {@link openHashRun} opened a run directory. */
export type OpenMode = 'new' | 'resume' | 'overwrite';

/** A run directory `<runsDir>/snn-image-classification/<hash>/`, opened for training. */
export interface HashRun {
  /** The run directory. */
  readonly path: string;
  /** Its name: the parameters hash. */
  readonly name: string;
  /** `new` (no previous files), `resume` (continue from `checkpoints/last.safetensors`) or `overwrite` (start again). */
  readonly mode: OpenMode;
  /** True when the run continues from its last checkpoint. */
  readonly resumed: boolean;
  /** Folder holding the previous run's files while an overwrite has not saved a checkpoint yet, else null. */
  readonly replacedDir: string | null;
}

/** Options of {@link openHashRun}. */
export interface OpenHashRunOptions {
  /** Folder of all runs (`--runs-dir`). */
  readonly runsDir: string;
  /** The run's training-relevant parameters. */
  readonly params: RunParams;
  /** `auto`: continue a run of the same parameters when it has a checkpoint (the default); `require`: fail when there is none. */
  readonly resume: 'auto' | 'require';
  /** Start again even when a checkpoint exists (`--force-overwrite`). */
  readonly forceOverwrite: boolean;
}

/**
 * Reads a run directory's `params.json`.
 *
 * @param runDir - the run directory
 * @throws `FileFormatError` when the file is missing or not JSON
 */
export async function readRunParams(runDir: string): Promise<unknown> {
  const file = join(runDir, PARAMS_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new FileFormatError('the directory holds no params.json, so it is not a run of snn-image-classification', {
      file,
      expected: 'the params.json written when the run started',
      found: (error as NodeJS.ErrnoException).code ?? String(error),
      cause: error,
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new FileFormatError('params.json is not valid JSON', { file, expected: 'a JSON object', found: describeValue(text.slice(0, 60)), cause: error });
  }
}

/**
 * Writes `params.json` (canonical key order, indented) atomically.
 *
 * @param runDir - the run directory
 * @param params - the run's parameters
 */
export async function writeRunParams(runDir: string, params: RunParams): Promise<void> {
  const sorted = JSON.parse(canonicalJson(params)) as unknown;
  await writeFileAtomic(join(runDir, PARAMS_FILE), `${JSON.stringify(sorted, null, 2)}\n`);
}

/**
 * Refuses a run directory whose saved parameters differ from the requested ones (a truncated-hash
 * collision or an edited `params.json`): it is never silently reused.
 *
 * @param runDir - the run directory
 * @param saved - its `params.json`
 * @param requested - the parameters asked for now
 * @throws `ConfigError` (from @snn/cli) with one line per differing field
 */
export function assertSameParams(runDir: string, saved: unknown, requested: RunParams): void {
  const fields = [...new Set([...Object.keys(requested), ...(saved !== null && typeof saved === 'object' ? Object.keys(saved) : [])])].sort();
  const normalised = JSON.parse(canonicalJson(requested)) as unknown;
  const differences = compareConfigs(saved, normalised, fields);
  if (differences.length === 0) return;
  const show = (v: unknown): string => (v === undefined ? 'nothing' : describeValue(v));
  const issues: ConfigIssue[] = differences.map((d) => ({
    file: join(runDir, PARAMS_FILE),
    field: d.field,
    summary: `the run directory holds a run of other parameters; saved ${show(d.saved)}, requested ${show(d.requested)} (move the directory away to train these parameters)`,
  }));
  throw new ConfigError(issues);
}

/**
 * Opens the run directory of a set of parameters, `<runsDir>/snn-image-classification/<paramsHash>/`.
 *
 * @remarks
 * - No directory (or an empty one): a new run.
 * - A directory whose `params.json` differs from `params`: refused ({@link assertSameParams}).
 * - Same parameters with `checkpoints/last.safetensors`: resumed (the seed's behaviour), unless
 *   `forceOverwrite`.
 * - Same parameters without a checkpoint (interrupted before its first epoch), a directory of
 *   run files without `params.json` nor a checkpoint (killed while it was being created), or
 *   `forceOverwrite`: overwritten. The previous files are moved into {@link REPLACED_DIR} inside
 *   the run directory (`moveAside` of @snn/cli; nothing is deleted yet); the run session removes
 *   them once the new run has saved its first checkpoint and puts them back if it fails before.
 * A new or overwritten run gets its `params.json` first, so the directory is recognisable from
 * the moment it exists.
 *
 * @param options - runs folder, parameters, resume policy, overwrite flag
 * @throws `CheckpointError` when `resume` is `require` and there is nothing to resume
 * @throws `ConfigError` when the directory holds other parameters
 * @throws `FileFormatError` when it is not empty, has no `params.json` and is not an interrupted run
 */
export async function openHashRun(options: OpenHashRunOptions): Promise<HashRun> {
  const name = paramsHash(options.params);
  const path = join(options.runsDir, APP_NAME, name);
  const entries = (await entriesOf(path))?.filter((e) => e !== REPLACED_DIR) ?? [];
  let mode: OpenMode = 'new';
  let replacedDir: string | null = null;
  if (entries.length > 0) {
    const last = await findLastCheckpoint(path);
    // Only run files, no params.json and no checkpoint: a run killed while it was being created.
    const interrupted = !entries.includes(PARAMS_FILE) && last === undefined && entries.every((e) => RUN_FILES.has(e) || TEMP_FILE.test(e));
    if (!interrupted) assertSameParams(path, await readRunParams(path), options.params);
    if (last !== undefined && !options.forceOverwrite) {
      mode = 'resume';
    } else {
      if (options.resume === 'require') throw noRunToResume(path, last === undefined ? 'no checkpoints/last.safetensors' : '--force-overwrite');
      mode = 'overwrite';
      await removeStaleTempFiles(path);
      replacedDir = await moveAside(path);
    }
  } else if (options.resume === 'require') {
    throw noRunToResume(path, 'no run directory');
  }
  await Promise.all([RUN_LAYOUT.checkpoints, RUN_LAYOUT.logs, RUN_LAYOUT.figs].map((d) => mkdir(join(path, d), { recursive: true })));
  if (mode === 'resume') await removeStaleTempFiles(path);
  else await writeRunParams(path, options.params);
  return { path, name, mode, resumed: mode === 'resume', replacedDir };
}

function noRunToResume(path: string, found: string): CheckpointError {
  return new CheckpointError('no run to resume for these parameters', { file: path, expected: 'a run directory with checkpoints/last.safetensors', found });
}
