import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Backend, createBackend, Rng } from '@snn/core';
import { Adam, softmaxCrossEntropy } from '@snn/learning';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// gpu.js kernels compile fn.toString(): the backend comparison uses the built package.
import { createCnn as createCnnFromDist } from '../../dist/index.js';
import { batchNormBackward, batchNormForward } from '../batch-norm/batch-norm.js';
import { conv2dBackwardReference, conv2dForwardReference } from '../conv2d/reference.js';
import { dropoutBackward, dropoutForward, reluBackward, reluForward } from '../elementwise/elementwise.js';
import { maxPool2dBackward, maxPool2dForward } from '../max-pool/max-pool.js';
import { loadBaseline, saveBaseline } from '../train/checkpoint.js';
import { evaluateBaseline, trainBaselineEpoch } from '../train/train.js';
import { type Cnn, createCnn } from './cnn.js';

/**
 * The CNN composed from the float64 reference layers (a dense layer is a 1×1 convolution of a 1×1 image):
 * mean softmax cross-entropy and every parameter's gradient, in the order of `Cnn.parameters()`.
 * Batch norm in training mode with fresh running statistics; dropout masks from `new Rng(77)`.
 */
function referenceCnn(values: Float64Array[], x: Float64Array, labels: number[], dropout: number): { loss: number; grads: Float64Array[] } {
  const [w1, b1, g1, be1, w2, b2, g2, be2, wf1, bf1, wf2, bf2] = values;
  const batch = labels.length;
  const grads = values.map((v) => new Float64Array(v.length));
  const stages = [
    { w: w1, b: b1, gamma: g1, beta: be1, cin: 1, cout: g1.length, size: 14, k: 0 },
    { w: w2, b: b2, gamma: g2, beta: be2, cin: g1.length, cout: g2.length, size: 6, k: 4 },
  ];
  const caches = [];
  let h = x;
  for (const s of stages) {
    const shape = { batch, inChannels: s.cin, height: s.size, width: s.size, outChannels: s.cout, kernelSize: 3 };
    const z = conv2dForwardReference(h, s.w, s.b, shape);
    const conv = s.size - 2;
    const bnShape = { batch, channels: s.cout, spatial: conv * conv };
    const bn = batchNormForward(z, s.gamma, s.beta, new Float64Array(s.cout), new Float64Array(s.cout).fill(1), bnShape, { training: true });
    const r = reluForward(bn.y);
    const pool = maxPool2dForward(r, { batch, channels: s.cout, height: conv, width: conv });
    caches.push({ x: h, shape, bnShape, bn: bn.cache, r, argmax: pool.argmax, convLength: z.length });
    h = pool.y;
  }
  const features = h.length / batch;
  const hidden = bf1.length;
  const classes = bf2.length;
  const dense = (inputs: number, outputs: number) => ({ batch, inChannels: inputs, height: 1, width: 1, outChannels: outputs, kernelSize: 1 });
  const z1 = conv2dForwardReference(h, wf1, bf1, dense(features, hidden));
  const a1 = reluForward(z1);
  const drop = dropoutForward(a1, dropout, new Rng(77));
  const logits = conv2dForwardReference(drop.y, wf2, bf2, dense(hidden, classes));
  let loss = 0;
  const gLogits = new Float64Array(logits.length);
  for (let n = 0; n < batch; n++) {
    const row = logits.subarray(n * classes, (n + 1) * classes);
    const max = Math.max(...row);
    const sum = row.reduce((s, v) => s + Math.exp(v - max), 0);
    loss += (Math.log(sum) + max - row[labels[n]]) / batch;
    for (let c = 0; c < classes; c++) gLogits[n * classes + c] = (Math.exp(row[c] - max) / sum - (c === labels[n] ? 1 : 0)) / batch;
  }
  const gDrop = new Float64Array(drop.y.length);
  conv2dBackwardReference(drop.y, wf2, gLogits, dense(hidden, classes), grads[10], grads[11], gDrop);
  const gz1 = reluBackward(dropoutBackward(gDrop, drop.mask), a1);
  let g = new Float64Array(h.length);
  conv2dBackwardReference(h, wf1, gz1, dense(features, hidden), grads[8], grads[9], g);
  for (let i = 1; i >= 0; i--) {
    const c = caches[i];
    const s = stages[i];
    const gBn = reluBackward(maxPool2dBackward(g, c.argmax, c.convLength), c.r);
    const gz = batchNormBackward(gBn, c.bn, s.gamma, c.bnShape, grads[s.k + 2], grads[s.k + 3]);
    const gx = new Float64Array(c.x.length);
    conv2dBackwardReference(c.x, s.w, gz, c.shape, grads[s.k], grads[s.k + 1], gx);
    g = gx;
  }
  return { loss, grads };
}

/** A small CNN: 10×10 images, 2 and 3 filters, 8 hidden units, 3 classes. */
function tinyCnn(seed: number, dropout = 0.2): Cnn {
  return createCnn({ rng: new Rng(seed), imageSize: 10, channels: [2, 3], hidden: 8, classes: 3, dropout });
}

describe('createCnn', () => {
  it('the seed MNIST CNN: layers, parameter, MAC and FLOP counts', () => {
    const cnn = createCnn({ rng: new Rng(0) });
    expect(cnn.layerSummaries().map((l) => [l.name, l.kind, l.outputShape.join('×'), l.parameters, l.macs, l.flops - 2 * l.macs])).toEqual([
      ['conv1', 'conv2d', '32×26×26', 320, 194688, 21632], // 26·26·32·1·9 MACs; 26·26·32 bias additions
      ['bn1', 'batchNorm', '32×26×26', 64, 0, 0],
      ['relu1', 'relu', '32×26×26', 0, 0, 0],
      ['pool1', 'maxPool', '32×13×13', 0, 0, 0],
      ['conv2', 'conv2d', '64×11×11', 18496, 2230272, 7744], // 11·11·64·32·9 MACs
      ['bn2', 'batchNorm', '64×11×11', 128, 0, 0],
      ['relu2', 'relu', '64×11×11', 0, 0, 0],
      ['pool2', 'maxPool', '64×5×5', 0, 0, 0],
      ['flatten', 'flatten', '1600', 0, 0, 0],
      ['fc1', 'dense', '512', 819712, 819200, 512],
      ['relu3', 'relu', '512', 0, 0, 0],
      ['dropout', 'dropout', '512', 0, 0, 0],
      ['fc2', 'dense', '10', 5130, 5120, 10],
    ]);
    expect(cnn.parameterCount).toBe(843850);
    expect(cnn.parameters().reduce((s, p) => s + p.value.length, 0)).toBe(843850);
    expect(cnn.macsPerExample).toBe(3249280);
    // 2·MACs + bias additions 32·26·26 + 64·11·11 + 512 + 10
    expect(cnn.flopsPerExample).toBe(2 * 3249280 + 21632 + 7744 + 522);
    expect(cnn.parameters().map((p) => p.name)).toEqual([
      'conv1.weight', 'conv1.bias', 'bn1.weight', 'bn1.bias', 'conv2.weight', 'conv2.bias', 'bn2.weight', 'bn2.bias',
      'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias',
    ]);
    expect(Object.keys(cnn.stateTensors())).toContain('bn2.running_var');
    expect(cnn.stateTensors()['conv2.weight'].shape).toEqual([64, 32, 3, 3]);
  });

  it('initialises as PyTorch (U(±1/√fan_in), γ = 1, β = 0) and deterministically per seed', () => {
    const a = createCnn({ rng: new Rng(3) });
    const b = createCnn({ rng: new Rng(3) });
    expect(Array.from(a.fc1.weight.value.subarray(0, 50))).toEqual(Array.from(b.fc1.weight.value.subarray(0, 50)));
    const conv2 = a.parameters()[4].value;
    const bound = 1 / Math.sqrt(32 * 9);
    expect(Math.max(...conv2.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...conv2.map(Math.abs))).toBeGreaterThan(0.99 * bound);
    expect(Array.from(a.parameters()[2].value).every((v) => v === 1)).toBe(true);
    expect(Array.from(a.parameters()[3].value).every((v) => v === 0)).toBe(true);
  });

  it('rejects bad options', () => {
    const rng = new Rng(0);
    expect(() => createCnn({ rng, dropout: 1 })).toThrow('field createCnn.dropout: invalid option; expected a number in [0, 1), found 1');
    expect(() => createCnn({ rng, channels: [32, 0] as unknown as [number, number] })).toThrow(
      'field createCnn.channels: invalid option; expected two positive integers, found [32, 0]',
    );
    expect(() => createCnn({ rng, imageSize: 8 })).toThrow('field createCnn.imageSize: invalid option; expected an integer large enough for two conv 3×3 + pool 2 stages, found 8');
    expect(() => createCnn({ rng: undefined as unknown as Rng })).toThrow('field createCnn.rng: invalid option; expected an Rng from @snn/core, found undefined');
  });
});

describe('Cnn forward/backward', () => {
  it('gradients equal those of the float64 reference layers, whose composition matches float64 central differences', async () => {
    const cnn = createCnn({ rng: new Rng(5), imageSize: 14, channels: [3, 4], hidden: 10, classes: 3, dropout: 0.25 });
    const rng = new Rng(6);
    const labels = [0, 2, 1, 2, 0, 1];
    const batch = labels.length;
    const x32 = Float32Array.from({ length: batch * 196 }, () => rng.uniform());
    const g = new Float32Array(batch * 3);
    const logits = await cnn.forward(x32, batch, { training: true, rng: new Rng(77) });
    softmaxCrossEntropy(logits, labels, batch, 3, g);
    for (const p of cnn.parameters()) p.grad.fill(0);
    cnn.backward(g);
    const values = cnn.parameters().map((p) => Float64Array.from(p.value));
    const x = Float64Array.from(x32);
    const ref = referenceCnn(values, x, labels, 0.25);
    expect(ref.loss).toBeCloseTo(softmaxCrossEntropy(logits, labels, batch, 3), 5);
    // 1. The fast path's gradients are the reference layers' chained gradients up to float32 rounding.
    cnn.parameters().forEach((p, k) => {
      for (let i = 0; i < p.grad.length; i++) expect(Math.abs(p.grad[i] - ref.grads[k][i]), `${p.name}[${i}]`).toBeLessThan(1e-4);
    });
    // 2. The chained reference gradients match float64 central differences (h = 1e-6: far from ReLU/max kinks).
    let checked = 0;
    for (let k = 0; k < values.length; k++) {
      const v = values[k];
      for (let i = 0; i < v.length; i += Math.max(1, Math.floor(v.length / 5))) {
        const keep = v[i];
        v[i] = keep + 1e-6;
        const up = referenceCnn(values, x, labels, 0.25).loss;
        v[i] = keep - 1e-6;
        const down = referenceCnn(values, x, labels, 0.25).loss;
        v[i] = keep;
        expect(Math.abs(ref.grads[k][i] - (up - down) / 2e-6), `${cnn.parameters()[k].name}[${i}]`).toBeLessThan(1e-6);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('evaluation uses running statistics, no dropout, and is repeatable; large batches are chunked', async () => {
    const cnn = tinyCnn(1, 0.5);
    const rng = new Rng(2);
    const x = Float32Array.from({ length: 300 * 100 }, () => rng.uniform());
    const a = await cnn.forward(x, 300);
    const b = await cnn.forward(x, 300);
    expect(Array.from(a)).toEqual(Array.from(b));
    // chunked evaluation of 300 examples equals example-by-example evaluation
    const single = await cnn.forward(x.subarray(250 * 100, 251 * 100), 1);
    for (let c = 0; c < 3; c++) expect(a[250 * 3 + c]).toBeCloseTo(single[c], 5);
    // a training pass moves the running statistics, so evaluation changes
    await cnn.forward(x.subarray(0, 10 * 100), 10, { training: true, rng });
    const after = await cnn.forward(x, 300);
    expect(Array.from(after)).not.toEqual(Array.from(a));
  });

  it('reports misuse with clear errors', async () => {
    const cnn = tinyCnn(1);
    await expect(cnn.forward(new Float32Array(7), 1)).rejects.toThrow('field Cnn.forward.x: input length does not match batch × inputs; expected 100 (1 × 100), found 7');
    await expect(cnn.forward(new Float32Array(100), 1, { training: true })).rejects.toThrow(
      'field Cnn.forward.rng: training with dropout needs a generator; expected an Rng, found undefined',
    );
    expect(() => cnn.backward(new Float32Array(3))).toThrow('field Cnn.backward: backward needs a training-mode forward pass first');
  });

  it('learns a small problem, deterministically per seed; saves and loads through a checkpoint', async () => {
    // Class c: a bright 3×3 square in one of three places of a noisy 10×10 image.
    const data = (n: number, seed: number) => {
      const rng = new Rng(seed);
      const images = new Float32Array(n * 100);
      const labels = new Uint8Array(n);
      for (let e = 0; e < n; e++) {
        const c = e % 3;
        labels[e] = c;
        for (let i = 0; i < 100; i++) images[e * 100 + i] = 0.3 * rng.uniform();
        const [r0, c0] = [[1, 1], [5, 5], [1, 6]][c];
        for (let r = 0; r < 3; r++) for (let q = 0; q < 3; q++) images[e * 100 + (r0 + r) * 10 + c0 + q] += 1;
      }
      return { images, labels };
    };
    const train = data(240, 1);
    const test = data(90, 2);
    const run = async () => {
      const cnn = tinyCnn(4, 0.1);
      const optimizer = new Adam(cnn.parameters(), { lr: 0.01 });
      const rng = new Rng(8);
      const epochs = [];
      for (let e = 0; e < 4; e++) epochs.push(await trainBaselineEpoch(cnn, train.images, train.labels, { batchSize: 16, optimizer, rng }));
      return { cnn, epochs, after: await evaluateBaseline(cnn, test.images, test.labels) };
    };
    const a = await run();
    expect(a.epochs[3].loss).toBeLessThan(a.epochs[0].loss);
    expect(a.after.accuracy).toBeGreaterThan(0.95);
    const b = await run();
    expect(b.after.loss).toBe(a.after.loss);

    const dir = await mkdtemp(join(tmpdir(), 'baselines-cnn-'));
    try {
      const file = join(dir, 'best.safetensors');
      await saveBaseline(file, a.cnn, { epoch: 4 });
      const fresh = tinyCnn(99, 0.1);
      const meta = await loadBaseline(file, fresh);
      expect(meta).toEqual({ epoch: 4, kind: 'cnn' });
      expect((await evaluateBaseline(fresh, test.images, test.labels)).loss).toBe(a.after.loss);
      await expect(loadBaseline(file, createCnn({ rng: new Rng(0), imageSize: 10, channels: [2, 4], hidden: 8, classes: 3 }))).rejects.toThrow(
        'field conv2.weight: checkpoint belongs to another architecture; expected [4, 2, 3, 3], found [3, 2, 3, 3]',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.each(['cpu', 'webasm'] as const)('Cnn on gpu.js %s (from dist)', (name) => {
  let backend: Backend;
  beforeAll(async () => {
    backend = await createBackend(name);
  });
  afterAll(async () => {
    await backend.destroy();
  });

  it('gives the same logits and gradients as the GEMM path', async () => {
    const opts = { rng: new Rng(9), imageSize: 12, channels: [3, 4] as [number, number], hidden: 6, classes: 3, dropout: 0.2 };
    const onBackend = createCnnFromDist({ ...opts, backend });
    const onJs = createCnnFromDist({ ...opts, rng: new Rng(9) });
    const rng = new Rng(4);
    const x = Float32Array.from({ length: 5 * 144 }, () => rng.uniform());
    const a = await onBackend.forward(x, 5, { training: true, rng: new Rng(1) });
    const b = await onJs.forward(x, 5, { training: true, rng: new Rng(1) });
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 4);
    const g = Float32Array.from({ length: 15 }, (_, i) => (i % 4) - 1.5);
    onBackend.backward(g);
    onJs.backward(g);
    const pa = onBackend.parameters();
    const pb = onJs.parameters();
    for (let p = 0; p < pa.length; p++) for (let i = 0; i < pa[p].grad.length; i++) expect(pa[p].grad[i]).toBeCloseTo(pb[p].grad[i], 3);
  });
});
