import { Rng, tensor } from '@snn/core';
import * as viz from './dist/index.js';
const out = '/tmp/vizout';
const rng = new Rng(3);
const t0 = performance.now();
async function timed(name, p) { const s = performance.now(); const fig = await p; const r = viz.saveFigure(`${out}/${name}`, fig); console.log(name, (performance.now() - s).toFixed(0), 'ms', fig.width, 'x', fig.height, 'svg', fig.svg.length); return fig; }
// raster: 100 steps × 80 neurons, rate coded
const T = 100, N = 80; const s = new Float32Array(T * N);
for (let t = 0; t < T; t++) for (let n = 0; n < N; n++) s[t * N + n] = rng.uniform() < (n / N) * 0.3 ? 1 : 0;
await timed('raster', viz.spikeRaster(tensor(s, [T, N]), { title: 'Input spikes (rate coding)' }));
// membrane: LIF-ish traces
const M = new Float32Array(T * 3); const v = [0, 0, 0]; const I = [0.08, 0.12, 0.2];
for (let t = 0; t < T; t++) for (let n = 0; n < 3; n++) { v[n] = 0.9 * v[n] + I[n] + 0.05 * rng.normal(); if (v[n] > 1) v[n] = 0; M[t * 3 + n] = v[n]; }
await timed('membrane', viz.membraneTraces(tensor(M, [T, 3]), { threshold: 1, dtMs: 1 }));
const hist = Array.from({ length: 10 }, (_, i) => ({ epoch: i + 1, trainLoss: 1.5 * Math.exp(-i / 3) + 0.1, testLoss: 1.6 * Math.exp(-i / 3) + 0.15, trainAcc: 0.98 - 0.5 * Math.exp(-i / 2), testAcc: 0.97 - 0.5 * Math.exp(-i / 2), lr: 1e-3 * 0.5 ** Math.floor(i / 4) }));
await timed('training', viz.trainingCurves(hist));
const cm = new Int32Array(100); for (let y = 0; y < 10; y++) for (let p = 0; p < 10; p++) cm[y * 10 + p] = y === p ? 90 + y : rng.int(5);
await timed('confusion', viz.confusionMatrixFigure(cm, 10));
// digits-like: 16 images 28x28 blobs
const imgs = new Float32Array(16 * 784);
for (let k = 0; k < 16; k++) for (let r = 0; r < 28; r++) for (let c = 0; c < 28; c++) { const d = Math.hypot(r - 14, c - 14); const ring = Math.exp(-((d - 4 - k * 0.4) ** 2) / 3); imgs[k * 784 + r * 28 + c] = ring > 0.05 ? ring : 0; }
await timed('digits', viz.imageGrid(tensor(imgs, [16, 28, 28]), { rows: 4, cols: 4, titles: Array.from({ length: 16 }, (_, k) => `digit ${k}`) }));
// receptive fields: dense random 100 × 784
const w = new Float32Array(100 * 784); for (let i = 0; i < w.length; i++) w[i] = rng.normal();
await timed('fields', viz.imageGrid(tensor(w, [100, 784]), { rows: 10, cols: 10, width: 28, height: 28, normalize: 'per-image', pixelSize: 2 }));
console.log('total', (performance.now() - t0).toFixed(0));
