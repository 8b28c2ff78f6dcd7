import { firstToFire } from '@snn/neurons';
import { type DecisionMap, targetNeurons } from './decision-map.js';
import type { ForwardResult } from './rules.js';

/** The two threshold vectors of a readout layer: `test` (inference) and `train` (used during training). */
export interface LayerThresholds {
  /** Thresholds used by evaluation. */
  test: Float32Array;
  /** Thresholds used by the training forward pass. */
  readonly train: Float32Array;
}

/** A threshold regulator: hooks around each sample and epoch (SpikeNN's regularizer). */
export interface ThresholdRegulator {
  /** Name for logs. */
  readonly name: string;
  /** Before an epoch. */
  startEpoch(thresholds: LayerThresholds): void;
  /** Before a sample's forward pass: sets `thresholds.train`. */
  prepare(label: number, map: DecisionMap, thresholds: LayerThresholds): void;
  /** After the forward pass, before the weight update. */
  update(forward: ForwardResult, label: number, map: DecisionMap, thresholds: LayerThresholds): void;
  /** After an epoch. */
  endEpoch(thresholds: LayerThresholds): void;
  /** The adaptive thresholds, for figures (`null` when there are none). */
  adaptive(): Float32Array | null;
}

/** No regulation: training uses the test thresholds. */
export const noRegulation: ThresholdRegulator = {
  name: 'none',
  startEpoch: () => {},
  prepare: () => {},
  update: () => {},
  endEpoch: () => {},
  adaptive: () => null,
};

/** Options of the competition regulators. */
export interface CompetitionOptions {
  /** Threshold learning rate η_θ (in potential units). */
  readonly thrLr: number;
  /** Multiplicative annealing of η_θ after each epoch (default 1). */
  readonly thrAnneal?: number;
}

/**
 * The winner of the label's target neurons and the others (by firing time, potential, index), or `null` with < 2.
 * @internal
 */
function groupCompetition(forward: ForwardResult, label: number, map: DecisionMap): { winner: number; losers: number[] } | null {
  const group = targetNeurons(map, label);
  if (group.length <= 1) return null;
  const first = group[0];
  const winner = firstToFire(forward.outputTimes, forward.potentials, first, first + group.length);
  return { winner, losers: group.filter((j) => j !== winner) };
}

/**
 * Competition regulation of Neuronal Competition Groups with two-compartment thresholds (Goupy et al. 2024,
 * Sec. 4.2, Eq. 5): the default of SpikeNN (`use_two_thr`).
 *
 * @remarks
 * Each neuron keeps an adaptive training threshold θ̂_j beside its fixed test threshold θ_j. For a sample of
 * class c, the target neurons of c use θ̂ and all others θ. After the forward pass, with k target neurons in the
 * group and w the first of them to fire: `θ̂_w += η_θ·(k − 1)/k` and `θ̂_l −= η_θ/k` for the others, then
 * `θ̂ ← max(θ̂, min θ)` — the sum over the group is unchanged, so neurons take turns winning and specialise on
 * different patterns of the class. θ̂ restarts from θ at each epoch; η_θ is multiplied by `thrAnneal` after it.
 */
export class CompetitionRegulation implements ThresholdRegulator {
  readonly name = 'ncg';
  private thrLr: number;
  private thresholds = new Float32Array(0);
  private floor = 0;

  /** @param options - `thrLr`, `thrAnneal` */
  constructor(private readonly options: CompetitionOptions) {
    this.thrLr = options.thrLr;
  }

  startEpoch(t: LayerThresholds): void {
    if (this.thresholds.length !== t.test.length) {
      this.thresholds = new Float32Array(t.test.length);
      this.floor = t.test.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
    }
    this.thresholds.set(t.test);
  }

  prepare(label: number, map: DecisionMap, t: LayerThresholds): void {
    t.train.set(t.test);
    for (const j of targetNeurons(map, label)) t.train[j] = this.thresholds[j];
  }

  update(forward: ForwardResult, label: number, map: DecisionMap): void {
    if (this.thrLr <= 0) return;
    const competition = groupCompetition(forward, label, map);
    if (competition === null) return;
    const k = competition.losers.length + 1;
    const th = this.thresholds;
    th[competition.winner] += (this.thrLr * (k - 1)) / k;
    for (const j of competition.losers) th[j] -= (this.thrLr * 1) / k;
    for (const j of [competition.winner, ...competition.losers]) if (th[j] < this.floor) th[j] = this.floor;
  }

  endEpoch(): void {
    this.thrLr *= this.options.thrAnneal ?? 1;
  }

  adaptive(): Float32Array | null {
    return this.thresholds;
  }
}

/**
 * Competition regulation with one threshold per neuron (SpikeNN's `use_two_thr: false`).
 *
 * @remarks
 * The same update as {@link CompetitionRegulation} applied directly to the training thresholds, without a floor;
 * after each epoch the test thresholds become the training thresholds.
 */
export class CompetitionRegulationOne implements ThresholdRegulator {
  readonly name = 'ncg-one-threshold';
  private thrLr: number;

  /** @param options - `thrLr`, `thrAnneal` */
  constructor(private readonly options: CompetitionOptions) {
    this.thrLr = options.thrLr;
  }

  startEpoch(): void {}

  prepare(): void {}

  update(forward: ForwardResult, label: number, map: DecisionMap, t: LayerThresholds): void {
    if (this.thrLr <= 0) return;
    const competition = groupCompetition(forward, label, map);
    if (competition === null) return;
    const k = competition.losers.length + 1;
    t.train[competition.winner] += (this.thrLr * (k - 1)) / k;
    for (const j of competition.losers) t.train[j] -= this.thrLr / k;
  }

  endEpoch(t: LayerThresholds): void {
    this.thrLr *= this.options.thrAnneal ?? 1;
    t.test = Float32Array.from(t.train);
  }

  adaptive(): Float32Array | null {
    return null;
  }
}
