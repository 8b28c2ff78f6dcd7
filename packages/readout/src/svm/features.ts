import { ShapeError, ValidationError, describeValue } from '@snn/core';
import type { SparseSpikes } from '@snn/core';
import { scanRows } from './scan-wasm.js';

/** A feature matrix: `rows × columns` values, row-major (one sample per row). */
export interface FeatureMatrix {
  /** Values, row-major. */
  readonly data: Float32Array;
  /** Number of samples. */
  readonly rows: number;
  /** Number of features per sample. */
  readonly columns: number;
}

/**
 * Checks a feature matrix: the length fits `rows × columns` and every value is finite.
 * @param m - the matrix
 * @param field - name used in errors (e.g. `"features.train"`)
 * @throws `ShapeError` for a bad size; `ValidationError` naming the first NaN/infinite entry
 */
export function checkFeatures(m: FeatureMatrix, field: string): void {
  checkSize(m, field);
  for (let i = 0; i < m.data.length; i++) if (!Number.isFinite(m.data[i])) notFinite(m, field, i);
}

function checkSize(m: FeatureMatrix, field: string): void {
  if (!Number.isInteger(m.rows) || !Number.isInteger(m.columns) || m.rows < 0 || m.columns < 1 || m.data.length !== m.rows * m.columns) {
    throw new ShapeError('feature matrix size does not fit its data', {
      field,
      expected: `${m.rows} × ${m.columns} = ${m.rows * m.columns} values`,
      found: `${m.data.length}`,
    });
  }
}

function notFinite(m: FeatureMatrix, field: string, i: number): never {
  throw new ValidationError('features must be finite numbers', {
    field,
    expected: 'finite values',
    found: `${describeValue(m.data[i])} at sample ${Math.floor(i / m.columns)}, feature ${i % m.columns}`,
  });
}

/** Checks labels: one integer ≥ 0 per sample. @internal */
export function checkLabels(labels: ArrayLike<number>, rows: number, field: string): void {
  if (labels.length !== rows) throw new ShapeError('one label per sample is needed', { field, expected: `${rows}`, found: `${labels.length}` });
  for (let i = 0; i < labels.length; i++) {
    if (!Number.isInteger(labels[i]) || labels[i] < 0) {
      throw new ValidationError('labels must be integers >= 0', { field, expected: 'integers >= 0', found: `${describeValue(labels[i])} at sample ${i}` });
    }
  }
}

/** Throws a `ShapeError` when a model trained on `expected` features is given `found`. @internal */
export function checkFeatureCount(expected: number, found: number, field: string): void {
  if (expected !== found) {
    throw new ShapeError('the model was trained on another number of features', { field, expected: `${expected} features`, found: `${found}` });
  }
}

/** Non-zero entries of a matrix in compressed-row form (values as float64 for exact dot products). @internal */
export interface CsrRows {
  readonly offsets: Uint32Array;
  readonly indices: Uint32Array;
  readonly values: Float64Array;
}

/**
 * {@link checkFeatures}, then the compressed rows of the non-zero entries, in one pass over the data: a
 * WebAssembly SIMD scan compares four floats with zero at once, and checks finiteness on the non-zero entries
 * only. @internal
 * @throws as {@link checkFeatures}
 */
export function checkedCsr(m: FeatureMatrix, field: string): CsrRows {
  checkSize(m, field);
  const scanned = scanRows(m.data, m.rows, m.columns);
  if (scanned.notFinite >= 0) notFinite(m, field, scanned.notFinite);
  return { offsets: scanned.offsets, indices: scanned.indices, values: new Float64Array(scanned.values) };
}

/** Sorted distinct labels. @internal */
export function distinctClasses(labels: ArrayLike<number>): number[] {
  return [...new Set(Array.from(labels))].sort((a, b) => a - b);
}

/** How spikes over time become one feature per neuron: `max` (fired at all: 0/1) or `sum` (spike count). */
export type TemporalPooling = 'max' | 'sum';

/**
 * MAX or SUM over time of spike trains, one row of features per sample.
 *
 * @remarks
 * `f_i = max_t s_i[t]` or `f_i = Σ_t s_i[t]` (Kheradpisheh et al. 2018 use the maximum over time of the last
 * pooling layer as the SVM's input). For neurons that fire at most once both are the same.
 * @param spikes - spike trains `[batch, T, size]`
 * @param pooling - `'max'` or `'sum'`
 * @returns features `[batch, size]`
 * @example
 * ```ts
 * temporalFeatures(spikes, 'max').columns === spikes.size;
 * ```
 */
export function temporalFeatures(spikes: SparseSpikes, pooling: TemporalPooling): FeatureMatrix {
  const data = new Float32Array(spikes.batch * spikes.size);
  for (let b = 0; b < spikes.batch; b++) {
    for (let t = 0; t < spikes.numSteps; t++) {
      const r = b * spikes.numSteps + t;
      for (let k = spikes.offsets[r]; k < spikes.offsets[r + 1]; k++) {
        const i = b * spikes.size + spikes.indices[k];
        data[i] = pooling === 'max' ? 1 : data[i] + 1;
      }
    }
  }
  return { data, rows: spikes.batch, columns: spikes.size };
}
