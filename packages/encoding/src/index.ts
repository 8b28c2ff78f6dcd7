export type { Encoder, EncoderKind } from './api.js';
export { rate, rateSparse, rateEncoder } from './rate/rate.js';
export type { RateOptions } from './rate/rate.js';
export { latency, latencySparse, latencyCode, latencySteps, latencyEncoder } from './latency/latency.js';
export type { LatencyOptions, LatencyCode, LatencyScope } from './latency/latency.js';
export { periodic, periodicSparse, periodicEncoder } from './periodic/periodic.js';
export type { PeriodicOptions } from './periodic/periodic.js';
export { dogFilter, dogFilterImages, latencyBins, dogLatencySparse, DOG_ON, DOG_OFF } from './dog/dog.js';
export type { DogFilterSpec, DogFilterOptions, DogLatencyOptions } from './dog/dog.js';
