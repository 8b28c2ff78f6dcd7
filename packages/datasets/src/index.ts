export type { ImageDataset } from './api.js';
export type { IdxArray, IdxData, IdxDtype } from './idx/dtype.js';
export { parseIdx } from './idx/parse.js';
export { encodeIdx } from './idx/write.js';
export type { IdxInput, WriteIdxOptions } from './idx/write.js';
export { FASHION_MNIST_CLASSES, FASHION_MNIST_TEST_SEED, FASHION_MNIST_TRAIN_SEED } from './fashion-mnist/constants.js';
export { parseMnistPickle } from './mnist/pickle.js';
export type { MnistPickle } from './mnist/pickle.js';
export { imagesToTensor, subsetDataset } from './image-dataset/image-dataset.js';
export { stratifiedSubset } from './subsets/stratified.js';
export { batches, shuffledIndices } from './subsets/shuffle.js';
export type { BatchOptions } from './subsets/shuffle.js';
export { kFold, stratifiedKFold } from './subsets/k-fold.js';
export type { Fold } from './subsets/k-fold.js';
export { validationSplit } from './subsets/validation-split.js';
export type { ValidationSplit, ValidationSplitOptions } from './subsets/validation-split.js';
export { createSpikingDataset, spikingSample, validateSpikingDataset } from './spiking-dataset/dataset.js';
export type { SpikingDataset, SpikingDatasetInit, SpikingSample, SpikingSampleInput } from './spiking-dataset/dataset.js';
export {
  SPIKING_DATASET_MAGIC,
  SPIKING_DATASET_VERSION,
  decodeSpikingDataset,
  encodeSpikingDataset,
} from './spiking-dataset/format.js';
export { sparseToSpikingDataset, spikingDatasetToSparse, timeToStep } from './spiking-dataset/convert.js';
export type { FromSparseOptions, ToSparseOptions } from './spiking-dataset/convert.js';
export {
  SEED_TIME_UNIT,
  seedDictToSpikingDataset,
  spikingDatasetToSeedDict,
  decodeSeedSpikingDataset,
  encodeSeedSpikingDataset,
  denseToSpikingDataset,
} from './spiking-dataset/seed-npy.js';
export type { DenseToSpikingOptions } from './spiking-dataset/seed-npy.js';
export { selectSpikingSamples } from './spiking-dataset/select.js';
