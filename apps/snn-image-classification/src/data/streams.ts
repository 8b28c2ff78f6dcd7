import { RUN_STREAMS } from '@snn/cli';

/** The run's random streams (`streamSeed` of @snn/cli): the kit's, plus `evaluate` and figures. */
export const STREAMS = Object.freeze({
  ...RUN_STREAMS,
  /** Encoding of the training set when `evaluate` scores it. */
  trainEval: 8,
  /** Encoding of the example traced for the figures. */
  probe: 9,
});

export { streamSeed } from '@snn/cli';
