import { RUN_STREAMS } from '@snn/cli';

/** The run's random streams (`streamSeed` of @snn/cli): the kit's, plus figures and `infer`. */
export const STREAMS = Object.freeze({
  ...RUN_STREAMS,
  /** Encoding of the images probed for spike rates and figures. */
  probe: 8,
  /** Encoding of an image given to `neurospike infer`. */
  infer: 9,
});

export { streamSeed } from '@snn/cli';
