import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readResolvedConfig } from '@snn/cli';
import type { AppIo } from '@snn/cli';
import { loadNpy, saveNpy } from '@snn/core/node';
import { SEED_TIME_UNIT, createSpikingDataset } from '@snn/datasets';
import { writeSpikingDataset } from '@snn/datasets/node';
import { configSchema } from '../config/schema.js';
import { RUN_FILES, loadSplitFeatures } from '../outputs/files.js';

/** Output formats of `features`. */
export type FeaturesFormat = 'npy' | 'spiking-dataset';

/**
 * Time scale of exported spike times: `unit` = step t becomes t / T, in [0, 1) with duration 1 (SpikeNN's
 * `SpikingDataset` convention, `max_time` 1: what `spikenn` and its configs' `t_gap` expect); `step` = the
 * step itself, 0 … T−1, duration T.
 */
export type TimeScale = 'unit' | 'step';

/**
 * Spike time of a first spike at step `step` of `numSteps`, on a {@link TimeScale}; for `unit`, t / T maps
 * 0 … T−1 into [0, 1) keeping equal gaps and the order of the steps.
 */
export function scaleStep(step: number, numSteps: number, scale: TimeScale): number {
  return scale === 'unit' ? step / numSteps : step;
}

/**
 * `features`: writes the first-spike times of the pooled (pool2) features of a run for other tools:
 * `spiking-dataset` (one `.spk` SpikingDataset file per split: one spike per feature that fired; with the
 * default time scale `unit` its time is step / T in [0, 1) with duration 1 and unit `a.u.` — the seed's
 * timestamps, what `spikenn make-folds` / `kfold` / `run` read with the seed's configs; with `step` the step
 * itself, unit `step`, duration T) or `npy` (`[N, features]` float32 step, −1 = silent, plus int32 labels;
 * the time scale applies to it too).
 * @param timeScale - see {@link TimeScale}; default `unit`
 * @returns the files written
 */
export async function featuresRun(dir: string, format: FeaturesFormat, outDir: string | undefined, io: AppIo, timeScale: TimeScale = 'unit'): Promise<string[]> {
  const config = configSchema.parse(await readResolvedConfig(dir));
  const T = config.encoding.timesteps;
  const out = outDir ?? join(dir, 'export');
  mkdirSync(out, { recursive: true });
  const written: string[] = [];
  for (const split of ['train', 'test'] as const) {
    const f = await loadSplitFeatures(dir, split, T);
    const labels = await loadNpy(join(dir, split === 'train' ? RUN_FILES.yTrain : RUN_FILES.yTest));
    if (format === 'npy') {
      const times = Float32Array.from(f.firstSpike, (t) => (t < 0 ? -1 : scaleStep(t, T, timeScale)));
      const file = join(out, `${split}_first_spike.npy`);
      await saveNpy(file, { data: times, shape: [f.count, f.size] });
      await saveNpy(join(out, `${split}_labels.npy`), { data: Int32Array.from(labels.data), shape: [f.count] });
      written.push(file, join(out, `${split}_labels.npy`));
    } else {
      const samples = Array.from({ length: f.count }, (_, r) => {
        const indices: number[] = [];
        const times: number[] = [];
        for (let i = 0; i < f.size; i++) {
          const t = f.firstSpike[r * f.size + i];
          if (t >= 0) {
            indices.push(i);
            times.push(scaleStep(t, T, timeScale));
          }
        }
        return { label: labels.data[r], indices, times };
      });
      const file = join(out, `${split}.spk`);
      await writeSpikingDataset(file, createSpikingDataset({ inputSize: f.size, duration: timeScale === 'unit' ? 1 : T, timeUnit: timeScale === 'unit' ? SEED_TIME_UNIT : 'step', samples }));
      written.push(file);
    }
  }
  io.stdout.write(`${written.join('\n')}\n`);
  return written;
}
