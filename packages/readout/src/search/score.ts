import { ValidationError } from '@snn/core';

/** Mean and population standard deviation of a list of values (NumPy's `np.mean`, `np.std`). */
export interface MeanStd {
  /** Arithmetic mean. */
  readonly mean: number;
  /** Population standard deviation √(Σ(x − mean)²/n). */
  readonly std: number;
  /** Number of values. */
  readonly count: number;
}

/**
 * Mean ± population standard deviation (the K-fold score of SpikeNN's `get_kfold_score.py`).
 * @param values - at least one finite value
 * @param field - name for messages
 * @throws ValidationError for an empty list or a non-finite value
 * @example
 * ```ts
 * meanStd([0.9, 0.92, 0.94]); // { mean: 0.92, std: 0.01633, count: 3 }
 * ```
 */
export function meanStd(values: readonly number[], field = 'values'): MeanStd {
  if (values.length === 0) throw new ValidationError('no values to average', { field, expected: 'at least one value', found: 'none' });
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) throw new ValidationError('non-finite value', { field: `${field}[${i}]`, expected: 'a finite number', found: String(v) });
  });
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance), count: values.length };
}

/** One point of a grid search as ranked by {@link rankByValidation}. */
export interface RankedPoint {
  /** The point's key. */
  readonly key: string;
  /** Its final validation accuracy (the last epoch it ran). */
  readonly accuracy: number;
  /** The last epoch it ran (0-based). */
  readonly epoch: number;
  /** Standard deviation of its last five validation accuracies (stability). */
  readonly lastFiveStd: number;
}

/**
 * Ranks grid-search points by final validation accuracy, best first (SpikeNN's `get_gs_best.py`, validation only).
 *
 * @remarks
 * Each point's score is its last validation accuracy (at the epoch where it stopped), with the epoch and the
 * standard deviation of its last five validation accuracies beside it. Ties keep the points' order. A point
 * without any validation accuracy is an error: nothing is ranked on the test set.
 * @param points - key and validation accuracy per epoch
 * @throws ValidationError naming a point without validation accuracies
 */
export function rankByValidation(points: readonly { readonly key: string; readonly validation: readonly number[] }[]): RankedPoint[] {
  const ranked = points.map((p) => {
    if (p.validation.length === 0) {
      throw new ValidationError('grid-search point has no validation accuracy (nothing is selected on the test set)', {
        field: p.key,
        expected: 'validation accuracies (a valset.npy beside trainset.npy)',
        found: 'none',
      });
    }
    const last = p.validation.slice(-5);
    return { key: p.key, accuracy: p.validation[p.validation.length - 1], epoch: p.validation.length - 1, lastFiveStd: meanStd(last).std };
  });
  return ranked.map((r, i) => ({ r, i })).sort((a, b) => b.r.accuracy - a.r.accuracy || a.i - b.i).map(({ r }) => r);
}

/** Most grid points {@link expandGrid} builds by default (each point is a training run). */
export const MAX_GRID_POINTS = 100_000;

const choiceCount = (value: unknown): number => (Array.isArray(value) ? value.length : 1);
const objectPoints = (obj: unknown): number => (obj !== null && typeof obj === 'object' ? Object.values(obj).reduce((n: number, v) => n * choiceCount(v), 1) : 1);

/**
 * Number of points of a grid-search config (the size of {@link expandGrid}'s result), counted without building
 * them.
 * @param config - the grid config
 * @param layered - names of list-of-objects fields
 * @param groups - names of object fields
 */
export function countGridPoints(config: Readonly<Record<string, unknown>>, layered: readonly string[], groups: readonly string[]): number {
  let points = 1;
  for (const name of layered) if (Array.isArray(config[name])) for (const layer of config[name] as unknown[]) points *= objectPoints(layer);
  for (const name of groups) if (config[name] !== undefined) points *= objectPoints(config[name]);
  return points;
}

/**
 * The Cartesian product of a grid-search config: every array-valued field of the given groups is a list of
 * alternatives (SpikeNN's `gridsearch.py`).
 *
 * @remarks
 * `layered` fields (e.g. `network`) hold a list of objects, each expanded on its own and combined across the
 * list; `groups` fields (e.g. `optimizer`, `regularizer`, `trainer`) are objects expanded field by field. The
 * order is the seed's: layers outermost, then the groups in the given order, each group's first list field
 * varying slowest. The points are counted first ({@link countGridPoints}): a small config whose lists multiply
 * to millions of points is refused before any is built.
 * @param config - the grid config
 * @param layered - names of list-of-objects fields
 * @param groups - names of object fields, in nesting order (outermost first)
 * @param options - `maxPoints`: most points accepted (default {@link MAX_GRID_POINTS}); `file`: the config file, for messages
 * @returns one plain config per grid point
 * @throws ValidationError (field `grid`) when the product exceeds `maxPoints`
 */
export function expandGrid(
  config: Readonly<Record<string, unknown>>,
  layered: readonly string[],
  groups: readonly string[],
  options: { readonly maxPoints?: number; readonly file?: string } = {},
): Record<string, unknown>[] {
  const maxPoints = options.maxPoints ?? MAX_GRID_POINTS;
  const count = countGridPoints(config, layered, groups);
  if (!(count <= maxPoints)) {
    throw new ValidationError('grid search too large', {
      file: options.file,
      field: 'grid',
      expected: `at most ${maxPoints} points (the product of the list lengths)`,
      found: `${count} points`,
    });
  }
  const expandObject = (obj: Readonly<Record<string, unknown>>): Record<string, unknown>[] => {
    let out: Record<string, unknown>[] = [{}];
    for (const [key, value] of Object.entries(obj)) {
      const choices = Array.isArray(value) ? value : [value];
      const next: Record<string, unknown>[] = [];
      for (const partial of out) for (const choice of choices) next.push({ ...partial, [key]: choice });
      out = next;
    }
    return out;
  };
  let combos: Record<string, unknown>[] = [{}];
  for (const name of layered) {
    const layers = config[name];
    if (layers === undefined) continue;
    if (!Array.isArray(layers)) throw new ValidationError('grid field is not a list of objects', { field: name, expected: 'a list', found: typeof layers });
    let lists: unknown[][] = [[]];
    for (const layer of layers) {
      const options = expandObject(layer as Record<string, unknown>);
      const next: unknown[][] = [];
      for (const list of lists) for (const option of options) next.push([...list, option]);
      lists = next;
    }
    const next: Record<string, unknown>[] = [];
    for (const combo of combos) for (const list of lists) next.push({ ...combo, [name]: list });
    combos = next;
  }
  for (const name of groups) {
    const group = config[name];
    if (group === undefined) continue;
    const options = expandObject(group as Record<string, unknown>);
    const next: Record<string, unknown>[] = [];
    for (const combo of combos) for (const option of options) next.push({ ...combo, [name]: option });
    combos = next;
  }
  return combos;
}
