/**
 * `@snn/core/node`: what needs Node's files and hashing — atomic file writes,
 * `.npy` / safetensors / pickled-object files, and checkpoints. The byte-level
 * codecs they use (`encodeNpy`, `decodeSafetensors`, …) are in the main entry,
 * which also runs in a browser.
 *
 * @packageDocumentation
 */
import './node/register.js';

export { writeFileAtomic } from './io/atomic.js';
export { readFileBounded, readFileBoundedSync, MAX_FILE_BYTES } from './io/read-file.js';
export type { ReadFileBoundedOptions, SnnErrorClass } from './io/read-file.js';
export type { AtomicWriteOptions } from './io/atomic.js';
export { saveNpy, loadNpy } from './io/npy-file.js';
export { saveSafetensors, loadSafetensors } from './io/safetensors-file.js';
export { loadNpyObject, saveNpyObject } from './io/pickle/numpy-file.js';
export { saveCheckpoint, loadCheckpoint, CHECKPOINT_FORMAT, CHECKPOINT_FORMAT_VERSION } from './checkpoint/checkpoint.js';
export type { CheckpointContents, CheckpointExpectation, CheckpointManifest, LoadedCheckpoint } from './checkpoint/checkpoint.js';
