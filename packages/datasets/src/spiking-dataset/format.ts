import { crc32 } from './crc32.js';
import { ChecksumError, FileFormatError } from '@snn/core';
import { type SpikingDataset, checkSpikingDataset, checkSpikingHeader, validateSpikingDataset } from './dataset.js';

/** The 8 magic bytes that open a SpikingDataset file, as ASCII: `SNNSPK1` and a NUL (`53 4E 4E 53 50 4B 31 00`). */
export const SPIKING_DATASET_MAGIC = 'SNNSPK1\0';

const MAGIC_BYTES: readonly number[] = Array.from(SPIKING_DATASET_MAGIC, (ch) => ch.charCodeAt(0));

/** Format version written by `writeSpikingDataset` and accepted by `readSpikingDataset`. */
export const SPIKING_DATASET_VERSION = 1;

const HEADER_BYTES = 64;
const RECORD_BYTES = 6; // u16 label + u32 spike count
const TRAILER_BYTES = 4; // CRC-32

function expectedFileBytes(count: number, spikes: number): number {
  return HEADER_BYTES + count * RECORD_BYTES + spikes * 8 + TRAILER_BYTES;
}

/**
 * Encodes a dataset in the SpikingDataset binary format (version 1).
 *
 * @remarks
 * All numbers little-endian.
 *
 * | offset | size | field |
 * | --- | --- | --- |
 * | 0 | 8 | magic `SNNSPK1\0` (`53 4E 4E 53 50 4B 31 00`) |
 * | 8 | 4 | u32 format version = 1 |
 * | 12 | 4 | u32 sample count N |
 * | 16 | 4 | u32 input size |
 * | 20 | 4 | u32 reserved, 0 |
 * | 24 | 8 | f64 duration (length of the time window) |
 * | 32 | 16 | time unit, ASCII, NUL-padded (e.g. `ms`) |
 * | 48 | 8 | u64 total spike count S |
 * | 56 | 8 | u64 file length in bytes = 64 + 6·N + 8·S + 4 |
 * | 64 | … | N records: u16 label, u32 spike count c, u32[c] input indices, f32[c] times |
 * | end − 4 | 4 | u32 CRC-32 (zlib/PNG polynomial) of every byte before it |
 *
 * Within a record spikes are sorted by time, ties by index; indices are below
 * the input size and times in [0, duration]. The stated file length catches
 * truncation and trailing bytes; the CRC catches corruption.
 * @throws ValidationError when the dataset breaks an invariant
 */
export function encodeSpikingDataset(dataset: SpikingDataset): Uint8Array {
  validateSpikingDataset(dataset);
  const { count, inputSize, duration, timeUnit, labels, offsets, indices, times } = dataset;
  const spikes = indices.length;
  const total = expectedFileBytes(count, spikes);
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC_BYTES, 0);
  view.setUint32(8, SPIKING_DATASET_VERSION, true);
  view.setUint32(12, count, true);
  view.setUint32(16, inputSize, true);
  view.setUint32(20, 0, true);
  view.setFloat64(24, duration, true);
  for (let c = 0; c < timeUnit.length; c++) bytes[32 + c] = timeUnit.charCodeAt(c);
  view.setBigUint64(48, BigInt(spikes), true);
  view.setBigUint64(56, BigInt(total), true);
  let o = HEADER_BYTES;
  for (let s = 0; s < count; s++) {
    const start = offsets[s];
    const end = offsets[s + 1];
    view.setUint16(o, labels[s], true);
    view.setUint32(o + 2, end - start, true);
    o += RECORD_BYTES;
    for (let k = start; k < end; k++, o += 4) view.setUint32(o, indices[k], true);
    for (let k = start; k < end; k++, o += 4) view.setFloat32(o, times[k], true);
  }
  view.setUint32(o, crc32(bytes.subarray(0, o)), true);
  return bytes;
}

/**
 * Decodes SpikingDataset bytes (format in {@link encodeSpikingDataset}).
 * @param bytes - the whole file
 * @param file - file name for messages
 * @throws FileFormatError for a bad magic number, unknown version, truncation, trailing bytes, inconsistent counts, unsorted spikes, an index ≥ input size or a time outside [0, duration]
 * @throws ChecksumError when the CRC-32 differs
 */
export function decodeSpikingDataset(bytes: Uint8Array, file?: string): SpikingDataset {
  const hex = (b: ArrayLike<number>) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
  const magicOk = bytes.length >= 8 && MAGIC_BYTES.every((m, i) => bytes[i] === m);
  if (!magicOk) {
    throw new FileFormatError('not a SpikingDataset file (bad magic number)', {
      file,
      expected: `magic bytes ${hex(MAGIC_BYTES)} ("SNNSPK1\\0")`,
      found: bytes.length === 0 ? 'an empty file' : hex(bytes.subarray(0, 8)),
    });
  }
  if (bytes.length < HEADER_BYTES + TRAILER_BYTES) {
    throw new FileFormatError('truncated SpikingDataset file', { file, expected: `at least ${HEADER_BYTES + TRAILER_BYTES} bytes (header and checksum)`, found: String(bytes.length) });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== SPIKING_DATASET_VERSION) {
    throw new FileFormatError('unsupported SpikingDataset version', { file, field: 'version', expected: String(SPIKING_DATASET_VERSION), found: String(version) });
  }
  const count = view.getUint32(12, true);
  const inputSize = view.getUint32(16, true);
  const reserved = view.getUint32(20, true);
  const duration = view.getFloat64(24, true);
  let unitEnd = 32;
  while (unitEnd < 48 && bytes[unitEnd] !== 0) unitEnd++;
  const timeUnit = String.fromCharCode(...bytes.subarray(32, unitEnd));
  const spikesBig = view.getBigUint64(48, true);
  const lengthBig = view.getBigUint64(56, true);
  const limit = BigInt(Number.MAX_SAFE_INTEGER);
  if (reserved !== 0 || spikesBig > limit || lengthBig > limit) {
    throw new FileFormatError('corrupt SpikingDataset header', {
      file,
      expected: 'reserved word 0 and counts below 2^53',
      found: `reserved ${reserved}, ${spikesBig} spikes, ${lengthBig} bytes`,
    });
  }
  const spikes = Number(spikesBig);
  const stated = Number(lengthBig);
  const consistent = expectedFileBytes(count, spikes);
  if (stated !== consistent) {
    throw new FileFormatError('corrupt SpikingDataset header', {
      file,
      expected: `file length ${consistent} for ${count} samples and ${spikes} spikes`,
      found: `${stated}`,
    });
  }
  const headerSays = `(header says ${count} samples, ${spikes} spikes)`;
  if (bytes.length < stated) {
    throw new FileFormatError('truncated SpikingDataset file', { file, expected: `${stated} bytes ${headerSays}`, found: String(bytes.length) });
  }
  if (bytes.length > stated) {
    throw new FileFormatError('SpikingDataset file has trailing bytes', { file, expected: `${stated} bytes ${headerSays}`, found: String(bytes.length) });
  }
  const storedCrc = view.getUint32(stated - TRAILER_BYTES, true);
  const actualCrc = crc32(bytes.subarray(0, stated - TRAILER_BYTES));
  if (storedCrc !== actualCrc) {
    throw new ChecksumError('CRC-32 mismatch (file corrupt)', {
      file,
      expected: `crc32 ${storedCrc.toString(16).padStart(8, '0')}`,
      found: `crc32 ${actualCrc.toString(16).padStart(8, '0')}`,
    });
  }
  checkSpikingHeader({ inputSize, duration, timeUnit }, FileFormatError, file);
  const labels = new Uint16Array(count);
  const offsets = new Uint32Array(count + 1);
  const indices = new Uint32Array(spikes);
  const times = new Float32Array(spikes);
  const end = stated - TRAILER_BYTES;
  let o = HEADER_BYTES;
  let k = 0;
  for (let s = 0; s < count; s++) {
    if (o + RECORD_BYTES > end) {
      throw new FileFormatError('sample records overrun the file', { file, field: `samples[${s}]`, expected: `a record header within ${end} bytes`, found: `offset ${o}` });
    }
    labels[s] = view.getUint16(o, true);
    const c = view.getUint32(o + 2, true);
    o += RECORD_BYTES;
    if (k + c > spikes || o + 8 * c > end) {
      throw new FileFormatError('sample spike counts exceed the total', {
        file,
        field: `samples[${s}]`,
        expected: `at most ${spikes - k} more spikes (header total ${spikes})`,
        found: `${c}`,
      });
    }
    for (let j = 0; j < c; j++, o += 4) indices[k + j] = view.getUint32(o, true);
    for (let j = 0; j < c; j++, o += 4) times[k + j] = view.getFloat32(o, true);
    k += c;
    offsets[s + 1] = k;
  }
  if (k !== spikes || o !== end) {
    throw new FileFormatError('sample spike counts do not add up to the header total', { file, expected: `${spikes} spikes`, found: `${k}` });
  }
  const dataset: SpikingDataset = { count, inputSize, duration, timeUnit, labels, offsets, indices, times };
  checkSpikingDataset(dataset, FileFormatError, file);
  return dataset;
}

