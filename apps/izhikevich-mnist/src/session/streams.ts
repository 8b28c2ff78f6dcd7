const STREAM_IDS = Object.freeze({ weights: 1, train: 2, validation: 3, test: 4, figures: 5 });

/** Named random streams of a run: initial weights, training epochs, evaluation encodings, figures. */
export type StreamName = keyof typeof STREAM_IDS;

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
 * The seed of one random stream: a 32-bit hash (murmur3 finaliser) of the run seed, the stream
 * and an index (e.g. the epoch), so that each epoch draws the same numbers however many epochs
 * ran before it in the same process.
 *
 * @param seed - run seed
 * @param stream - which stream
 * @param index - e.g. the 0-based epoch; default 0
 * @returns an unsigned 32-bit seed for `new Rng(...)`
 */
export function streamSeed(seed: number, stream: StreamName, index = 0): number {
  let h = mix32(seed);
  h = mix32(h ^ Math.imul(STREAM_IDS[stream], 0x9e3779b1));
  h = mix32(h ^ Math.imul(index + 1, 0x27d4eb2f));
  return h;
}
