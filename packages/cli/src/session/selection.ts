import { ValidationError } from '@snn/core';

/**
 * The model-selection record of a run: which epoch `best.safetensors` holds and why.
 *
 * @remarks
 * Selection never looks at the test set. With a validation split, `best` is the epoch of the
 * highest validation accuracy (`metric: 'val_acc'`); without one it is the last epoch
 * (`metric: 'last_epoch'`, `value` null). The test accuracy of the selected epoch is carried along
 * only to be reported ("test accuracy at the best validation epoch").
 */
export interface BestRecord {
  /** `val_acc`: highest validation accuracy; `last_epoch`: no validation split, the last epoch. */
  readonly metric: 'val_acc' | 'last_epoch';
  /** The validation accuracy of that epoch (a fraction), or null for `last_epoch`. */
  readonly value: number | null;
  /** Epoch (1-based). */
  readonly epoch: number;
  /** Training accuracy of that epoch (reported), or null. */
  readonly trainAccuracy: number | null;
  /** Test accuracy after that epoch (reported, never used to select), or null when not evaluated. */
  readonly testAccuracy: number | null;
}

/** What {@link ModelSelection.observe} decided for one epoch. */
export interface SelectionStep {
  /** True when this epoch becomes `best`. */
  readonly improved: boolean;
  /** True when early stopping ends training after this epoch. */
  readonly stop: boolean;
}

/** Saved state of a {@link ModelSelection}, stored in checkpoints. */
export interface SelectionState {
  /** Best record so far, or null before the first epoch. */
  readonly best: BestRecord | null;
  /** Epochs since validation accuracy last improved. */
  readonly staleEpochs: number;
}

/**
 * Chooses the `best` checkpoint and decides early stopping from validation accuracy only.
 *
 * @remarks
 * The only accuracy {@link ModelSelection.observe} compares is the validation one: there is no
 * code path that selects on the test set. Early stopping (`patience` > 0) needs a validation split;
 * asking for it without one is an error naming the config field.
 */
export class ModelSelection {
  private bestRecord: BestRecord | null;
  private stale: number;

  /**
   * @param options - `hasValidation`: the run holds out validation images; `patience`: epochs
   *   without improvement before stopping (0 = never); `patienceField`: the config field, for the error
   * @param state - restored state of a resumed run
   * @throws `ValidationError` when `patience` > 0 without a validation split
   */
  constructor(
    private readonly options: { readonly hasValidation: boolean; readonly patience?: number; readonly patienceField?: string },
    state: SelectionState = { best: null, staleEpochs: 0 },
  ) {
    const patience = options.patience ?? 0;
    if (patience > 0 && !options.hasValidation) {
      throw new ValidationError('early stopping needs a validation split: it never looks at the test set', {
        field: options.patienceField ?? 'early_stopping_patience',
        expected: '0 without a validation split (or hold out validation images)',
        found: String(patience),
      });
    }
    this.bestRecord = state.best;
    this.stale = state.staleEpochs;
  }

  /** The best record so far. */
  get best(): BestRecord | null {
    return this.bestRecord;
  }

  /** State to store in a checkpoint. */
  get state(): SelectionState {
    return { best: this.bestRecord, staleEpochs: this.stale };
  }

  /**
   * Records one finished epoch.
   *
   * @param epoch - 1-based epoch just finished
   * @param validationAccuracy - its validation accuracy, or null without a validation split
   * @param reported - its training and test accuracies, only to report with the record (null when not measured)
   */
  observe(epoch: number, validationAccuracy: number | null, reported: { readonly train: number | null; readonly test: number | null }): SelectionStep {
    const atEpoch = { epoch, trainAccuracy: reported.train, testAccuracy: reported.test };
    if (!this.options.hasValidation || validationAccuracy === null) {
      this.bestRecord = { metric: 'last_epoch', value: null, ...atEpoch };
      return { improved: true, stop: false };
    }
    const improved = this.bestRecord === null || this.bestRecord.value === null || validationAccuracy > this.bestRecord.value;
    if (improved) {
      this.bestRecord = { metric: 'val_acc', value: validationAccuracy, ...atEpoch };
      this.stale = 0;
    } else {
      this.stale += 1;
    }
    const patience = this.options.patience ?? 0;
    return { improved, stop: patience > 0 && this.stale >= patience };
  }
}

/**
 * Reads a best record stored in a checkpoint. Records of older versions that selected on the test
 * set are dropped (null), so a resumed run selects on validation from then on.
 *
 * @param value - `meta.best` of a checkpoint
 */
export function readBestRecord(value: unknown): BestRecord | null {
  if (value === null || typeof value !== 'object') return null;
  const r = value as Partial<BestRecord> & { readonly valAccuracy?: unknown };
  // Earlier versions: neurospike wrote `validation_accuracy`, snn-image-classification `{ valAccuracy, testAccuracy }`.
  if ((r.metric as string) === 'validation_accuracy') return readBestRecord({ ...r, metric: 'val_acc' });
  if (r.metric === undefined && typeof r.valAccuracy === 'number') return readBestRecord({ ...r, metric: 'val_acc', value: r.valAccuracy });
  if (r.metric !== 'val_acc' && r.metric !== 'last_epoch') return null;
  if (!Number.isInteger(r.epoch)) return null;
  return {
    metric: r.metric,
    value: typeof r.value === 'number' ? r.value : null,
    epoch: r.epoch as number,
    trainAccuracy: typeof r.trainAccuracy === 'number' ? r.trainAccuracy : null,
    testAccuracy: typeof r.testAccuracy === 'number' ? r.testAccuracy : null,
  };
}
