import { firstToFire } from '@snn/neurons';
import { type DecisionMap, classOf, isTargetNeuron } from './decision-map.js';
import { type StdpWindow, stdpRowUpdate } from './stdp-row.js';

/** What a rule sees of one sample's forward pass (SpikeNN's `outputs[-1]`). */
export interface ForwardResult {
  /** Input firing times (length M; `maxTime` = silent or dropped). */
  readonly inputTimes: Float32Array;
  /** Output firing times (length N; `maxTime` = silent). */
  readonly outputTimes: Float32Array;
  /** Output potentials (length N). */
  readonly potentials: Float32Array;
}

/** The weights a rule changes: neuron-major `[neurons, inputs]`. */
export interface RuleTarget {
  /** Weights, length `neurons × inputSize`. */
  readonly weights: Float32Array;
  /** Inputs per neuron. */
  readonly inputSize: number;
  /** End of the time window. */
  readonly maxTime: number;
}

/**
 * A supervised plasticity rule for the output layer of a first-spike readout.
 * `update` changes weight rows in place and returns the neurons whose rows changed.
 */
export interface SupervisedRule {
  /** The rule's name (`s2stdp`, `sstdp`, `rstdp`, `s4nn`). */
  readonly name: string;
  /** Learns from one sample; returns the changed rows. */
  update(target: RuleTarget, forward: ForwardResult, label: number, map: DecisionMap): readonly number[];
  /** Called once after each training epoch (learning-rate annealing). */
  endEpoch(): void;
  /** The current learning rates, for logs. */
  rates(): Readonly<Record<string, number>>;
}

/** Learning rates of the STDP rules; anti-STDP rates default to the negated STDP rates. */
export interface StdpRates {
  /** LTP rate a⁺ (> 0 in the paper's configs). */
  readonly ap: number;
  /** LTD rate a⁻ (≤ 0). */
  readonly am: number;
  /** Anti-STDP LTP rate (default −a⁺). */
  readonly antiAp?: number;
  /** Anti-STDP LTD rate (default −a⁻). */
  readonly antiAm?: number;
}

/** Options of {@link S2Stdp}. */
export interface S2StdpOptions extends StdpRates {
  /** Time gap g between target and non-target firing times (same unit as the spike times). */
  readonly tGap: number;
  /** Intra-class winner-take-all: only the first neuron of each class group is updated (needed with NCGs). */
  readonly classInhibition: boolean;
  /** SSTDP's time ranges (Liu et al. 2021) instead of S2-STDP's fixed targets. */
  readonly useTimeRanges: boolean;
  /** Per-epoch multiplicative annealing of every rate (default 1). */
  readonly annealing?: number;
  /** STDP window (default additive with LTD on every non-causal input). */
  readonly window?: StdpWindow;
}

const ADDITIVE: StdpWindow = { kind: 'additive', ltdBefore: Number.POSITIVE_INFINITY };

/**
 * Errors of S2-STDP / SSTDP for one sample (Goupy et al. 2024, Sec. 3.2, Eq. 2–3), written into `errors`.
 *
 * @remarks
 * With class inhibition, each class group keeps only its first neuron (by firing time, then potential, then
 * index); the others are treated as silent and not updated. Let `U` be the updated neurons, `n_t` the target
 * neurons among a class (1 with inhibition, else the group size), and
 * `g_nt = g·n_t/|U|`, `g_t = g·(|U| − n_t)/|U|`. The base time is the mean firing time of the updated neurons
 * that fired, `t̄ = min(mean{t_j < T}, T − g_nt)` (`T − g_nt` when none fired). Targets are
 * `T_j = t̄ − g_t` for the label's target neurons and `T_j = t̄ + g_nt` for all others (S2-STDP); SSTDP uses
 * `min(t_j, t̄ − g_t)` and `max(t_j, t̄ + g_nt)` so a neuron already in its range is not updated. The error is
 * `ε_j = (t_j − T_j)/T`; neurons outside `U` get 0.
 * @param times - output firing times
 * @param potentials - output potentials
 * @param label - the sample's class
 * @param map - the decision map
 * @param options - `tGap`, `classInhibition`, `useTimeRanges`
 * @param maxTime - the end of the window T
 * @param errors - output, length N (overwritten)
 * @returns the updated neurons U
 */
export function s2stdpErrors(
  times: Float32Array,
  potentials: Float32Array,
  label: number,
  map: DecisionMap,
  options: Pick<S2StdpOptions, 'tGap' | 'classInhibition' | 'useTimeRanges'>,
  maxTime: number,
  errors: Float32Array,
): number[] {
  errors.fill(0);
  const { tGap } = options;
  let updated: number[];
  let nTarget: number;
  if (options.classInhibition) {
    updated = [];
    for (let c = 0; c < map.classes; c++) updated.push(firstToFire(times, potentials, c * map.perClass, (c + 1) * map.perClass));
    nTarget = 1;
  } else {
    updated = Array.from({ length: map.neurons }, (_, j) => j);
    nTarget = map.perClass;
  }
  const nUpdated = updated.length;
  const gapNonTarget = tGap * (nTarget / nUpdated);
  const gapTarget = tGap * ((nUpdated - nTarget) / nUpdated);
  // the base time over the (inhibited) layer: only updated neurons can have fired
  let sum = 0;
  let fired = 0;
  for (const j of updated) {
    if (times[j] < maxTime) {
      sum += times[j];
      fired++;
    }
  }
  const base = fired === 0 ? maxTime - gapNonTarget : Math.min(Math.fround(sum / fired), maxTime - gapNonTarget);
  for (const j of updated) {
    const t = times[j];
    let target: number;
    if (classOf(map, j) === label && isTargetNeuron(map, j)) target = options.useTimeRanges ? Math.min(t, base - gapTarget) : base - gapTarget;
    else target = options.useTimeRanges ? Math.max(t, base + gapNonTarget) : base + gapNonTarget;
    errors[j] = (t - target) / maxTime;
  }
  return updated;
}

/**
 * S2-STDP (Goupy et al. 2024, Sec. 3.2) and SSTDP (`useTimeRanges`, Liu et al. 2021): error-modulated additive
 * STDP toward target firing times derived from the layer's mean firing time.
 *
 * @remarks
 * For each updated neuron with error ε_j ≠ 0 (see {@link s2stdpErrors}): if ε_j > 0 (fired too late) STDP with
 * rates (a⁺, a⁻), else anti-STDP with (a⁺_anti, a⁻_anti), both scaled by |ε_j|:
 * `Δw_ji = |ε_j|·a⁺` for `t_i ≤ t_j`, `|ε_j|·a⁻` otherwise. Every rate is multiplied by `annealing` after
 * each epoch. As in SpikeNN, the anti-STDP rates of S2-STDP are always −a⁺ and −a⁻.
 */
export class S2Stdp implements SupervisedRule {
  readonly name: string;
  private ap: number;
  private am: number;
  private antiAp: number;
  private antiAm: number;
  private readonly annealing: number;
  private readonly window: StdpWindow;
  private errors = new Float32Array(0);

  /** @param options - rates, time gap, inhibition, time ranges, annealing, window */
  constructor(private readonly options: S2StdpOptions) {
    this.name = options.useTimeRanges ? 'sstdp' : 's2stdp';
    this.ap = options.ap;
    this.am = options.am;
    this.antiAp = options.antiAp ?? -options.ap;
    this.antiAm = options.antiAm ?? -options.am;
    this.annealing = options.annealing ?? 1;
    this.window = options.window ?? ADDITIVE;
  }

  update(target: RuleTarget, forward: ForwardResult, label: number, map: DecisionMap): readonly number[] {
    if (this.errors.length !== map.neurons) this.errors = new Float32Array(map.neurons);
    const updated = s2stdpErrors(forward.outputTimes, forward.potentials, label, map, this.options, target.maxTime, this.errors);
    const changed: number[] = [];
    for (const j of updated) {
      const e = this.errors[j];
      if (e === 0) continue;
      const [ap, am] = e < 0 ? [this.antiAp, this.antiAm] : [this.ap, this.am];
      stdpRowUpdate(target.weights, j, target.inputSize, forward.inputTimes, forward.outputTimes[j], ap, am, Math.abs(e), this.window);
      changed.push(j);
    }
    return changed;
  }

  endEpoch(): void {
    this.ap *= this.annealing;
    this.am *= this.annealing;
    this.antiAp *= this.annealing;
    this.antiAm *= this.annealing;
  }

  rates(): Readonly<Record<string, number>> {
    return { ap: this.ap, am: this.am, antiAp: this.antiAp, antiAm: this.antiAm };
  }
}

/** Options of {@link RStdp}. */
export interface RStdpOptions extends StdpRates {
  /** Number of classes (for the initial accuracy 1/classes of the adaptive rates). */
  readonly classes: number;
  /** Scale STDP by (1 − accuracy) and anti-STDP by accuracy (default true; Mozafari et al. 2018). */
  readonly adaptiveLr?: boolean;
  /** Per-epoch multiplicative annealing (default 1). */
  readonly annealing?: number;
  /** STDP window (default additive). */
  readonly window?: StdpWindow;
}

/**
 * Reward-modulated STDP (Mozafari et al. 2018; the paper's R-STDP baseline, Sec. 5): only the winner (first
 * neuron to fire, ties by potential) learns — STDP when it is a target neuron of the label, anti-STDP otherwise.
 *
 * @remarks
 * `Δw_wi = a⁺` for `t_i ≤ t_w`, `a⁻` otherwise (rewarded), or the anti rates (punished). With adaptive rates,
 * `a⁺ = a⁺₀·(1 − acc)`, `a⁻ = a⁻₀·(1 − acc)` and the anti rates are scaled by `acc`, where `acc` is the training
 * accuracy of the previous epoch (1/classes before the first); the base rates are annealed each epoch.
 */
export class RStdp implements SupervisedRule {
  readonly name = 'rstdp';
  private ap0: number;
  private am0: number;
  private antiAp0: number;
  private antiAm0: number;
  private ap: number;
  private am: number;
  private antiAp: number;
  private antiAm: number;
  private correct = 0;
  private seen = 0;
  private readonly adaptive: boolean;
  private readonly annealing: number;
  private readonly window: StdpWindow;

  /** @param options - rates, classes, adaptive rates, annealing, window */
  constructor(options: RStdpOptions) {
    this.ap0 = options.ap;
    this.am0 = options.am;
    this.antiAp0 = options.antiAp ?? -options.ap;
    this.antiAm0 = options.antiAm ?? -options.am;
    this.adaptive = options.adaptiveLr ?? true;
    this.annealing = options.annealing ?? 1;
    this.window = options.window ?? ADDITIVE;
    const acc = 1 / options.classes;
    this.ap = this.ap0;
    this.am = this.am0;
    this.antiAp = this.antiAp0;
    this.antiAm = this.antiAm0;
    this.scale(acc);
  }

  private scale(acc: number): void {
    const mod = this.adaptive ? 1 - acc : 1;
    const antiMod = this.adaptive ? acc : 1;
    this.ap = this.ap0 * mod;
    this.am = this.am0 * mod;
    this.antiAp = this.antiAp0 * antiMod;
    this.antiAm = this.antiAm0 * antiMod;
  }

  update(target: RuleTarget, forward: ForwardResult, label: number, map: DecisionMap): readonly number[] {
    const w = firstToFire(forward.outputTimes, forward.potentials);
    const rewarded = classOf(map, w) === label && isTargetNeuron(map, w);
    const [ap, am] = rewarded ? [this.ap, this.am] : [this.antiAp, this.antiAm];
    stdpRowUpdate(target.weights, w, target.inputSize, forward.inputTimes, forward.outputTimes[w], ap, am, 1, this.window);
    if (classOf(map, w) === label) this.correct++;
    this.seen++;
    return [w];
  }

  endEpoch(): void {
    this.ap0 *= this.annealing;
    this.am0 *= this.annealing;
    this.antiAp0 *= this.annealing;
    this.antiAm0 *= this.annealing;
    this.scale(this.seen === 0 ? 0 : this.correct / this.seen);
    this.correct = 0;
    this.seen = 0;
  }

  rates(): Readonly<Record<string, number>> {
    return { ap: this.ap, am: this.am, antiAp: this.antiAp, antiAm: this.antiAm };
  }
}

/** Options of {@link S4nn}. */
export interface S4nnOptions {
  /** Learning rate η. */
  readonly lr: number;
  /** Time gap between the target and non-target firing times. */
  readonly tGap: number;
  /** Intra-class winner-take-all (with NCGs). */
  readonly classInhibition: boolean;
  /** The original S4NN's time ranges (default true in SpikeNN). */
  readonly useTimeRanges: boolean;
  /** Per-epoch multiplicative annealing of η (default 1). */
  readonly annealing?: number;
}

/**
 * S4NN (Kheradpisheh & Masquelier 2020; the paper's gradient baseline, Sec. 5), as adapted in SpikeNN.
 *
 * @remarks
 * Base time `t̄ = min_j t_j` over the (inhibited) layer, capped so that `t̄ + g ≤ T`. Targets: `t̄` for the label's
 * target neurons, `t̄ + g` for the others (`min(t_j, t̄)` / `max(t_j, t̄ + g)` with time ranges). Errors
 * `ε_j = (t_j − T_j)/T` are divided by their L2 norm; then `Δw_ji = η·ε_j` for every input with `t_i ≤ t_j`.
 */
export class S4nn implements SupervisedRule {
  readonly name = 's4nn';
  private lr: number;
  private errors = new Float32Array(0);

  /** @param options - rate, gap, inhibition, time ranges, annealing */
  constructor(private readonly options: S4nnOptions) {
    this.lr = options.lr;
  }

  update(target: RuleTarget, forward: ForwardResult, label: number, map: DecisionMap): readonly number[] {
    const { outputTimes: times, potentials } = forward;
    const maxTime = target.maxTime;
    const { tGap } = this.options;
    if (this.errors.length !== map.neurons) this.errors = new Float32Array(map.neurons);
    const errors = this.errors.fill(0);
    let updated: number[];
    if (this.options.classInhibition) {
      updated = [];
      for (let c = 0; c < map.classes; c++) updated.push(firstToFire(times, potentials, c * map.perClass, (c + 1) * map.perClass));
    } else updated = Array.from({ length: map.neurons }, (_, j) => j);
    let base = maxTime;
    for (const j of updated) base = Math.min(base, times[j]);
    if (base + tGap > maxTime) base = maxTime - tGap;
    let norm = 0;
    for (const j of updated) {
      const t = times[j];
      const isTarget = classOf(map, j) === label && isTargetNeuron(map, j);
      const goal = isTarget ? (this.options.useTimeRanges ? Math.min(t, base) : base) : this.options.useTimeRanges ? Math.max(t, base + tGap) : base + tGap;
      errors[j] = (t - goal) / maxTime;
      norm += errors[j] * errors[j];
    }
    norm = Math.sqrt(norm);
    const changed: number[] = [];
    if (norm === 0) return changed;
    const m = target.inputSize;
    for (const j of updated) {
      const e = Math.fround(errors[j] / norm);
      if (e === 0) continue;
      const step = e * this.lr;
      const t = times[j];
      for (let i = 0; i < m; i++) if (forward.inputTimes[i] <= t) target.weights[j * m + i] += step;
      changed.push(j);
    }
    return changed;
  }

  endEpoch(): void {
    this.lr *= this.options.annealing ?? 1;
  }

  rates(): Readonly<Record<string, number>> {
    return { lr: this.lr };
  }
}
