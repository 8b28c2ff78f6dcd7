import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readMetricsLog } from '@snn/cli';
import { decodeSafetensors, encodeSafetensors } from '@snn/core';
import { Adam } from '@snn/learning';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadNeuroSpikeConfig } from '../config/load.js';
import { saveRunCheckpoint } from '../model/checkpoint.js';
import { createNetwork } from '../model/network.js';
import { configPath, digitPath, runApp, tempDir } from '../testing/harness.js';

let root: string;
let runDir: string;

beforeAll(async () => {
  root = tempDir();
  const run = await runApp(['train', '--config', configPath('tiny'), '--runs-dir', root, '--name', 'model', '--quiet', '--no-figures']);
  expect(run.code).toBe(0);
  runDir = join(root, 'neurospike', 'model');
}, 30_000);

interface InferJson {
  readonly probabilities: number[];
  readonly counts: number[];
  readonly meanMembrane: number[];
  readonly predicted: number;
  readonly epoch: number;
  readonly backend: { name: string; kernelClass: string | null };
  readonly image: { inverted: boolean; centred: boolean; sourceWidth: number };
}

async function inferJson(args: string[]): Promise<InferJson> {
  const run = await runApp(['infer', '--model', runDir, '--json', ...args]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as InferJson;
}

describe('neurospike infer', { timeout: 20_000 }, () => {
  it("accepts the seed project's command line: --mode inference --model_path --image_path", async () => {
    const ours = await runApp(['infer', '--model', runDir, '--image', digitPath('digit-7.png')]);
    const seed = await runApp(['--mode', 'inference', '--model_path', runDir, `--image_path=${digitPath('digit-7.png')}`]);
    expect(seed.code).toBe(0);
    expect(seed.stdout).toBe(ours.stdout);
    const bad = await runApp(['--mode', 'serve']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("error: --mode: unknown mode; expected train or inference (the seed's modes), found serve\n");
  });

  it('prints 10 class probabilities that sum to 1 and the predicted class', async () => {
    const run = await runApp(['infer', '--model', runDir, '--image', digitPath('digit-7.png')]);
    expect(run.code).toBe(0);
    const rows = run.stdout.split('\n').filter((l) => /^\s+\d\s+\d+\s+-?\d+\.\d{4}\s+\d\.\d{4}$/.test(l));
    expect(rows).toHaveLength(10);
    const probabilities = rows.map((l) => Number(l.trim().split(/\s+/)[3]));
    expect(Math.abs(probabilities.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(6e-4);
    expect(run.stdout).toContain('backend    js (TypeScript references of @snn/neurons)');
    expect(run.stdout).toMatch(/\npredicted \d \(probability \d\.\d{4}\)\n$/);

    const json = await inferJson(['--image', digitPath('digit-7.png')]);
    expect(json.probabilities).toHaveLength(10);
    expect(Math.abs(json.probabilities.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-6);
    expect(json.probabilities.every((p) => p >= 0 && p <= 1)).toBe(true);
    expect(json.predicted).toBe(json.counts.indexOf(Math.max(...json.counts)));
    expect(json.epoch).toBe(2);
    const membrane = await inferJson(['--image', digitPath('digit-7.png'), '--readout', 'membrane']);
    expect(membrane.predicted).toBe(membrane.meanMembrane.indexOf(Math.max(...membrane.meanMembrane)));
  });

  it('inverts a light background and centres the digit', async () => {
    const json = await inferJson(['--image', digitPath('digit-0-light.png')]);
    expect(json.image).toMatchObject({ inverted: true, centred: true, sourceWidth: 64 });
    const dark = await inferJson(['--image', digitPath('digit-7.png')]);
    expect(dark.image.inverted).toBe(false);
  });

  it('gives the same result with the gpu.js cpu kernels as with the js references', async () => {
    const js = await inferJson(['--image', digitPath('digit-2-large.png')]);
    const cpu = await inferJson(['--image', digitPath('digit-2-large.png'), '--backend', 'cpu']);
    expect(cpu.backend).toEqual({ name: 'cpu', kernelClass: 'CPUKernel', reason: expect.any(String) });
    expect(cpu.counts).toEqual(js.counts);
    for (let c = 0; c < 10; c++) expect(Math.abs(cpu.meanMembrane[c] - js.meanMembrane[c])).toBeLessThan(1e-4);
  });

  it('names the file that is not an image', async () => {
    const dir = tempDir();
    const file = join(dir, 'not-an-image.png');
    writeFileSync(file, 'hello, world');
    const run = await runApp(['infer', '--model', runDir, '--image', file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `error: file ${file}: not an image jimp can decode; expected a PNG, JPEG, BMP, GIF or TIFF file, found 12 bytes starting 68 65 6c 6c 6f 2c 20 77\n`,
    );
    const missing = await runApp(['infer', '--model', runDir, '--image', join(dir, 'missing.png')]);
    expect(missing.stderr.split('\n')[0]).toBe(`error: file ${join(dir, 'missing.png')}: image not found; expected a PNG, JPEG, BMP, GIF or TIFF file, found no such file`);
  });

  it('refuses a checkpoint of another architecture, naming tensor and shapes', async () => {
    const other = join(tempDir(), 'other');
    cpSync(runDir, other, { recursive: true });
    const config = await loadNeuroSpikeConfig(configPath('tiny'), { 'model.hidden_size': 24 });
    const net = createNetwork(config, 1);
    const file = join(other, 'checkpoints', 'best.safetensors');
    const extras = { epoch: 1, seed: 7, encoding: config.encoding, numSteps: 8, scheduler: null, rng: { nextEpoch: { algorithm: 'xoshiro128**' as const, s: [1, 2, 3, 4] as [number, number, number, number] } }, best: null, metrics: {} };
    await saveRunCheckpoint(file, net, new Adam(net.parameters()), extras);
    const run = await runApp(['infer', '--model', other, '--image', digitPath('digit-7.png')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`error: file ${file}, field fc1.weight: checkpoint belongs to another architecture; expected [784, 16], found [784, 24]\n`);
    const deeper = createNetwork(await loadNeuroSpikeConfig(configPath('tiny'), { 'model.num_hidden_layers': 2 }), 1);
    await saveRunCheckpoint(file, deeper, new Adam(deeper.parameters()), extras);
    const run2 = await runApp(['infer', '--model', other, '--image', digitPath('digit-7.png')]);
    expect(run2.stderr).toBe(`error: file ${file}, field fc2.weight: checkpoint belongs to another architecture; expected [16, 10], found [16, 16]\n`);
  });

  it('evaluate reproduces the logged test accuracy on js and runs the gpu.js kernels', async () => {
    const run = await runApp(['evaluate', '--model', runDir, '--json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { accuracy: number; images: number; epoch: number; backend: string };
    const records = await readMetricsLog(join(runDir, 'logs', 'metrics.jsonl'));
    const logged = records.find((r) => r.epoch === result.epoch);
    expect(result).toMatchObject({ images: 200, backend: 'js', accuracy: logged?.test_acc });
    const cpu = await runApp(['evaluate', '--model', runDir, '--json', '--backend', 'cpu', '--limit', '20']);
    expect(JSON.parse(cpu.stdout)).toMatchObject({ images: 20, backend: 'cpu', kernelClass: 'CPUKernel' });
  });

  it('refuses NaN weights, naming the tensor and index', async () => {
    const dir = join(tempDir(), 'nan');
    mkdirSync(dir);
    const source = decodeSafetensors(readFileSync(join(runDir, 'checkpoints', 'last.safetensors')));
    const tensors = Object.fromEntries(Object.entries(source.tensors).map(([name, t]) => [name, { data: Float32Array.from(t.data as Float32Array), shape: t.shape }]));
    tensors['fc2.weight'].data[5] = Number.NaN;
    const draft = encodeSafetensors(tensors, source.metadata);
    const offset = decodeSafetensors(draft).dataOffset;
    const sha256 = createHash('sha256').update(draft.subarray(offset)).digest('hex');
    const file = join(dir, 'nan.safetensors');
    // Format version 2 also checksums the metadata (with the new data sha256 in it), as any tool can.
    const m: Record<string, string> = { ...source.metadata, sha256 };
    const metadataSha256 = createHash('sha256').update(JSON.stringify([m.format, m.format_version, m.created, m.tensors, m.sha256, m.meta])).digest('hex');
    writeFileSync(file, encodeSafetensors(tensors, { ...m, metadata_sha256: metadataSha256 }));
    const run = await runApp(['infer', '--model', file, '--image', digitPath('digit-7.png')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`error: file ${file}, field fc2.weight[5]: non-finite value; expected a finite number, found NaN\n`);
  });
});
