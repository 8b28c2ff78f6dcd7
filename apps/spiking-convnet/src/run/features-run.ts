import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { readResolvedConfig } from '@snn/cli';
import type { AppIo } from '@snn/cli';
import { loadNpy, saveNpy } from '@snn/core/node';
import { SEED_TIME_UNIT, createSpikingDataset } from '@snn/datasets';
import { writeSpikingDataset } from '@snn/datasets/node';
import { configSchema } from '../config/schema.js';
import { type SplitFeatures, featureMatrix } from '../network/features.js';
import { RUN_FILES, loadSplitFeatures } from '../outputs/files.js';

/** Output formats of `features`. */
export type FeaturesFormat = 'npy' | 'spiking-dataset';

/**
 * Time scale of exported spike times: `unit` = step t becomes t / T, in [0, 1) with duration 1 (SpikeNN's
 * `SpikingDataset` convention, `max_time` 1: what `spikenn` and its configs' `t_gap` expect); `step` = the
 * step itself, 0 … T−1, duration T.
 */
export type TimeScale = 'unit' | 'step';

/** What `features` exports: the pooled first spikes, or the `potential` features coded as first-spike times. */
export type ExportedFeatures = 'first-spike' | 'potential';

/**
 * Dense spike times `[count, columns]` of one split on the unit scale, −1 = silent.
 *
 * @remarks
 * `first-spike`: a pooled feature that fired at step t spikes at t / T. `potential`: the final conv2 potential v
 * of a feature (run trained with `readout.features: potential`) is coded time-to-first-spike, t = 1 − v / vmax,
 * with vmax that feature's largest potential over the TRAINING images (so train and test share one code; a test
 * potential above vmax spikes at 0); v ≤ 0 never spikes. Stronger features spike earlier in both codes.
 */
function unitTimes(f: SplitFeatures, kind: ExportedFeatures, vmax: Float32Array | undefined): { times: Float32Array; columns: number } {
  if (kind === 'first-spike') return { times: Float32Array.from(f.firstSpike, (t) => (t < 0 ? -1 : t / f.numSteps)), columns: f.size };
  const v = featureMatrix(f, 'potential');
  const times = new Float32Array(v.data.length);
  for (let r = 0; r < v.rows; r++) {
    for (let j = 0; j < v.columns; j++) {
      const x = v.data[r * v.columns + j];
      const m = (vmax as Float32Array)[j];
      times[r * v.columns + j] = x > 0 && m > 0 ? Math.max(0, 1 - x / m) : -1;
    }
  }
  return { times, columns: v.columns };
}

/** Largest potential of each feature over a split (0 where it never goes above 0). */
function featureMax(f: SplitFeatures): Float32Array {
  const v = featureMatrix(f, 'potential');
  const m = new Float32Array(v.columns);
  for (let i = 0; i < v.data.length; i++) m[i % v.columns] = Math.max(m[i % v.columns], v.data[i]);
  return m;
}

/**
 * `features`: writes the features of a run as first-spike times for other tools: `spiking-dataset` (one `.spk`
 * SpikingDataset file per split, one spike per feature that spikes — what the `spikenn` app consumes) or `npy`
 * (`[N, features]` float32 times, −1 = silent, plus int32 labels).
 *
 * @remarks
 * Time scale (one place for the whole pipeline): with `unit` (default) times are in [0, 1) with duration 1 and
 * unit `a.u.` — SpikeNN's `SpikingDataset` timestamps (`max_time` 1), which `spikenn make-folds` / `kfold` / `run`
 * and the seed's configs (`t_gap`, time ranges) expect; with `step` they are steps 0 … T−1 (unit `step`,
 * duration T; a unit time u becomes step ⌊u·T⌋). See {@link unitTimes} for the two feature codes.
 * @param timeScale - see {@link TimeScale}; default `unit`
 * @param kind - `first-spike` (pooled conv2 spikes, default) or `potential`
 * @returns the files written
 * @throws `ValidationError` for `potential` on a run without potential features
 */
export async function featuresRun(
  dir: string,
  format: FeaturesFormat,
  outDir: string | undefined,
  io: AppIo,
  timeScale: TimeScale = 'unit',
  kind: ExportedFeatures = 'first-spike',
): Promise<string[]> {
  const config = configSchema.parse(await readResolvedConfig(dir));
  const T = config.encoding.timesteps;
  const out = outDir ?? join(dir, 'export');
  const written: string[] = [];
  let vmax: Float32Array | undefined;
  for (const split of ['train', 'test'] as const) {
    const f = await loadSplitFeatures(dir, split, T);
    if (kind === 'potential' && vmax === undefined) vmax = featureMax(f); // train comes first
    const { times: unit, columns } = unitTimes(f, kind, vmax);
    let times = unit;
    if (timeScale === 'step') times = kind === 'first-spike' ? Float32Array.from(f.firstSpike) : unit.map((u) => (u < 0 ? -1 : Math.min(T - 1, Math.floor(u * T))));
    mkdirSync(out, { recursive: true });
    const labels = await loadNpy(join(dir, split === 'train' ? RUN_FILES.yTrain : RUN_FILES.yTest));
    if (format === 'npy') {
      const file = join(out, `${split}_${kind === 'potential' ? 'potential_times' : 'first_spike'}.npy`);
      await saveNpy(file, { data: times, shape: [f.count, columns] });
      await saveNpy(join(out, `${split}_labels.npy`), { data: Int32Array.from(labels.data), shape: [f.count] });
      written.push(file, join(out, `${split}_labels.npy`));
    } else {
      const samples = Array.from({ length: f.count }, (_, r) => {
        const indices: number[] = [];
        const spikeTimes: number[] = [];
        for (let i = 0; i < columns; i++) {
          const t = times[r * columns + i];
          if (t >= 0) {
            indices.push(i);
            spikeTimes.push(t);
          }
        }
        return { label: labels.data[r], indices, times: spikeTimes };
      });
      const file = join(out, `${split}.spk`);
      await writeSpikingDataset(file, createSpikingDataset({ inputSize: columns, duration: timeScale === 'unit' ? 1 : T, timeUnit: timeScale === 'unit' ? SEED_TIME_UNIT : 'step', samples }));
      written.push(file);
    }
  }
  io.stdout.write(`${written.join('\n')}\n`);
  return written;
}
