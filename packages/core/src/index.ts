export {
  SnnError,
  ValidationError,
  ShapeError,
  FileFormatError,
  ChecksumError,
  BackendError,
  CheckpointError,
  NumericError,
  describeValue,
} from './errors/errors.js';
export type { ErrorLocation, ErrorDetails } from './errors/errors.js';
export { tensor, zeros, full, reshape, shapeSize, assertShape, assertFinite } from './tensor/tensor.js';
export type { Tensor } from './tensor/tensor.js';
export { Rng } from './rng/rng.js';
export type { RngState } from './rng/rng.js';
export { denseToSparse, sparseToDense } from './spikes/sparse-spikes.js';
export type { SparseSpikes } from './spikes/sparse-spikes.js';
