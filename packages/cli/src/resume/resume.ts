import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { CheckpointError, describeValue } from '@snn/core';
import { ConfigError, type ConfigIssue } from '../config/config-error.js';
import { type RunManifest, readManifest } from '../run-dir/manifest.js';
import { lastEpochInMetrics, readMetricsLog, type WarnFn } from '../run-dir/metrics-log.js';
import { readResolvedConfig } from '../run-dir/resolved-config.js';
import { checkpointPath, RUN_LAYOUT } from '../run-dir/run-dir.js';

/** One field whose value differs between a saved run's config and the requested one. */
export interface ConfigDifference {
  /** Dotted path of the field, e.g. `model.hidden_size`. */
  readonly field: string;
  /** Value in the saved config (undefined when absent). */
  readonly saved: unknown;
  /** Value in the requested config (undefined when absent). */
  readonly requested: unknown;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function valueAt(root: unknown, path: string): unknown {
  let current = root;
  for (const key of path.split('.')) {
    if (Array.isArray(current) && /^\d+$/.test(key)) current = current[Number(key)];
    else if (isPlainObject(current)) current = current[key];
    else return undefined;
  }
  return current;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!deepEqual(a[k], b[k])) return false;
    return true;
  }
  return false;
}

function collect(saved: unknown, requested: unknown, field: string, out: ConfigDifference[]): void {
  if (isPlainObject(saved) && isPlainObject(requested)) {
    const keys = [...new Set([...Object.keys(saved), ...Object.keys(requested)])].sort();
    for (const key of keys) collect(saved[key], requested[key], field === '' ? key : `${field}.${key}`, out);
    return;
  }
  if (!deepEqual(saved, requested)) out.push({ field, saved, requested });
}

/**
 * Compares two configs on the given fields; a field that is a section is compared leaf by leaf
 * (lists are compared whole).
 *
 * @param saved - the config a run was started with
 * @param requested - the config asked for now
 * @param fields - dotted paths to compare, e.g. `['model', 'encoding.num_steps']`
 * @returns each differing leaf field with both values, in field order (empty when they agree)
 * @example
 * ```ts
 * compareConfigs({ model: { hidden: 256 } }, { model: { hidden: 128 } }, ['model']);
 * // [{ field: 'model.hidden', saved: 256, requested: 128 }]
 * ```
 */
export function compareConfigs(saved: unknown, requested: unknown, fields: readonly string[]): ConfigDifference[] {
  const out: ConfigDifference[] = [];
  for (const field of fields) collect(valueAt(saved, field), valueAt(requested, field), field, out);
  return out;
}

const show = (value: unknown): string => (value === undefined ? 'nothing' : describeValue(value));

/**
 * Throws when the requested config differs from a saved run's config in any of the architecture
 * fields (those a checkpoint's weights depend on).
 *
 * @param saved - the saved resolved config
 * @param requested - the config asked for now
 * @param fields - the architecture fields, as for {@link compareConfigs}
 * @param savedFile - the saved config file, named in the message
 * @throws {@link ConfigError} with one line per differing field:
 *   `file runs/app/r1/config.yaml, field model.hidden_size: cannot resume with a different value; saved 256, requested 128`
 */
export function assertSameArchitecture(
  saved: unknown,
  requested: unknown,
  fields: readonly string[],
  savedFile?: string,
): void {
  const differences = compareConfigs(saved, requested, fields);
  if (differences.length === 0) return;
  const issues: ConfigIssue[] = differences.map((d) => ({
    file: savedFile,
    field: d.field,
    summary: `cannot resume with a different value; saved ${show(d.saved)}, requested ${show(d.requested)}`,
  }));
  throw new ConfigError(issues);
}

/**
 * The last checkpoint of a run (`checkpoints/last.safetensors`), or undefined when there is none.
 *
 * @param runDir - the run directory
 */
export async function findLastCheckpoint(runDir: string): Promise<string | undefined> {
  const path = checkpointPath(runDir, 'last');
  try {
    await access(path);
    return path;
  } catch {
    return undefined;
  }
}

/** What a resumed run needs to continue: where the weights are and how far it got. */
export interface ResumeState {
  /** The run directory. */
  readonly runDir: string;
  /** Path of the checkpoint to load (`checkpoints/last.safetensors`). */
  readonly checkpoint: string;
  /** Epochs completed when it was saved (continue with this one, 0-based). */
  readonly epoch: number;
  /** Optimiser steps completed, when the manifest recorded them. */
  readonly step: number | undefined;
  /** The config the run was started with. */
  readonly savedConfig: unknown;
  /** The run's manifest. */
  readonly manifest: RunManifest;
}

/** Options of {@link prepareResume}. */
export interface PrepareResumeOptions {
  /** Where warnings (e.g. a truncated metrics line) go; default stderr. */
  readonly warn?: WarnFn;
}

/**
 * Checks that a run can be resumed with the requested config and says where to continue.
 *
 * @remarks
 * The epoch comes from the manifest's `lastCheckpoint` (written when the checkpoint was saved);
 * when the manifest has none, from the largest `epoch` in `logs/metrics.jsonl`.
 *
 * @param runDir - the run directory (e.g. from {@link createRunDir} with `resume`)
 * @param requested - the config asked for now
 * @param architectureFields - fields that must match the saved config, e.g. `['model', 'encoding.num_steps']`
 * @param options - where warnings go
 * @throws {@link ConfigError} naming each differing architecture field with saved and requested values
 * @throws `CheckpointError` (from `@snn/core`) when there is no last checkpoint or its epoch cannot be told
 * @example
 * ```ts
 * const state = await prepareResume(run.path, config, ['model', 'encoding']);
 * const weights = await loadCheckpoint(state.checkpoint);
 * for (let epoch = state.epoch; epoch < config.training.epochs; epoch++) { … }
 * ```
 */
export async function prepareResume(
  runDir: string,
  requested: unknown,
  architectureFields: readonly string[],
  options: PrepareResumeOptions = {},
): Promise<ResumeState> {
  const savedConfig = await readResolvedConfig(runDir);
  assertSameArchitecture(savedConfig, requested, architectureFields, join(runDir, RUN_LAYOUT.config));
  const checkpoint = await findLastCheckpoint(runDir);
  if (checkpoint === undefined) {
    throw new CheckpointError('no checkpoint to resume from', {
      file: join(runDir, RUN_LAYOUT.checkpoints),
      expected: 'last.safetensors',
      found: 'none',
    });
  }
  const manifest = await readManifest(runDir);
  let epoch = manifest.lastCheckpoint?.epoch;
  const step = manifest.lastCheckpoint?.step;
  if (epoch === undefined) {
    const records = await readMetricsLog(join(runDir, RUN_LAYOUT.logs, RUN_LAYOUT.metrics), { warn: options.warn });
    epoch = lastEpochInMetrics(records);
  }
  if (epoch === undefined) {
    throw new CheckpointError('cannot tell which epoch the last checkpoint belongs to', {
      file: checkpoint,
      expected: 'lastCheckpoint in manifest.json or an epoch in logs/metrics.jsonl',
      found: 'neither',
    });
  }
  return { runDir, checkpoint, epoch, step, savedConfig, manifest };
}
