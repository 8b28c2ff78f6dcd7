import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RUN_LAYOUT, applyWeights, checkpointPath } from '@snn/cli';
import { CheckpointError } from '@snn/core';
import { LifNetwork } from '@snn/learning';
import type { NeuroSpikeConfig } from '../config/schema.js';
import type { EncodingSettings } from '../data/encode.js';
import { readRunConfig } from '../report/render-run.js';
import { type LoadedRunCheckpoint, loadRunCheckpoint } from './checkpoint.js';
import { validateCheckpointMeta } from './checkpoint-meta.js';
import { createNetwork, networkSizes } from './network.js';

/** The checkpoint and run directory (when there is one) that `--model` points at. */
export function resolveModelPath(model: string): { checkpoint: string; runDir: string | null } {
  if (!existsSync(model)) {
    throw new CheckpointError('model not found', { file: model, expected: 'a run directory or a .safetensors checkpoint', found: 'nothing' });
  }
  if (statSync(model).isDirectory()) {
    for (const which of ['best', 'last'] as const) {
      const file = checkpointPath(model, which);
      if (existsSync(file)) return { checkpoint: file, runDir: model };
    }
    throw new CheckpointError('no checkpoint in the run directory', {
      file: join(model, RUN_LAYOUT.checkpoints),
      expected: 'best.safetensors or last.safetensors',
      found: 'neither',
    });
  }
  const candidate = dirname(dirname(model));
  return { checkpoint: model, runDir: existsSync(join(candidate, RUN_LAYOUT.config)) ? candidate : null };
}

/** A trained network ready to run, with what it was trained on. */
export interface TrainedModel {
  /** Path of the checkpoint file that was loaded. */
  readonly checkpoint: string;
  /** The run's resolved config, when the checkpoint sits in a run directory; else null. */
  readonly config: NeuroSpikeConfig | null;
  /** The loaded checkpoint (weights and metadata). */
  readonly loaded: LoadedRunCheckpoint;
  /** The network with the checkpoint's weights (one thread). */
  readonly network: LifNetwork;
  /** Encoding and number of steps the network was trained with. */
  readonly settings: EncodingSettings;
}

/**
 * Loads the network that `--model` (a run directory or a checkpoint) points at: the architecture
 * from the run's `config.yaml` when there is one (the checkpoint must match it), else from the
 * checkpoint's own metadata, validated first by {@link validateCheckpointMeta}.
 */
export async function loadTrainedModel(model: string): Promise<TrainedModel> {
  const { checkpoint, runDir } = resolveModelPath(model);
  const config: NeuroSpikeConfig | null = runDir ? await readRunConfig(runDir) : null;
  const loaded = await loadRunCheckpoint(checkpoint, config ? networkSizes(config.model) : undefined);
  // The metadata is checked like a config before any of it is used (a bare checkpoint has nothing else).
  validateCheckpointMeta(checkpoint, loaded.meta as unknown as Record<string, unknown>);
  const network = config ? createNetwork(config, 1) : LifNetwork.fromSpec(loaded.meta.network, { workers: 1 });
  applyWeights(network.parameters(), loaded.weights);
  const settings: EncodingSettings = config
    ? { encoding: config.encoding, numSteps: config.model.num_steps }
    : { encoding: loaded.meta.encoding, numSteps: loaded.meta.numSteps };
  return { checkpoint, config, loaded, network, settings };
}
