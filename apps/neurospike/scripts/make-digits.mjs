#!/usr/bin/env node
// Makes the example digit PNGs in examples/digits/ from MNIST test images (never seen in training):
//   digit-7.png        test image 0 (a 7) as in MNIST: 28×28, white digit on black
//   digit-2-large.png  test image 1 (a 2) scaled to 112×112 (exercises the resize)
//   digit-1.png        test image 2 (a 1), 28×28
//   digit-0-light.png  test image 3 (a 0) as a black digit on a white 64×80 page, off centre
//                      (exercises the inversion of light backgrounds and the MNIST-style centring)
// Usage: node scripts/make-digits.mjs [outDir]   (default examples/digits)
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadMnist } from '@snn/datasets/node';
import { Jimp } from 'jimp';

const outDir = process.argv[2] ?? 'examples/digits';
mkdirSync(outDir, { recursive: true });
const test = loadMnist({ split: 'test' });

function digitImage(index, { invert = false } = {}) {
  const image = new Jimp({ width: 28, height: 28, color: 0x000000ff });
  for (let p = 0; p < 784; p++) {
    const v = test.images[index * 784 + p];
    const g = invert ? 255 - v : v;
    image.bitmap.data.set([g, g, g, 255], 4 * p);
  }
  return image;
}

async function save(image, name, label) {
  const file = join(outDir, name);
  await image.write(file);
  console.log(`${file}  label ${label}  ${image.bitmap.width}×${image.bitmap.height}`);
}

await save(digitImage(0), 'digit-7.png', test.labels[0]);
const large = digitImage(1);
large.resize({ w: 112, h: 112 });
await save(large, 'digit-2-large.png', test.labels[1]);
await save(digitImage(2), 'digit-1.png', test.labels[2]);
const page = new Jimp({ width: 64, height: 80, color: 0xffffffff });
page.composite(digitImage(3, { invert: true }), 10, 30);
await save(page, 'digit-0-light.png', test.labels[3]);
