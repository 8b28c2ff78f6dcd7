import { streamSeed as runStreamSeed } from '@snn/cli';

const STREAM_IDS = Object.freeze({ weights: 1, train: 2, validation: 3, test: 4, figures: 5 });

/** Named random streams of a run: initial weights, training epochs, evaluation encodings, figures. */
export type StreamName = keyof typeof STREAM_IDS;

/**
 * The seed of one random stream of a run (`streamSeed` of @snn/cli under this app's stream ids),
 * so that each epoch draws the same numbers however many epochs ran before it in the same process.
 *
 * @param seed - run seed
 * @param stream - which stream
 * @param index - e.g. the 0-based epoch; default 0
 * @returns an unsigned 32-bit seed for `new Rng(...)`
 */
export function streamSeed(seed: number, stream: StreamName, index = 0): number {
  return runStreamSeed(seed, STREAM_IDS[stream], index);
}
