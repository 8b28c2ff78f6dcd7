import { Rng, ValidationError, describeValue } from '@snn/core';
import { type DualCdProblem, type DualCdResult, DualCdSolver, type SolverRows } from './dual-cd-wasm.js';
import { type FeatureMatrix, checkFeatureCount, checkFeatures, checkLabels, checkedCsr, distinctClasses } from './features.js';

/** Options of {@link LinearSvm.fit}; names and defaults follow scikit-learn's `LinearSVC`. */
export interface LinearSvmOptions {
  /** Inverse regularisation strength C (> 0); default 1. */
  readonly C?: number;
  /** Most passes over the data per binary problem; default 1000. */
  readonly maxIter?: number;
  /** Stopping tolerance on the projected-gradient gap; default 1e-4. */
  readonly tol?: number;
  /** Learn an intercept (as liblinear: a constant feature `interceptScaling`, regularised like the weights); default true. */
  readonly fitIntercept?: boolean;
  /** Value of the constant feature; default 1. */
  readonly interceptScaling?: number;
  /** Seed of the random order of coordinates; default 0. */
  readonly seed?: number;
}

/** Some of the one-vs-rest problems of a fit, solved (plain data: it can be posted between threads). */
export interface LinearSvmPart {
  /** Class labels of the whole fit, ascending. */
  readonly classes: number[];
  /** First problem solved (index into {@link LinearSvm.problemsOf}). */
  readonly from: number;
  /** One past the last problem solved. */
  readonly to: number;
  /** Number of features. */
  readonly numFeatures: number;
  /** Weights `[to − from, numFeatures]`. */
  readonly weights: Float32Array;
  /** Intercepts of the problems. */
  readonly intercepts: Float32Array;
  /** Passes per problem. */
  readonly iterations: number[];
  /** Tolerance reached, per problem. */
  readonly converged: boolean[];
}

/** Per-class results of a fit: passes made and whether the tolerance was reached. */
export interface LinearSvmFitInfo {
  /** Passes over the data for each binary problem. */
  readonly iterations: number[];
  /** Whether each binary problem reached the tolerance before `maxIter`. */
  readonly converged: boolean[];
}

function positive(value: unknown, field: string, integer = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new ValidationError(`${field} must be ${integer ? 'a positive integer' : '> 0'}`, {
      field: `svm.${field}`,
      expected: integer ? 'a positive integer' : 'a number > 0',
      found: describeValue(value),
    });
  }
  return value;
}

/**
 * The rows of a feature matrix for the dual coordinate descent, checked (sizes, finite values) and stored as
 * the data asks: `binary` when every non-zero is 1 (column indices only), `dense` when at least half of the
 * entries are non-zero (the float32 rows as they are: no index per entry), else `sparse` (compressed rows).
 * @internal
 * @throws as `checkFeatures`
 */
export function solverRows(m: FeatureMatrix, field: string): SolverRows {
  const csr = checkedCsr(m, field);
  const nnz = csr.indices.length;
  let binary = true;
  for (let k = 0; k < nnz && binary; k++) binary = csr.values[k] === 1;
  if (binary) return { layout: 'binary', offsets: csr.offsets, indices: csr.indices, values: new Float64Array(0) };
  if (2 * nnz >= m.rows * m.columns) {
    const offsets = new Uint32Array(m.rows + 1);
    for (let r = 0; r <= m.rows; r++) offsets[r] = r * m.columns;
    return { layout: 'dense', offsets, indices: new Uint32Array(0), values: m.data };
  }
  return { layout: 'sparse', offsets: csr.offsets, indices: csr.indices, values: csr.values };
}

/** `Q_ii + D_ii = x_iᵀx_i + bias² + 0.5/C` of every row. @internal */
export function dualDiagonal(x: SolverRows, rows: number, diag: number, bias: number): Float64Array {
  const qd = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = diag + bias * bias;
    if (x.layout === 'binary') s += x.offsets[i + 1] - x.offsets[i];
    else for (let k = x.offsets[i]; k < x.offsets[i + 1]; k++) s += x.values[k] * x.values[k];
    qd[i] = s;
  }
  return qd;
}

/**
 * Dual coordinate descent for one L2-regularised, squared-hinge-loss binary SVM (liblinear's solver 1), in
 * TypeScript: the reference of the WebAssembly solver that fits run (`DualCdSolver`), which must match it bit
 * for bit. @internal
 *
 * @remarks
 * Solves `min_α ½ αᵀ(Q + D)α − eᵀα, α ≥ 0`, `Q_ij = y_i y_j x_iᵀx_j`, `D = I/(2C)`, keeping `w = Σ y_i α_i x_i`;
 * each coordinate step is `α_i ← max(0, α_i − G_i / (Q_ii + D_ii))` with `G_i = y_i wᵀx_i − 1 + D_ii α_i`, in a
 * random order (an inline xorshift32 from `state`; liblinear draws it with rand()), with liblinear's shrinking,
 * until the projected-gradient gap is ≤ tol. Hsieh, Chang, Lin, Keerthi & Sundararajan (2008), "A dual
 * coordinate descent method for large-scale linear SVM", ICML.
 */
export function solveDualCdReference(x: SolverRows, rows: number, columns: number, qd: Float64Array, problem: DualCdProblem): DualCdResult {
  const { diag, bias, maxIter, tol } = problem;
  const w = new Float64Array(columns + 1); // last entry: weight of the constant feature
  let wBias = 0;
  const alpha = new Float64Array(rows);
  const yf = Float64Array.from(problem.y);
  const index = new Int32Array(rows);
  for (let i = 0; i < rows; i++) index[i] = i;
  let activeSize = rows;
  let pgMaxOld = Number.POSITIVE_INFINITY;
  let iter = 0;
  let converged = false;
  const { offsets, indices, values, layout } = x;
  const column = (k: number, start: number): number => (layout === 'dense' ? k - start : indices[k]);
  const value = (k: number): number => (layout === 'binary' ? 1 : values[k]);
  let state = problem.state | 0;
  while (iter < maxIter) {
    let pgMaxNew = Number.NEGATIVE_INFINITY;
    let pgMinNew = Number.POSITIVE_INFINITY;
    for (let i = 0; i < activeSize; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      const j = i + Math.floor((state >>> 0) * 2.3283064365386963e-10 * (activeSize - i));
      const t = index[i];
      index[i] = index[j];
      index[j] = t;
    }
    for (let s = 0; s < activeSize; s++) {
      const i = index[s];
      const yi = yf[i];
      const start = offsets[i];
      const end = offsets[i + 1];
      // wᵀx_i with four partial sums (k, k+1, k+2, k+3), the rest into the first
      let d0 = wBias * bias;
      let d1 = 0;
      let d2 = 0;
      let d3 = 0;
      let k = start;
      for (; k + 3 < end; k += 4) {
        d0 += w[column(k, start)] * value(k);
        d1 += w[column(k + 1, start)] * value(k + 1);
        d2 += w[column(k + 2, start)] * value(k + 2);
        d3 += w[column(k + 3, start)] * value(k + 3);
      }
      for (; k < end; k++) d0 += w[column(k, start)] * value(k);
      const dot = d0 + d1 + (d2 + d3);
      const a = alpha[i];
      const G = yi * dot - 1 + a * diag;
      let pg = 0;
      if (a === 0) {
        if (G > pgMaxOld) {
          activeSize--;
          index[s] = index[activeSize];
          index[activeSize] = i;
          s--;
          continue;
        }
        if (G < 0) pg = G;
      } else {
        pg = G;
      }
      if (pg > pgMaxNew) pgMaxNew = pg;
      if (pg < pgMinNew) pgMinNew = pg;
      if (pg > 1e-12 || pg < -1e-12) {
        const next = Math.max(a - G / qd[i], 0);
        alpha[i] = next;
        const d = (next - a) * yi;
        for (let k = start; k < end; k++) w[column(k, start)] += d * value(k);
        wBias += d * bias;
      }
    }
    iter++;
    if (pgMaxNew - pgMinNew <= tol) {
      if (activeSize === rows) {
        converged = true;
        break;
      }
      activeSize = rows;
      pgMaxOld = Number.POSITIVE_INFINITY;
      continue;
    }
    pgMaxOld = pgMaxNew > 0 ? pgMaxNew : Number.POSITIVE_INFINITY;
  }
  w[columns] = wBias;
  return { w, iterations: iter, converged };
}

/**
 * Linear SVM classifier, one-vs-rest, trained by dual coordinate descent on the squared hinge loss — the
 * algorithm of liblinear behind scikit-learn's `LinearSVC` (default `loss='squared_hinge'`, `dual=True`).
 *
 * @remarks
 * For each class k a binary SVM separates k (+1) from the rest (−1): `min_w ½‖w‖² + C Σ max(0, 1 − y_i wᵀx_i)²`,
 * with the intercept as the weight of a constant feature (regularised, as liblinear). Two classes give one
 * binary problem (the larger label positive). Prediction: the class of the largest decision value `wᵀx + b`.
 * Zero features cost nothing (sparse rows), so 0/1 spike features train fast. Kheradpisheh et al. (2018) read
 * out their network with this classifier (C = 2.4 in the seed).
 *
 * @example
 * ```ts
 * const svm = LinearSvm.fit(train, trainLabels, { C: 2.4, maxIter: 3000 });
 * const predicted = svm.predict(test);
 * ```
 */
export class LinearSvm {
  private constructor(
    /** Class labels, ascending. */
    readonly classes: number[],
    /** Weights `[problems, features]` row-major (problems = classes, or 1 for two classes). */
    readonly weights: Float32Array,
    /** Intercept of each problem. */
    readonly intercepts: Float32Array,
    /** Number of features seen in training. */
    readonly numFeatures: number,
    /** Passes and convergence per problem. */
    readonly info: LinearSvmFitInfo,
  ) {}

  /**
   * Trains the classifier.
   * @param x - training features
   * @param labels - one integer class per sample (at least two distinct)
   * @param options - see {@link LinearSvmOptions}
   * @throws `ValidationError` for NaN features, bad labels or options; `ShapeError` for mismatched sizes
   */
  static fit(x: FeatureMatrix, labels: ArrayLike<number>, options: LinearSvmOptions = {}): LinearSvm {
    return LinearSvm.merge([LinearSvm.fitPart(x, labels, options)]);
  }

  /**
   * The one-vs-rest problems a fit on these labels solves, by their positive class, in order (one problem,
   * the larger label, for two classes).
   * @throws `ValidationError` for bad labels or fewer than two classes
   */
  static problemsOf(labels: ArrayLike<number>): number[] {
    checkLabels(labels, labels.length, 'labels');
    const classes = distinctClasses(labels);
    if (classes.length < 2) {
      throw new ValidationError('a classifier needs at least two classes', { field: 'labels', expected: '>= 2 distinct labels', found: `${classes.length}` });
    }
    return classes.length === 2 ? [classes[1]] : classes;
  }

  /**
   * Solves problems `from … to − 1` of {@link LinearSvm.problemsOf} only (all by default): the independent
   * one-vs-rest problems can run on several threads, each on its own part, and {@link LinearSvm.merge} joins the
   * parts. Each problem starts its coordinate order from `seed`, so the result does not depend on the split.
   * @throws as {@link LinearSvm.fit}
   */
  static fitPart(x: FeatureMatrix, labels: ArrayLike<number>, options: LinearSvmOptions = {}, from = 0, to?: number): LinearSvmPart {
    const rows = solverRows(x, 'features');
    checkLabels(labels, x.rows, 'labels');
    const C = positive(options.C ?? 1, 'C');
    const maxIter = positive(options.maxIter ?? 1000, 'maxIter', true);
    const tol = positive(options.tol ?? 1e-4, 'tol');
    const bias = options.fitIntercept === false ? 0 : positive(options.interceptScaling ?? 1, 'interceptScaling');
    const all = LinearSvm.problemsOf(labels);
    const end = to ?? all.length;
    if (!Number.isInteger(from) || !Number.isInteger(end) || from < 0 || end > all.length || from >= end) {
      throw new ValidationError('problem range out of bounds', { field: 'from/to', expected: `0 <= from < to <= ${all.length}`, found: `${from} … ${end}` });
    }
    const problems = all.slice(from, end);
    const weights = new Float32Array(problems.length * x.columns);
    const intercepts = new Float32Array(problems.length);
    const iterations: number[] = [];
    const converged: boolean[] = [];
    const diag = 0.5 / C;
    const solver = new DualCdSolver(rows, x.rows, x.columns, dualDiagonal(rows, x.rows, diag, bias));
    const state = new Rng(options.seed ?? 0).nextUint32() | 1;
    problems.forEach((positiveClass, p) => {
      const y = new Int8Array(x.rows);
      for (let i = 0; i < x.rows; i++) y[i] = labels[i] === positiveClass ? 1 : -1;
      const solved = solver.solve({ y, diag, bias, maxIter, tol, state });
      for (let c = 0; c < x.columns; c++) weights[p * x.columns + c] = solved.w[c];
      intercepts[p] = solved.w[x.columns] * bias;
      iterations.push(solved.iterations);
      converged.push(solved.converged);
    });
    return { classes: distinctClasses(labels), from, to: end, numFeatures: x.columns, weights, intercepts, iterations, converged };
  }

  /**
   * Joins parts from {@link LinearSvm.fitPart} that together cover every problem once.
   * @throws `ValidationError` when the parts do not cover the problems exactly or disagree on classes/features
   */
  static merge(parts: readonly LinearSvmPart[]): LinearSvm {
    const sorted = [...parts].sort((a, b) => a.from - b.from);
    const first = sorted[0];
    if (first === undefined) throw new ValidationError('no parts to merge', { field: 'parts', expected: 'at least one part', found: '0' });
    const count = first.classes.length === 2 ? 1 : first.classes.length;
    const columns = first.numFeatures;
    const weights = new Float32Array(count * columns);
    const intercepts = new Float32Array(count);
    const iterations: number[] = [];
    const converged: boolean[] = [];
    let next = 0;
    for (const part of sorted) {
      if (part.from !== next || part.numFeatures !== columns || part.classes.join() !== first.classes.join()) {
        throw new ValidationError('parts do not fit together', { field: 'parts', expected: `problems from ${next}, ${columns} features, classes ${first.classes.join()}`, found: `problems from ${part.from}, ${part.numFeatures} features, classes ${part.classes.join()}` });
      }
      weights.set(part.weights, part.from * columns);
      intercepts.set(part.intercepts, part.from);
      iterations.push(...part.iterations);
      converged.push(...part.converged);
      next = part.to;
    }
    if (next !== count) throw new ValidationError('parts do not cover every problem', { field: 'parts', expected: `${count} problems`, found: `${next}` });
    return new LinearSvm(first.classes, weights, intercepts, columns, { iterations, converged });
  }

  /**
   * Decision values `wᵀx + b`, `[samples, problems]` row-major.
   * @throws `ShapeError` when the number of features differs from training
   */
  decisionFunction(x: FeatureMatrix): Float64Array {
    checkFeatures(x, 'features');
    checkFeatureCount(this.numFeatures, x.columns, 'features');
    const problems = this.intercepts.length;
    const out = new Float64Array(x.rows * problems);
    const cols = new Int32Array(x.columns);
    const vals = new Float64Array(x.columns);
    for (let r = 0; r < x.rows; r++) {
      // the row's non-zero entries once, then each problem's sum over them in column order
      const base = r * x.columns;
      let nnz = 0;
      for (let c = 0; c < x.columns; c++) {
        const v = x.data[base + c];
        if (v !== 0) {
          cols[nnz] = c;
          vals[nnz++] = v;
        }
      }
      for (let p = 0; p < problems; p++) {
        let s = this.intercepts[p];
        const wb = p * x.columns;
        for (let k = 0; k < nnz; k++) s += this.weights[wb + cols[k]] * vals[k];
        out[r * problems + p] = s;
      }
    }
    return out;
  }

  /**
   * Predicted class of each sample.
   * @throws `ShapeError` when the number of features differs from training; `ValidationError` for NaN
   */
  predict(x: FeatureMatrix): Int32Array {
    const d = this.decisionFunction(x);
    const problems = this.intercepts.length;
    const out = new Int32Array(x.rows);
    for (let r = 0; r < x.rows; r++) {
      if (problems === 1) {
        out[r] = d[r] > 0 ? this.classes[1] : this.classes[0];
        continue;
      }
      let best = 0;
      for (let p = 1; p < problems; p++) if (d[r * problems + p] > d[r * problems + best]) best = p;
      out[r] = this.classes[best];
    }
    return out;
  }
}
