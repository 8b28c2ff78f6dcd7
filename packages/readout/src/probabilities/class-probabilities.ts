import { ShapeError, ValidationError, describeValue } from '@snn/core';
import type { Tensor } from '@snn/core';

/** Options of {@link classProbabilities}. */
export interface SoftmaxOptions {
  /** Divides the logits before the softmax (> 0); default 1. */
  readonly temperature?: number;
}

/**
 * Softmax over the classes of each row: turns logits (e.g. spike counts or
 * final membrane potentials) into class probabilities.
 *
 * @remarks
 * `p[b, c] = exp(z[b, c]/τ − m_b) / Σ_k exp(z[b, k]/τ − m_b)` with
 * `m_b = max_k z[b, k]/τ` subtracted for numerical stability; each row sums
 * to 1. Computed in double precision, returned as float32.
 *
 * @param logits - `[B, C]` finite values
 * @param options - `temperature` τ (default 1)
 * @returns probabilities `[B, C]`
 * @throws ShapeError when `logits` is not `[B, C]`; ValidationError for a non-finite logit (named by index) or a bad temperature
 * @example
 * ```ts
 * const p = classProbabilities(tensor([0, Math.log(3)], [1, 2]));
 * Array.from(p.data); // [0.25, 0.75]
 * ```
 */
export function classProbabilities(logits: Tensor, options: SoftmaxOptions = {}): Tensor {
  const temperature = options.temperature ?? 1;
  if (typeof temperature !== 'number' || !Number.isFinite(temperature) || temperature <= 0) {
    throw new ValidationError('invalid temperature', { field: 'temperature', expected: 'a finite number > 0', found: describeValue(temperature) });
  }
  if (!logits || !(logits.data instanceof Float32Array) || !Array.isArray(logits.shape) || logits.shape.length !== 2) {
    throw new ShapeError('logits need batch and class dimensions', {
      field: 'logits',
      expected: '[batch, classes]',
      found: logits && Array.isArray(logits.shape) ? `[${logits.shape.join(', ')}]` : describeValue(logits),
    });
  }
  const [batch, C] = logits.shape as [number, number];
  if (batch * C !== logits.data.length || C < 1) {
    throw new ShapeError('data length does not match shape', {
      field: 'logits',
      expected: `${batch * C} values for shape [${batch}, ${C}] with at least one class`,
      found: `${logits.data.length}`,
    });
  }
  const out = new Float32Array(batch * C);
  const row = new Float64Array(C);
  for (let b = 0; b < batch; b++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < C; c++) {
      const z = logits.data[b * C + c];
      if (!Number.isFinite(z)) {
        throw new ValidationError('non-finite logit', { field: `logits[${b}, ${c}]`, expected: 'a finite number', found: String(z) });
      }
      row[c] = z / temperature;
      if (row[c] > max) max = row[c];
    }
    let sum = 0;
    for (let c = 0; c < C; c++) {
      row[c] = Math.exp(row[c] - max);
      sum += row[c];
    }
    for (let c = 0; c < C; c++) out[b * C + c] = row[c] / sum;
  }
  return { data: out, shape: [batch, C] };
}
