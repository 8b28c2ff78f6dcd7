export { denseForwardReference, denseBackwardReference } from './dense/reference.js';
export { denseForwardKernel } from './dense/kernel.js';
export type { DenseForwardConstants } from './dense/kernel.js';
export { denseForward } from './dense/dense.js';
export { Mlp, createMlp } from './mlp/mlp.js';
export type { MlpOptions, MlpForwardOptions, MlpActivation } from './mlp/mlp.js';
export { trainMlpEpoch, evaluateMlp } from './mlp/train.js';
export type { TrainMlpEpochOptions, EvaluateMlpOptions, EpochMetrics } from './mlp/train.js';
