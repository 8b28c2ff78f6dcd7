import { ValidationError, describeValue } from '@snn/core';
import { type CsrRows, type FeatureMatrix, checkFeatureCount, checkFeatures, checkLabels, checkedCsr, distinctClasses } from './features.js';

/** Options of {@link RbfSvm.fit}; names and defaults follow scikit-learn's `SVC(kernel='rbf')`. */
export interface RbfSvmOptions {
  /** Penalty C (> 0); default 1. */
  readonly C?: number;
  /** Kernel width γ in `K(a, b) = exp(−γ‖a − b‖²)`: a number > 0 or `'scale'` = 1 / (features · Var(X)); default `'scale'`. */
  readonly gamma?: number | 'scale';
  /** Stopping tolerance of SMO on the maximal violating pair; default 1e-3. */
  readonly tol?: number;
  /** Kernel-row cache size in MiB; default 512. */
  readonly cacheMiB?: number;
}

/** One binary problem (class `positive` vs class `negative`) of the one-vs-one scheme. */
export interface RbfBinaryModel {
  /** Label voted for when the decision value is > 0. */
  readonly positive: number;
  /** Label voted for otherwise. */
  readonly negative: number;
  /** Training-set indices of the support vectors. */
  readonly support: Uint32Array;
  /** `y_i α_i` of each support vector. */
  readonly coef: Float64Array;
  /** Offset ρ: decision = Σ coef·K − ρ. */
  readonly rho: number;
  /** SMO iterations. */
  readonly iterations: number;
}

const TAU = 1e-12;

/** Inverted index (columns) of the training matrix, for sparse kernel rows. */
interface CscColumns {
  readonly offsets: Uint32Array;
  readonly rows: Uint32Array;
  readonly values: Float64Array;
}

function toCsc(csr: CsrRows, rows: number, columns: number): CscColumns {
  const counts = new Uint32Array(columns + 1);
  for (let k = 0; k < csr.indices.length; k++) counts[csr.indices[k] + 1]++;
  for (let c = 0; c < columns; c++) counts[c + 1] += counts[c];
  const offsets = Uint32Array.from(counts);
  const cursor = Uint32Array.from(counts);
  const rowIdx = new Uint32Array(csr.indices.length);
  const values = new Float64Array(csr.indices.length);
  for (let r = 0; r < rows; r++) {
    for (let k = csr.offsets[r]; k < csr.offsets[r + 1]; k++) {
      const p = cursor[csr.indices[k]]++;
      rowIdx[p] = r;
      values[p] = csr.values[k];
    }
  }
  return { offsets, rows: rowIdx, values };
}

/** `Σ_c a[ai + c]·b[bi + c]` over `n` values, four partial sums. */
function denseDot(a: Float32Array, ai: number, b: Float32Array, bi: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let c = 0;
  for (; c + 3 < n; c += 4) {
    s0 += a[ai + c] * b[bi + c];
    s1 += a[ai + c + 1] * b[bi + c + 1];
    s2 += a[ai + c + 2] * b[bi + c + 2];
    s3 += a[ai + c + 3] * b[bi + c + 3];
  }
  for (; c < n; c++) s0 += a[ai + c] * b[bi + c];
  return s0 + s1 + (s2 + s3);
}

/** Whether at least half of a matrix's entries are non-zero: its kernel rows are then dense dot products. */
function isDense(nonZeros: number, rows: number, columns: number): boolean {
  return 2 * nonZeros >= rows * columns;
}

/**
 * Kernel rows `K(x_i, x_k)` for all training samples k, cached (LRU): through the inverted index of the
 * non-zero features, or for a dense matrix (at least half non-zero) as dense dot products over the rows.
 */
class KernelRows {
  private readonly cache = new Map<number, Float32Array>();
  private readonly capacity: number;
  private readonly dot: Float64Array;

  constructor(
    private readonly csr: CsrRows,
    private readonly csc: CscColumns | null,
    private readonly dense: FeatureMatrix | null,
    private readonly sq: Float64Array,
    private readonly gamma: number,
    cacheMiB: number,
  ) {
    const n = sq.length;
    this.capacity = Math.max(2, Math.floor((cacheMiB * 1024 * 1024) / (4 * Math.max(1, n))));
    this.dot = new Float64Array(n);
  }

  row(i: number): Float32Array {
    const hit = this.cache.get(i);
    if (hit) {
      this.cache.delete(i);
      this.cache.set(i, hit);
      return hit;
    }
    const dot = this.dot;
    const { csr, csc, dense } = this;
    if (dense) {
      const n = dense.columns;
      for (let k = 0; k < dot.length; k++) dot[k] = denseDot(dense.data, i * n, dense.data, k * n, n);
    } else if (csc) {
      dot.fill(0);
      for (let k = csr.offsets[i]; k < csr.offsets[i + 1]; k++) {
        const v = csr.values[k];
        const c = csr.indices[k];
        for (let p = csc.offsets[c]; p < csc.offsets[c + 1]; p++) dot[csc.rows[p]] += v * csc.values[p];
      }
    }
    const out = new Float32Array(dot.length);
    const si = this.sq[i];
    for (let k = 0; k < dot.length; k++) out[k] = Math.exp(-this.gamma * (si + this.sq[k] - 2 * dot[k]));
    if (this.cache.size >= this.capacity) {
      const oldest = this.cache.keys().next().value as number;
      this.cache.delete(oldest);
    }
    this.cache.set(i, out);
    return out;
  }
}

/**
 * SMO for one C-SVC binary problem with libsvm's second-order working-set selection (WSS2).
 *
 * @remarks
 * Solves `min_α ½ αᵀQα − eᵀα`, `0 ≤ α ≤ C`, `yᵀα = 0`, `Q_ij = y_i y_j K_ij`. Each iteration picks
 * `i = argmax_{t ∈ I_up} −y_t ∇f_t` and `j` minimising `−(b_ij²)/a_ij` among the violating `t ∈ I_low`
 * (Fan, Chen & Lin 2005, "Working set selection using second order information for training SVM", JMLR 6),
 * updates the pair analytically with clipping to the box, and stops when
 * `max_{I_up} −y∇f − min_{I_low} −y∇f < tol`. ρ is the mean of `y∇f` over free vectors (bounds otherwise).
 * Chang & Lin (2011), "LIBSVM: a library for support vector machines", ACM TIST 2(3).
 */
function smo(members: Uint32Array, y: Int8Array, kernel: KernelRows, C: number, tol: number): { alpha: Float64Array; rho: number; iterations: number } {
  const l = members.length;
  const alpha = new Float64Array(l);
  const G = new Float64Array(l).fill(-1);
  const qd = new Float64Array(l).fill(1); // K(x, x) = 1 for the RBF kernel
  const maxIter = Math.max(10_000_000, 100 * l);
  let iter = 0;
  const upper = (t: number) => alpha[t] >= C;
  const lower = (t: number) => alpha[t] <= 0;
  const rowOf = (t: number): Float32Array => kernel.row(members[t]);
  while (iter < maxIter) {
    let gmax = Number.NEGATIVE_INFINITY;
    let gmaxIdx = -1;
    for (let t = 0; t < l; t++) {
      if (y[t] === 1) {
        if (!upper(t) && -G[t] >= gmax) {
          gmax = -G[t];
          gmaxIdx = t;
        }
      } else if (!lower(t) && G[t] >= gmax) {
        gmax = G[t];
        gmaxIdx = t;
      }
    }
    if (gmaxIdx < 0) break;
    const i = gmaxIdx;
    const Ki = rowOf(i);
    let gmax2 = Number.NEGATIVE_INFINITY;
    let gminIdx = -1;
    let objDiffMin = Number.POSITIVE_INFINITY;
    for (let t = 0; t < l; t++) {
      const Kit = Ki[members[t]];
      if (y[t] === 1) {
        if (!lower(t)) {
          const gradDiff = gmax + G[t];
          if (G[t] >= gmax2) gmax2 = G[t];
          if (gradDiff > 0) {
            const quad = qd[i] + qd[t] - 2 * y[i] * Kit;
            const objDiff = -(gradDiff * gradDiff) / (quad > 0 ? quad : TAU);
            if (objDiff <= objDiffMin) {
              gminIdx = t;
              objDiffMin = objDiff;
            }
          }
        }
      } else if (!upper(t)) {
        const gradDiff = gmax - G[t];
        if (-G[t] >= gmax2) gmax2 = -G[t];
        if (gradDiff > 0) {
          const quad = qd[i] + qd[t] + 2 * y[i] * Kit;
          const objDiff = -(gradDiff * gradDiff) / (quad > 0 ? quad : TAU);
          if (objDiff <= objDiffMin) {
            gminIdx = t;
            objDiffMin = objDiff;
          }
        }
      }
    }
    if (gmax + gmax2 < tol || gminIdx < 0) break;
    iter++;
    const j = gminIdx;
    const Kj = rowOf(j);
    const Qij = y[i] * y[j] * Ki[members[j]];
    const oldAi = alpha[i];
    const oldAj = alpha[j];
    if (y[i] !== y[j]) {
      let quad = qd[i] + qd[j] + 2 * Qij;
      if (quad <= 0) quad = TAU;
      const delta = (-G[i] - G[j]) / quad;
      const diff = alpha[i] - alpha[j];
      alpha[i] += delta;
      alpha[j] += delta;
      if (diff > 0) {
        if (alpha[j] < 0) {
          alpha[j] = 0;
          alpha[i] = diff;
        }
      } else if (alpha[i] < 0) {
        alpha[i] = 0;
        alpha[j] = -diff;
      }
      if (diff > 0) {
        if (alpha[i] > C) {
          alpha[i] = C;
          alpha[j] = C - diff;
        }
      } else if (alpha[j] > C) {
        alpha[j] = C;
        alpha[i] = C + diff;
      }
    } else {
      let quad = qd[i] + qd[j] - 2 * Qij;
      if (quad <= 0) quad = TAU;
      const delta = (G[i] - G[j]) / quad;
      const sum = alpha[i] + alpha[j];
      alpha[i] -= delta;
      alpha[j] += delta;
      if (sum > C) {
        if (alpha[i] > C) {
          alpha[i] = C;
          alpha[j] = sum - C;
        }
      } else if (alpha[j] < 0) {
        alpha[j] = 0;
        alpha[i] = sum;
      }
      if (sum > C) {
        if (alpha[j] > C) {
          alpha[j] = C;
          alpha[i] = sum - C;
        }
      } else if (alpha[i] < 0) {
        alpha[i] = 0;
        alpha[j] = sum;
      }
    }
    const dAi = alpha[i] - oldAi;
    const dAj = alpha[j] - oldAj;
    const yi = y[i];
    const yj = y[j];
    for (let t = 0; t < l; t++) {
      const m = members[t];
      G[t] += y[t] * (yi * Ki[m] * dAi + yj * Kj[m] * dAj);
    }
  }
  let ub = Number.POSITIVE_INFINITY;
  let lb = Number.NEGATIVE_INFINITY;
  let nFree = 0;
  let sumFree = 0;
  for (let t = 0; t < l; t++) {
    const yG = y[t] * G[t];
    if (upper(t)) {
      if (y[t] === -1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else if (lower(t)) {
      if (y[t] === 1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else {
      nFree++;
      sumFree += yG;
    }
  }
  const rho = nFree > 0 ? sumFree / nFree : (ub + lb) / 2;
  return { alpha, rho, iterations: iter };
}

/**
 * RBF-kernel SVM classifier, one-vs-one, trained by SMO as libsvm does (the solver behind scikit-learn's `SVC`).
 *
 * @remarks
 * `K(a, b) = exp(−γ‖a − b‖²)`; `gamma: 'scale'` is `1 / (features · Var(X))` over all training values, as
 * scikit-learn. One binary C-SVC per pair of classes (samples of the two classes in training order, the smaller
 * label positive); prediction by votes, ties to the smaller label (libsvm). Kernel rows are computed through an
 * inverted index of the non-zero features and cached across the pairs. Kheradpisheh et al. (2018) report
 * their best MNIST accuracy with an RBF SVM readout (the seed's `eval_rbf.py`: C = 10, gamma 'scale').
 *
 * @example
 * ```ts
 * const svm = RbfSvm.fit(train, labels, { C: 10, gamma: 'scale' });
 * const predicted = svm.predict(test);
 * ```
 */
export class RbfSvm {
  private constructor(
    /** Class labels, ascending. */
    readonly classes: number[],
    /** γ used. */
    readonly gamma: number,
    /** The binary problems, in the order (0,1), (0,2), …, (1,2), … */
    readonly models: RbfBinaryModel[],
    /** Support vectors' features (all problems' support vectors, by training index). */
    private readonly supportRows: Map<number, { indices: Uint32Array; values: Float64Array; sq: number }>,
    /** Number of features seen in training. */
    readonly numFeatures: number,
  ) {}

  /**
   * Trains the classifier.
   * @param x - training features
   * @param labels - one integer class per sample (at least two distinct)
   * @param options - see {@link RbfSvmOptions}
   * @throws `ValidationError` for NaN features, bad labels or options; `ShapeError` for mismatched sizes
   */
  static fit(x: FeatureMatrix, labels: ArrayLike<number>, options: RbfSvmOptions = {}): RbfSvm {
    const csr = checkedCsr(x, 'features');
    checkLabels(labels, x.rows, 'labels');
    const C = options.C ?? 1;
    if (typeof C !== 'number' || !Number.isFinite(C) || C <= 0) throw new ValidationError('C must be > 0', { field: 'svm.C', expected: 'a number > 0', found: describeValue(C) });
    const tol = options.tol ?? 1e-3;
    if (typeof tol !== 'number' || !(tol > 0)) throw new ValidationError('tol must be > 0', { field: 'svm.tol', expected: 'a number > 0', found: describeValue(tol) });
    const gamma = resolveGamma(options.gamma ?? 'scale', x);
    const classes = distinctClasses(labels);
    if (classes.length < 2) throw new ValidationError('a classifier needs at least two classes', { field: 'labels', expected: '>= 2 distinct labels', found: `${classes.length}` });
    const sq = new Float64Array(x.rows);
    for (let r = 0; r < x.rows; r++) for (let k = csr.offsets[r]; k < csr.offsets[r + 1]; k++) sq[r] += csr.values[k] * csr.values[k];
    const dense = isDense(csr.indices.length, x.rows, x.columns);
    const kernel = new KernelRows(csr, dense ? null : toCsc(csr, x.rows, x.columns), dense ? x : null, sq, gamma, options.cacheMiB ?? 512);
    const byClass = classes.map((c) => {
      const list: number[] = [];
      for (let i = 0; i < x.rows; i++) if (labels[i] === c) list.push(i);
      return list;
    });
    const models: RbfBinaryModel[] = [];
    const supportRows = new Map<number, { indices: Uint32Array; values: Float64Array; sq: number }>();
    for (let a = 0; a < classes.length; a++) {
      for (let b = a + 1; b < classes.length; b++) {
        const members = Uint32Array.from([...byClass[a], ...byClass[b]]);
        const y = new Int8Array(members.length);
        y.fill(1, 0, byClass[a].length).fill(-1, byClass[a].length);
        const { alpha, rho, iterations } = smo(members, y, kernel, C, tol);
        const support: number[] = [];
        const coef: number[] = [];
        for (let t = 0; t < members.length; t++) {
          if (alpha[t] > 0) {
            support.push(members[t]);
            coef.push(y[t] * alpha[t]);
            if (!supportRows.has(members[t])) {
              const r = members[t];
              supportRows.set(r, { indices: csr.indices.slice(csr.offsets[r], csr.offsets[r + 1]), values: csr.values.slice(csr.offsets[r], csr.offsets[r + 1]), sq: sq[r] });
            }
          }
        }
        models.push({ positive: classes[a], negative: classes[b], support: Uint32Array.from(support), coef: Float64Array.from(coef), rho, iterations });
      }
    }
    return new RbfSvm(classes, gamma, models, supportRows, x.columns);
  }

  /** Number of distinct support vectors over all binary problems. */
  get supportCount(): number {
    return this.supportRows.size;
  }

  /**
   * Predicted class of each sample (one-vs-one votes).
   * @throws `ShapeError` when the number of features differs from training; `ValidationError` for NaN
   */
  predict(x: FeatureMatrix): Int32Array {
    checkFeatures(x, 'features');
    checkFeatureCount(this.numFeatures, x.columns, 'features');
    // Inverted index of the support vectors: K(x, sv) for all sv costs Σ over x's non-zero features.
    const svIds = [...this.supportRows.keys()];
    const slot = new Map<number, number>(svIds.map((id, s) => [id, s]));
    const counts = new Uint32Array(x.columns + 1);
    for (const id of svIds) for (const c of this.supportRows.get(id)?.indices ?? []) counts[c + 1]++;
    for (let c = 0; c < x.columns; c++) counts[c + 1] += counts[c];
    const cursor = Uint32Array.from(counts);
    const colRows = new Uint32Array(counts[x.columns]);
    const colVals = new Float64Array(counts[x.columns]);
    const svSq = new Float64Array(svIds.length);
    svIds.forEach((id, s) => {
      const row = this.supportRows.get(id);
      if (!row) return;
      svSq[s] = row.sq;
      row.indices.forEach((c, k) => {
        const p = cursor[c]++;
        colRows[p] = s;
        colVals[p] = row.values[k];
      });
    });
    const modelSlots = this.models.map((m) => Uint32Array.from(m.support, (id) => slot.get(id) ?? 0));
    // Dense support vectors (at least half non-zero): their rows as one matrix, dot products row by row.
    const dense = isDense(counts[x.columns], svIds.length, x.columns);
    const svDense = new Float32Array(dense ? svIds.length * x.columns : 0);
    if (dense) {
      svIds.forEach((id, s) => {
        const row = this.supportRows.get(id);
        row?.indices.forEach((c, k) => {
          svDense[s * x.columns + c] = row.values[k];
        });
      });
    }
    const dot = new Float64Array(svIds.length);
    const k = new Float64Array(svIds.length);
    const out = new Int32Array(x.rows);
    const votes = new Int32Array(this.classes.length);
    const classIndex = new Map(this.classes.map((c, i) => [c, i]));
    for (let r = 0; r < x.rows; r++) {
      dot.fill(0);
      let sqx = 0;
      const base = r * x.columns;
      for (let c = 0; c < x.columns; c++) {
        const v = x.data[base + c];
        if (v === 0) continue;
        sqx += v * v;
        if (!dense) for (let p = counts[c]; p < counts[c + 1]; p++) dot[colRows[p]] += v * colVals[p];
      }
      if (dense) for (let s = 0; s < svIds.length; s++) dot[s] = denseDot(x.data, base, svDense, s * x.columns, x.columns);
      for (let s = 0; s < svIds.length; s++) k[s] = Math.exp(-this.gamma * (sqx + svSq[s] - 2 * dot[s]));
      votes.fill(0);
      this.models.forEach((m, mi) => {
        const slots = modelSlots[mi];
        let d = -m.rho;
        for (let s = 0; s < slots.length; s++) d += m.coef[s] * k[slots[s]];
        votes[classIndex.get(d > 0 ? m.positive : m.negative) ?? 0]++;
      });
      let best = 0;
      for (let c = 1; c < votes.length; c++) if (votes[c] > votes[best]) best = c;
      out[r] = this.classes[best];
    }
    return out;
  }
}

function resolveGamma(gamma: number | 'scale', x: FeatureMatrix): number {
  if (gamma === 'scale') {
    let mean = 0;
    for (let i = 0; i < x.data.length; i++) mean += x.data[i];
    mean /= x.data.length;
    let v = 0;
    for (let i = 0; i < x.data.length; i++) v += (x.data[i] - mean) ** 2;
    v /= x.data.length;
    return v > 0 ? 1 / (x.columns * v) : 1;
  }
  if (typeof gamma !== 'number' || !Number.isFinite(gamma) || gamma <= 0) {
    throw new ValidationError("gamma must be 'scale' or a number > 0", { field: 'svm.gamma', expected: "'scale' or a number > 0", found: describeValue(gamma) });
  }
  return gamma;
}
