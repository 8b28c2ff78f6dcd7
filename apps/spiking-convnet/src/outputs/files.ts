import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FileFormatError, ShapeError } from '@snn/core';
import { loadNpy, saveNpy } from '@snn/core/node';
import type { SplitFeatures } from '../network/features.js';

/** Files of a run directory (besides manifest, config, logs and figures). */
export const RUN_FILES = Object.freeze({
  conv1Weights: 'conv1_weights.npy',
  conv2Weights: 'conv2_weights.npy',
  conv1Metric: 'conv1_conv_metric.npy',
  conv2Metric: 'conv2_conv_metric.npy',
  conv1Winners: 'conv1_winners.npy',
  conv2Winners: 'conv2_winners.npy',
  yTrain: 'y_train.npy',
  yTest: 'y_test.npy',
  trainFirstSpike: 'features_train_first_spike.npy',
  testFirstSpike: 'features_test_first_spike.npy',
  trainWindowCounts: 'features_train_window_counts.npy',
  testWindowCounts: 'features_test_window_counts.npy',
  spikesPerStep: 'spikes_per_step.npy',
  trainPotential: 'features_train_potential.npy',
  testPotential: 'features_test_potential.npy',
});

/** Marks a silent feature in the `uint8` first-spike files. */
export const NO_SPIKE = 255;

/** Saves a split's features as two uint8 `.npy` files (first-spike step, 255 = silent; conv2 spikes per window). */
export async function saveSplitFeatures(dir: string, split: 'train' | 'test', f: SplitFeatures): Promise<void> {
  const first = new Uint8Array(f.firstSpike.length);
  for (let i = 0; i < first.length; i++) first[i] = f.firstSpike[i] < 0 ? NO_SPIKE : f.firstSpike[i];
  await saveNpy(join(dir, split === 'train' ? RUN_FILES.trainFirstSpike : RUN_FILES.testFirstSpike), { data: first, shape: [f.count, f.size] });
  await saveNpy(join(dir, split === 'train' ? RUN_FILES.trainWindowCounts : RUN_FILES.testWindowCounts), { data: f.windowCounts, shape: [f.count, f.size] });
  if (f.potentials) await saveNpy(join(dir, split === 'train' ? RUN_FILES.trainPotential : RUN_FILES.testPotential), { data: f.potentials, shape: [f.count, f.potentialSize] });
}

/** Loads a split's features saved by {@link saveSplitFeatures}. */
export async function loadSplitFeatures(dir: string, split: 'train' | 'test', numSteps: number): Promise<SplitFeatures> {
  const firstFile = join(dir, split === 'train' ? RUN_FILES.trainFirstSpike : RUN_FILES.testFirstSpike);
  const countFile = join(dir, split === 'train' ? RUN_FILES.trainWindowCounts : RUN_FILES.testWindowCounts);
  for (const f of [firstFile, countFile]) {
    if (!existsSync(f)) throw new FileFormatError('features file missing (run `train` first)', { file: f, expected: 'a .npy file written by train', found: 'no such file' });
  }
  const first = await loadNpy(firstFile);
  const counts = await loadNpy(countFile);
  if (first.shape.length !== 2 || counts.shape.join() !== first.shape.join()) {
    throw new ShapeError('features files disagree in shape', { file: countFile, expected: `[${first.shape.join(', ')}]`, found: `[${counts.shape.join(', ')}]` });
  }
  const [count, size] = first.shape as [number, number];
  const firstSpike = new Int16Array(count * size);
  for (let i = 0; i < firstSpike.length; i++) firstSpike[i] = first.data[i] === NO_SPIKE ? -1 : first.data[i];
  const potentialFile = join(dir, split === 'train' ? RUN_FILES.trainPotential : RUN_FILES.testPotential);
  let potentials: Float32Array | undefined;
  let potentialSize = 0;
  if (existsSync(potentialFile)) {
    const p = await loadNpy(potentialFile);
    if (p.shape.length !== 2 || p.shape[0] !== count) throw new ShapeError('features files disagree in shape', { file: potentialFile, expected: `[${count}, features]`, found: `[${p.shape.join(', ')}]` });
    potentials = Float32Array.from(p.data);
    potentialSize = p.shape[1];
  }
  return { count, size, numSteps, firstSpike, windowCounts: Uint8Array.from(counts.data), spikesPerStep: new Float64Array(4 * numSteps), potentials, potentialSize };
}

/**
 * Loads conv weights from a `.npy` file and checks their shape.
 * @throws `ShapeError` naming the file, the expected and the found shape
 */
export async function loadWeights(file: string, expected: readonly number[]): Promise<Float32Array> {
  const w = await loadNpy(file);
  if (w.shape.join(',') !== expected.join(',')) {
    throw new ShapeError('weights file has the wrong shape', { file, expected: `[${expected.join(', ')}]`, found: `[${w.shape.join(', ')}]` });
  }
  return Float32Array.from(w.data);
}
