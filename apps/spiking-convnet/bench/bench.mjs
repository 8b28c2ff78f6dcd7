#!/usr/bin/env node
// Speed of the spiking-convnet pipeline, phase by phase, next to scikit-learn's SVM fits on the same features
// and (optionally) the seed's own code, all in this one command:
//   pnpm --filter @snn-apps/spiking-convnet bench            (or `pnpm bench` from the root)
// Environment:
//   BENCH_DATA_PROP  training fraction for our run (default 0.05 = 3,000 images); BENCH_TEST test images (default 1000)
//   BENCH_CONFIG     config (default seed)
//   SEED_PEER_DIR    a writable copy of ../shared/peers with the seed repository in vendor/spiking-mnist and the MNIST
//                    IDX files in out/mnist (see its README); when set, convnet_seed_run.py runs here too
//   SEED_PEER_PROP   data_prop of the seed run (default 0.01)
//   BENCH_BACKENDS   backends whose layers are timed on a few images (default js,cpu,webasm; add headlessgl or webgpu
//                    where they start); BENCH_BACKEND_PROP training fraction of those runs (default 0.0002 = 12
//                    images), BENCH_BACKEND_TEST their test images (default 10)
//   BENCH_SVM_ROUNDS rounds of the linear-SVM timing (default 5): each round one `evaluate --readout linear` and one
//                    scikit-learn LinearSVC fit, each in a fresh process, alternating; medians and their ratio
//                    are printed (one cold fit each, as a user runs them; the shared machine's load moves single
//                    timings by 2x)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, '..', 'dist', 'cli.js');
const prop = process.env.BENCH_DATA_PROP ?? '0.05';
const testSize = process.env.BENCH_TEST ?? '1000';
const config = process.env.BENCH_CONFIG ?? 'seed';
const root = mkdtempSync(join(tmpdir(), 'convnet-bench-'));
const run = join(root, 'spiking-convnet', 'bench');
const node = (args) => execFileSync(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, CI: '1' } }).toString();

console.log(`load average before: ${loadavg().map((v) => v.toFixed(2)).join(' ')} (${process.env.SNN_BENCH_NOTE ?? '2 cores shared'})`);
const out = node(['train', '-c', config, '--data-prop', prop, '--test-size', testSize, '--runs-dir', root, '--name', 'bench', '--no-figures', '-q']);
process.stdout.write(out);
node(['evaluate', run, '--readout', 'rbf', '--max-train', '100000', '-q']);
const m = JSON.parse(readFileSync(join(run, 'manifest.json'), 'utf8')).metrics;
const rows = [
  ['encode (train)', m.encode_train_images_per_s],
  ['conv1 STDP', m.conv1_stdp_images_per_s],
  ['conv2 STDP', m.conv2_stdp_images_per_s],
  ['features (train)', m.features_train_images_per_s],
  ['features (test)', m.features_test_images_per_s],
];
console.log('\nphase               images/s (ours)');
for (const [name, v] of rows) console.log(`${name.padEnd(20)}${v.toFixed(1)}`);
const ours = { linear: m.linear_max_fit_seconds, rbf: m.rbf_max_fit_seconds };
console.log(`linear SVM fit (max): ${ours.linear.toFixed(2)} s; RBF SVM fit (max): ${ours.rbf.toFixed(2)} s on ${m.rbf_max_train_samples} samples`);

// scikit-learn on the same features, same process tree, same moment.
const py = process.env.PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
const hasSklearn = spawnSync(py, ['-c', 'import sklearn'], { stdio: 'ignore' }).status === 0;
if (hasSklearn) {
  const script = join(root, 'sk.py');
  writeFileSync(
    script,
    `import json, sys, time
import numpy as np
from sklearn.svm import SVC, LinearSVC
d = sys.argv[1]
X = (np.load(d + '/features_train_first_spike.npy') != 255).astype(np.float64)
Xt = (np.load(d + '/features_test_first_spike.npy') != 255).astype(np.float64)
y = np.load(d + '/y_train.npy'); yt = np.load(d + '/y_test.npy')
t = time.perf_counter(); lin = LinearSVC(C=2.4, max_iter=3000, random_state=1).fit(X, y); tl = time.perf_counter() - t
t = time.perf_counter(); rbf = SVC(kernel='rbf', C=10, gamma='scale').fit(X, y); tr = time.perf_counter() - t
ours_lin = np.load(d + '/y_pred_max.npy'); ours_rbf = np.load(d + '/y_pred_rbf_max.npy')
print(json.dumps({'linear_s': tl, 'rbf_s': tr, 'linear_acc': float((lin.predict(Xt) == yt).mean()), 'rbf_acc': float((rbf.predict(Xt) == yt).mean()),
  'agree_linear': float((lin.predict(Xt) == ours_lin).mean()), 'agree_rbf': float((rbf.predict(Xt) == ours_rbf).mean())}))
`,
  );
  const sk = JSON.parse(execFileSync(py, [script, run]).toString());
  const linScript = join(root, 'sk_linear.py');
  writeFileSync(
    linScript,
    `import sys, time
import numpy as np
from sklearn.svm import LinearSVC
d = sys.argv[1]
X = (np.load(d + '/features_train_first_spike.npy') != 255).astype(np.float64)
y = np.load(d + '/y_train.npy')
t = time.perf_counter(); LinearSVC(C=2.4, max_iter=3000, random_state=1).fit(X, y); print(time.perf_counter() - t)
`,
  );
  const rounds = Number(process.env.BENCH_SVM_ROUNDS ?? '5');
  const oursTimes = [];
  const skTimes = [];
  for (let r = 0; r < rounds; r++) {
    node(['evaluate', run, '--readout', 'linear', '--features', 'max', '-q']);
    oursTimes.push(JSON.parse(readFileSync(join(run, 'manifest.json'), 'utf8')).metrics.linear_max_fit_seconds);
    skTimes.push(Number(execFileSync(py, [linScript, run]).toString()));
  }
  const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
  const fmt = (v) => v.map((t) => t.toFixed(3)).join(' ');
  console.log(`linear SVM fit, ${m.rbf_max_train_samples} samples, ${rounds} alternating cold fits (s): ours ${fmt(oursTimes)}; scikit-learn ${fmt(skTimes)}`);
  console.log(`linear SVM fit medians: ours ${median(oursTimes).toFixed(3)} s, scikit-learn LinearSVC ${median(skTimes).toFixed(3)} s, ratio ours/sklearn ${(median(oursTimes) / median(skTimes)).toFixed(2)}`);
  console.log(`scikit-learn LinearSVC: predictions agree with ours on ${(100 * sk.agree_linear).toFixed(1)} % (fit times: below)`);
  console.log(`scikit-learn SVC(rbf) fit: ${sk.rbf_s.toFixed(2)} s (ours/sklearn time ratio ${(ours.rbf / sk.rbf_s).toFixed(2)}); predictions agree with ours on ${(100 * sk.agree_rbf).toFixed(1)} %`);
} else {
  console.log('scikit-learn not installed (apt-get install python3-sklearn): SVM fits not compared');
}

// The conv layers on each backend: the event-driven js layers and the gpu.js kernels (dense per step), same config.
const backends = (process.env.BENCH_BACKENDS ?? 'js,cpu,webasm').split(',').filter((b) => b !== '');
if (backends.length > 0) {
  console.log(`\nlayers by backend (${config}, --data-prop ${process.env.BENCH_BACKEND_PROP ?? '0.0002'}, ${process.env.BENCH_BACKEND_TEST ?? '10'} test images), images/s; load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
  console.log('backend     kernel class        conv1 STDP  conv2 STDP  features (train)  features (test)');
  for (const b of backends) {
    const name = `backend-${b}`;
    const r = spawnSync(process.execPath, [cli, '--backend', b, 'train', '-c', config, '--data-prop', process.env.BENCH_BACKEND_PROP ?? '0.0002', '--test-size', process.env.BENCH_BACKEND_TEST ?? '10', '--runs-dir', root, '--name', name, '--no-figures', '-q'], { env: { ...process.env, CI: '1' } });
    if (r.status !== 0) {
      console.log(`${b.padEnd(12)}did not run: ${r.stderr.toString().trim().split('\n').at(-1)}`);
      continue;
    }
    const man = JSON.parse(readFileSync(join(root, 'spiking-convnet', name, 'manifest.json'), 'utf8'));
    const bm = man.metrics;
    const cells = [bm.conv1_stdp_images_per_s, bm.conv2_stdp_images_per_s, bm.features_train_images_per_s, bm.features_test_images_per_s].map((v, i) => v.toFixed(1).padStart([10, 12, 18, 17][i]));
    console.log(`${b.padEnd(12)}${String(man.backend.kernelClass ?? '-').padEnd(18)}${cells.join('')}`);
  }
}

// The seed's own code, phase by phase (../shared/peers/convnet_seed_run.py), when set up.
const peerDir = process.env.SEED_PEER_DIR;
if (peerDir && existsSync(join(peerDir, 'convnet_seed_run.py'))) {
  const peerProp = process.env.SEED_PEER_PROP ?? '0.01';
  execFileSync(py, ['convnet_seed_run.py', '--data-prop', peerProp], { cwd: peerDir, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, MPLBACKEND: 'Agg' } });
  const res = JSON.parse(readFileSync(join(peerDir, 'results', `convnet_seed_${peerProp}.json`), 'utf8'));
  const ph = res.phases;
  const seedRate = (k) => ph[k]?.images_per_s;
  const pairs = [
    ['encode (train+test)', seedRate('a_encode_train_test'), m.encode_train_images_per_s],
    ['conv1 STDP', seedRate('b_conv1_stdp_train'), m.conv1_stdp_images_per_s],
    ['conv2 STDP', seedRate('c_conv2_stdp_train'), m.conv2_stdp_images_per_s],
    ['features', seedRate('d_features_train_test'), m.features_train_images_per_s],
  ];
  console.log('\nphase               seed img/s   ours img/s   ratio');
  for (const [name, s, o] of pairs) if (s) console.log(`${name.padEnd(20)}${s.toFixed(1).padStart(10)}${o.toFixed(1).padStart(13)}${(o / s).toFixed(1).padStart(8)}x`);
} else {
  console.log('seed peer not run (set SEED_PEER_DIR to a prepared copy of ../shared/peers)');
}
console.log(`load average after: ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
rmSync(root, { recursive: true, force: true });
