import { createHash } from 'node:crypto';
import { CheckpointError, ChecksumError, ValidationError, describeValue } from '../errors/errors.js';
import { type AtomicWriteOptions, writeFileAtomic } from '../io/atomic.js';
import { readFileBounded } from '../io/read-file.js';
import { assembleSafetensors, decodeSafetensors, packTensors } from '../io/safetensors.js';
import { assertFinite, type Tensor, tensor } from '../tensor/tensor.js';

/** Name stored in every checkpoint's `__metadata__.format`. */
export const CHECKPOINT_FORMAT = 'snn-checkpoint';
/**
 * Version stored in `__metadata__.format_version` of the files this version writes.
 *
 * @remarks
 * Version 2 adds `metadata_sha256`, a checksum of the whole manifest and `meta`; version 1 files
 * (whose checksum covers the tensor bytes only) are still read. Any other version is refused.
 */
export const CHECKPOINT_FORMAT_VERSION = '2';

/** Format versions {@link loadCheckpoint} reads. */
const READABLE_VERSIONS = ['1', '2'];

/** What to save in a checkpoint. */
export interface CheckpointContents {
  /** Weights and other float tensors by name (e.g. `"hidden.weight"`). */
  readonly tensors: Readonly<Record<string, Tensor>>;
  /** Anything JSON-serialisable to keep with them (epoch, metrics, RNG state, params…). */
  readonly meta?: Readonly<Record<string, unknown>>;
}

/**
 * The manifest a checkpoint carries in its safetensors `__metadata__`, one
 * string per key: `format`, `format_version`, `created`, `tensors` (JSON),
 * `sha256`, `meta` (JSON) and (version 2) `metadata_sha256`.
 */
export interface CheckpointManifest {
  /** Always {@link CHECKPOINT_FORMAT}. */
  readonly format: string;
  /** Always {@link CHECKPOINT_FORMAT_VERSION} for files this version writes. */
  readonly formatVersion: string;
  /** When it was written, ISO 8601 (UTC). */
  readonly created: string;
  /** Shape of every tensor by name. */
  readonly tensors: Readonly<Record<string, readonly number[]>>;
  /** sha256 (hex) of the byte buffer: every byte after the safetensors header. */
  readonly sha256: string;
  /**
   * sha256 (hex) of the metadata: format, version, created, tensors, sha256 and meta (see
   * `metadataDigest`); null for a version 1 file, whose metadata no checksum covers.
   */
  readonly metadataSha256: string | null;
}

/** A loaded checkpoint. */
export interface LoadedCheckpoint {
  /** The tensors by name. */
  readonly tensors: Record<string, Tensor>;
  /** The `meta` given to {@link saveCheckpoint}. */
  readonly meta: Record<string, unknown>;
  /** The manifest read from the file. */
  readonly manifest: CheckpointManifest;
}

/** What {@link loadCheckpoint} must find, to refuse a checkpoint of another architecture. */
export interface CheckpointExpectation {
  /** Required tensors and their shapes; `-1` matches any size. */
  readonly tensors?: Readonly<Record<string, readonly number[]>>;
  /** Accept tensors not listed in `tensors` (default `false`: they mean another architecture). */
  readonly allowExtra?: boolean;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The checksum of a checkpoint's metadata (format version 2): sha256 of the JSON array
 * `[format, format_version, created, tensors, sha256, meta]` of the `__metadata__` strings.
 * Together with `sha256` over the tensor bytes it covers every byte that the loader reads.
 */
function metadataDigest(metadata: Readonly<Record<string, string | undefined>>): string {
  const fields = [metadata.format, metadata.format_version, metadata.created, metadata.tensors, metadata.sha256, metadata.meta];
  return sha256(new TextEncoder().encode(JSON.stringify(fields)));
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.map((d) => (d === -1 ? '*' : d)).join(', ')}]`;
}

/**
 * Saves tensors and metadata as ONE safetensors file, written atomically.
 *
 * @remarks
 * The file is a plain safetensors file (F32 tensors) that other tools read;
 * its `__metadata__` holds the {@link CheckpointManifest} and the user's
 * `meta` as JSON, and `metadata_sha256`, a checksum of all of it, so that
 * an edited or corrupted `meta` is caught like corrupted weights. The write goes through {@link writeFileAtomic}: an
 * interrupted save leaves the previous checkpoint intact. Non-finite weights
 * are refused, so a diverged run never overwrites a good checkpoint.
 *
 * @param path - the file to write, e.g. `runs/app/x/checkpoints/last.safetensors`
 * @param contents - tensors (Float32) and optional JSON metadata
 * @param options - a hook for crash tests
 * @returns the manifest that was written
 * @throws `ShapeError` when a tensor's data does not match its shape
 * @throws `NumericError` naming the tensor and index of a NaN or infinite value
 * @throws `ValidationError` when `meta` is not JSON-serialisable or a tensor is not Float32
 * @example
 * ```ts
 * await saveCheckpoint('last.safetensors', { tensors: { w: tensor([1, 2], [1, 2]) }, meta: { epoch: 3 } });
 * const { tensors, meta } = await loadCheckpoint('last.safetensors', { tensors: { w: [1, 2] } });
 * ```
 */
export async function saveCheckpoint(path: string, contents: CheckpointContents, options: AtomicWriteOptions = {}): Promise<CheckpointManifest> {
  const tensors = contents?.tensors;
  if (tensors === null || typeof tensors !== 'object') {
    throw new ValidationError('checkpoint needs tensors', { field: 'tensors', expected: 'an object of tensors by name', found: String(tensors) });
  }
  const shapes: Record<string, number[]> = {};
  for (const [name, t] of Object.entries(tensors)) {
    if (!(t?.data instanceof Float32Array)) {
      throw new ValidationError('checkpoint tensors must be Float32', { field: name, expected: 'a Tensor with Float32Array data', found: Object.prototype.toString.call(t?.data) });
    }
    assertFinite(t.data, name, path);
    shapes[name] = [...t.shape];
  }
  let metaJson: string;
  try {
    metaJson = JSON.stringify(contents.meta ?? {});
  } catch (error) {
    throw new ValidationError(`checkpoint meta is not JSON-serialisable (${(error as Error).message})`, { field: 'meta', cause: error });
  }
  const packed = packTensors(tensors);
  const metadata: Record<string, string> = {
    format: CHECKPOINT_FORMAT,
    format_version: CHECKPOINT_FORMAT_VERSION,
    created: new Date().toISOString(),
    tensors: JSON.stringify(shapes),
    sha256: sha256(packed.data),
    meta: metaJson,
  };
  metadata.metadata_sha256 = metadataDigest(metadata);
  await writeFileAtomic(path, assembleSafetensors(packed, metadata), options);
  return {
    format: metadata.format,
    formatVersion: metadata.format_version,
    created: metadata.created,
    tensors: shapes,
    sha256: metadata.sha256,
    metadataSha256: metadata.metadata_sha256,
  };
}

/**
 * Loads a checkpoint written by {@link saveCheckpoint}, checking it first.
 *
 * @remarks
 * Checks, in order: the file exists and is a valid safetensors file; it is an
 * snn checkpoint of a known version; (version 2) the checksum of its metadata
 * matches; the manifest and `meta` are JSON objects; its tensors match its
 * manifest; the sha256 of its bytes matches; (with `expect`) every expected
 * tensor is there with the expected shape and no other tensor is; every value
 * is finite. Version 1 files, whose metadata no checksum covers, are read
 * with `manifest.metadataSha256` null. The caller validates what `meta` holds.
 *
 * @param path - the checkpoint file
 * @param expect - the architecture the caller needs
 * @throws `CheckpointError` naming the file when it is missing, not a checkpoint, or of another architecture
 * (naming the tensor, the expected and the found shape)
 * @throws `FileFormatError` when the file is not a valid safetensors file
 * @throws `ChecksumError` when the bytes or (version 2) the metadata do not match their recorded sha256
 * @throws `NumericError` naming the tensor and index of a NaN or infinite value
 */
export async function loadCheckpoint(path: string, expect: CheckpointExpectation = {}): Promise<LoadedCheckpoint> {
  const bytes = await readFileBounded(path, { what: 'checkpoint', expected: 'a checkpoint (safetensors) file', errorClass: CheckpointError });
  const content = decodeSafetensors(bytes, path);
  const meta = content.metadata;
  if (meta.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError('not an snn checkpoint', {
      file: path,
      field: '__metadata__.format',
      expected: JSON.stringify(CHECKPOINT_FORMAT),
      found: meta.format === undefined ? 'no format' : JSON.stringify(meta.format),
    });
  }
  if (!READABLE_VERSIONS.includes(meta.format_version)) {
    throw new CheckpointError('unsupported checkpoint format version', {
      file: path,
      field: '__metadata__.format_version',
      expected: READABLE_VERSIONS.map((v) => JSON.stringify(v)).join(' or '),
      found: meta.format_version === undefined ? 'no version' : JSON.stringify(meta.format_version),
    });
  }
  let metadataSha256: string | null = null;
  if (meta.format_version !== '1') {
    metadataSha256 = metadataDigest(meta);
    if (metadataSha256 !== meta.metadata_sha256) {
      throw new ChecksumError('checkpoint metadata does not match its checksum', {
        file: path,
        field: '__metadata__.metadata_sha256',
        expected: meta.metadata_sha256 === undefined ? 'a checksum' : meta.metadata_sha256,
        found: metadataSha256,
      });
    }
  }
  const parse = (key: string): unknown => {
    try {
      return JSON.parse(meta[key] ?? '');
    } catch {
      throw new CheckpointError('checkpoint manifest field is not JSON', { file: path, field: `__metadata__.${key}`, expected: 'JSON', found: JSON.stringify(meta[key]) });
    }
  };
  const parseObject = (key: string): Record<string, unknown> => {
    const value = parse(key);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new CheckpointError('checkpoint manifest field is not a JSON object', { file: path, field: `__metadata__.${key}`, expected: 'a JSON object', found: describeValue(value) });
    }
    return value as Record<string, unknown>;
  };
  const listed = parseObject('tensors') as Record<string, number[]>;
  const userMeta = parseObject('meta');
  const names = Object.keys(content.tensors);
  for (const name of new Set([...names, ...Object.keys(listed ?? {})])) {
    const found = content.tensors[name];
    const recorded = listed?.[name];
    if (!found || !Array.isArray(recorded) || shapeText(recorded) !== shapeText(found.shape)) {
      throw new CheckpointError('checkpoint tensors do not match its manifest', {
        file: path,
        field: name,
        expected: recorded ? shapeText(recorded) : 'not in the manifest',
        found: found ? shapeText(found.shape) : 'no such tensor',
      });
    }
    if (found.dtype !== 'F32') {
      throw new CheckpointError('checkpoint tensors must be F32', { file: path, field: name, expected: 'F32', found: found.dtype });
    }
  }
  const actual = sha256(bytes.subarray(content.dataOffset));
  if (actual !== meta.sha256) {
    throw new ChecksumError('checkpoint data does not match its checksum', { file: path, field: 'sha256', expected: meta.sha256, found: actual });
  }
  if (expect.tensors) {
    for (const [name, shape] of Object.entries(expect.tensors)) {
      const found = content.tensors[name];
      const same = found && found.shape.length === shape.length && shape.every((d, i) => d === -1 || d === found.shape[i]);
      if (!same) {
        throw new CheckpointError('checkpoint belongs to another architecture', {
          file: path,
          field: name,
          expected: shapeText(shape),
          found: found ? shapeText(found.shape) : 'no such tensor',
        });
      }
    }
    if (!expect.allowExtra) {
      for (const name of names) {
        if (!(name in expect.tensors)) {
          throw new CheckpointError('checkpoint belongs to another architecture', {
            file: path,
            field: name,
            expected: 'no such tensor',
            found: shapeText(content.tensors[name].shape),
          });
        }
      }
    }
  }
  const tensors: Record<string, Tensor> = {};
  for (const name of names) {
    const t = content.tensors[name];
    assertFinite(t.data, name, path);
    tensors[name] = tensor(t.data as Float32Array, t.shape, name);
  }
  return {
    tensors,
    meta: userMeta,
    manifest: { format: meta.format, formatVersion: meta.format_version, created: meta.created, tensors: listed, sha256: meta.sha256, metadataSha256 },
  };
}
