import { createHash } from 'node:crypto';
import type { ImageClassificationConfig } from '../config/schema.js';

/**
 * The training-relevant parameters of a run: everything in the config that changes what is
 * trained (dataset, model, encoding, optimiser, data splits, seed), i.e. all of it except
 * `training.epochs` (how long to train: a longer run continues a shorter one; kept under a
 * cosine schedule) and `workers`
 * (threads sharing a batch).
 */
export type RunParams = Omit<ImageClassificationConfig, 'workers' | 'training'> & {
  /**
   * The `training` section without `epochs` — except under a cosine schedule, whose learning
   * rate of every epoch depends on the total number of epochs, so there `epochs` is kept.
   * `lr_schedule` is left out when it is `constant`, so runs made before the field existed keep
   * their hash.
   */
  readonly training: Omit<ImageClassificationConfig['training'], 'epochs' | 'lr_schedule'> & {
    /** Total epochs (cosine schedule only). */
    readonly epochs?: number;
    /** `cosine` (absent for `constant`). */
    readonly lr_schedule?: ImageClassificationConfig['training']['lr_schedule'];
  };
};

/** Number of hex digits of the sha256 kept in a run directory's name. */
export const PARAMS_HASH_LENGTH = 12;

/**
 * The {@link RunParams} of a config.
 *
 * @param config - a validated config
 */
export function runParams(config: ImageClassificationConfig): RunParams {
  const { workers: _workers, training, ...rest } = config;
  const { epochs, lr_schedule, ...trainingRest } = training;
  if (lr_schedule === 'cosine') return { ...rest, training: { ...trainingRest, lr_schedule, epochs } };
  return { ...rest, training: trainingRest };
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = canonical(v);
    }
    return out;
  }
  return value;
}

/**
 * Canonical JSON of a value: object keys sorted at every level, `undefined` fields dropped,
 * no whitespace. Two values that are equal as data give the same text.
 *
 * @param value - plain data (objects, arrays, numbers, strings, booleans, null)
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: { d: true, c: null } }); // '{"a":{"c":null,"d":true},"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value));
}

/**
 * The stable hash naming a run directory: the first {@link PARAMS_HASH_LENGTH} hex digits of
 * the sha256 of the canonical JSON of the run's {@link RunParams}.
 *
 * @param params - from {@link runParams}
 */
export function paramsHash(params: RunParams): string {
  return createHash('sha256').update(canonicalJson(params)).digest('hex').slice(0, PARAMS_HASH_LENGTH);
}
