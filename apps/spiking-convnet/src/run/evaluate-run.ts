import { join } from 'node:path';
import { MetricsLog, readResolvedConfig, updateManifest } from '@snn/cli';
import type { AppIo } from '@snn/cli';
import { FileFormatError, ShapeError, ValidationError } from '@snn/core';
import { loadNpy } from '@snn/core/node';
import { configSchema } from '../config/schema.js';
import type { FeatureKind } from '../network/features.js';
import { type ReadoutKind, type ReadoutResult, runReadout, runValidation } from '../network/readout.js';
import { RUN_FILES, loadSplitFeatures } from '../outputs/files.js';
import { saveReadout } from '../outputs/readout-files.js';

/**
 * `evaluate`: fits the chosen SVM on a run's saved training features and scores the test features.
 * @param overrides - readout settings from the command line (C, gamma, RBF training-set cap, standardise)
 */
export async function evaluateRun(
  dir: string,
  readout: ReadoutKind,
  features: FeatureKind,
  overrides: { C?: number; gamma?: number | 'scale'; maxTrain?: number; standardize?: boolean; holdout?: number },
  io: AppIo,
): Promise<ReadoutResult> {
  const raw = await readResolvedConfig(dir).catch((cause) => {
    throw new FileFormatError('not a spiking-convnet run directory', { file: dir, expected: 'config.yaml written by train', found: 'none', cause });
  });
  const base = configSchema.parse(raw);
  const config = {
    ...base,
    readout: {
      ...base.readout,
      standardize: overrides.standardize ?? base.readout.standardize,
      linear: { ...base.readout.linear, C: readout === 'linear' ? (overrides.C ?? base.readout.linear.C) : base.readout.linear.C },
      rbf: {
        ...base.readout.rbf,
        C: readout === 'rbf' ? (overrides.C ?? base.readout.rbf.C) : base.readout.rbf.C,
        gamma: overrides.gamma ?? base.readout.rbf.gamma,
        max_train: overrides.maxTrain ?? base.readout.rbf.max_train,
      },
    },
  };
  const T = config.encoding.timesteps;
  const train = await loadSplitFeatures(dir, 'train', T);
  const test = await loadSplitFeatures(dir, 'test', T);
  const yTrain = await loadNpy(join(dir, RUN_FILES.yTrain));
  const yTest = await loadNpy(join(dir, RUN_FILES.yTest));
  if (yTrain.data.length !== train.count || yTest.data.length !== test.count) {
    throw new ShapeError('labels and features differ in length', { file: join(dir, RUN_FILES.yTrain), expected: `${train.count} training and ${test.count} test labels`, found: `${yTrain.data.length} and ${yTest.data.length}` });
  }
  if (overrides.holdout !== undefined) {
    if (overrides.holdout >= train.count) {
      throw new ValidationError('the hold-out leaves no training sample', { field: '--holdout', expected: `fewer than ${train.count}`, found: `${overrides.holdout}` });
    }
    const v = await runValidation(train, yTrain.data, overrides.holdout, readout, features, config);
    io.stdout.write(`${readout} SVM (${features}): validation accuracy ${(100 * v.accuracy).toFixed(2)} % on the last ${overrides.holdout} training images; fitted on ${v.trainSamples} in ${v.fitSeconds.toFixed(1)} s\n`);
    return v;
  }
  const r = await runReadout(train, yTrain.data, test, yTest.data, readout, features, config);
  await saveReadout(dir, r);
  const key = `${readout}_${features}`;
  await updateManifest(dir, { metrics: { [`${key}_accuracy`]: r.accuracy, [`${key}_fit_seconds`]: r.fitSeconds, [`${key}_train_samples`]: r.trainSamples } });
  const log = await MetricsLog.open(dir);
  log.append({ phase: 'evaluate', readout, features, accuracy: r.accuracy, fit_seconds: r.fitSeconds, train_samples: r.trainSamples });
  io.stdout.write(`${readout} SVM (${features}): test accuracy ${(100 * r.accuracy).toFixed(2)} % on ${test.count} images; fitted on ${r.trainSamples} training samples in ${r.fitSeconds.toFixed(1)} s\n`);
  return r;
}
