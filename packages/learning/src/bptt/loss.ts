import { ValidationError } from '@snn/core';

/**
 * The training loss of a LIF network, as plain data (it travels to worker threads).
 *
 * @remarks
 * With output membranes U[t] and spike counts `n = Σ_t S[t]` over T steps,
 * for labels y and batch size B:
 * - `membraneCrossEntropy`: `L = Σ_t (1/B) Σ_b CE(U_b[t], y_b)`, the
 *   cross-entropy of the output membrane summed over steps (snnTorch tutorial 5).
 * - `countCrossEntropy`: `L = (1/B) Σ_b CE(n_b, y_b)`, the cross-entropy of the
 *   spike counts (snnTorch's `ce_count_loss`, also `ce_rate_loss` up to the factor T).
 * - `mseCount`: snnTorch's `mse_count_loss`, see `mseCountLoss`: counts are pushed
 *   to `T·correctRate` for the true class and `T·incorrectRate` for the others.
 */
export type BpttLoss =
  | {
      /** Cross-entropy of the output membrane, summed over steps. */
      readonly kind: 'membraneCrossEntropy';
    }
  | {
      /** Cross-entropy of the output spike counts. */
      readonly kind: 'countCrossEntropy';
    }
  | {
      /** Mean squared error of the spike counts against target counts. */
      readonly kind: 'mseCount';
      /** Target firing rate of the true class, in [0, 1]. Default 1. */
      readonly correctRate?: number;
      /** Target firing rate of the other classes, in [0, 1]. Default 0. */
      readonly incorrectRate?: number;
    };

/** The {@link BpttLoss} kinds. */
export const BPTT_LOSS_KINDS: readonly BpttLoss['kind'][] = Object.freeze(['membraneCrossEntropy', 'countCrossEntropy', 'mseCount'] as const);

/** Throws a ValidationError unless `loss` is a known {@link BpttLoss}. */
export function checkBpttLoss(loss: BpttLoss): BpttLoss {
  const kind = (loss as { kind?: unknown } | undefined)?.kind;
  if (!BPTT_LOSS_KINDS.includes(kind as BpttLoss['kind'])) {
    throw new ValidationError('unknown loss', { field: 'loss.kind', expected: `one of ${BPTT_LOSS_KINDS.join(', ')}`, found: JSON.stringify(kind) });
  }
  return loss;
}
