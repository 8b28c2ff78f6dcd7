// src/diehl-cook/quick-tmp.ts
import { Rng as Rng2 } from "@snn/core";
import { loadMnist } from "@snn/datasets";

// src/random-connections/generate.ts
import { Rng, ValidationError } from "@snn/core";
function defaultConnectionOptions(nE2, nE22 = 0) {
  return { nInput: 784, nE: nE2, nE2: nE22, weightScale: 0.3, maxDelayMs: 10, dtMs: 0.5, excToInh: 10.4, inhToExc: 17 };
}
function projection(nPre, nPost, options, rng2) {
  const weights = new Float64Array(nPre * nPost);
  for (let k = 0; k < weights.length; k++) weights[k] = (rng2.uniform() + 0.01) * options.weightScale;
  const delaySteps = new Uint8Array(nPre * nPost);
  for (let k = 0; k < delaySteps.length; k++) delaySteps[k] = Math.round(rng2.uniform() * options.maxDelayMs / options.dtMs);
  return { nPre, nPost, weights, delaySteps };
}
function generateConnections(options, seed) {
  for (const key of ["nInput", "nE"]) {
    if (!Number.isInteger(options[key]) || options[key] < 1) {
      throw new ValidationError("invalid network size", { field: key, expected: "an integer >= 1", found: String(options[key]) });
    }
  }
  if (!Number.isInteger(options.nE2) || options.nE2 < 0) {
    throw new ValidationError("invalid network size", { field: "nE2", expected: "an integer >= 0", found: String(options.nE2) });
  }
  if (!(options.maxDelayMs >= 0) || Math.round(options.maxDelayMs / options.dtMs) > 127) {
    throw new ValidationError("invalid delay", { field: "maxDelayMs", expected: `a number in [0, ${127 * options.dtMs}] ms`, found: String(options.maxDelayMs) });
  }
  const rng2 = new Rng(seed);
  const inputToExc = projection(options.nInput, options.nE, options, rng2);
  if (options.nE2 === 0) return { inputToExc };
  return { inputToExc, excToExc2: projection(options.nE, options.nE2, options, rng2) };
}

// src/diehl-cook/config.ts
import { ValidationError as ValidationError2 } from "@snn/core";
function check(cond, field, expected, value) {
  if (!cond) throw new ValidationError2("invalid Diehl & Cook setting", { field, expected, found: String(value) });
}
function diehlCookSettings(input = {}) {
  const nE2 = input.nE ?? 400;
  check(Number.isInteger(nE2) && nE2 >= 1, "nE", "an integer >= 1", nE2);
  const nE22 = input.nE2 ?? 0;
  check(Number.isInteger(nE22) && nE22 >= 0, "nE2", "an integer >= 0", nE22);
  const dtMs = input.dtMs ?? 0.5;
  check(Number.isFinite(dtMs) && dtMs > 0 && dtMs <= 1, "dtMs", "a number in (0, 1] ms", dtMs);
  const exampleTimeMs = input.exampleTimeMs ?? 350;
  check(Number.isFinite(exampleTimeMs) && exampleTimeMs >= dtMs, "exampleTimeMs", `a number >= dt (${dtMs} ms)`, exampleTimeMs);
  const restingTimeMs = input.restingTimeMs ?? 150;
  check(Number.isFinite(restingTimeMs) && restingTimeMs >= 0, "restingTimeMs", "a number >= 0", restingTimeMs);
  const inputIntensity = input.inputIntensity ?? 2;
  check(Number.isFinite(inputIntensity) && inputIntensity > 0, "inputIntensity", "a number > 0", inputIntensity);
  const minSpikes = input.minSpikes ?? 5;
  check(Number.isInteger(minSpikes) && minSpikes >= 0, "minSpikes", "an integer >= 0", minSpikes);
  const maxIntensity = input.maxIntensity ?? 64;
  check(Number.isFinite(maxIntensity) && maxIntensity >= inputIntensity, "maxIntensity", `a number >= inputIntensity (${inputIntensity})`, maxIntensity);
  const weightSum = input.weightSum ?? 78;
  check(Number.isFinite(weightSum) && weightSum > 0, "weightSum", "a number > 0", weightSum);
  const weightSum2 = input.weightSum2 ?? 0.1 * nE2;
  check(Number.isFinite(weightSum2) && weightSum2 > 0, "weightSum2", "a number > 0", weightSum2);
  const excToInh = input.excToInh ?? 10.4;
  check(Number.isFinite(excToInh) && excToInh >= 0, "excToInh", "a number >= 0", excToInh);
  const inhToExc = input.inhToExc ?? 17;
  check(Number.isFinite(inhToExc) && inhToExc >= 0, "inhToExc", "a number >= 0", inhToExc);
  return Object.freeze({ nE: nE2, nE2: nE22, dtMs, exampleTimeMs, restingTimeMs, inputIntensity, minSpikes, maxIntensity, weightSum, weightSum2, excToInh, inhToExc });
}

// src/diehl-cook/network.ts
import { DiehlCookStdp, diehlCookStdpParams, normalizeColumns } from "@snn/learning";
import {
  DIEHL_COOK_EXCITATORY,
  DIEHL_COOK_INHIBITORY,
  conductanceLifInitialState,
  conductanceLifParams,
  conductanceLifStepInPlace,
  conductanceLifStepSubset
} from "@snn/neurons";
var DiehlCookLayer = class {
  /** Presynaptic neurons of the learned projection. */
  nPre;
  /** Excitatory (= inhibitory) neurons. */
  n;
  /** Learned weights `[nPre, n]` row-major. */
  weights;
  /** Delays in steps `[nPre, n]`. */
  delaySteps;
  /** Queue slots (max delay + 1). */
  slots;
  /**
   * Future g_e increments, `[2·slots, n]`: a write at step t for delay d goes to slot `t mod slots + d` (no wrap),
   * and step t reads slots `t mod slots` and `t mod slots + slots`.
   */
  queue;
  /** Inhibitory neurons that are not at rest (only these are advanced). */
  inhAwake;
  /** Number of entries in `inhAwake`. */
  inhAwakeCount;
  /** 1 where an inhibitory neuron is in `inhAwake`. */
  inhAwakeFlag;
  /** Queue offset of each synapse: `delay·n + j`. */
  offsets;
  /** Excitatory neuron state. */
  exc;
  /** Inhibitory neuron state. */
  inh;
  /** Spike flags of the current step. */
  excSpikes;
  /** Spike flags of the current step. */
  inhSpikes;
  /** Indices of the excitatory neurons that spiked in the current step. */
  excList;
  /** Number of entries in `excList`. */
  excListCount = 0;
  /** Inhibitory spikes in the current step. */
  inhSpikeCount = 0;
  /** Cumulative excitatory spike counts. */
  counter;
  /** STDP of the projection. */
  stdp;
  constructor(projection2, excParams, inhParams) {
    this.nPre = projection2.nPre;
    this.n = projection2.nPost;
    this.weights = projection2.weights;
    this.delaySteps = projection2.delaySteps;
    let maxDelay = 0;
    for (let k = 0; k < this.delaySteps.length; k++) if (this.delaySteps[k] > maxDelay) maxDelay = this.delaySteps[k];
    this.slots = maxDelay + 1;
    this.queue = new Float64Array(2 * this.slots * this.n);
    this.offsets = new Int32Array(this.delaySteps.length);
    for (let i = 0; i < this.nPre; i++) {
      for (let j = 0; j < this.n; j++) this.offsets[i * this.n + j] = this.delaySteps[i * this.n + j] * this.n + j;
    }
    this.exc = conductanceLifInitialState(this.n, excParams);
    this.inh = conductanceLifInitialState(this.n, inhParams);
    this.excSpikes = new Uint8Array(this.n);
    this.inhSpikes = new Uint8Array(this.n);
    this.excList = new Int32Array(this.n);
    this.counter = new Float64Array(this.n);
    this.inhAwake = Int32Array.from({ length: this.n }, (_, j) => j);
    this.inhAwakeCount = this.n;
    this.inhAwakeFlag = new Uint8Array(this.n).fill(1);
    this.stdp = new DiehlCookStdp(this.nPre, this.n, diehlCookStdpParams());
  }
  /** Marks every inhibitory neuron awake (after a state change from outside). */
  wakeAllInhibitory() {
    for (let j = 0; j < this.n; j++) this.inhAwake[j] = j;
    this.inhAwakeCount = this.n;
    this.inhAwakeFlag.fill(1);
  }
  /**
   * Drops inhibitory neurons that reached rest from the awake list: |v − v_rest| < 1e-9 mV, g_e, g_i < 1e-12 and
   * not refractory; their state is set to exactly v_rest and g = 0 (a fixed point of the update).
   */
  settleInhibitory(restMv) {
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
  /** True when no delayed input is pending. */
  queueEmpty() {
    const q = this.queue;
    for (let k = 0; k < q.length; k++) if (q[k] !== 0) return false;
    return true;
  }
};
function poissonInput(image, intensity, steps, dtMs, rng2) {
  const perStep = new Int32Array(steps + 1);
  const times = [];
  const who = [];
  for (let i = 0; i < image.length; i++) {
    if (image[i] === 0) continue;
    const p = Math.min(1, image[i] / 8 * intensity * dtMs * 1e-3);
    if (p >= 1) {
      for (let s3 = 0; s3 < steps; s3++) {
        times.push(s3);
        who.push(i);
      }
      continue;
    }
    const logq = Math.log1p(-p);
    let s2 = -1;
    for (; ; ) {
      s2 += 1 + Math.floor(Math.log(1 - rng2.uniform()) / logq);
      if (s2 >= steps) break;
      times.push(s2);
      who.push(i);
    }
  }
  for (const s2 of times) perStep[s2 + 1]++;
  for (let s2 = 0; s2 < steps; s2++) perStep[s2 + 1] += perStep[s2];
  const fill = perStep.slice(0, steps);
  const indices = new Int32Array(times.length);
  for (let k = 0; k < times.length; k++) indices[fill[times[k]]++] = who[k];
  return { offsets: perStep, indices };
}
var DiehlCookNetwork = class {
  /** Settings. */
  settings;
  /** Layers (1 or 2). */
  layers;
  /** Excitatory parameters in training mode. */
  excParams;
  /** Excitatory parameters in test mode (θ frozen). */
  excParamsFrozen;
  /** Inhibitory parameters. */
  inhParams;
  /** Global step counter (time = step·Δt). */
  step = 0;
  noInput = new Int32Array(0);
  constructor(settings, projections) {
    this.settings = settings;
    this.excParams = conductanceLifParams(DIEHL_COOK_EXCITATORY, "excitatory");
    this.excParamsFrozen = conductanceLifParams({ ...DIEHL_COOK_EXCITATORY, adaptiveThreshold: false }, "excitatory");
    this.inhParams = conductanceLifParams(DIEHL_COOK_INHIBITORY, "inhibitory");
    this.layers = projections.map((p) => new DiehlCookLayer(p, this.excParams, this.inhParams));
  }
  /** Resets neuron states, delay queues, spike counters and STDP traces to fresh values (weights and θ are kept). */
  resetDynamics(keepTheta = true) {
    for (const layer of this.layers) {
      const theta = layer.exc.theta.slice();
      layer.exc = conductanceLifInitialState(layer.n, this.excParams);
      if (keepTheta) layer.exc.theta.set(theta);
      layer.inh = conductanceLifInitialState(layer.n, this.inhParams);
      layer.queue.fill(0);
      layer.counter.fill(0);
      layer.wakeAllInhibitory();
      layer.stdp.setState({ lastPreMs: new Float64Array(layer.nPre).fill(Number.NEGATIVE_INFINITY), lastPostMs: new Float64Array(layer.n).fill(Number.NEGATIVE_INFINITY) });
    }
  }
  /** Scales every layer's input weight columns to their target sums (78 for layer 1). */
  normalize() {
    this.layers.forEach((layer, k) => {
      normalizeColumns(layer.weights, layer.nPre, layer.n, k === 0 ? this.settings.weightSum : this.settings.weightSum2);
    });
  }
  /**
   * Advances the whole network by one step.
   * @param input - spiking input indices; this step's are `input[inputStart .. inputStart + count)`
   * @param inputStart - first entry of this step in `input`
   * @param count - how many entries
   * @param learn - apply STDP and adapt θ
   */
  advance(input, inputStart, count, learn) {
    const dt = this.settings.dtMs;
    const tMs = this.step * dt;
    const excParams = learn ? this.excParams : this.excParamsFrozen;
    const settle = this.step % 16 === 0;
    for (const layer of this.layers) {
      layer.excListCount = conductanceLifStepInPlace(layer.exc, excParams, dt, layer.excSpikes);
      if (settle) layer.settleInhibitory(this.inhParams.restMv);
      layer.inhSpikeCount = conductanceLifStepSubset(layer.inh, this.inhParams, dt, layer.inhAwake, layer.inhAwakeCount, layer.inhSpikes);
    }
    let pre = input;
    let preStart = inputStart;
    let preCount = count;
    for (const layer of this.layers) {
      const n = layer.n;
      const half = layer.slots * n;
      const base = this.step % layer.slots * n;
      const queue = layer.queue;
      const w = layer.weights;
      const offsets = layer.offsets;
      for (let e = 0; e < preCount; e++) {
        const row = pre[preStart + e] * n;
        for (let k = row; k < row + n; k++) queue[base + offsets[k]] += w[k];
      }
      if (learn && preCount > 0) layer.stdp.onPreSpikes(w, preStart === 0 ? pre : pre.subarray(preStart), preCount, tMs);
      const ge = layer.exc.ge;
      for (let j = 0; j < n; j++) {
        const a = queue[base + j];
        const b = queue[base + half + j];
        if (a !== 0 || b !== 0) {
          ge[j] += a + b;
          queue[base + j] = 0;
          queue[base + half + j] = 0;
        }
      }
      let c2 = 0;
      if (layer.excListCount > 0) {
        const excSpikes = layer.excSpikes;
        const inhGe = layer.inh.ge;
        for (let j = 0; j < n; j++) {
          if (excSpikes[j] !== 0) {
            layer.excList[c2++] = j;
            inhGe[j] += this.settings.excToInh;
            layer.counter[j]++;
            if (layer.inhAwakeFlag[j] === 0) {
              layer.inhAwakeFlag[j] = 1;
              layer.inhAwake[layer.inhAwakeCount++] = j;
            }
          }
        }
        if (learn) layer.stdp.onPostSpikes(w, layer.excList, c2, tMs);
      }
      layer.excListCount = c2;
      if (layer.inhSpikeCount > 0) {
        const k = layer.inhSpikeCount;
        const inhSpikes = layer.inhSpikes;
        const gi = layer.exc.gi;
        const w17 = this.settings.inhToExc;
        for (let j = 0; j < n; j++) gi[j] += w17 * (k - inhSpikes[j]);
      }
      pre = layer.excList;
      preStart = 0;
      preCount = c2;
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
  rest(steps, learn) {
    let s2 = 0;
    while (s2 < steps) {
      if (s2 % 8 === 0 && this.quiet()) break;
      this.advance(this.noInput, 0, 0, learn);
      s2++;
    }
    const m = steps - s2;
    if (m === 0) return;
    const excParams = learn ? this.excParams : this.excParamsFrozen;
    for (const layer of this.layers) {
      this.jump(layer.exc, excParams, m);
      this.jump(layer.inh, this.inhParams, m);
    }
    this.step += m;
  }
  /** True when the rest can be finished in closed form (see {@link DiehlCookNetwork.rest}). */
  quiet() {
    for (const layer of this.layers) {
      if (!layer.queueEmpty()) return false;
      for (const [st, p] of [
        [layer.exc, this.excParams],
        [layer.inh, this.inhParams]
      ]) {
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
  jump(st, p, m) {
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
   */
  present(image, rng2, learn) {
    const s2 = this.settings;
    const inputSteps = Math.round(s2.exampleTimeMs / s2.dtMs);
    const restSteps = Math.round(s2.restingTimeMs / s2.dtMs);
    let intensity = s2.inputIntensity;
    let presentations = 0;
    for (; ; ) {
      presentations++;
      if (learn) this.normalize();
      const spikes2 = poissonInput(image, intensity, inputSteps, s2.dtMs, rng2);
      for (let t = 0; t < inputSteps; t++) {
        const a = spikes2.offsets[t];
        this.advance(spikes2.indices, a, spikes2.offsets[t + 1] - a, learn);
      }
      const counts = this.layers.map((l) => l.counter.slice());
      for (const l of this.layers) l.counter.fill(0);
      let total = 0;
      for (const v of counts[0]) total += v;
      this.rest(restSteps, learn);
      if (total < s2.minSpikes && intensity + 1 <= s2.maxIntensity) {
        intensity += 1;
        continue;
      }
      return { counts: counts[0], ...counts[1] ? { counts2: counts[1] } : {}, intensity, presentations };
    }
  }
};

// src/diehl-cook/quick-tmp.ts
var nE = Number(process.argv[2] ?? 400);
var N = Number(process.argv[3] ?? 100);
var train = loadMnist({ split: "train" });
var s = diehlCookSettings({ nE });
var c = generateConnections(defaultConnectionOptions(nE), 1);
var net = new DiehlCookNetwork(s, [c.inputToExc]);
var rng = new Rng2(2);
var spikes = 0;
var pres = 0;
for (let k = 0; k < 20; k++) net.present(train.images.subarray(k * 784, (k + 1) * 784), rng, true);
var t0 = performance.now();
var c0 = process.cpuUsage();
for (let k = 20; k < 20 + N; k++) {
  const r = net.present(train.images.subarray(k * 784, (k + 1) * 784), rng, true);
  spikes += r.counts.reduce((a, b) => a + b, 0);
  pres += r.presentations;
}
var ms = (performance.now() - t0) / N;
var cu = process.cpuUsage(c0);
console.log("cpu ms/example", ((cu.user + cu.system) / 1e3 / N).toFixed(2));
console.log(`nE=${nE} ${ms.toFixed(2)} ms/example, spikes/example ${(spikes / N).toFixed(1)}, presentations/example ${(pres / N).toFixed(2)}`);
