import { CosineAnnealingLr, type LrScheduler, type Optimizer, ReduceLrOnPlateau, StepLr } from '@snn/learning';
import type { NeuroSpikeConfig } from '../config/schema.js';

/**
 * The learning-rate schedule of `training.scheduler`, stepped once per epoch.
 *
 * @remarks
 * `step`: `lr · gamma^⌊epoch / step_size⌋`; `cosine`: cosine annealing from `learning_rate` to
 * `eta_min` over `t_max` epochs; `plateau`: multiply by `factor` when the monitored accuracy
 * (validation, else test) has not improved for `patience` epochs, not below `min_lr`;
 * `none`: constant. The schedules are PyTorch's, from @snn/learning.
 *
 * @param optimizer - the optimiser whose `lr` the schedule sets
 * @param training - the `training` section (with `t_max` resolved for cosine)
 * @returns the schedule, or null for `none`
 */
export function createScheduler(optimizer: Optimizer, training: NeuroSpikeConfig['training']): LrScheduler | null {
  const s = training.scheduler;
  switch (s.type) {
    case 'none':
      return null;
    case 'step':
      return new StepLr(optimizer, { stepSize: s.step_size, gamma: s.gamma });
    case 'cosine':
      return new CosineAnnealingLr(optimizer, { tMax: s.t_max ?? training.epochs, etaMin: s.eta_min });
    case 'plateau':
      return new ReduceLrOnPlateau(optimizer, { mode: 'max', factor: s.factor, patience: s.patience, minLr: s.min_lr });
  }
}
