// Throughput of the MNIST CNN baseline (conv32-BN-pool-conv64-BN-pool-512-10): training images/s on the
// js path (im2col + WebAssembly-SIMD GEMM, forward and backward, Adam step), and forward (evaluation)
// images/s on every backend that works here: js, and gpu.js cpu / webasm (conv2d + dense forward kernels).
//
//   node bench/cnn-mnist.mjs [--train-batches 20] [--batch 64] [--forward-images 512] [--backends js,cpu,webasm] [--seed 0]
//
// The first two training batches and one forward pass per backend are warm-up (JIT, kernel compilation) and
// are not timed. Prints one JSON line per measurement.
import { createBackend, Rng } from '@snn/core';
import { Adam, softmaxCrossEntropy } from '@snn/learning';
import { loadMnist } from '../../datasets/dist/index.js';
import { createCnn, pixelsToUnit } from '../dist/index.js';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const trainBatches = Number(option('train-batches', '20'));
const batch = Number(option('batch', '64'));
const forwardImages = Number(option('forward-images', '512'));
const backends = option('backends', 'js,cpu,webasm').split(',');
const seed = Number(option('seed', '0'));

const train = loadMnist({ split: 'train' });
const needed = (trainBatches + 2) * batch;
const images = pixelsToUnit(train.images.subarray(0, Math.max(needed, forwardImages) * 784));
const labels = train.labels;

{
  const cnn = createCnn({ rng: new Rng(seed) });
  const optimizer = new Adam(cnn.parameters(), { lr: 1e-3 });
  const rng = new Rng(seed + 1);
  const grad = new Float32Array(batch * 10);
  let seconds = 0;
  for (let k = 0; k < trainBatches + 2; k++) {
    const x = images.subarray(k * batch * 784, (k + 1) * batch * 784);
    const y = labels.subarray(k * batch, (k + 1) * batch);
    const t = performance.now();
    optimizer.zeroGrad();
    const logits = await cnn.forward(x, batch, { training: true, rng });
    softmaxCrossEntropy(logits, y, batch, 10, grad);
    cnn.backward(grad);
    optimizer.step();
    if (k >= 2) seconds += (performance.now() - t) / 1000;
  }
  const perSecond = (trainBatches * batch) / seconds;
  console.log(
    JSON.stringify({
      measure: 'train',
      backend: 'js',
      batch,
      images: trainBatches * batch,
      seconds: Number(seconds.toFixed(2)),
      imagesPerSecond: Math.round(perSecond),
      gflopsPerSecond: Number(((3 * cnn.flopsPerExample * perSecond) / 1e9).toFixed(2)),
      secondsPer55000: Math.round(55000 / perSecond),
    }),
  );
}

for (const name of backends) {
  const backend = await createBackend(name);
  const cnn = createCnn({ rng: new Rng(seed), backend: backend.isGpuJs ? backend : undefined });
  const x = images.subarray(0, forwardImages * 784);
  const chunk = Math.min(batch, forwardImages);
  await cnn.forward(x.subarray(0, chunk * 784), chunk); // warm-up: JIT and kernel compilation
  const t = performance.now();
  for (let from = 0; from < forwardImages; from += chunk) {
    const size = Math.min(chunk, forwardImages - from);
    await cnn.forward(x.subarray(from * 784, (from + size) * 784), size);
  }
  const seconds = (performance.now() - t) / 1000;
  console.log(
    JSON.stringify({
      measure: 'forward',
      backend: backend.name,
      kernelClass: backend.kernelClass,
      batch: chunk,
      images: forwardImages,
      seconds: Number(seconds.toFixed(2)),
      imagesPerSecond: Math.round(forwardImages / seconds),
    }),
  );
  await backend.destroy();
}
