import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LifNetwork } from '@snn/learning';
import { Jimp } from 'jimp';
import { describe, expect, it } from 'vitest';
import { loadDigitImage } from '../../apps/neurospike/src/image/load-digit.js';
import { validateCheckpointMeta } from '../../apps/neurospike/src/model/checkpoint-meta.js';
import { FUZZ_CASES, fuzzReader, utf8 } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'snn-fuzz-app-'));

describe('fuzz: app readers give only typed errors, no hang, bounded memory', () => {
  it('images (neurospike infer)', async () => {
    const digit = new Jimp({ width: 28, height: 28, color: 0x000000ff });
    for (let y = 6; y < 22; y++) for (let x = 12; x < 16; x++) digit.bitmap.data.set([255, 255, 255, 255], 4 * (y * 28 + x));
    const seeds = [
      new Uint8Array(await digit.getBuffer('image/png')),
      new Uint8Array(await digit.getBuffer('image/bmp')),
      new Uint8Array(await digit.getBuffer('image/gif')),
      new Uint8Array(await digit.getBuffer('image/jpeg')),
      new Uint8Array(await digit.getBuffer('image/tiff')),
    ];
    const file = join(dir, 'fuzz-image');
    // Decoding is the slowest reader here: a quarter of the cases of the others.
    const report = await fuzzReader(
      seeds,
      async (bytes) => {
        writeFileSync(file, bytes);
        return loadDigitImage(file, { decodeTimeoutMs: 1000 });
      },
      // A decoder that loops is stopped after 1 s (its thread replaced): a case may take up to ~2 s.
      { cases: Math.ceil(FUZZ_CASES / 4), maxCaseMs: 3000 },
    );
    expect(report.refused.FileFormatError).toBeGreaterThan(0);
  });

  it('neurospike checkpoint metadata (as JSON text) is validated before a network is built from it', async () => {
    const meta = {
      kind: 'neurospike-checkpoint',
      epoch: 1,
      numSteps: 25,
      network: { sizes: [784, 32, 10], lif: [{ beta: 0.95, threshold: 1, resetMechanism: 'subtract' }, { beta: 0.9, threshold: 1, resetMechanism: 'zero' }], residual: [false, false], surrogate: { name: 'atan', options: { alpha: 2 } } },
      encoding: { type: 'rate', gain: 1, tau: 5, threshold: 0.01, linear: true, normalize: true, clip: true, first_spike_time: 0, scope: 'sample' },
    };
    const report = await fuzzReader([utf8(JSON.stringify(meta))], async (bytes) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(new TextDecoder().decode(bytes));
      } catch {
        return; // not JSON: the checkpoint reader refuses it before this point
      }
      if (parsed === null || typeof parsed !== 'object') return;
      const checked = parsed as Record<string, unknown>;
      validateCheckpointMeta('fuzz.safetensors', checked);
      await LifNetwork.fromSpec(checked.network as never, { workers: 1 }).close();
    });
    expect(report.refused.CheckpointError).toBeGreaterThan(0);
  });
});
