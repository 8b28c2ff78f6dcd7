import { join } from 'node:path';
import { writeFileAtomic } from '@snn/core/node';
import { encodingSettings } from '../data/encode.js';
import { loadDataSplits } from '../data/splits.js';
import { STREAMS, streamSeed } from '../data/streams.js';
import { loadTrainedModel, runCheckpoint } from '../model/trained-model.js';
import { evaluateDataset } from '../training/evaluate.js';

/** The splits `evaluate` scores. */
export const EVAL_SPLITS = ['train', 'validation', 'test'] as const;

/** One of {@link EVAL_SPLITS}. */
export type EvalSplit = (typeof EVAL_SPLITS)[number];

/** File (in the run directory) `evaluate` writes its result to. */
export const EVALUATION_FILE = 'evaluation.json';

/** Options of {@link runEvaluation}. */
export interface EvaluateOptions {
  /** The run directory. */
  readonly runDir: string;
  /** Which checkpoint: `best` (highest validation accuracy; the default) or `last`. */
  readonly checkpoint?: 'best' | 'last';
  /** Splits to score; default all three. */
  readonly splits?: readonly EvalSplit[];
  /** Images per forward pass; default 256. */
  readonly batchSize?: number;
}

/** Score of one split. */
export interface SplitScore {
  /** The split. */
  readonly split: EvalSplit;
  /** Number of images. */
  readonly images: number;
  /** Fraction classified correctly. */
  readonly accuracy: number;
  /** Mean softmax cross-entropy. */
  readonly loss: number;
  /** Seconds (encoding and forward passes). */
  readonly seconds: number;
}

/** Result of {@link runEvaluation} (also written to `evaluation.json`). */
export interface EvaluateResult {
  /** The run directory. */
  readonly runDir: string;
  /** The checkpoint evaluated. */
  readonly checkpoint: string;
  /** Epochs it was trained for. */
  readonly epoch: number;
  /** Dataset of the run. */
  readonly dataset: string;
  /** One score per split, in the order asked. */
  readonly scores: readonly SplitScore[];
  /** Images per second over all splits (forward passes with encoding). */
  readonly imagesPerSecond: number;
}

/**
 * Scores a run's checkpoint (default: best validation accuracy) on its training, validation and
 * test images, and writes the result to `<run>/evaluation.json`.
 *
 * @remarks
 * The splits are the run's own (same dataset, `data_prop`/`test_prop` subsets and validation
 * hold-out, all seeded), encoded with the run's fixed evaluation streams, so the validation and
 * test accuracies equal the `val_acc`/`test_acc` logged for that epoch. Training images are
 * encoded with their own fixed stream (not an epoch's), so the training accuracy differs from the
 * running one logged during training.
 *
 * @param options - run directory, checkpoint, splits, batch size
 */
export async function runEvaluation(options: EvaluateOptions): Promise<EvaluateResult> {
  const checkpoint = runCheckpoint(options.runDir, options.checkpoint ?? 'best');
  const { config, loaded, model } = await loadTrainedModel(options.runDir, checkpoint);
  try {
    const data = loadDataSplits(config);
    const settings = encodingSettings(config);
    const streams: Record<EvalSplit, number> = { train: STREAMS.trainEval, validation: STREAMS.validation, test: STREAMS.test };
    const scores: SplitScore[] = [];
    let images = 0;
    let seconds = 0;
    for (const split of options.splits ?? EVAL_SPLITS) {
      const e = evaluateDataset(model, data[split], settings, streamSeed(config.seed, streams[split]), options.batchSize ?? 256);
      scores.push({ split, images: e.samples, accuracy: e.accuracy, loss: e.loss, seconds: e.seconds });
      images += e.samples;
      seconds += e.seconds;
    }
    const result: EvaluateResult = { runDir: options.runDir, checkpoint, epoch: loaded.meta.epoch, dataset: config.dataset, scores, imagesPerSecond: seconds > 0 ? images / seconds : 0 };
    await writeFileAtomic(join(options.runDir, EVALUATION_FILE), `${JSON.stringify(result, null, 2)}\n`);
    return result;
  } finally {
    await model.destroy();
  }
}

/**
 * The result as the table printed by `evaluate`.
 *
 * @param r - from {@link runEvaluation}
 */
export function formatEvaluation(r: EvaluateResult): string {
  const lines = [`checkpoint ${r.checkpoint} (epoch ${r.epoch}, ${r.dataset})`, 'split       images  accuracy     loss'];
  for (const s of r.scores) {
    lines.push(`${s.split.padEnd(10)} ${String(s.images).padStart(7)}  ${`${(100 * s.accuracy).toFixed(2)}%`.padStart(8)}  ${s.loss.toFixed(4).padStart(7)}`);
  }
  lines.push(`speed ${r.imagesPerSecond.toFixed(1)} images/s`);
  return `${lines.join('\n')}\n`;
}
