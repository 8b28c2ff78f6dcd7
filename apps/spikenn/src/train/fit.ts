import { ModelSelection } from '@snn/cli';
import type { FirstSpikeReadout } from '@snn/learning';
import type { SpikingDataset } from '@snn/datasets';
import type { RunConfig } from '../config/schema.js';

/** The splits of a run: SpikeNN's `trainset.npy`, and optional `valset.npy` and `testset.npy`. */
export interface Splits {
  /** Training set. */
  readonly train: SpikingDataset;
  /** Validation set (early stopping and grid-search ranking use it). */
  readonly val?: SpikingDataset;
  /** Test set (reported, never used to select anything). */
  readonly test?: SpikingDataset;
}

/** One epoch of a fit. */
export interface EpochRecord {
  /** Epoch (0-based, as in the seed's logs). */
  readonly epoch: number;
  /** Training accuracy during learning. */
  readonly trainAccuracy: number;
  /** Validation accuracy after the epoch (absent without a validation set). */
  readonly validationAccuracy?: number;
  /** Test accuracy after the epoch. */
  readonly testAccuracy?: number;
  /** Training samples per second of the epoch's learning pass. */
  readonly trainSamplesPerSecond: number;
  /** Mean over samples of the first output spike time. */
  readonly meanFirstSpike: number;
}

/** How a fit ended and its final accuracies (SpikeNN's `fit` return value and log). */
export interface FitResult {
  /** Every epoch run. */
  readonly history: readonly EpochRecord[];
  /** `epochs` (all run), `early-stopping` (validation patience), `pruned` (below `gridsearch_stop_acc`). */
  readonly stoppedBy: 'epochs' | 'early-stopping' | 'pruned';
  /** Last epoch run. */
  readonly lastEpoch: number;
  /** Final training accuracy. */
  readonly trainAccuracy: number;
  /** Final validation accuracy (the epoch where training stopped). */
  readonly validationAccuracy: number | null;
  /** Final test accuracy (at the epoch where training stopped, as in the seed's K-fold score). */
  readonly testAccuracy: number | null;
  /** Best validation accuracy seen. */
  readonly bestValidationAccuracy: number | null;
}

/** Python's `str(round(x, 4))`, so log lines read as the seed's. */
export function pyRound4(x: number): string {
  const r = Math.round(x * 1e4) / 1e4;
  return Number.isInteger(r) ? r.toFixed(1) : String(r);
}

/**
 * Trains a readout as SpikeNN's `Readout.fit` does, writing its log lines through `log`.
 *
 * @remarks
 * Per epoch: a learning pass over the training set in stored order, the layer statistics and
 * `Accuracy on training set after epoch E: a`; then the validation accuracy, which drives early stopping
 * (patience `trainer.early_stopping`, through `ModelSelection` of `@snn/cli`, which needs a validation set;
 * `[INFO] Early stopping triggered (max val_acc:…)`), then the test accuracy.
 * With `gridsearch_stop_acc`, a run whose training or validation accuracy is below it after epoch 2 is pruned.
 * The test set never selects anything: it is only reported.
 * @param model - the readout
 * @param splits - train, validation and test sets
 * @param config - the run config
 * @param log - one call per log line
 * @param onEpoch - called after each epoch's record
 * @throws ValidationError (field `trainer.early_stopping`) when early stopping is asked for without a validation set
 */
export function fitReadout(
  model: FirstSpikeReadout,
  splits: Splits,
  config: RunConfig,
  log: (line: string) => void,
  onEpoch?: (record: EpochRecord) => void,
): FitResult {
  const { epochs, early_stopping: patience } = config.trainer;
  const stopAcc = config.trainer.gridsearch_stop_acc ?? 0;
  // validation-only selection (the project's ModelSelection): the seed's EarlyStopper, a strict improvement
  // resets the count, `patience` epochs without one stop training; the test set is never compared
  const selection = new ModelSelection({ hasValidation: splits.val !== undefined, patience, patienceField: 'trainer.early_stopping' });
  const history: EpochRecord[] = [];
  let stoppedBy: FitResult['stoppedBy'] = 'epochs';
  let val: number | null = null;
  let test: number | null = null;
  let train = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const stats = model.trainEpoch(splits.train);
    train = stats.accuracy;
    const w = model.layer.weights;
    let sum = 0;
    let sq = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const x of w) {
      sum += x;
      sq += x * x;
      if (x < min) min = x;
      if (x > max) max = x;
    }
    const mean = sum / w.length;
    const std = Math.sqrt(Math.max(0, sq / w.length - mean * mean));
    log('=== Layer 0 ===');
    log(`\tMean weights: ${pyRound4(mean)} +- ${pyRound4(std)} (min:${min.toFixed(3)} ; max:${max.toFixed(3)})`);
    log(`\tMin firing time: ${stats.meanFirstSpike}`);
    log(`\tMean firing time: ${stats.meanFiringTime}`);
    log(`Accuracy on training set after epoch ${epoch}: ${pyRound4(train)}`);
    const record: { -readonly [K in keyof EpochRecord]: EpochRecord[K] } = {
      epoch,
      trainAccuracy: train,
      trainSamplesPerSecond: splits.train.count / stats.seconds,
      meanFirstSpike: stats.meanFirstSpike,
    };
    const finish = (): void => {
      history.push(record);
      onEpoch?.(record);
    };
    if (epoch > 2 && train < stopAcc) {
      stoppedBy = 'pruned';
      finish();
      break;
    }
    if (splits.val !== undefined) {
      val = model.evaluate(splits.val);
      record.validationAccuracy = val;
      log(`Accuracy on validation set after epoch ${epoch}: ${pyRound4(val)}`);
      if (epoch > 2 && val < stopAcc) {
        stoppedBy = 'pruned';
        finish();
        break;
      }
      if (selection.observe(epoch + 1, val, { train, test: null }).stop) {
        log(`[INFO] Early stopping triggered (max val_acc:${selection.best?.value})`);
        if (splits.test !== undefined) {
          test = model.evaluate(splits.test);
          record.testAccuracy = test;
          log(`Accuracy on test set after epoch ${epoch}: ${pyRound4(test)}`);
        }
        stoppedBy = 'early-stopping';
        finish();
        break;
      }
    }
    if (splits.test !== undefined) {
      test = model.evaluate(splits.test);
      record.testAccuracy = test;
      log(`Accuracy on test set after epoch ${epoch}: ${pyRound4(test)}`);
    }
    finish();
  }
  const vals = history.map((h) => h.validationAccuracy).filter((v): v is number => v !== undefined);
  return {
    history,
    stoppedBy,
    lastEpoch: history.length - 1,
    trainAccuracy: train,
    validationAccuracy: val,
    testAccuracy: test,
    bestValidationAccuracy: vals.length === 0 ? null : Math.max(...vals),
  };
}
