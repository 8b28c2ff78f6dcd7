export { spikeCounts, spikeCountDecode } from './decode/spike-counts.js';
export type { SpikeCountOptions, TieBreak } from './decode/spike-counts.js';
export { firstSpikeDecode } from './decode/first-spike.js';
export type { FirstSpikeOptions } from './decode/first-spike.js';
export { accuracy } from './metrics/accuracy.js';
export { confusionMatrix, classMetrics } from './metrics/confusion-matrix.js';
export type { ConfusionMatrix, ClassMetrics } from './metrics/confusion-matrix.js';
export { classProbabilities } from './probabilities/class-probabilities.js';
export type { SoftmaxOptions } from './probabilities/class-probabilities.js';
