export type { ImageDataset } from './api.js';
export type { IdxArray, IdxData, IdxDtype } from './idx/dtype.js';
export { parseIdx, readIdx } from './idx/read.js';
export { encodeIdx, writeIdx } from './idx/write.js';
export type { IdxInput, WriteIdxOptions } from './idx/write.js';
export { MNIST_MD5, mnistPackageDir } from './mnist/files.js';
export type { MnistChecksums, MnistSplit } from './mnist/files.js';
export { loadMnist } from './mnist/load.js';
export type { LoadMnistOptions } from './mnist/load.js';
export {
  FASHION_MNIST_CLASSES,
  FASHION_MNIST_TEST_SEED,
  FASHION_MNIST_TRAIN_SEED,
  fashionMnistPackageDir,
  loadFashionMnist,
  loadFashionMnistSplits,
} from './fashion-mnist/load.js';
export type { FashionMnistSource, FashionMnistSplits, LoadFashionMnistOptions } from './fashion-mnist/load.js';
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
  readSpikingDataset,
  writeSpikingDataset,
} from './spiking-dataset/format.js';
export { sparseToSpikingDataset, spikingDatasetToSparse, timeToStep } from './spiking-dataset/convert.js';
export type { FromSparseOptions, ToSparseOptions } from './spiking-dataset/convert.js';
export {
  SEED_TIME_UNIT,
  seedDictToSpikingDataset,
  spikingDatasetToSeedDict,
  decodeSeedSpikingDataset,
  encodeSeedSpikingDataset,
  readAnySpikingDataset,
  writeSeedSpikingDataset,
  denseToSpikingDataset,
} from './spiking-dataset/seed-npy.js';
export type { DenseToSpikingOptions } from './spiking-dataset/seed-npy.js';
export { selectSpikingSamples } from './spiking-dataset/select.js';
