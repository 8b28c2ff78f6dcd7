// The @example blocks of the exported API, run as written (file paths moved into a temp directory).
import { join } from 'node:path';
import { Rng } from '@snn/core';
import { describe, expect, it } from 'vitest';
import { FASHION_MNIST_CLASSES, batches, createSpikingDataset, imagesToTensor, kFold, shuffledIndices, spikingDatasetToSparse, spikingSample, stratifiedSubset, validationSplit } from './index.js';
import { loadMnist, readIdx, readSpikingDataset, writeIdx, writeSpikingDataset } from './node.js';
import { useTempDir } from './test-utils/temp-dir.js';

const tmp = useTempDir('examples');

describe('TSDoc examples', () => {
  it('writeIdx / readIdx', async () => {
    const path = join(tmp, 'labels-idx1-ubyte.gz');
    await writeIdx(path, { dtype: 'u8', shape: [3], data: [7, 2, 1] });
    expect(readIdx(path).data).toEqual(Uint8Array.from([7, 2, 1]));
  });

  it('loadMnist, imagesToTensor, stratifiedSubset, validationSplit', () => {
    const test = loadMnist({ split: 'test' });
    expect(test.count).toBe(10000);
    expect(test.labels[0]).toBe(7);
    expect(imagesToTensor(test, [0, 1, 2]).shape).toEqual([3, 784]);
    const idx = stratifiedSubset(test.labels, 0.1, new Rng(1));
    expect(idx.length).toBe(1000);
    const { train, validation } = validationSplit(loadMnist({ split: 'train' }), { count: 5000, seed: 1 });
    expect(train.count).toBe(55000);
    expect(validation.count).toBe(5000);
    expect(FASHION_MNIST_CLASSES.length).toBe(10);
  });

  it('batches, kFold', () => {
    const rng = new Rng(0);
    expect(batches(shuffledIndices(10, rng), 4).map((b) => b.length)).toEqual([4, 4, 2]);
    expect(kFold(10, 3, new Rng(0)).map((f) => f.test.length)).toEqual([4, 3, 3]);
  });

  it('createSpikingDataset, writeSpikingDataset, spikingDatasetToSparse', async () => {
    const ds = createSpikingDataset({
      inputSize: 4,
      duration: 10,
      timeUnit: 'ms',
      samples: [{ label: 1, indices: [3, 0], times: [2.5, 1] }],
    });
    expect(spikingSample(ds, 0).indices).toEqual(Uint32Array.from([0, 3]));
    const path = join(tmp, 'train.snnspk');
    await writeSpikingDataset(path, ds);
    expect(readSpikingDataset(path).count === ds.count).toBe(true);
    const sparse = spikingDatasetToSparse(ds, { numSteps: 30 });
    expect(sparse.offsets.length).toBe(ds.count * 30 + 1);
  });
});
