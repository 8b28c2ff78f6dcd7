import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_LAYOUT, applyWeights, checkpointPath, parseConfig, readResolvedConfig } from '@snn/cli';
import { CheckpointError } from '@snn/core';
import type { RecurrentClassifier } from '@snn/learning';
import { type ImageClassificationConfig, configSchema } from '../config/schema.js';
import { type LoadedRunCheckpoint, loadRunCheckpoint } from './checkpoint.js';
import { createClassifier, parameterShapes } from './network.js';

/**
 * Reads a run's resolved config (`config.yaml`) and validates it.
 *
 * @param runDir - the run directory
 */
export async function readRunConfig(runDir: string): Promise<ImageClassificationConfig> {
  const raw = await readResolvedConfig(runDir);
  return parseConfig(raw, configSchema, { file: join(runDir, RUN_LAYOUT.config) });
}

/**
 * The checkpoint of a run directory: `best.safetensors` (or `last`), or an explicit one.
 *
 * @param runDir - the run directory
 * @param which - `best` (default; falls back to `last`) or `last`
 * @throws `CheckpointError` when the run has neither
 */
export function runCheckpoint(runDir: string, which: 'best' | 'last' = 'best'): string {
  if (!existsSync(runDir) || !statSync(runDir).isDirectory()) {
    throw new CheckpointError('run directory not found', { file: runDir, expected: 'a run directory of snn-image-classification', found: 'nothing' });
  }
  for (const name of which === 'best' ? (['best', 'last'] as const) : (['last'] as const)) {
    const file = checkpointPath(runDir, name);
    if (existsSync(file)) return file;
  }
  throw new CheckpointError('no checkpoint in the run directory', {
    file: join(runDir, RUN_LAYOUT.checkpoints),
    expected: which === 'best' ? 'best.safetensors or last.safetensors' : 'last.safetensors',
    found: 'neither',
  });
}

/** A trained classifier with the config of its run. */
export interface TrainedModel {
  /** The run's config. */
  readonly config: ImageClassificationConfig;
  /** The loaded checkpoint. */
  readonly loaded: LoadedRunCheckpoint;
  /** The classifier with the checkpoint's weights (one thread). */
  readonly model: RecurrentClassifier;
}

/**
 * Loads the classifier of a run directory from a checkpoint, checked against the run's config
 * (architecture and dataset; a mismatch names the tensor and both shapes).
 *
 * @param runDir - the run directory
 * @param checkpoint - the checkpoint file; default the run's best (else last)
 */
export async function loadTrainedModel(runDir: string, checkpoint = runCheckpoint(runDir)): Promise<TrainedModel> {
  const config = await readRunConfig(runDir);
  const loaded = await loadRunCheckpoint(checkpoint, { shapes: parameterShapes(config.model), dataset: config.dataset });
  const model = createClassifier(config, 1);
  applyWeights(model.parameters(), loaded.weights);
  return { config, loaded, model };
}
