import { assertMemoryEstimate } from '@snn/cli';
import { ValidationError } from '@snn/core';

/**
 * Upper bounds of the size-like Diehl & Cook settings. The paper's largest network has 6400
 * excitatory neurons; an example is 350 ms. Steps per example (example or rest time / dt) are at
 * most a million, and the input spikes of one example must fit the memory budget of `@snn/cli`
 * (see {@link inputSpikeBytes}).
 */
export const DIEHL_COOK_LIMITS = Object.freeze({
  nE: 10000,
  nE2: 10000,
  exampleTimeMs: 100_000,
  restingTimeMs: 100_000,
  stepsPerPhase: 1_000_000,
  maxIntensity: 1000,
});

/**
 * Bytes of the Poisson input of one example at the highest intensity, by estimate: 784 pixels at
 * up to 255/8 · maxIntensity Hz over exampleTimeMs, 8 bytes a spike (step and index), plus
 * 4 bytes per step of the step index.
 */
export function inputSpikeBytes(s: Pick<DiehlCookSettings, 'exampleTimeMs' | 'dtMs' | 'maxIntensity'>): number {
  const spikes = 784 * (255 / 8) * s.maxIntensity * (s.exampleTimeMs / 1000);
  return 8 * spikes + 4 * (s.exampleTimeMs / s.dtMs + 1);
}

/** Settings of a Diehl & Cook (2015) network run (defaults: the paper's). */
export interface DiehlCookSettings {
  /** Excitatory (= inhibitory) neurons of layer 1. Default 400. */
  readonly nE: number;
  /** Excitatory neurons of an optional second layer fed by layer 1 (0 = none). Default 0. */
  readonly nE2: number;
  /** Simulation step, ms. Default 0.5. */
  readonly dtMs: number;
  /** Input presentation per example, ms. Default 350. */
  readonly exampleTimeMs: number;
  /** Rest after each example (no input), ms. Default 150. */
  readonly restingTimeMs: number;
  /** Starting input intensity: rate = pixel/8·intensity Hz. Default 2. */
  readonly inputIntensity: number;
  /** Fewer layer-1 spikes than this repeat the example with intensity + 1. Default 5. */
  readonly minSpikes: number;
  /** Highest intensity tried before an example is accepted anyway (the original has no limit). Default 64. */
  readonly maxIntensity: number;
  /** Column sum of the input → layer-1 weights after normalisation. Default 78. */
  readonly weightSum: number;
  /**
   * Upper bound w_max of the layer-1 → layer-2 weights; layer 2's STDP rates ν_pre, ν_post are layer 1's times this
   * (layer 1's rule on weights in units of weightMax2). A layer-1 neuron fires a few spikes per example where the
   * input delivers about 2,000, so each of its synapses must carry far more conductance for layer 2 to fire at all.
   * Default 300 (measured: 1 leaves layer 2 silent, 30 / 100 / 300 / 1000 gave 16 / 35 / 46–50 / 19 % layer-2
   * interval accuracy at n_e = 100, n_e2 = 50 after 2,500–6,000 examples; app README).
   */
  readonly weightMax2: number;
  /**
   * Column sum of the layer-1 → layer-2 weights after normalisation. Default `weightMax2 · weightSum · nE / 784`: the
   * mean weight is the same fraction of the bound as in layer 1 (78/784 of w_max = 1), whatever nE.
   */
  readonly weightSum2: number;
  /** Excitatory → inhibitory one-to-one weight. Default 10.4. */
  readonly excToInh: number;
  /** Inhibitory → excitatory (all but self) weight. Default 17. */
  readonly inhToExc: number;
  /**
   * Growth rate of the excitatory "timer" (ms of timer per ms), which must exceed 5 ms before a spike. 100 is the
   * original Brian 1 code (`dtimer/dt = 100.0`, SI, so the condition only adds one step); 0.1 is the Brian 2 port
   * (`dtimer/dt = 0.1 : second`, at most one spike per 50 ms). Default 100.
   */
  readonly timerRate: number;
  /**
   * Sign of the STDP change at an input spike, `ν_pre·post1` (ν_pre = 0.0001): `'depress'` subtracts it, as the
   * authors' Brian 1 code (`w -= nu_ee_pre * post1`); `'potentiate'` adds it, as the Brian 2 port
   * (`w = clip(w + nu_ee_pre * post1, 0, wmax_ee)`). Default `'depress'`.
   */
  readonly preUpdate: 'depress' | 'potentiate';
  /**
   * STDP rule on the input weights: `'triplet'` (default), the authors' code's rule (one pre trace, two post traces;
   * `preUpdate` applies); `'power-law'`, the rule the paper writes down (its Eq. 3): at a post spike
   * `Δw = ν_post·(x_pre − x_tar)·(w_max − w)^μ` with ν_post 0.01, x_tar 0.4, μ 0.2 (the code's `nu_ee_post`,
   * `STDP_offset`, `exp_ee_post`) and a pre trace that adds 1 per input spike; input spikes change no weight.
   */
  readonly stdpRule: 'triplet' | 'power-law';
  /** STDP rate ν_post at post spikes (both rules; the triplet rule's potentiation, the power-law rule's η). Default 0.01. */
  readonly nuPost: number;
  /**
   * Adaptive-threshold increment θ_plus of the excitatory neurons per spike, mV (both layers). Default 0.05, the
   * authors' code (`theta_plus_e = 0.05 * b2.mV`) and BindsNET's `DiehlAndCookNodes`.
   */
  readonly thetaPlusMv: number;
  /**
   * Decay time constant τ_θ of the excitatory adaptive threshold, ms (`dθ/dt = −θ/τ_θ` while learning; frozen in test
   * mode). Default 1e7 ms, the authors' code (`tc_theta = 1e7 * b2.ms`) and BindsNET's.
   */
  readonly tauThetaMs: number;
  /**
   * Examples between normalisations of the input weight columns to their target sums. 1 (default): before every
   * presentation, repeats at a higher intensity included, as the authors' code (`normalize_weights()` at the top of
   * each presentation). N > 1: only before the first presentation of examples 0, N, 2N, … of the run (STDP moves the
   * column sums in between).
   */
  readonly normalizeInterval: number;
}

/** Options accepted by {@link diehlCookSettings}. */
export type DiehlCookSettingsInput = Partial<DiehlCookSettings>;

function check(cond: boolean, field: string, expected: string, value: unknown): void {
  if (!cond) throw new ValidationError('invalid Diehl & Cook setting', { field, expected, found: String(value) });
}

/**
 * Validates the settings and fills in the defaults.
 *
 * @remarks
 * Size-like settings are bounded ({@link DIEHL_COOK_LIMITS}) before anything is allocated.
 * @throws `ValidationError` naming the field
 */
export function diehlCookSettings(input: DiehlCookSettingsInput = {}): DiehlCookSettings {
  const nE = input.nE ?? 400;
  check(Number.isInteger(nE) && nE >= 1 && nE <= DIEHL_COOK_LIMITS.nE, 'nE', `an integer in [1, ${DIEHL_COOK_LIMITS.nE}]`, nE);
  const nE2 = input.nE2 ?? 0;
  check(Number.isInteger(nE2) && nE2 >= 0 && nE2 <= DIEHL_COOK_LIMITS.nE2, 'nE2', `an integer in [0, ${DIEHL_COOK_LIMITS.nE2}]`, nE2);
  const dtMs = input.dtMs ?? 0.5;
  check(Number.isFinite(dtMs) && dtMs > 0 && dtMs <= 1, 'dtMs', 'a number in (0, 1] ms', dtMs);
  const exampleTimeMs = input.exampleTimeMs ?? 350;
  const maxPhaseMs = Math.min(DIEHL_COOK_LIMITS.exampleTimeMs, DIEHL_COOK_LIMITS.stepsPerPhase * dtMs);
  const phaseText = `at most ${maxPhaseMs} ms (${DIEHL_COOK_LIMITS.exampleTimeMs} ms and ${DIEHL_COOK_LIMITS.stepsPerPhase} steps of dt ${dtMs} ms)`;
  check(Number.isFinite(exampleTimeMs) && exampleTimeMs >= dtMs && exampleTimeMs <= maxPhaseMs, 'exampleTimeMs', `a number >= dt (${dtMs} ms) and ${phaseText}`, exampleTimeMs);
  const restingTimeMs = input.restingTimeMs ?? 150;
  check(Number.isFinite(restingTimeMs) && restingTimeMs >= 0 && restingTimeMs <= maxPhaseMs, 'restingTimeMs', `a number >= 0 and ${phaseText}`, restingTimeMs);
  const inputIntensity = input.inputIntensity ?? 2;
  check(Number.isFinite(inputIntensity) && inputIntensity > 0, 'inputIntensity', 'a number > 0', inputIntensity);
  const minSpikes = input.minSpikes ?? 5;
  check(Number.isInteger(minSpikes) && minSpikes >= 0, 'minSpikes', 'an integer >= 0', minSpikes);
  const maxIntensity = input.maxIntensity ?? 64;
  check(
    Number.isFinite(maxIntensity) && maxIntensity >= inputIntensity && maxIntensity <= DIEHL_COOK_LIMITS.maxIntensity,
    'maxIntensity',
    `a number >= inputIntensity (${inputIntensity}) and <= ${DIEHL_COOK_LIMITS.maxIntensity}`,
    maxIntensity,
  );
  assertMemoryEstimate(
    { bytes: inputSpikeBytes({ exampleTimeMs, dtMs, maxIntensity }), what: 'Poisson input spikes of one example (784 × 255/8 × maxIntensity Hz × exampleTimeMs)' },
    'exampleTimeMs',
    String(exampleTimeMs),
  );
  const weightSum = input.weightSum ?? 78;
  check(Number.isFinite(weightSum) && weightSum > 0, 'weightSum', 'a number > 0', weightSum);
  const weightMax2 = input.weightMax2 ?? 300;
  check(Number.isFinite(weightMax2) && weightMax2 > 0, 'weightMax2', 'a number > 0', weightMax2);
  const weightSum2 = input.weightSum2 ?? (weightMax2 * weightSum * nE) / 784;
  check(Number.isFinite(weightSum2) && weightSum2 > 0, 'weightSum2', 'a number > 0', weightSum2);
  const excToInh = input.excToInh ?? 10.4;
  check(Number.isFinite(excToInh) && excToInh >= 0, 'excToInh', 'a number >= 0', excToInh);
  const inhToExc = input.inhToExc ?? 17;
  check(Number.isFinite(inhToExc) && inhToExc >= 0, 'inhToExc', 'a number >= 0', inhToExc);
  const timerRate = input.timerRate ?? 100;
  check(Number.isFinite(timerRate) && timerRate >= 0, 'timerRate', 'a number >= 0', timerRate);
  const preUpdate = input.preUpdate ?? 'depress';
  check(preUpdate === 'depress' || preUpdate === 'potentiate', 'preUpdate', "'depress' or 'potentiate'", JSON.stringify(preUpdate));
  const stdpRule = input.stdpRule ?? 'triplet';
  check(stdpRule === 'triplet' || stdpRule === 'power-law', 'stdpRule', "'triplet' or 'power-law'", JSON.stringify(stdpRule));
  const nuPost = input.nuPost ?? 0.01;
  check(Number.isFinite(nuPost) && nuPost >= 0, 'nuPost', 'a number >= 0', nuPost);
  const thetaPlusMv = input.thetaPlusMv ?? 0.05;
  check(Number.isFinite(thetaPlusMv) && thetaPlusMv >= 0, 'thetaPlusMv', 'a number >= 0 (mV)', thetaPlusMv);
  const tauThetaMs = input.tauThetaMs ?? 1e7;
  check(Number.isFinite(tauThetaMs) && tauThetaMs >= dtMs, 'tauThetaMs', `a number >= dt (${dtMs} ms)`, tauThetaMs);
  const normalizeInterval = input.normalizeInterval ?? 1;
  check(Number.isInteger(normalizeInterval) && normalizeInterval >= 1, 'normalizeInterval', 'an integer >= 1', normalizeInterval);
  return Object.freeze({
    nE,
    nE2,
    dtMs,
    exampleTimeMs,
    restingTimeMs,
    inputIntensity,
    minSpikes,
    maxIntensity,
    weightSum,
    weightSum2,
    weightMax2,
    excToInh,
    inhToExc,
    timerRate,
    preUpdate,
    stdpRule,
    nuPost,
    thetaPlusMv,
    tauThetaMs,
    normalizeInterval,
  });
}

/**
 * Checks that the spike counts kept between neuron-assignment updates (`updateInterval` examples ×
 * (nE + nE2) neurons, 8 bytes each) fit the memory budget of `@snn/cli`.
 *
 * @param updateInterval - examples between assignment updates (`--update-interval`)
 * @param settings - the network sizes
 * @throws `ValidationError` naming `--update-interval`
 */
export function checkUpdateInterval(updateInterval: number, settings: Pick<DiehlCookSettings, 'nE' | 'nE2'>): void {
  assertMemoryEstimate(
    { bytes: 8 * updateInterval * (settings.nE + settings.nE2), what: 'spike counts of an update interval (update interval × (nE + nE2) × 8 bytes)' },
    '--update-interval',
    String(updateInterval),
  );
}
