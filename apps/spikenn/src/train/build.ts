import { Rng, ValidationError } from '@snn/core';
import {
  CompetitionRegulation,
  CompetitionRegulationOne,
  FirstSpikeReadout,
  RStdp,
  S2Stdp,
  S4nn,
  type StdpWindow,
  type SupervisedRule,
  type ThresholdRegulator,
  decisionMap,
  noRegulation,
} from '@snn/learning';
import { MAX_WEIGHTS, type RunConfig } from '../config/schema.js';

/**
 * The readout a config describes (SpikeNN's `Readout.init_from_dict`), over `inputSize` inputs and `classes` classes.
 * @param config - a parsed run config
 * @param inputSize - inputs of the dataset
 * @param classes - classes of the training set
 * @param maxTime - the dataset's `max_time`
 * @param seed - seed of the weights and dropout
 * @param initialWeights - start from these weights (neurons × inputs) instead of drawing them
 * @throws ValidationError naming the config field when sizes do not fit
 */
export function buildReadout(config: RunConfig, inputSize: number, classes: number, maxTime: number, seed: number, initialWeights?: Float32Array): FirstSpikeReadout {
  const layer = config.network[0];
  const opt = config.optimizer;
  if (layer.n_neurons * inputSize > MAX_WEIGHTS) {
    throw new ValidationError('weight matrix too large', { field: 'network[0].n_neurons', expected: `n_neurons × ${inputSize} inputs ≤ ${MAX_WEIGHTS}`, found: String(layer.n_neurons) });
  }
  const map = decisionMap(layer.n_neurons, classes, config.trainer.nt_neurons ?? 0);
  const window: StdpWindow =
    opt.stdp === 'multiplicative'
      ? { kind: 'multiplicative', beta: opt.beta as number, wMin: opt.w_min as number, wMax: opt.w_max as number }
      : { kind: 'additive', ltdBefore: opt.ignore_silent === true ? maxTime : Number.POSITIVE_INFINITY };
  let rule: SupervisedRule;
  if (opt.method === 's2stdp') {
    // as in SpikeNN, S2-STDP's anti-STDP rates are −ap and −am (anti_ap / anti_am are R-STDP settings)
    rule = new S2Stdp({
      ap: opt.ap as number,
      am: opt.am as number,
      tGap: opt.t_gap as number,
      classInhibition: opt.class_inhib ?? false,
      useTimeRanges: opt.use_time_ranges ?? false,
      annealing: opt.annealing,
      window,
    });
  } else if (opt.method === 'rstdp') {
    rule = new RStdp({ ap: opt.ap as number, am: opt.am as number, antiAp: opt.anti_ap, antiAm: opt.anti_am, classes, adaptiveLr: opt.adaptive_lr ?? true, annealing: opt.annealing, window });
  } else {
    rule = new S4nn({ lr: opt.lr as number, tGap: opt.t_gap as number, classInhibition: opt.class_inhib ?? false, useTimeRanges: opt.use_time_ranges ?? true, annealing: opt.annealing });
  }
  let regulator: ThresholdRegulator = noRegulation;
  if (config.regularizer !== undefined) {
    const options = { thrLr: config.regularizer.thr_lr, thrAnneal: config.regularizer.thr_anneal };
    regulator = (config.regularizer.use_two_thr ?? true) ? new CompetitionRegulation(options) : new CompetitionRegulationOne(options);
  }
  return new FirstSpikeReadout({
    inputSize,
    map,
    threshold: layer.firing_threshold,
    leakTau: layer.leak_tau ?? undefined,
    maxTime,
    init: { normal: layer.w_init_normal, mean: layer.w_init_mean, std: layer.w_init_std },
    initialWeights,
    wMin: layer.w_min,
    wMax: layer.w_max,
    normalize: layer.w_norm,
    rule,
    regulator,
    dropoutIn: config.trainer.dropout_in ?? 0,
    dropoutOut: config.trainer.dropout_out ?? 0,
    rng: new Rng(seed),
  });
}
