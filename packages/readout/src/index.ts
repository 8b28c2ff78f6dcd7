export { spikeCounts, spikeCountDecode } from './decode/spike-counts.js';
export type { SpikeCountOptions, TieBreak } from './decode/spike-counts.js';
export { firstSpikeDecode } from './decode/first-spike.js';
export type { FirstSpikeOptions } from './decode/first-spike.js';
export { accuracy } from './metrics/accuracy.js';
export { confusionMatrix, classMetrics } from './metrics/confusion-matrix.js';
export type { ConfusionMatrix, ClassMetrics } from './metrics/confusion-matrix.js';
export { classProbabilities } from './probabilities/class-probabilities.js';
export type { SoftmaxOptions } from './probabilities/class-probabilities.js';
export { assignNeurons, classifyByAssignment, classifyByProportion, proportionWeights, selectMisclassified } from './assignment/assignment.js';
export type { MisclassifiedExamples } from './assignment/assignment.js';
export { PredictionTally, argmaxRow } from './metrics/tally.js';
export type { TallyResult } from './metrics/tally.js';
export { checkFeatures, temporalFeatures } from './svm/features.js';
export type { FeatureMatrix, TemporalPooling } from './svm/features.js';
export { Standardizer } from './svm/standardize.js';
export { LinearSvm } from './svm/linear-svm.js';
export type { LinearSvmOptions, LinearSvmFitInfo } from './svm/linear-svm.js';
export { RbfSvm } from './svm/rbf-svm.js';
export type { RbfSvmOptions, RbfBinaryModel } from './svm/rbf-svm.js';
export {
  runSearchPoints,
  servePoints,
  readSearchResults,
  canonicalJson,
  firstDifference,
  SEARCH_STATE_FILE,
  POINT_RESULT_FILE,
} from './search/points.js';
export type { SearchPoint, PointResult, PointTask, RunSearchOptions, PointEvent, SearchOutcome, SearchResults } from './search/points.js';
export { MAX_GRID_POINTS, countGridPoints, expandGrid, meanStd, rankByValidation } from './search/score.js';
export type { MeanStd, RankedPoint } from './search/score.js';
