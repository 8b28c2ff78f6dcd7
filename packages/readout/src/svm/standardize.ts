import type { FeatureMatrix } from './features.js';
import { checkFeatureCount, checkFeatures } from './features.js';

/**
 * Feature standardisation `z = (x − μ) / σ` with the mean and (population) standard deviation of the
 * training set; features with σ = 0 are only centred (as scikit-learn's `StandardScaler`).
 *
 * @example
 * ```ts
 * const scaler = Standardizer.fit(train);
 * const z = scaler.transform(test);
 * ```
 */
export class Standardizer {
  private constructor(
    /** Mean of each feature. */
    readonly mean: Float64Array,
    /** Scale of each feature (σ, or 1 where σ = 0). */
    readonly scale: Float64Array,
  ) {}

  /**
   * Learns mean and scale per feature.
   * @param m - training features
   * @throws `ShapeError` / `ValidationError` for a bad matrix or NaN
   */
  static fit(m: FeatureMatrix): Standardizer {
    checkFeatures(m, 'features');
    const mean = new Float64Array(m.columns);
    const sq = new Float64Array(m.columns);
    for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.columns; c++) mean[c] += m.data[r * m.columns + c];
    for (let c = 0; c < m.columns; c++) mean[c] /= Math.max(1, m.rows);
    for (let r = 0; r < m.rows; r++) {
      for (let c = 0; c < m.columns; c++) {
        const d = m.data[r * m.columns + c] - mean[c];
        sq[c] += d * d;
      }
    }
    const scale = new Float64Array(m.columns);
    for (let c = 0; c < m.columns; c++) {
      const s = Math.sqrt(sq[c] / Math.max(1, m.rows));
      scale[c] = s > 0 ? s : 1;
    }
    return new Standardizer(mean, scale);
  }

  /**
   * Standardises features with the learned mean and scale.
   * @param m - features with the same number of columns as the training set
   * @throws `ShapeError` when the number of features differs
   */
  transform(m: FeatureMatrix): FeatureMatrix {
    checkFeatures(m, 'features');
    checkFeatureCount(this.mean.length, m.columns, 'features');
    const data = new Float32Array(m.data.length);
    for (let r = 0; r < m.rows; r++) {
      for (let c = 0; c < m.columns; c++) data[r * m.columns + c] = (m.data[r * m.columns + c] - this.mean[c]) / this.scale[c];
    }
    return { data, rows: m.rows, columns: m.columns };
  }
}
