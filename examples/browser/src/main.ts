// The demo page: loads the MNIST subset the build packed, trains a small SNN on
// the backend named by `?backend=` (default auto) with live progress, test
// accuracy and a spike raster, then classifies what the user draws.
// `window.snnDemo` mirrors the page's state for the headless-browser test.
import { type Backend, createBackend, Rng } from '@snn/core';
import { parseIdx } from '@snn/datasets';
import { canvasToDigit, SIDE } from './digit.js';
import { encodeImages, gather } from './encode.js';
import { BrowserSnn, DEFAULT_SNN, argmax, softmaxRows } from './snn.js';

/** What the page exposes for tests and the curious. */
interface DemoState {
  state: 'loading' | 'training' | 'done' | 'error';
  backend: string | null;
  reason: string | null;
  kernelClass: string | null;
  epoch: number;
  trainAccuracy: number | null;
  testAccuracy: number | null;
  trainImages: number;
  testImages: number;
  seconds: number | null;
  error: string | null;
  prediction: { label: number; probabilities: number[]; outputSpikes: number } | null;
}

const demo: DemoState = {
  state: 'loading',
  backend: null,
  reason: null,
  kernelClass: null,
  epoch: 0,
  trainAccuracy: null,
  testAccuracy: null,
  trainImages: 0,
  testImages: 0,
  seconds: null,
  error: null,
  prediction: null,
};
(window as unknown as { snnDemo: DemoState }).snnDemo = demo;

const params = new URLSearchParams(location.search);
const request = params.get('backend') ?? 'auto';
const trainCount = Number(params.get('train') ?? 3000);
const testCount = Number(params.get('test') ?? 1000);
const epochs = Number(params.get('epochs') ?? 2);
const BATCH = 32;
const PIXELS = SIDE * SIDE;
const CLASSES = 10;
/** Rate-coded copies of a drawing whose logits are averaged (the code is random). */
const DRAWING_COPIES = 16;

const el = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

async function loadIdx(name: string): Promise<Uint8Array> {
  const response = await fetch(`data/${name}`);
  if (!response.ok) throw new Error(`data/${name}: HTTP ${response.status} (run the build: it packs the MNIST subset)`);
  const idx = parseIdx(new Uint8Array(await response.arrayBuffer()), name);
  return idx.data as Uint8Array;
}

function drawRaster(canvas: HTMLCanvasElement, spikes: Float32Array, steps: number, batch: number, width: number, sample: number, color: string): void {
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const cw = canvas.width / steps;
  const ch = canvas.height / width;
  ctx.fillStyle = color;
  for (let t = 0; t < steps; t++) {
    for (let j = 0; j < width; j++) {
      if (spikes[(t * batch + sample) * width + j] > 0) ctx.fillRect(t * cw + 1, j * ch, Math.max(1, cw - 2), Math.max(1, ch - 1));
    }
  }
}

async function evaluate(snn: BrowserSnn, images: Uint8Array, labels: Uint8Array, count: number, rng: Rng): Promise<number> {
  let correct = 0;
  for (let start = 0; start + BATCH <= count; start += BATCH) {
    const idx = Array.from({ length: BATCH }, (_, k) => start + k);
    const trace = await snn.forward(encodeImages(gather(images, PIXELS, idx), PIXELS, snn.options.steps, rng), BATCH);
    for (let b = 0; b < BATCH; b++) if (argmax(trace.logits, b * CLASSES, CLASSES) === labels[start + b]) correct++;
  }
  return correct / (Math.floor(count / BATCH) * BATCH);
}

async function train(backend: Backend): Promise<BrowserSnn> {
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all([
    loadIdx('train-images.idx'),
    loadIdx('train-labels.idx'),
    loadIdx('test-images.idx'),
    loadIdx('test-labels.idx'),
  ]);
  const nTrain = Math.min(trainCount, trainLabels.length);
  const nTest = Math.min(testCount, testLabels.length);
  demo.trainImages = nTrain;
  demo.testImages = nTest;
  const snn = new BrowserSnn(backend, DEFAULT_SNN);
  const rng = new Rng(7);
  const started = performance.now();
  const batchesPerEpoch = Math.floor(nTrain / BATCH);
  const progress = el<HTMLProgressElement>('progress');
  progress.max = epochs * batchesPerEpoch;
  demo.state = 'training';
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const order = rng.permutation(nTrain);
    let correct = 0;
    let seen = 0;
    let lossSum = 0;
    for (let k = 0; k < batchesPerEpoch; k++) {
      const idx = order.subarray(k * BATCH, (k + 1) * BATCH);
      const labels = Uint8Array.from(idx, (i) => trainLabels[i]);
      const input = encodeImages(gather(trainImages, PIXELS, idx), PIXELS, snn.options.steps, rng);
      const { loss, correct: c, trace } = await snn.trainBatch(input, labels, BATCH);
      correct += c;
      seen += BATCH;
      lossSum += loss;
      progress.value = (epoch - 1) * batchesPerEpoch + k + 1;
      el('status').textContent = `epoch ${epoch}/${epochs}, batch ${k + 1}/${batchesPerEpoch}: loss ${(lossSum / (k + 1)).toFixed(3)}, train accuracy ${((100 * correct) / seen).toFixed(1)}%`;
      drawRaster(el<HTMLCanvasElement>('raster'), trace.spikes[0], snn.options.steps, BATCH, snn.options.sizes[1], 0, '#222');
      if (k % 4 === 3) await new Promise((resolve) => setTimeout(resolve, 0)); // let the page paint
    }
    demo.epoch = epoch;
    demo.trainAccuracy = correct / seen;
    demo.testAccuracy = await evaluate(snn, testImages, testLabels, nTest, new Rng(11));
    el('accuracy').textContent = `test accuracy after epoch ${epoch}: ${(100 * demo.testAccuracy).toFixed(1)}% (${Math.floor(nTest / BATCH) * BATCH} test images)`;
  }
  demo.seconds = (performance.now() - started) / 1000;
  el('status').textContent += ` — trained on ${nTrain} images × ${epochs} epochs in ${demo.seconds.toFixed(1)} s`;
  return snn;
}

async function classify(snn: BrowserSnn, digit: Float32Array): Promise<void> {
  const copies = new Float32Array(DRAWING_COPIES * PIXELS);
  for (let k = 0; k < DRAWING_COPIES; k++) copies.set(digit, k * PIXELS);
  const trace = await snn.forward(encodeImages(copies, PIXELS, snn.options.steps, new Rng(3)), DRAWING_COPIES);
  const mean = new Float32Array(CLASSES);
  for (let k = 0; k < DRAWING_COPIES; k++) for (let c = 0; c < CLASSES; c++) mean[c] += trace.logits[k * CLASSES + c] / DRAWING_COPIES;
  const probabilities = Array.from(softmaxRows(mean, 1, CLASSES));
  const label = argmax(mean, 0, CLASSES);
  const out = trace.spikes[trace.spikes.length - 1];
  let outputSpikes = 0;
  for (let t = 0; t < snn.options.steps; t++) for (let c = 0; c < CLASSES; c++) outputSpikes += out[(t * DRAWING_COPIES) * CLASSES + c];
  demo.prediction = { label, probabilities, outputSpikes };
  el('prediction').textContent = String(label);
  el('probabilities').innerHTML = probabilities
    .map((p, c) => `<div class="bar${c === label ? ' best' : ''}">${c} <span class="fill" style="width:${Math.round(200 * p)}px"></span> ${(100 * p).toFixed(1)}%</div>`)
    .join('');
  drawRaster(el<HTMLCanvasElement>('output-spikes'), out, snn.options.steps, DRAWING_COPIES, CLASSES, 0, '#d8553b');
}

function setUpPad(onDone: (digit: Float32Array) => void): void {
  const pad = el<HTMLCanvasElement>('pad');
  const ctx = pad.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
  ctx.lineWidth = 22;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.strokeStyle = '#fff';
  let drawing = false;
  const at = (e: PointerEvent) => {
    const r = pad.getBoundingClientRect();
    return [((e.clientX - r.left) * pad.width) / r.width, ((e.clientY - r.top) * pad.height) / r.height];
  };
  pad.addEventListener('pointerdown', (e) => {
    drawing = true;
    pad.setPointerCapture(e.pointerId);
    const [x, y] = at(e);
    ctx.beginPath();
    ctx.moveTo(x, y);
    ctx.lineTo(x, y);
    ctx.stroke();
  });
  pad.addEventListener('pointermove', (e) => {
    if (!drawing) return;
    const [x, y] = at(e);
    ctx.lineTo(x, y);
    ctx.stroke();
  });
  pad.addEventListener('pointerup', () => {
    drawing = false;
    const digit = canvasToDigit(pad);
    if (digit) onDone(digit);
  });
  el('clear').addEventListener('click', () => {
    ctx.clearRect(0, 0, pad.width, pad.height);
    demo.prediction = null;
    el('prediction').textContent = '–';
  });
}

async function main(): Promise<void> {
  let backend: Backend;
  try {
    backend = await createBackend(request);
  } catch (error) {
    demo.state = 'error';
    demo.error = error instanceof Error ? error.message : String(error);
    el('backend').textContent = `backend ${request} cannot run here: ${demo.error}`;
    return;
  }
  demo.backend = backend.name;
  demo.reason = backend.reason;
  demo.kernelClass = backend.kernelClass;
  el('backend').textContent = `backend: ${backend.name}${backend.kernelClass ? ` (gpu.js ${backend.kernelClass})` : ''} — ${backend.reason}`;
  let snn: BrowserSnn | null = null;
  setUpPad((digit) => {
    if (snn) void classify(snn, digit);
  });
  snn = await train(backend);
  demo.state = 'done';
}

main().catch((error: unknown) => {
  demo.state = 'error';
  demo.error = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
  el('status').textContent = `error: ${demo.error}`;
});
