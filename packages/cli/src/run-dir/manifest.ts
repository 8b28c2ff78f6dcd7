import { join } from 'node:path';
import { describeValue, FileFormatError } from '@snn/core';
import { readFileBounded, writeFileAtomic } from '@snn/core/node';
import { z } from 'zod';
import { issuesFromZod } from '../config/parse.js';
import { RUN_LAYOUT } from './run-dir.js';
import { collectVersions, type VersionInfo } from './versions.js';

/** The compute backend of a run, as recorded in the manifest. */
export interface BackendInfo {
  /** Backend that actually ran, e.g. `webasm` (never a silent fallback). */
  readonly name: string;
  /** gpu.js kernel class that ran, e.g. `WebAssemblyKernel`; null for the `js` references. */
  readonly kernelClass: string | null;
  /** What the user asked for, e.g. `auto`, when known. */
  readonly requested?: string;
  /** Why this backend runs (e.g. what `auto` tried), when known. */
  readonly reason?: string;
}

/** Wall-clock time spent in one named phase of a run (summed when the phase runs several times). */
export interface PhaseTiming {
  /** ISO time the phase first started. */
  readonly startTime: string;
  /** ISO time the phase last ended. */
  readonly endTime: string;
  /** Total duration in milliseconds over all its runs. */
  readonly durationMs: number;
  /** How many times the phase ran (e.g. once per resumed session). */
  readonly count: number;
}

/** The last checkpoint a run saved, so that a resume knows where to continue. */
export interface CheckpointInfo {
  /** Checkpoint path relative to the run directory, e.g. `checkpoints/last.safetensors`. */
  readonly file: string;
  /** Number of epochs completed when it was saved. */
  readonly epoch: number;
  /** Optimiser steps completed when it was saved, when known. */
  readonly step?: number;
  /** ISO time it was saved. */
  readonly savedAt: string;
}

/** State of a run: `running` until {@link finishManifest} marks it otherwise. */
export type RunStatus = 'running' | 'completed' | 'failed' | 'interrupted';

/** A value in a metrics record or in the manifest's final metrics. */
export type MetricValue = number | string | boolean | null;

/**
 * Everything needed to know what a run was and to repeat it: written as `manifest.json`
 * at the top of the run directory, atomically, and updated as the run goes.
 */
export interface RunManifest {
  /** Format version of this file; 1. */
  readonly formatVersion: 1;
  /** App that made the run, e.g. `neurospike`. */
  readonly app: string;
  /** Run name (folder name). */
  readonly name: string;
  /** Command line that started the run (`process.argv`). */
  readonly command: readonly string[];
  /** Working directory of that command. */
  readonly cwd: string;
  /** Seed of the run's RNG; null when the run uses none. */
  readonly seed: number | null;
  /** The backend that ran; null until known. */
  readonly backend: BackendInfo | null;
  /** Node.js, platform and `@snn/*` package versions. */
  readonly versions: VersionInfo;
  /** Current state. */
  readonly status: RunStatus;
  /** ISO time the run first started. */
  readonly startTime: string;
  /** ISO times at which the run was resumed, oldest first. */
  readonly resumedAt: readonly string[];
  /** ISO time the run ended; null while running. */
  readonly endTime: string | null;
  /** Total wall time in milliseconds from start to end; null while running. */
  readonly durationMs: number | null;
  /** Time per named phase (`load`, `train`, `eval`, …). */
  readonly phases: Readonly<Record<string, PhaseTiming>>;
  /** Final (or latest) metrics, e.g. `{ testAccuracy: 0.981 }`. */
  readonly metrics: Readonly<Record<string, MetricValue>>;
  /** The last checkpoint saved; null before the first. */
  readonly lastCheckpoint: CheckpointInfo | null;
  /** Error message when the run failed; null otherwise. */
  readonly error: string | null;
}

/** What {@link createManifest} needs to start a manifest. */
export interface ManifestInit {
  /** App name. */
  readonly app: string;
  /** Run name. */
  readonly name: string;
  /** Command line; default `process.argv`. */
  readonly argv?: readonly string[];
  /** Working directory; default `process.cwd()`. */
  readonly cwd?: string;
  /** RNG seed; default null. */
  readonly seed?: number | null;
  /** Backend that runs; accepts a `Backend` from `@snn/core` (only `name`, `kernelClass`, `requested` and `reason` are kept). Default null. */
  readonly backend?: BackendInfo | null;
  /** Versions; default {@link collectVersions}`()`. */
  readonly versions?: VersionInfo;
  /** Start time; default now. */
  readonly now?: Date;
}

/**
 * Changes applied by {@link updateManifest}: `phases` and `metrics` are merged key by key,
 * `resumedAt` entries are appended, every other field given replaces the saved one.
 */
export interface ManifestPatch {
  /** Replaces the seed. */
  readonly seed?: number | null;
  /** Replaces the backend (only `name`, `kernelClass`, `requested` and `reason` are kept). */
  readonly backend?: BackendInfo | null;
  /** Replaces the versions. */
  readonly versions?: VersionInfo;
  /** Replaces the status. */
  readonly status?: RunStatus;
  /** Replaces the command line (e.g. that of a resumed session). */
  readonly command?: readonly string[];
  /** Appended to the resume times. */
  readonly resumedAt?: readonly string[];
  /** Replaces the end time. */
  readonly endTime?: string | null;
  /** Replaces the total duration. */
  readonly durationMs?: number | null;
  /** Merged into the phases, key by key. */
  readonly phases?: Readonly<Record<string, PhaseTiming>>;
  /** Merged into the metrics, key by key. */
  readonly metrics?: Readonly<Record<string, MetricValue>>;
  /** Replaces the last checkpoint. */
  readonly lastCheckpoint?: CheckpointInfo | null;
  /** Replaces the error message. */
  readonly error?: string | null;
}

const metricValue = z.union([z.number(), z.string(), z.boolean(), z.null()]);
const manifestSchema = z.object({
  formatVersion: z.literal(1),
  app: z.string(),
  name: z.string(),
  command: z.array(z.string()),
  cwd: z.string(),
  seed: z.number().nullable(),
  backend: z
    .object({
      name: z.string(),
      kernelClass: z.string().nullable(),
      requested: z.string().optional(),
      reason: z.string().optional(),
    })
    .nullable(),
  versions: z.object({
    node: z.string(),
    platform: z.string(),
    arch: z.string(),
    packages: z.record(z.string(), z.string()),
  }),
  status: z.enum(['running', 'completed', 'failed', 'interrupted']),
  startTime: z.string(),
  resumedAt: z.array(z.string()),
  endTime: z.string().nullable(),
  durationMs: z.number().nullable(),
  phases: z.record(
    z.string(),
    z.object({ startTime: z.string(), endTime: z.string(), durationMs: z.number(), count: z.number() }),
  ),
  metrics: z.record(z.string(), metricValue),
  lastCheckpoint: z
    .object({ file: z.string(), epoch: z.number(), step: z.number().optional(), savedAt: z.string() })
    .nullable(),
  error: z.string().nullable(),
});

function backendInfo(backend: BackendInfo | null | undefined): BackendInfo | null {
  if (!backend) return null;
  return {
    name: backend.name,
    kernelClass: backend.kernelClass ?? null,
    ...(typeof backend.requested === 'string' ? { requested: backend.requested } : {}),
    ...(typeof backend.reason === 'string' ? { reason: backend.reason } : {}),
  };
}

function cleanMetrics(metrics: Readonly<Record<string, MetricValue>>): Record<string, MetricValue> {
  const out: Record<string, MetricValue> = {};
  for (const [key, value] of Object.entries(metrics)) {
    out[key] = typeof value === 'number' && !Number.isFinite(value) ? null : value;
  }
  return out;
}

/**
 * A new manifest for a run that starts now (status `running`).
 *
 * @param init - app, run name, command line, seed, backend, versions, start time
 * @example
 * ```ts
 * const manifest = createManifest({ app: 'neurospike', name: run.name, seed, backend });
 * await writeManifest(run.path, manifest);
 * ```
 */
export function createManifest(init: ManifestInit): RunManifest {
  return {
    formatVersion: 1,
    app: init.app,
    name: init.name,
    command: [...(init.argv ?? process.argv)],
    cwd: init.cwd ?? process.cwd(),
    seed: init.seed ?? null,
    backend: backendInfo(init.backend),
    versions: init.versions ?? collectVersions(),
    status: 'running',
    startTime: (init.now ?? new Date()).toISOString(),
    resumedAt: [],
    endTime: null,
    durationMs: null,
    phases: {},
    metrics: {},
    lastCheckpoint: null,
    error: null,
  };
}

/**
 * Writes `<dir>/manifest.json` atomically (temporary file + rename): an interrupted write
 * leaves the previous manifest intact.
 *
 * @param dir - the run directory
 * @param manifest - the manifest to write
 * @returns the path written
 */
export async function writeManifest(dir: string, manifest: RunManifest): Promise<string> {
  const path = join(dir, RUN_LAYOUT.manifest);
  await writeFileAtomic(path, `${JSON.stringify(manifest, null, 2)}\n`);
  return path;
}

/** Largest manifest read: 16 MiB (a manifest is a few KiB; the bound keeps a wrong file from filling memory). */
const MAX_MANIFEST_BYTES = 16 * 2 ** 20;

/**
 * Reads and checks `<dir>/manifest.json`.
 *
 * @param dir - the run directory
 * @throws `FileFormatError` (from `@snn/core`) when the file is missing, is not JSON, or lacks a field
 */
export async function readManifest(dir: string): Promise<RunManifest> {
  const path = join(dir, RUN_LAYOUT.manifest);
  const text = new TextDecoder().decode(await readFileBounded(path, { what: 'run manifest', expected: 'a manifest.json', maxBytes: MAX_MANIFEST_BYTES }));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FileFormatError('corrupt run manifest', {
      file: path,
      expected: 'JSON',
      found: describeValue(text.slice(0, 40)),
      cause: error,
    });
  }
  const result = manifestSchema.safeParse(json);
  if (!result.success) {
    const issue = issuesFromZod(result.error.issues, json, manifestSchema)[0]!;
    throw new FileFormatError('invalid run manifest', {
      file: path,
      field: issue.field || undefined,
      expected: issue.expected ?? issue.summary,
      found: issue.found,
    });
  }
  return result.data as RunManifest;
}

/**
 * Reads the manifest, applies a {@link ManifestPatch} and writes it back atomically.
 *
 * @remarks
 * Await each update before starting the next one on the same run: two overlapping updates
 * would each read the old manifest and the later write would win.
 *
 * @param dir - the run directory
 * @param patch - fields to replace or merge
 * @returns the updated manifest
 * @example
 * ```ts
 * await updateManifest(run.path, { metrics: { testAccuracy: 0.981 }, lastCheckpoint: { file, epoch: 3, savedAt } });
 * ```
 */
export async function updateManifest(dir: string, patch: ManifestPatch): Promise<RunManifest> {
  const current = await readManifest(dir);
  const next: RunManifest = {
    ...current,
    ...(patch.seed !== undefined ? { seed: patch.seed } : {}),
    ...(patch.backend !== undefined ? { backend: backendInfo(patch.backend) } : {}),
    ...(patch.versions !== undefined ? { versions: patch.versions } : {}),
    ...(patch.status !== undefined ? { status: patch.status } : {}),
    ...(patch.command !== undefined ? { command: [...patch.command] } : {}),
    ...(patch.endTime !== undefined ? { endTime: patch.endTime } : {}),
    ...(patch.durationMs !== undefined ? { durationMs: patch.durationMs } : {}),
    ...(patch.lastCheckpoint !== undefined ? { lastCheckpoint: patch.lastCheckpoint } : {}),
    ...(patch.error !== undefined ? { error: patch.error } : {}),
    resumedAt: [...current.resumedAt, ...(patch.resumedAt ?? [])],
    phases: { ...current.phases, ...(patch.phases ?? {}) },
    metrics: { ...current.metrics, ...cleanMetrics(patch.metrics ?? {}) },
  };
  await writeManifest(dir, next);
  return next;
}

/**
 * Runs `fn` and adds its wall time to phase `name` of the manifest (count + 1, duration summed).
 * The time is recorded even when `fn` throws; the error is then re-thrown.
 *
 * @param dir - the run directory (its manifest must exist)
 * @param name - phase name, e.g. `train`
 * @param fn - the work to time
 * @param clock - time source; default `() => new Date()`
 * @returns what `fn` returned
 * @example
 * ```ts
 * const model = await timePhase(run.path, 'train', () => train(config));
 * ```
 */
export async function timePhase<T>(
  dir: string,
  name: string,
  fn: () => T | Promise<T>,
  clock: () => Date = () => new Date(),
): Promise<T> {
  const start = clock();
  const record = async (): Promise<void> => {
    const end = clock();
    const previous = (await readManifest(dir)).phases[name];
    const durationMs = end.getTime() - start.getTime();
    await updateManifest(dir, {
      phases: {
        [name]: {
          startTime: previous?.startTime ?? start.toISOString(),
          endTime: end.toISOString(),
          durationMs: (previous?.durationMs ?? 0) + durationMs,
          count: (previous?.count ?? 0) + 1,
        },
      },
    });
  };
  let result: T;
  try {
    result = await fn();
  } catch (error) {
    await record();
    throw error;
  }
  await record();
  return result;
}

/** How a run ended, for {@link finishManifest}. */
export interface RunEnd {
  /** Final status; default `completed`. */
  readonly status?: Exclude<RunStatus, 'running'>;
  /** Final metrics, merged into the manifest's. */
  readonly metrics?: Readonly<Record<string, MetricValue>>;
  /** The error that ended the run, for status `failed`. */
  readonly error?: unknown;
  /** End time; default now. */
  readonly now?: Date;
}

/**
 * Marks a run as ended: status, end time, total duration, final metrics and error message.
 *
 * @param dir - the run directory
 * @param end - status, metrics, error and end time
 * @returns the updated manifest
 * @example
 * ```ts
 * await finishManifest(run.path, { metrics: { testAccuracy: acc } });
 * ```
 */
export async function finishManifest(dir: string, end: RunEnd = {}): Promise<RunManifest> {
  const current = await readManifest(dir);
  const now = end.now ?? new Date();
  const error = end.error === undefined ? null : end.error instanceof Error ? end.error.message : String(end.error);
  return updateManifest(dir, {
    status: end.status ?? (error === null ? 'completed' : 'failed'),
    endTime: now.toISOString(),
    durationMs: now.getTime() - Date.parse(current.startTime),
    metrics: end.metrics ?? {},
    error,
  });
}
