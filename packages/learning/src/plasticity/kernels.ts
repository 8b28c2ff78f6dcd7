import type { KernelThis } from '@snn/core';

/** Constants of {@link pairStdpKernel}. */
export interface PairStdpKernelConstants {
  /** Post neurons (columns). */
  readonly nPost: number;
  /** Potentiation amplitude A₊. */
  readonly aPlus: number;
  /** Depression amplitude A₋. */
  readonly aMinus: number;
  /** Lower weight bound. */
  readonly wMin: number;
  /** Upper weight bound. */
  readonly wMax: number;
}

/**
 * gpu.js kernel of the dense pair-STDP step; output `[nPost, nPre]` in gpu.js order (thread x = j, y = i).
 *
 * @remarks
 * Same update as {@link pairStdpDenseReference} (Bi & Poo 1998; Song et al. 2000).
 *
 * @param w - weights `[nPre·nPost]` row-major
 * @param preTrace - x, length nPre
 * @param postTrace - y, length nPost
 * @param preSpikes - 0/1, length nPre
 * @param postSpikes - 0/1, length nPost
 */
export const pairStdpKernel = function (
  this: KernelThis<PairStdpKernelConstants>,
  w: Float32Array,
  preTrace: Float32Array,
  postTrace: Float32Array,
  preSpikes: Float32Array,
  postSpikes: Float32Array,
): number {
  const i = this.thread.y;
  const j = this.thread.x;
  let v = w[i * this.constants.nPost + j];
  if (preSpikes[i] > 0.5) {
    v = Math.min(this.constants.wMax, Math.max(this.constants.wMin, v - this.constants.aMinus * postTrace[j]));
  }
  if (postSpikes[j] > 0.5) {
    v = Math.min(this.constants.wMax, Math.max(this.constants.wMin, v + this.constants.aPlus * preTrace[i]));
  }
  return v;
};

/** Constants of {@link diehlCookStdpKernel}. */
export interface DiehlCookStdpKernelConstants {
  /** Post neurons (columns). */
  readonly nPost: number;
  /** Depression rate ν_pre. */
  readonly nuPre: number;
  /** −1 for `preUpdate: 'depress'`, +1 for `'potentiate'` (the pre-spike change is `preSign·ν_pre·post1`). */
  readonly preSign: number;
  /** Potentiation rate ν_post. */
  readonly nuPost: number;
  /** Lower weight bound. */
  readonly wMin: number;
  /** Upper weight bound. */
  readonly wMax: number;
}

/**
 * gpu.js kernel of the dense Diehl & Cook STDP step; output `[nPost, nPre]` in gpu.js order (thread x = j, y = i).
 *
 * @remarks
 * Same update as {@link diehlCookStdpDenseReference} (Diehl & Cook 2015).
 *
 * @param w - weights `[nPre·nPost]` row-major
 * @param pre - pre traces, length nPre
 * @param post1 - first post traces, length nPost
 * @param post2Before - second post traces before this step's spikes, length nPost
 * @param preSpikes - 0/1, length nPre
 * @param postSpikes - 0/1, length nPost
 */
export const diehlCookStdpKernel = function (
  this: KernelThis<DiehlCookStdpKernelConstants>,
  w: Float32Array,
  pre: Float32Array,
  post1: Float32Array,
  post2Before: Float32Array,
  preSpikes: Float32Array,
  postSpikes: Float32Array,
): number {
  const i = this.thread.y;
  const j = this.thread.x;
  let v = w[i * this.constants.nPost + j];
  if (preSpikes[i] > 0.5) {
    v = Math.min(this.constants.wMax, Math.max(this.constants.wMin, v + this.constants.preSign * this.constants.nuPre * post1[j]));
  }
  if (postSpikes[j] > 0.5) {
    v = Math.min(this.constants.wMax, Math.max(this.constants.wMin, v + this.constants.nuPost * pre[i] * post2Before[j]));
  }
  return v;
};

/** Constants of {@link diehlCookPowerLawKernel}. */
export interface DiehlCookPowerLawKernelConstants {
  /** Post neurons (columns). */
  readonly nPost: number;
  /** Learning rate ν_post. */
  readonly nuPost: number;
  /** Target pre trace x_tar. */
  readonly xTar: number;
  /** Weight-dependence exponent μ. */
  readonly mu: number;
  /** Lower weight bound. */
  readonly wMin: number;
  /** Upper weight bound. */
  readonly wMax: number;
}

/**
 * gpu.js kernel of the dense power-law Diehl & Cook STDP step; output `[nPost, nPre]` in gpu.js order (x = j, y = i).
 *
 * @remarks
 * Same update as {@link diehlCookPowerLawDenseReference}: `clip(w + ν_post·(x_i − x_tar)·max(w_max − w, 0)^μ)` where
 * j spiked (Diehl & Cook 2015, Eq. 3).
 *
 * @param w - weights `[nPre·nPost]` row-major
 * @param pre - pre traces x, length nPre
 * @param postSpikes - 0/1, length nPost
 */
export const diehlCookPowerLawKernel = function (this: KernelThis<DiehlCookPowerLawKernelConstants>, w: Float32Array, pre: Float32Array, postSpikes: Float32Array): number {
  const i = this.thread.y;
  const j = this.thread.x;
  const v = w[i * this.constants.nPost + j];
  if (postSpikes[j] > 0.5) {
    let factor = 1.0;
    if (this.constants.mu !== 0) {
      factor = 0.0;
      const room = this.constants.wMax - v;
      if (room > 0.0) {
        // biome-ignore lint/style/useExponentiationOperator: gpu.js translates Math.pow, not the ** operator
        factor = Math.pow(room, this.constants.mu);
      }
    }
    const nw = v + this.constants.nuPost * (pre[i] - this.constants.xTar) * factor;
    return Math.min(this.constants.wMax, Math.max(this.constants.wMin, nw));
  }
  return v;
};

/** Constants of {@link hebbianKernel}. */
export interface HebbianKernelConstants {
  /** Post neurons (columns). */
  readonly nPost: number;
  /** Learning rate η. */
  readonly learningRate: number;
  /** Weight decay λ. */
  readonly decay: number;
  /** Lower weight bound. */
  readonly wMin: number;
  /** Upper weight bound. */
  readonly wMax: number;
}

/**
 * gpu.js kernel of the dense Hebbian update `clip(w + η·pre_i·post_j − λ·w)`; output `[nPost, nPre]` (x = j, y = i).
 *
 * @remarks
 * Same update as {@link hebbianUpdate} (Hebb 1949).
 *
 * @param w - weights `[nPre·nPost]` row-major
 * @param pre - presynaptic activity, length nPre
 * @param post - postsynaptic activity, length nPost
 */
export const hebbianKernel = function (this: KernelThis<HebbianKernelConstants>, w: Float32Array, pre: Float32Array, post: Float32Array): number {
  const i = this.thread.y;
  const j = this.thread.x;
  const w0 = w[i * this.constants.nPost + j];
  const v = w0 + this.constants.learningRate * pre[i] * post[j] - this.constants.decay * w0;
  return Math.min(this.constants.wMax, Math.max(this.constants.wMin, v));
};

/** Constants of {@link normalizeColumnsKernel}. */
export interface NormalizeColumnsKernelConstants {
  /** Rows (pre neurons). */
  readonly nRows: number;
  /** Columns (post neurons). */
  readonly nCols: number;
  /** Target column sum. */
  readonly target: number;
}

/**
 * gpu.js kernel of {@link normalizeColumns}; output `[nCols, nRows]` in gpu.js order (thread x = column j, y = row i).
 *
 * @remarks
 * Each thread sums its column and returns `w_ij·target/Σ_k w_kj` (w_ij when the sum is 0). Diehl & Cook (2015).
 *
 * @param w - weights `[nRows·nCols]` row-major
 */
export const normalizeColumnsKernel = function (this: KernelThis<NormalizeColumnsKernelConstants>, w: Float32Array): number {
  const j = this.thread.x;
  const i = this.thread.y;
  let sum = 0.0;
  for (let k = 0; k < this.constants.nRows; k++) {
    sum += w[k * this.constants.nCols + j];
  }
  const v = w[i * this.constants.nCols + j];
  if (sum > 0.0) {
    return (v * this.constants.target) / sum;
  }
  return v;
};
