import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Rng, tensor } from '@snn/core';
import { loadCheckpoint, saveCheckpoint } from '@snn/core/node';
import { encodeIdx } from '@snn/datasets';
import { readIdx } from '@snn/datasets/node';
import { describe, expect, it } from 'vitest';
import { FUZZ_SEED, fuzzReader } from './harness.js';
import { mutate } from './mutate.js';

// Readers that take a path: each case writes the mutated bytes to one temp file and reads it back.
const dir = mkdtempSync(join(tmpdir(), 'snn-fuzz-'));

describe('fuzz: file readers give only typed errors, no hang, bounded memory', () => {
  it('gzip-compressed IDX (compressed bytes mutated, or plain bytes mutated then compressed)', async () => {
    const plain = [
      encodeIdx({ dtype: 'u8', shape: [4, 5, 5], data: new Uint8Array(100).map((_, i) => (i * 37) % 256) }),
      encodeIdx({ dtype: 'u8', shape: [6], data: [0, 1, 2, 3, 4, 5] }),
      encodeIdx({ dtype: 'f32', shape: [3], data: [1.5, -2, 3] }),
    ];
    const seeds = plain.map((p) => gzipSync(p));
    const file = join(dir, 'fuzz.idx.gz');
    const recompress = new Rng(FUZZ_SEED + 1);
    const report = await fuzzReader(seeds, (bytes, i) => {
      // Every other case mutates the plain IDX before compressing it, so that valid gzip streams carry lying headers.
      writeFileSync(file, i % 2 === 0 ? bytes : gzipSync(mutate(recompress, plain)));
      return readIdx(file);
    });
    expect(report.refused.FileFormatError).toBeGreaterThan(0);
  });

  it('checkpoint', async () => {
    const path = join(dir, 'seed.safetensors');
    await saveCheckpoint(path, { tensors: { w: tensor([1, 2, 3, 4], [2, 2]), b: tensor([0.5, -1], [2]) }, meta: { epoch: 3, note: 'fuzz' } });
    const seeds = [new Uint8Array(readFileSync(path))];
    const file = join(dir, 'fuzz.safetensors');
    const report = await fuzzReader(seeds, async (bytes) => {
      writeFileSync(file, bytes);
      return loadCheckpoint(file, { tensors: { w: [2, 2], b: [2] } });
    });
    expect(Object.keys(report.refused).length).toBeGreaterThan(1);
  });
});
