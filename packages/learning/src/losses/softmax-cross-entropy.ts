import { checkFiniteAt, checkLabel, checkLossShapes } from './check.js';

/**
 * Softmax cross-entropy of logits against integer labels, averaged over the batch; optionally its gradient.
 *
 * @remarks
 * For logits z of shape `[batch, classes]` (row-major) and labels y:
 *
 * ```
 * L = (1/B) Σ_b [ log Σ_c exp(z_bc) − z_{b,y_b} ]
 * ∂L/∂z_bc = (softmax(z_b)_c − [c = y_b]) / B
 * ```
 *
 * The same value as PyTorch's `nn.CrossEntropyLoss()` (reduction `'mean'`).
 * Computed in float64 after subtracting each row's maximum, so logits of
 * any finite size (e.g. 1000) give finite results.
 *
 * @param logits - scores, `[batch, classes]` row-major
 * @param labels - class index per example, integers in [0, classes)
 * @param batch - number of examples B
 * @param classes - number of classes C
 * @param gradOut - when given (length B·C), receives `scale · ∂L/∂z` (overwritten, not added)
 * @param scale - factor applied to the gradient (default 1), e.g. to combine losses
 * @returns the mean loss, in nats
 * @throws `ShapeError` for lengths that do not match; `ValidationError` for a bad label, batch or class count;
 *   `NumericError` naming a NaN or infinite logit
 * @example
 * ```ts
 * softmaxCrossEntropy(new Float32Array([1, 2, 3]), [2], 1, 3); // ≈ 0.40760596
 * ```
 */
export function softmaxCrossEntropy(
  logits: Float32Array,
  labels: ArrayLike<number>,
  batch: number,
  classes: number,
  gradOut?: Float32Array,
  scale = 1,
): number {
  const owner = 'softmaxCrossEntropy';
  checkLossShapes(owner, logits, 'logits', labels, batch, classes, gradOut);
  let total = 0;
  const gradScale = scale / batch;
  for (let b = 0; b < batch; b++) {
    const y = checkLabel(owner, labels, b, classes);
    const row = b * classes;
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < classes; c++) {
      const z = logits[row + c];
      checkFiniteAt(owner, 'logits', z, row + c);
      if (z > max) max = z;
    }
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(logits[row + c] - max);
    const logSum = Math.log(sum);
    total += logSum - (logits[row + y] - max);
    if (gradOut) {
      for (let c = 0; c < classes; c++) {
        const p = Math.exp(logits[row + c] - max - logSum);
        gradOut[row + c] = (p - (c === y ? 1 : 0)) * gradScale;
      }
    }
  }
  return total / batch;
}
