/**
 * The random streams every training app draws from, each seeded from `(seed, stream, index)` only
 * (see {@link streamSeed}). An app adds its own streams with ids above these.
 */
export const RUN_STREAMS = Object.freeze({
  /** Initial weights. */
  weights: 1,
  /** The training subset (`data_prop`-style options). */
  trainSubset: 2,
  /** The validation hold-out split carved from the training images. */
  validationSplit: 3,
  /** The test subset (`test_prop`-style options). */
  testSubset: 4,
  /** Shuffle and encoding of training epoch `index`. */
  trainEpoch: 5,
  /** Encoding of the test set (the same at every epoch). */
  test: 6,
  /** Encoding of the validation set (the same at every epoch). */
  validation: 7,
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
 * The seed of one random stream of a run: a 32-bit hash (murmur3 finaliser) of the run seed, the
 * stream id and an index (e.g. the 0-based epoch).
 *
 * @remarks
 * Because each stream depends only on `(seed, stream, index)`, the data order and spikes of an
 * epoch do not depend on how many epochs ran before in the same process: a resumed run draws
 * exactly what an uninterrupted one would.
 *
 * @param seed - the run seed (non-negative integer)
 * @param stream - a stream id, e.g. one of {@link RUN_STREAMS}
 * @param index - e.g. the 0-based epoch; default 0
 * @returns an unsigned 32-bit integer for `new Rng(...)`
 */
export function streamSeed(seed: number, stream: number, index = 0): number {
  let h = mix32(seed);
  h = mix32(h ^ Math.imul(stream, 0x9e3779b1));
  h = mix32(h ^ Math.imul(index + 1, 0x27d4eb2f));
  return h;
}
