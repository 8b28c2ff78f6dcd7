/**
 * Independent random streams of a run, each seeded from `(seed, stream, index)` only, so the data
 * order and spikes of an epoch do not depend on how many epochs ran before in the same process
 * (a resumed run draws exactly what an uninterrupted one would).
 */
export const STREAMS = Object.freeze({
  /** Initial weights. */
  weights: 1,
  /** The `training.data_prop` subset of the training images. */
  trainSubset: 2,
  /** The validation hold-out split. */
  validationSplit: 3,
  /** The `training.test_prop` subset of the test images. */
  testSubset: 4,
  /** Shuffle and encoding of training epoch `index`. */
  trainEpoch: 5,
  /** Encoding of the test set (the same at every epoch). */
  test: 6,
  /** Encoding of the validation set (the same at every epoch). */
  validation: 7,
  /** Encoding of the training set when `evaluate` scores it. */
  trainEval: 8,
  /** Encoding of the example traced for the figures. */
  probe: 9,
});

function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * The seed of one random stream: a 32-bit hash (murmur3 finaliser) of the run seed, the stream id
 * and an index (e.g. the epoch).
 *
 * @param seed - the run seed (non-negative integer)
 * @param stream - one of {@link STREAMS}
 * @param index - e.g. the 0-based epoch; default 0
 * @returns an unsigned 32-bit integer for `new Rng(...)`
 */
export function streamSeed(seed: number, stream: number, index = 0): number {
  let h = mix32(seed);
  h = mix32(h ^ Math.imul(stream, 0x9e3779b1));
  h = mix32(h ^ Math.imul(index + 1, 0x27d4eb2f));
  return h;
}
