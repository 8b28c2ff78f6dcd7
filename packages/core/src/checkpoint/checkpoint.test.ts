import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError, ChecksumError, NumericError } from '../errors/errors.js';
import { loadSafetensors, saveSafetensors } from '../io/safetensors-file.js';
import { encodeSafetensors } from '../io/safetensors.js';
import { tensor } from '../tensor/tensor.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'snn-ckpt-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const weights = () => ({
  'hidden.weight': tensor([0.1, -0.2, 0.3, 0.4, 0.5, -0.6], [2, 3]),
  'hidden.bias': tensor([1, 2], [2]),
});

describe('saveCheckpoint / loadCheckpoint', () => {
  it('round-trip tensors and meta in one safetensors file with a manifest', async () => {
    const path = join(dir, 'round.safetensors');
    const written = await saveCheckpoint(path, { tensors: weights(), meta: { epoch: 3, accuracy: 0.97, rng: { s: [1, 2, 3, 4] } } });
    const loaded = await loadCheckpoint(path, { tensors: { 'hidden.weight': [2, 3], 'hidden.bias': [-1] } });
    expect(loaded.tensors['hidden.weight'].shape).toEqual([2, 3]);
    expect(loaded.tensors['hidden.weight'].data).toEqual(Float32Array.of(0.1, -0.2, 0.3, 0.4, 0.5, -0.6));
    expect(Array.from(loaded.tensors['hidden.bias'].data)).toEqual([1, 2]);
    expect(loaded.meta).toEqual({ epoch: 3, accuracy: 0.97, rng: { s: [1, 2, 3, 4] } });
    expect(loaded.manifest).toEqual(written);
    expect(written.format).toBe('snn-checkpoint');
    expect(written.formatVersion).toBe('2');
    expect(written.tensors).toEqual({ 'hidden.weight': [2, 3], 'hidden.bias': [2] });
    expect(written.created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    // The checksum is the sha256 of every byte after the safetensors header, checkable by any tool.
    const bytes = await readFile(path);
    const headerLength = Number(bytes.readBigUInt64LE(0));
    expect(written.sha256).toBe(createHash('sha256').update(bytes.subarray(8 + headerLength)).digest('hex'));
    expect(JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')).__metadata__.meta).toBe(
      '{"epoch":3,"accuracy":0.97,"rng":{"s":[1,2,3,4]}}',
    );
    // The metadata checksum is the sha256 of the JSON array of the other manifest strings, checkable by any tool.
    const m = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')).__metadata__;
    const fields = JSON.stringify([m.format, m.format_version, m.created, m.tensors, m.sha256, m.meta]);
    expect(written.metadataSha256).toBe(createHash('sha256').update(fields).digest('hex'));
    expect(m.metadata_sha256).toBe(written.metadataSha256);
  });

  it('names a missing file', async () => {
    const path = join(dir, 'missing.safetensors');
    await expect(loadCheckpoint(path)).rejects.toThrow(CheckpointError);
    await expect(loadCheckpoint(path)).rejects.toThrow(`file ${path}: checkpoint not found`);
  });

  it('refuses a checkpoint of another architecture, naming the tensor and both shapes', async () => {
    const path = join(dir, 'arch.safetensors');
    await saveCheckpoint(path, { tensors: weights() });
    await expect(loadCheckpoint(path, { tensors: { 'hidden.weight': [2, 4], 'hidden.bias': [2] } })).rejects.toThrow(
      `file ${path}, field hidden.weight: checkpoint belongs to another architecture; expected [2, 4], found [2, 3]`,
    );
    await expect(loadCheckpoint(path, { tensors: { 'hidden.weight': [2, 3], 'hidden.bias': [2], 'out.weight': [2, 10] } })).rejects.toThrow(
      `file ${path}, field out.weight: checkpoint belongs to another architecture; expected [2, 10], found no such tensor`,
    );
    await expect(loadCheckpoint(path, { tensors: { 'hidden.weight': [2, 3] } })).rejects.toThrow(
      `file ${path}, field hidden.bias: checkpoint belongs to another architecture; expected no such tensor, found [2]`,
    );
    const partial = await loadCheckpoint(path, { tensors: { 'hidden.weight': [-1, 3] }, allowExtra: true });
    expect(Object.keys(partial.tensors).sort()).toEqual(['hidden.bias', 'hidden.weight']);
  });

  it('refuses data that does not match its checksum', async () => {
    const path = join(dir, 'corrupt.safetensors');
    const manifest = await saveCheckpoint(path, { tensors: weights() });
    const bytes = await readFile(path);
    bytes[bytes.length - 1] ^= 0x01; // flip one bit of the last float
    await writeFile(path, bytes);
    const actual = createHash('sha256').update(bytes.subarray(8 + Number(bytes.readBigUInt64LE(0)))).digest('hex');
    await expect(loadCheckpoint(path)).rejects.toThrow(ChecksumError);
    await expect(loadCheckpoint(path)).rejects.toThrow(
      `file ${path}, field sha256: checkpoint data does not match its checksum; expected ${manifest.sha256}, found ${actual}`,
    );
  });

  it('refuses NaN or infinite weights, naming the tensor and index, on save and on load', async () => {
    const path = join(dir, 'nan.safetensors');
    await expect(saveCheckpoint(path, { tensors: { w: tensor([1, 2, Number.NaN], [3]) } })).rejects.toThrow(NumericError);
    await expect(saveCheckpoint(path, { tensors: { w: tensor([1, 2, Number.NaN], [3]) } })).rejects.toThrow(
      `file ${path}, field w[2]: non-finite value; expected a finite number, found NaN`,
    );
    // A file written by another tool: valid manifest and checksum, but an infinite weight.
    const w = tensor([0, Number.POSITIVE_INFINITY], [2]);
    const sha256 = createHash('sha256').update(new Uint8Array(w.data.buffer)).digest('hex');
    const metadata = { format: 'snn-checkpoint', format_version: '1', created: '2026-01-01T00:00:00.000Z', tensors: '{"w":[2]}', sha256, meta: '{}' };
    await writeFile(path, encodeSafetensors({ w }, metadata));
    await expect(loadCheckpoint(path)).rejects.toThrow(`file ${path}, field w[1]: non-finite value; expected a finite number, found Infinity`);
  });

  it('refuses a safetensors file that is not a checkpoint, or of an unknown version', async () => {
    const path = join(dir, 'plain.safetensors');
    await saveSafetensors(path, { w: tensor([1], [1]) });
    await expect(loadCheckpoint(path)).rejects.toThrow(`file ${path}, field __metadata__.format: not an snn checkpoint; expected "snn-checkpoint", found no format`);
    await saveSafetensors(path, { w: tensor([1], [1]) }, { format: 'snn-checkpoint', format_version: '7' });
    await expect(loadCheckpoint(path)).rejects.toThrow(
      `file ${path}, field __metadata__.format_version: unsupported checkpoint format version; expected "1" or "2", found "7"`,
    );
  });

  it('covers the metadata by a checksum: an edited meta is refused', async () => {
    const path = join(dir, 'edited-meta.safetensors');
    const manifest = await saveCheckpoint(path, { tensors: weights(), meta: { encoding: { type: 'rate' }, numSteps: 25 } });
    expect(manifest.formatVersion).toBe('2');
    expect(manifest.metadataSha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await loadCheckpoint(path)).manifest.metadataSha256).toBe(manifest.metadataSha256);
    const { tensors, metadata } = await loadSafetensors(path);
    const edits: Record<string, string>[] = [{ meta: JSON.stringify({ encoding: { type: 'morse' }, numSteps: 25 }) }, { tensors: '{}' }, { created: 'yesterday' }];
    for (const edit of edits) {
      await writeFile(path, encodeSafetensors(tensors, { ...metadata, ...edit }));
      const error = await loadCheckpoint(path).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ChecksumError);
      expect((error as Error).message.startsWith(`file ${path}, field __metadata__.metadata_sha256: checkpoint metadata does not match its checksum; expected ${manifest.metadataSha256}, found `)).toBe(true);
    }
    const { metadata_sha256: _dropped, ...unsigned } = metadata;
    await writeFile(path, encodeSafetensors(tensors, unsigned));
    await expect(loadCheckpoint(path)).rejects.toThrow(`file ${path}, field __metadata__.metadata_sha256: checkpoint metadata does not match its checksum; expected a checksum, found`);
  });

  it('still reads a version 1 checkpoint (no metadata checksum), with metadataSha256 null', async () => {
    const path = join(dir, 'v1.safetensors');
    const w = tensor([0.5, -1], [2]);
    const sha256 = createHash('sha256').update(new Uint8Array(w.data.buffer)).digest('hex');
    const metadata = { format: 'snn-checkpoint', format_version: '1', created: '2026-01-01T00:00:00.000Z', tensors: '{"w":[2]}', sha256, meta: '{"epoch":4}' };
    await writeFile(path, encodeSafetensors({ w }, metadata));
    const loaded = await loadCheckpoint(path);
    expect(loaded.meta).toEqual({ epoch: 4 });
    expect(loaded.manifest).toMatchObject({ formatVersion: '1', metadataSha256: null });
    expect(Array.from(loaded.tensors.w.data)).toEqual([0.5, -1]);
  });

  it('refuses meta or tensors manifest that are JSON but not objects', async () => {
    const path = join(dir, 'meta-list.safetensors');
    const w = tensor([1], [1]);
    const sha256 = createHash('sha256').update(new Uint8Array(w.data.buffer)).digest('hex');
    const metadata = { format: 'snn-checkpoint', format_version: '1', created: 'x', tensors: '{"w":[1]}', sha256, meta: '[1, 2]' };
    await writeFile(path, encodeSafetensors({ w }, metadata));
    await expect(loadCheckpoint(path)).rejects.toThrow(`file ${path}, field __metadata__.meta: checkpoint manifest field is not a JSON object; expected a JSON object, found [1, 2]`);
  });

  it('refuses meta that is not JSON', async () => {
    await expect(saveCheckpoint(join(dir, 'meta.safetensors'), { tensors: weights(), meta: { big: 1n } })).rejects.toThrow(
      /^field meta: checkpoint meta is not JSON-serialisable \(Do not know how to serialize a BigInt\)$/,
    );
  });
});

describe('an atomic checkpoint write interrupted before the rename', () => {
  it('leaves the previous checkpoint loadable (hook throws: the temporary file is removed)', async () => {
    const path = join(dir, 'hook', 'last.safetensors');
    await mkdir(join(dir, 'hook'));
    await saveCheckpoint(path, { tensors: weights(), meta: { epoch: 1 } });
    const next = { 'hidden.weight': tensor([9, 9, 9, 9, 9, 9], [2, 3]), 'hidden.bias': tensor([9, 9], [2]) };
    await expect(
      saveCheckpoint(path, { tensors: next, meta: { epoch: 2 } }, {
        beforeRename: () => {
          throw new Error('power cut');
        },
      }),
    ).rejects.toThrow('power cut');
    const loaded = await loadCheckpoint(path);
    expect(loaded.meta).toEqual({ epoch: 1 });
    expect(loaded.tensors['hidden.weight'].data).toEqual(Float32Array.of(0.1, -0.2, 0.3, 0.4, 0.5, -0.6));
    expect(await readdir(join(dir, 'hook'))).toEqual(['last.safetensors']);
  });

  it('leaves the previous checkpoint loadable (process killed: only a temporary file that is not *.safetensors remains)', async () => {
    const sub = join(dir, 'killed');
    await mkdir(sub);
    const path = join(sub, 'last.safetensors');
    await saveCheckpoint(path, { tensors: weights(), meta: { epoch: 1 } });
    const dist = pathToFileURL(join(import.meta.dirname, '../../dist/index.js')).href;
    const distNode = pathToFileURL(join(import.meta.dirname, '../../dist/node.js')).href;
    const script = `
      import { tensor } from ${JSON.stringify(dist)};
      import { saveCheckpoint } from ${JSON.stringify(distNode)};
      await saveCheckpoint(${JSON.stringify(path)}, { tensors: { 'hidden.weight': tensor([9, 9, 9, 9, 9, 9], [2, 3]), 'hidden.bias': tensor([9, 9], [2]) }, meta: { epoch: 2 } },
        { beforeRename: () => process.kill(process.pid, 'SIGKILL') });
      console.log('not reached');`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(child.signal).toBe('SIGKILL');
    expect(child.stdout).toBe('');
    const loaded = await loadCheckpoint(path, { tensors: { 'hidden.weight': [2, 3], 'hidden.bias': [2] } });
    expect(loaded.meta).toEqual({ epoch: 1 });
    expect(loaded.tensors['hidden.weight'].data).toEqual(Float32Array.of(0.1, -0.2, 0.3, 0.4, 0.5, -0.6));
    const files = await readdir(sub);
    expect(files.filter((f) => f.endsWith('.safetensors'))).toEqual(['last.safetensors']);
    const leftovers = files.filter((f) => f !== 'last.safetensors');
    expect(leftovers).toHaveLength(1);
    expect(leftovers[0]).toMatch(new RegExp(`^last\\.safetensors\\.tmp-${child.pid}-[0-9a-f]{12}$`));
  });
});
