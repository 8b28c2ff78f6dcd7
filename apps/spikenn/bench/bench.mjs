#!/usr/bin/env node
// spikenn bench: S2-STDP + NCG on a TTFS-coded MNIST subset, this app against SpikeNN itself in the same command.
//
//   node apps/spikenn/bench/bench.mjs [--train 2000] [--test 1000] [--epochs 10] [--threshold 20] [--seed 0]
//
// Both sides read the same SpikeNN SpikingDataset files (written here: first --train training and --test test
// images, t = 1 − pixel/255, pixel 0 silent) and the same config (configs/seed.json with the firing threshold
// set to --threshold, early stopping off, --epochs epochs). Training samples/s is timed per epoch over the
// learning pass only; accuracy is the test accuracy after the last epoch. The peer runs when python3 imports
// numba ($PYTHON, python3 or /usr/bin/python3) and a SpikeNN checkout is found ($SPIKENN_DIR, else ../shared/peers/vendor/SpikeNN); otherwise the bench
// says so and prints our numbers alone.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { denseToSpikingDataset } from '@snn/datasets';
import { loadMnist, writeSeedSpikingDataset } from '@snn/datasets/node';

const here = dirname(fileURLToPath(import.meta.url));
const app = resolve(here, '..');
const { values } = parseArgs({
  options: {
    train: { type: 'string', default: '2000' },
    test: { type: 'string', default: '1000' },
    epochs: { type: 'string', default: '10' },
    threshold: { type: 'string', default: '20' },
    seed: { type: 'string', default: '0' },
    'no-peer': { type: 'boolean', default: false },
  },
});
const nTrain = Number(values.train);
const nTest = Number(values.test);
const epochs = Number(values.epochs);
const work = mkdtempSync(join(tmpdir(), 'spikenn-bench-'));
const data = join(work, 'data');
mkdirSync(data);

function ttfs(split, count) {
  const ds = loadMnist({ split });
  const times = new Float32Array(count * 784);
  for (let k = 0; k < times.length; k++) {
    const p = ds.images[k];
    times[k] = p === 0 ? 1 : Math.fround(1 - Math.fround(p / 255));
  }
  return denseToSpikingDataset(times, count, Array.from(ds.labels.subarray(0, count)));
}
await writeSeedSpikingDataset(join(data, 'trainset.npy'), ttfs('train', nTrain));
await writeSeedSpikingDataset(join(data, 'testset.npy'), ttfs('test', nTest));
const config = JSON.parse(readFileSync(join(app, 'configs', 'seed.json'), 'utf8'));
config.network[0].firing_threshold = Number(values.threshold);
config.trainer.epochs = epochs;
config.trainer.early_stopping = 0;
const configPath = join(work, 'bench.json');
writeFileSync(configPath, JSON.stringify(config, null, 2));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ')[0];

const line = (who, speed, acc, extra) => console.log(`${who}: ${speed.toFixed(0)} training samples/s (median epoch), test accuracy ${(100 * acc).toFixed(2)} %${extra}`);
console.log(`data: MNIST TTFS, ${nTrain} train / ${nTest} test images, 784 inputs; config: configs/seed.json, firing_threshold ${values.threshold}, ${epochs} epochs, no early stopping`);

// ours: the app's own `run` command (initial weights drawn by our generator, or the peer's)
function runOurs(name, initWeights) {
  const out = join(work, name);
  const loadBefore = load();
  const extra = initWeights === undefined ? [] : ['--init-weights', initWeights];
  execFileSync('node', [join(app, 'dist', 'cli.js'), 'run', data, out, configPath, '--seed', values.seed, '--no-report', '-q', ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
  const records = readFileSync(join(out, 'logs', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  return { speed: median(records.map((r) => r.trainSamplesPerSecond)), acc: records.at(-1).testAccuracy, load: loadBefore };
}

// peer: SpikeNN with numba, same files and config
const peerDir = process.env.SPIKENN_DIR ?? resolve(app, '../../../shared/peers/vendor/SpikeNN');
// $PYTHON, else the first of python3 and /usr/bin/python3 (Debian's, where apt installs numba) that imports numba
const python = [process.env.PYTHON, 'python3', '/usr/bin/python3'].find((p) => p && spawnSync(p, ['-c', 'import numba, tqdm'], { stdio: 'ignore' }).status === 0);
if (values['no-peer'] || python === undefined || !existsSync(join(peerDir, 'spikenn', '_impl.py'))) {
  const ours = runOurs('ours', undefined);
  line(`ours (spikenn run, Node ${process.version})`, ours.speed, ours.acc, ` (load avg ${ours.load})`);
  console.log(`peer: not run (${values['no-peer'] ? '--no-peer' : python === undefined ? 'no python3 imports numba and tqdm: apt-get install -y python3-numba python3-tqdm' : `no SpikeNN checkout at ${peerDir}; set SPIKENN_DIR`})`);
} else {
  const initPath = join(work, 'peer-init.npy');
  const loadPeer = load();
  const res = execFileSync(python, [join(here, 'peer_spikenn.py'), data, configPath, String(epochs), values.seed, initPath], {
    env: { ...process.env, PYTHONPATH: `${peerDir}:${join(peerDir, 'app')}` },
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
  });
  const peer = JSON.parse(res.toString().trim().split('\n').at(-1));
  const peerSpeed = median(peer.train_pass_s.map((s) => peer.n_train / s));
  const peerAcc = peer.test_acc.at(-1);
  const same = runOurs('ours-same-init', initPath);
  const own = runOurs('ours', undefined);
  line(`peer (SpikeNN, numba, ${python})`, peerSpeed, peerAcc, ` (JIT ${peer.jit_s.toFixed(1)} s excluded; load avg ${loadPeer})`);
  line(`ours (spikenn run, Node ${process.version}), the peer's initial weights`, same.speed, same.acc, ` (load avg ${same.load})`);
  line(`ours (spikenn run), our own initial weights (seed ${values.seed})`, own.speed, own.acc, ` (load avg ${own.load})`);
  console.log(`ratio: ${(same.speed / peerSpeed).toFixed(2)}× training samples/s; accuracy difference from the same initial weights ${(100 * (same.acc - peerAcc)).toFixed(2)} points (own init: ${(100 * (own.acc - peerAcc)).toFixed(2)})`);
  console.log(`peer test accuracy per epoch: ${peer.test_acc.map((a) => (100 * a).toFixed(1)).join(' ')}`);
}
rmSync(work, { recursive: true, force: true });
