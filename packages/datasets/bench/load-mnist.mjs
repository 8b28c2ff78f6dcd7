// Times the dataset loaders of the built package (run `pnpm --filter @snn/datasets build` first).
// Usage: node bench/load-mnist.mjs [repeats]   (default 5 repeats; the median and min are printed)
// The first call of each case is also printed ("first"): it includes JIT warm-up, but the files are
// usually in the OS page cache already, so it is not a cold-disk number.
import { loadFashionMnist, loadFashionMnistSplits, loadMnist } from '../dist/node.js';

const repeats = Number(process.argv[2] ?? 5);
if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`repeats must be a positive integer, got ${process.argv[2]}`);

function time(label, fn, n, check) {
  const ms = [];
  let result;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    result = fn();
    ms.push(performance.now() - t0);
  }
  check(result);
  const sorted = [...ms].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(
    `${label.padEnd(48)} first ${ms[0].toFixed(1).padStart(8)} ms   median ${median.toFixed(1).padStart(8)} ms   min ${sorted[0].toFixed(1).padStart(8)} ms   (n=${n})`,
  );
}

const expectCount = (count) => (ds) => {
  if (ds.count !== count || ds.images.length !== count * 784 || ds.labels.length !== count) {
    throw new Error(`expected ${count} images, got ${ds.count}`);
  }
};

console.log(`node ${process.version}, ${process.platform}/${process.arch}`);
time('MNIST train 60,000 images + labels, md5 verify', () => loadMnist({ split: 'train' }), repeats, expectCount(60000));
time('MNIST train 60,000 images + labels, no verify', () => loadMnist({ split: 'train', verify: false }), repeats, expectCount(60000));
time('MNIST test 10,000 images + labels, md5 verify', () => loadMnist({ split: 'test' }), repeats, expectCount(10000));
time('MNIST test 10,000 images + labels, no verify', () => loadMnist({ split: 'test', verify: false }), repeats, expectCount(10000));
const fashionRepeats = Math.min(repeats, 3);
time(
  'Fashion-MNIST both splits (parse 10 JSON files)',
  () => loadFashionMnistSplits(),
  fashionRepeats,
  (s) => {
    expectCount(60000)(s.train);
    expectCount(10000)(s.test);
  },
);
time('Fashion-MNIST train split only', () => loadFashionMnist({ split: 'train' }), fashionRepeats, expectCount(60000));
