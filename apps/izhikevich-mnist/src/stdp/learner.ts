import type { SparseSpikes } from '@snn/core';
import { type HebbianParams, PairStdp, hebbianParams, hebbianUpdate, normalizeColumns, pairStdpParams } from '@snn/learning';
import type { StdpConfig } from '../config/schemas.js';
import type { SampleActivity, SpikeHooks, StdpNetwork } from './network.js';

/**
 * The learning rules of the `stdp` command, composed from @snn/learning.
 *
 * @remarks
 * Input→hidden: additive pair STDP with exponential traces (`PairStdp`: A₊ = `stdp_lr`,
 * A₋ = `stdp_lr · a_minus_ratio`, τ₊, τ₋, weights in [0, w_max]; Bi & Poo 1998, Song, Miller &
 * Abbott 2000), event-driven: each step's input spikes depress their rows by the post traces,
 * each hidden spike potentiates its column by the pre traces. Traces restart at 0 for each image.
 * After each image the input weights of every hidden neuron are scaled to sum to
 * `hidden_weight_sum` (`normalizeColumns`, Diehl & Cook 2015).
 *
 * Hidden→output: Hebbian learning with a teacher. During training the label's output neuron
 * receives `teacher_current` and the other output neurons are clamped silent, so the output
 * spikes are the teacher's. After the image the Hebbian trace A gets `hebbianUpdate`
 * (`A_jk += η_hebb · (h_j/T) · (o_k/T) − λ·A_jk`, Hebb 1949; λ = `hebbian_decay`, default 0, lets A forget
 * associations with hidden features that STDP has since changed; A starts at 0) with h and o the hidden and
 * output spike counts of that teacher-forced run, and the synaptic weights W2 are A with each
 * output neuron's incoming vector scaled to L2 norm `output_weight_norm` (synaptic scaling,
 * Turrigiano 2008). W2[:,k] is then the direction of the summed hidden activity of digit k; at
 * test time (no teacher) the output neuron whose weights best match the hidden activity receives
 * the most current and fires most.
 *
 * Competition (`stdp_winners: k > 0`): only the first k hidden neurons to spike in an image (ties in a step by
 * index) learn during that image; the other neurons' spikes are not shown to the STDP rule, so their weights
 * stay (their post traces remain 0: no depression either). First-spike winner-take-all learning as in Masquelier
 * & Thorpe (2007) and Kheradpisheh et al. (2018), where the first neuron to fire inhibits the others' plasticity.
 * `0` (the default) lets every spiking neuron learn.
 *
 * With `readout_rule: contrastive` the image is first run freely (no teacher, no learning) and
 * that phase's Hebbian term is subtracted: `A += η · (h⁺o⁺ − h⁻o⁻) / T²` (contrastive Hebbian
 * learning, Movellan 1991), W2 = A with the same column scaling; training accuracy is then the
 * free run's.
 */
export class StdpLearner implements SpikeHooks {
  private readonly network: StdpNetwork;
  private readonly training: StdpConfig['training'];
  private readonly hebbian: HebbianParams;
  /** The same rule without decay (the free phase's term of the contrastive rule; the decay is applied once per image). */
  private readonly hebbianNoDecay: HebbianParams;
  private stdp: PairStdp;
  /** Neurons allowed to learn in the current image (`stdp_winners` > 0), in the order they first spiked. */
  private readonly winners: Set<number> = new Set();
  private readonly learning: number[] = [];

  /**
   * @param network - the network whose weights it changes
   * @param training - learning rates, time constants, bounds and weight sums
   */
  constructor(network: StdpNetwork, training: StdpConfig['training']) {
    this.network = network;
    this.training = training;
    this.stdp = this.freshStdp();
    const bounds = { wMin: -Number.MAX_VALUE, wMax: Number.MAX_VALUE };
    this.hebbian = hebbianParams({ learningRate: training.hebbian_lr, decay: training.hebbian_decay, ...bounds }, 'training.hebbian');
    this.hebbianNoDecay = hebbianParams({ learningRate: training.hebbian_lr, ...bounds }, 'training.hebbian');
  }

  private freshStdp(): PairStdp {
    const t = this.training;
    const params = pairStdpParams(
      { aPlus: t.stdp_lr, aMinus: t.stdp_lr * t.a_minus_ratio, tauPlusMs: t.tau_plus_ms, tauMinusMs: t.tau_minus_ms, wMin: 0, wMax: t.w_max },
      'training.stdp',
    );
    return new PairStdp(784, this.network.options.hiddenSize, params);
  }

  /** Depression of the spiking pixels' rows by the post traces. */
  onInputSpikes(indices: ArrayLike<number>, count: number, tMs: number): void {
    this.stdp.onPreSpikes(this.network.w1, indices, count, tMs);
  }

  /** Potentiation of the spiking neurons' columns by the pre traces (only the image's winners with `stdp_winners`). */
  onHiddenSpikes(indices: ArrayLike<number>, count: number, tMs: number): void {
    const k = this.training.stdp_winners;
    if (k === 0) {
      this.stdp.onPostSpikes(this.network.w1, indices, count, tMs);
      return;
    }
    const learning = this.learning;
    learning.length = 0;
    for (let e = 0; e < count; e++) {
      const j = indices[e];
      if (!this.winners.has(j) && this.winners.size < k) this.winners.add(j);
      if (this.winners.has(j)) learning.push(j);
    }
    if (learning.length > 0) this.stdp.onPostSpikes(this.network.w1, learning, learning.length, tMs);
  }

  /** Scales the input weights of each hidden neuron to `hidden_weight_sum` and recomputes W2 from the Hebbian traces. */
  normalize(): void {
    const H = this.network.options.hiddenSize;
    normalizeColumns(this.network.w1, 784, H, this.training.hidden_weight_sum);
    const w2 = this.network.w2;
    w2.set(this.network.hebbian);
    scaleColumnsL2(w2, H, 10, this.training.output_weight_norm);
  }

  /**
   * Trains on one image: a teacher-forced simulation with STDP, then the Hebbian update of the
   * output weights and the normalisation.
   *
   * @param spikes - encoded images
   * @param b - which image
   * @param label - its digit
   * @returns the activity of the teacher-forced simulation
   */
  trainSample(spikes: SparseSpikes, b: number, label: number): SampleActivity {
    const T = this.network.options.numSteps;
    // Contrastive rule: a free run first (no teacher, no learning), whose Hebbian term is subtracted.
    const free = this.training.readout_rule === 'contrastive' ? this.network.run(spikes, b, -1, 0) : null;
    this.stdp = this.freshStdp();
    this.winners.clear();
    const activity = this.network.run(spikes, b, label, this.training.teacher_current, this, true);
    hebbianUpdate(
      this.network.hebbian,
      activity.hiddenCounts.map((c) => c / T),
      activity.outputCounts.map((c) => c / T),
      this.hebbian,
    );
    if (free) {
      hebbianUpdate(
        this.network.hebbian,
        free.hiddenCounts.map((c) => c / T),
        free.outputCounts.map((c) => -c / T),
        this.hebbianNoDecay,
      );
    }
    this.normalize();
    return free ? { ...activity, prediction: free.prediction } : activity;
  }
}

/** Scales each column of a `[rows, cols]` matrix to L2 norm `target` (all-zero columns stay 0). */
function scaleColumnsL2(w: Float32Array, rows: number, cols: number, target: number): void {
  const norms = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) norms[c] += w[r * cols + c] * w[r * cols + c];
  for (let c = 0; c < cols; c++) norms[c] = norms[c] > 0 ? target / Math.sqrt(norms[c]) : 1;
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) w[r * cols + c] *= norms[c];
}
