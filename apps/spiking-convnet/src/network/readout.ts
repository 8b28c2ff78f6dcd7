import { Rng } from '@snn/core';
import { stratifiedSubset } from '@snn/datasets';
import { type FeatureMatrix, RbfSvm, Standardizer, accuracy } from '@snn/readout';
import type { ConvnetConfig } from '../config/schema.js';
import { fitLinearSvm } from './parallel-svm.js';
import { type FeatureKind, type SplitFeatures, featureMatrix } from './features.js';

/** Which SVM reads the features out. */
export type ReadoutKind = 'linear' | 'rbf';

/** Predictions and timing of one readout. */
export interface ReadoutResult {
  /** Readout kind. */
  readonly readout: ReadoutKind;
  /** Feature kind. */
  readonly features: FeatureKind;
  /** Predicted class of every test sample. */
  readonly predicted: Int32Array;
  /** Test accuracy in [0, 1]. */
  readonly accuracy: number;
  /** Training samples the SVM was fitted on. */
  readonly trainSamples: number;
  /** Fit time, seconds. */
  readonly fitSeconds: number;
}

function rowsOf(m: FeatureMatrix, rows: ArrayLike<number>): FeatureMatrix {
  const data = new Float32Array(rows.length * m.columns);
  for (let k = 0; k < rows.length; k++) data.set(m.data.subarray(rows[k] * m.columns, (rows[k] + 1) * m.columns), k * m.columns);
  return { data, rows: rows.length, columns: m.columns };
}

/**
 * Fits the SVM on the training features and predicts the test features. The RBF SVM uses at most
 * `readout.rbf.max_train` training samples (a stratified, seeded subset); the linear SVM's one-vs-rest
 * problems run on `compute.workers` threads.
 */
export function runReadout(
  train: SplitFeatures,
  trainLabels: ArrayLike<number>,
  test: SplitFeatures,
  testLabels: ArrayLike<number>,
  readout: ReadoutKind,
  features: FeatureKind,
  config: ConvnetConfig,
): Promise<ReadoutResult> {
  return readoutOn(featureMatrix(train, features), trainLabels, featureMatrix(test, features), testLabels, readout, features, config);
}

/**
 * Validation instead of test: fits on the training features without the last `holdout` samples and scores
 * those (for choosing settings without looking at the test set).
 */
export function runValidation(train: SplitFeatures, trainLabels: ArrayLike<number>, holdout: number, readout: ReadoutKind, features: FeatureKind, config: ConvnetConfig): Promise<ReadoutResult> {
  const all = featureMatrix(train, features);
  const keep = all.rows - holdout;
  const fit = { data: all.data.subarray(0, keep * all.columns), rows: keep, columns: all.columns };
  const held = { data: all.data.subarray(keep * all.columns), rows: holdout, columns: all.columns };
  return readoutOn(fit, Array.from(trainLabels).slice(0, keep), held, Array.from(trainLabels).slice(keep), readout, features, config);
}

async function readoutOn(
  trainX: FeatureMatrix,
  trainLabels: ArrayLike<number>,
  testX: FeatureMatrix,
  testLabels: ArrayLike<number>,
  readout: ReadoutKind,
  features: FeatureKind,
  config: ConvnetConfig,
): Promise<ReadoutResult> {
  let x = trainX;
  let labels: ArrayLike<number> = trainLabels;
  let xt = testX;
  if (readout === 'rbf' && x.rows > config.readout.rbf.max_train) {
    const rows = stratifiedSubset(trainLabels, config.readout.rbf.max_train / x.rows, new Rng(config.seed ^ 0x5b5));
    x = rowsOf(x, rows);
    labels = Array.from(rows, (r) => trainLabels[r]);
  }
  if (config.readout.standardize) {
    const scaler = Standardizer.fit(x);
    x = scaler.transform(x);
    xt = scaler.transform(xt);
  }
  const start = performance.now();
  const model =
    readout === 'linear'
      ? await fitLinearSvm(x, labels, { C: config.readout.linear.C, maxIter: config.readout.linear.max_iter, tol: config.readout.linear.tol, seed: config.seed }, config.compute.workers)
      : RbfSvm.fit(x, labels, { C: config.readout.rbf.C, gamma: config.readout.rbf.gamma });
  const fitSeconds = (performance.now() - start) / 1000;
  const predicted = model.predict(xt);
  return { readout, features, predicted, accuracy: accuracy(predicted, testLabels), trainSamples: x.rows, fitSeconds };
}
