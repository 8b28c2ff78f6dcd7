import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readResolvedConfig } from '@snn/cli';
import type { AppIo } from '@snn/cli';
import { loadNpy, saveNpy } from '@snn/core/node';
import { createSpikingDataset } from '@snn/datasets';
import { writeSpikingDataset } from '@snn/datasets/node';
import { configSchema } from '../config/schema.js';
import { RUN_FILES, loadSplitFeatures } from '../outputs/files.js';

/** Output formats of `features`. */
export type FeaturesFormat = 'npy' | 'spiking-dataset';

/**
 * `features`: writes the first-spike times of the pooled (pool2) features of a run for other tools:
 * `spiking-dataset` (one `.spk` SpikingDataset file per split: one spike per feature that fired, time = its
 * step, unit `step`, duration T — what the `spikenn` app consumes) or `npy` (`[N, features]` float32 step,
 * −1 = silent, plus int32 labels).
 * @returns the files written
 */
export async function featuresRun(dir: string, format: FeaturesFormat, outDir: string | undefined, io: AppIo): Promise<string[]> {
  const config = configSchema.parse(await readResolvedConfig(dir));
  const T = config.encoding.timesteps;
  const out = outDir ?? join(dir, 'export');
  mkdirSync(out, { recursive: true });
  const written: string[] = [];
  for (const split of ['train', 'test'] as const) {
    const f = await loadSplitFeatures(dir, split, T);
    const labels = await loadNpy(join(dir, split === 'train' ? RUN_FILES.yTrain : RUN_FILES.yTest));
    if (format === 'npy') {
      const times = Float32Array.from(f.firstSpike);
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
            times.push(t);
          }
        }
        return { label: labels.data[r], indices, times };
      });
      const file = join(out, `${split}.spk`);
      await writeSpikingDataset(file, createSpikingDataset({ inputSize: f.size, duration: T, timeUnit: 'step', samples }));
      written.push(file);
    }
  }
  io.stdout.write(`${written.join('\n')}\n`);
  return written;
}
