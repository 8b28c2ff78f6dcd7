import type { Rng } from '@snn/core';
import { DelayedDiehlCookSynapses, type DiehlCookStdpParams, diehlCookStdpParams, normalizeColumnsWithSums, normalizeSelectedColumns } from '@snn/learning';
import {
  type ConductanceLifParams,
  type ConductanceLifState,
  DIEHL_COOK_EXCITATORY,
  DIEHL_COOK_INHIBITORY,
  conductanceLifInitialState,
  conductanceLifParams,
  conductanceLifStepInPlace,
  conductanceLifStepSubset,
} from '@snn/neurons';
import type { Projection } from '../random-connections/generate.js';
import type { DiehlCookSettings } from './config.js';

/** One excitatory + inhibitory layer with its learned, delayed input projection. */
export class DiehlCookLayer {
  /** Presynaptic neurons of the learned projection. */
  readonly nPre: number;
  /** Excitatory (= inhibitory) neurons. */
  readonly n: number;
  /** Learned weights `[nPre, n]` row-major. */
  readonly weights: Float64Array;
  /** Delays in steps `[nPre, n]`. */
  readonly delaySteps: Uint8Array;
  /** The delayed, plastic input synapses (transmission to g_e and Diehl & Cook STDP at the synapse). */
  readonly synapses: DelayedDiehlCookSynapses;
  /** Inhibitory neurons that are not at rest (only these are advanced). */
  readonly inhAwake: Int32Array;
  /** Number of entries in `inhAwake`. */
  inhAwakeCount: number;
  /** 1 where an inhibitory neuron is in `inhAwake`. */
  readonly inhAwakeFlag: Uint8Array;
  /** Excitatory neuron state. */
  exc: ConductanceLifState;
  /** Inhibitory neuron state. */
  inh: ConductanceLifState;
  /** Spike flags of the current step. */
  readonly excSpikes: Uint8Array;
  /** Spike flags of the current step. */
  readonly inhSpikes: Uint8Array;
  /** Indices of the excitatory neurons that spiked in the current step. */
  readonly excList: Int32Array;
  /** Number of entries in `excList`. */
  excListCount = 0;
  /** Inhibitory spikes in the current step. */
  inhSpikeCount = 0;
  /** Cumulative excitatory spike counts. */
  readonly counter: Float64Array;
  /** Column sums of `weights`, kept up to date by the STDP rule after the first normalisation (null before). */
  colSums: Float64Array | null = null;
  /** Scratch: the columns STDP changed since the last normalisation. */
  readonly changedColumns: Int32Array;

  constructor(projection: Projection, excParams: ConductanceLifParams, inhParams: ConductanceLifParams, dtMs: number, stdp: DiehlCookStdpParams = diehlCookStdpParams()) {
    this.nPre = projection.nPre;
    this.n = projection.nPost;
    this.weights = projection.weights;
    this.delaySteps = projection.delaySteps;
    // 'emission': the weight at the emission enters a ring of future g_e increments, as Brian 1's DelayConnection in
    // the authors' code; one sequential pass over the input's weight row per input spike.
    this.synapses = new DelayedDiehlCookSynapses(this.nPre, this.n, this.weights, this.delaySteps, dtMs, stdp, 'emission');
    this.exc = conductanceLifInitialState(this.n, excParams);
    this.inh = conductanceLifInitialState(this.n, inhParams);
    this.excSpikes = new Uint8Array(this.n);
    this.inhSpikes = new Uint8Array(this.n);
    this.excList = new Int32Array(this.n);
    this.counter = new Float64Array(this.n);
    this.changedColumns = new Int32Array(this.n);
    this.inhAwake = Int32Array.from({ length: this.n }, (_, j) => j);
    this.inhAwakeCount = this.n;
    this.inhAwakeFlag = new Uint8Array(this.n).fill(1);
  }

  /** Starts keeping `sums` (the current column sums) up to date through the STDP rule. */
  trackSums(sums: Float64Array): void {
    this.colSums = sums;
    this.synapses.trackColumnSums(sums);
  }

  /** Marks every inhibitory neuron awake (after a state change from outside). */
  wakeAllInhibitory(): void {
    for (let j = 0; j < this.n; j++) this.inhAwake[j] = j;
    this.inhAwakeCount = this.n;
    this.inhAwakeFlag.fill(1);
  }

  /**
   * Drops inhibitory neurons that reached rest from the awake list: |v − v_rest| < 1e-9 mV, g_e, g_i < 1e-12 and
   * not refractory; their state is set to exactly v_rest and g = 0 (a fixed point of the update).
   */
  settleInhibitory(restMv: number): void {
    const { v, ge, gi, refractoryLeftMs } = this.inh;
    let k = 0;
    for (let e = 0; e < this.inhAwakeCount; e++) {
      const j = this.inhAwake[e];
      if (ge[j] < 1e-12 && gi[j] < 1e-12 && refractoryLeftMs[j] === 0 && Math.abs(v[j] - restMv) < 1e-9) {
        v[j] = restMv;
        ge[j] = 0;
        gi[j] = 0;
        this.inhAwakeFlag[j] = 0;
        this.inhSpikes[j] = 0;
      } else {
        this.inhAwake[k++] = j;
      }
    }
    this.inhAwakeCount = k;
  }
}

/** Input spikes of one presentation as CSR by step: spikes of step s are `indices[offsets[s] .. offsets[s+1])`. */
export interface InputSpikes {
  /** Length steps + 1. */
  readonly offsets: Int32Array;
  /** Spiking input indices. */
  readonly indices: Int32Array;
}

/**
 * Poisson input spikes of one image for `steps` steps, drawn sparsely: per pixel, the gaps between spikes are
 * geometric with p = rate·Δt (the same distribution as a Bernoulli draw per step, as Brian's PoissonGroup).
 *
 * @param image - pixels 0..255
 * @param intensity - rate = pixel/8·intensity Hz
 * @param steps - number of steps
 * @param dtMs - step, ms
 * @param rng - seeded generator
 */
export function poissonInput(image: ArrayLike<number>, intensity: number, steps: number, dtMs: number, rng: Rng): InputSpikes {
  const perStep = new Int32Array(steps + 1);
  const times: number[] = [];
  const who: number[] = [];
  for (let i = 0; i < image.length; i++) {
    if (image[i] === 0) continue;
    const p = Math.min(1, (image[i] / 8) * intensity * dtMs * 1e-3);
    if (p >= 1) {
      for (let s = 0; s < steps; s++) {
        times.push(s);
        who.push(i);
      }
      continue;
    }
    const logq = Math.log1p(-p);
    let s = -1;
    for (;;) {
      s += 1 + Math.floor(Math.log(1 - rng.uniform()) / logq);
      if (s >= steps) break;
      times.push(s);
      who.push(i);
    }
  }
  for (const s of times) perStep[s + 1]++;
  for (let s = 0; s < steps; s++) perStep[s + 1] += perStep[s];
  const fill = perStep.slice(0, steps);
  const indices = new Int32Array(times.length);
  // Pixels were visited in ascending order, so each step's list is ascending.
  for (let k = 0; k < times.length; k++) indices[fill[times[k]]++] = who[k];
  return { offsets: perStep, indices };
}

/**
 * The STDP parameters of layer `k` (0 = input → layer 1). Layer 2 learns by the same rule on weights in
 * [0, weightMax2]: its bound and both rates are layer 1's times weightMax2, i.e. layer 1's rule on weights measured in
 * units of weightMax2 (a layer-1 neuron fires a few spikes per example where an input pixel fires a few hundred, so
 * each of its synapses must carry more conductance).
 */
export function layerStdpParams(settings: DiehlCookSettings, k: number): DiehlCookStdpParams {
  const base = diehlCookStdpParams({ preUpdate: settings.preUpdate, rule: settings.stdpRule, nuPost: settings.nuPost });
  if (k === 0) return base;
  const scale = settings.weightMax2;
  return diehlCookStdpParams({ preUpdate: base.preUpdate, rule: base.rule, nuPost: base.nuPost * scale, nuPre: base.nuPre * scale, wMax: base.wMax * scale });
}

/** What one presentation of an example produced. */
export interface ExampleResult {
  /** Layer-1 excitatory spike counts (since the last snapshot, as the original code counts). */
  readonly counts: Float64Array;
  /** Layer-2 spike counts, when there is a second layer. */
  readonly counts2?: Float64Array;
  /** Intensity of the accepted presentation. */
  readonly intensity: number;
  /** Presentations needed (1 + repeats). */
  readonly presentations: number;
  /** Synaptic operations of the example, all presentations and rests included (see {@link DiehlCookNetwork.synOps}). */
  readonly synOps: number;
}

/**
 * The Diehl & Cook (2015) network: Poisson input → excitatory conductance-LIF layer with adaptive threshold,
 * one-to-one excitation of an inhibitory layer that inhibits all other excitatory neurons, STDP on the delayed
 * input weights, per-example weight normalisation; optionally a second layer of the same kind fed by layer 1.
 *
 * @remarks
 * Event-driven simulation: input spikes are drawn sparsely, each touches only its weight row (written into a ring
 * of future conductance increments, one slot per delay step, as Brian 1's `DelayConnection`) and the depression of
 * its synapses onto recently active neurons; a post spike touches its STDP column; traces are evaluated lazily.
 */
export class DiehlCookNetwork {
  /** Settings. */
  readonly settings: DiehlCookSettings;
  /** Layers (1 or 2). */
  readonly layers: DiehlCookLayer[];
  /** Excitatory parameters in training mode. */
  readonly excParams: ConductanceLifParams;
  /** Excitatory parameters in test mode (θ frozen). */
  readonly excParamsFrozen: ConductanceLifParams;
  /** Inhibitory parameters. */
  readonly inhParams: ConductanceLifParams;
  /** Global step counter (time = step·Δt). */
  step = 0;
  /**
   * Synaptic operations (spike-driven accumulates) since the network was made, the SynOps of the other commands
   * (`Σ spikes · fan-out`, energy = SynOps × 0.9 pJ): per layer, each presynaptic spike (input or layer-1) adds its
   * weight into the layer's n excitatory neurons, each excitatory spike excites its one inhibitory neuron, and each
   * inhibitory spike inhibits the n − 1 other excitatory neurons: `n·pre + exc + (n − 1)·inh`.
   */
  synOps = 0;
  private readonly noInput: Int32Array = new Int32Array(0);

  constructor(settings: DiehlCookSettings, projections: readonly Projection[]) {
    this.settings = settings;
    const exc = { ...DIEHL_COOK_EXCITATORY, timerRate: settings.timerRate, thetaPlusMv: settings.thetaPlusMv, tauThetaMs: settings.tauThetaMs };
    this.excParams = conductanceLifParams(exc, 'excitatory');
    this.excParamsFrozen = conductanceLifParams({ ...exc, adaptiveThreshold: false }, 'excitatory');
    this.inhParams = conductanceLifParams(DIEHL_COOK_INHIBITORY, 'inhibitory');
    this.layers = projections.map((p, k) => new DiehlCookLayer(p, this.excParams, this.inhParams, settings.dtMs, layerStdpParams(settings, k)));
  }

  /** Resets neuron states, delay queues, spike counters and STDP traces to fresh values (weights and θ are kept). */
  resetDynamics(keepTheta = true): void {
    for (const layer of this.layers) {
      const theta = layer.exc.theta.slice();
      layer.exc = conductanceLifInitialState(layer.n, this.excParams);
      if (keepTheta) layer.exc.theta.set(theta);
      layer.inh = conductanceLifInitialState(layer.n, this.inhParams);
      layer.counter.fill(0);
      layer.wakeAllInhibitory();
      layer.synapses.reset();
    }
  }

  /**
   * Scales every layer's input weight columns to their target sums (78 for layer 1). The column sums are tracked
   * through the STDP updates, so after the first (full) normalisation only the columns STDP changed since the
   * previous one are rescaled (the others still sum to the target).
   */
  normalize(): void {
    this.layers.forEach((layer, k) => {
      const target = k === 0 ? this.settings.weightSum : this.settings.weightSum2;
      if (!layer.colSums) {
        const sums = new Float64Array(layer.n);
        const w = layer.weights;
        for (let i = 0; i < layer.nPre; i++) for (let j = 0; j < layer.n; j++) sums[j] += w[i * layer.n + j];
        layer.trackSums(sums);
        normalizeColumnsWithSums(layer.weights, layer.nPre, layer.n, target, sums);
        return;
      }
      const count = layer.synapses.takeChangedColumns(layer.changedColumns);
      normalizeSelectedColumns(layer.weights, layer.nPre, layer.n, target, layer.colSums, layer.changedColumns, count);
    });
  }

  /**
   * Advances the whole network by one step.
   * @param input - spiking input indices; this step's are `input[inputStart .. inputStart + count)`
   * @param inputStart - first entry of this step in `input`
   * @param count - how many entries
   * @param learn - apply STDP and adapt θ
   */
  advance(input: Int32Array, inputStart: number, count: number, learn: boolean): void {
    const dt = this.settings.dtMs;
    const step = this.step;
    const excParams = learn ? this.excParams : this.excParamsFrozen;
    const settle = step % 16 === 0;
    for (const layer of this.layers) {
      layer.excListCount = conductanceLifStepInPlace(layer.exc, excParams, dt, layer.excSpikes);
      if (settle) layer.settleInhibitory(this.inhParams.restMv);
      layer.inhSpikeCount = conductanceLifStepSubset(layer.inh, this.inhParams, dt, layer.inhAwake, layer.inhAwakeCount, layer.inhSpikes);
    }
    let pre: Int32Array = input;
    let preStart = inputStart;
    let preCount = count;
    for (const layer of this.layers) {
      const n = layer.n;
      // 1. Pre spikes of this step enter the delay lines; spikes reaching their synapses now are delivered to g_e
      //    (with STDP depression at the synapse).
      layer.synapses.emit(pre, preStart, preCount, step);
      this.synOps += preCount * n;
      layer.synapses.deliver(step, layer.exc.ge, learn);
      // 2. Excitatory spikes: one-to-one excitation of the inhibitory layer, counts, STDP potentiation.
      let c = 0;
      if (layer.excListCount > 0) {
        const excSpikes = layer.excSpikes;
        const inhGe = layer.inh.ge;
        for (let j = 0; j < n; j++) {
          if (excSpikes[j] !== 0) {
            layer.excList[c++] = j;
            inhGe[j] += this.settings.excToInh;
            layer.counter[j]++;
            if (layer.inhAwakeFlag[j] === 0) {
              layer.inhAwakeFlag[j] = 1;
              layer.inhAwake[layer.inhAwakeCount++] = j;
            }
          }
        }
        if (learn) layer.synapses.onPostSpikes(layer.excList, c, step);
      }
      layer.excListCount = c;
      this.synOps += c + layer.inhSpikeCount * (n - 1);
      // 3. Inhibitory spikes: inhibit every excitatory neuron but the own one.
      if (layer.inhSpikeCount > 0) {
        const k = layer.inhSpikeCount;
        const inhSpikes = layer.inhSpikes;
        const gi = layer.exc.gi;
        const w17 = this.settings.inhToExc;
        for (let j = 0; j < n; j++) gi[j] += w17 * (k - inhSpikes[j]);
      }
      pre = layer.excList;
      preStart = 0;
      preCount = c;
    }
    this.step++;
  }

  /**
   * Runs `steps` steps without input (the rest). Steps one by one until the delay lines are empty, no neuron is
   * refractory and every conductance is below 1e-12; the remaining steps are then applied in closed form
   * (`v − v_rest ← (v − v_rest)·(1 − Δt/τ_mem)^m`, θ decay, timers), which is the same Euler recurrence with the
   * conductances (< 1e-12) left out, provided no neuron can reach threshold (checked; otherwise it keeps stepping).
   * Conductances are 0 afterwards.
   */
  rest(steps: number, learn: boolean): void {
    let s = 0;
    while (s < steps) {
      if (s % 8 === 0 && this.quiet()) break;
      this.advance(this.noInput, 0, 0, learn);
      s++;
    }
    const m = steps - s;
    if (m === 0) return;
    const excParams = learn ? this.excParams : this.excParamsFrozen;
    for (const layer of this.layers) {
      this.jump(layer.exc, excParams, m);
      this.jump(layer.inh, this.inhParams, m);
    }
    this.step += m;
  }

  /** True when the rest can be finished in closed form (see {@link DiehlCookNetwork.rest}). */
  private quiet(): boolean {
    for (const layer of this.layers) {
      if (layer.synapses.inFlight(this.step)) return false;
      for (const [st, p] of [
        [layer.exc, this.excParams],
        [layer.inh, this.inhParams],
      ] as const) {
        const base = p.thresholdMv - p.thetaOffsetMv;
        for (let j = 0; j < layer.n; j++) {
          if (st.ge[j] > 1e-12 || st.gi[j] > 1e-12 || st.refractoryLeftMs[j] > 0) return false;
          const thr = base + st.theta[j];
          if (st.v[j] > thr || p.restMv > thr) return false;
        }
      }
    }
    return true;
  }

  private jump(st: ConductanceLifState, p: ConductanceLifParams, m: number): void {
    const dt = this.settings.dtMs;
    const vFactor = (1 - dt / p.tauMemMs) ** m;
    const thFactor = p.adaptiveThreshold ? (1 - dt / p.tauThetaMs) ** m : 1;
    const timerAdd = m * dt * p.timerRate;
    for (let j = 0; j < st.v.length; j++) {
      st.v[j] = p.restMv + (st.v[j] - p.restMv) * vFactor;
      st.ge[j] = 0;
      st.gi[j] = 0;
      st.theta[j] *= thFactor;
      st.timerMs[j] += timerAdd;
    }
  }

  /**
   * Presents one image as in the original training loop: normalise (when learning), 350 ms of Poisson input,
   * count layer-1 spikes since the last snapshot; with fewer than `minSpikes`, rest, raise the intensity by 1
   * and present again; finally rest 150 ms.
   *
   * @param image - 784 pixels 0..255
   * @param rng - the run's generator (Poisson input)
   * @param learn - training mode (STDP, θ adaptation, normalisation) or test mode (all frozen)
   * @param normalizeFirst - when learning, whether to normalise before the first presentation (default true; the
   *   training loop passes whether the example starts a `normalizeInterval`). Repeats are normalised only when
   *   `normalizeInterval` is 1, as the authors' code.
   */
  present(image: ArrayLike<number>, rng: Rng, learn: boolean, normalizeFirst = true): ExampleResult {
    const s = this.settings;
    const inputSteps = Math.round(s.exampleTimeMs / s.dtMs);
    const restSteps = Math.round(s.restingTimeMs / s.dtMs);
    let intensity = s.inputIntensity;
    let presentations = 0;
    const synOps0 = this.synOps;
    for (;;) {
      presentations++;
      if (learn && (presentations === 1 ? normalizeFirst : s.normalizeInterval === 1)) this.normalize();
      const spikes = poissonInput(image, intensity, inputSteps, s.dtMs, rng);
      for (let t = 0; t < inputSteps; t++) {
        const a = spikes.offsets[t];
        this.advance(spikes.indices, a, spikes.offsets[t + 1] - a, learn);
      }
      // Counts since the last snapshot: spikes of the previous rest are included, as in the original code.
      const counts = this.layers.map((l) => l.counter.slice());
      for (const l of this.layers) l.counter.fill(0);
      let total = 0;
      for (const v of counts[0]) total += v;
      this.rest(restSteps, learn);
      if (total < s.minSpikes && intensity + 1 <= s.maxIntensity) {
        intensity += 1;
        continue;
      }
      return { counts: counts[0], ...(counts[1] ? { counts2: counts[1] } : {}), intensity, presentations, synOps: this.synOps - synOps0 };
    }
  }
}
