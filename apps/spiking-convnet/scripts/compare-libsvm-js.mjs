#!/usr/bin/env node
// RbfSvm (@snn/readout) against libsvm-js (libsvm 3.x compiled by emscripten, npm 0.2.1) on a run's saved
// features: fit and predict times, accuracy, agreement. libsvm-js is not a dependency of this repository: install
// it in a scratch directory and name that directory.
//   mkdir /tmp/libsvm && (cd /tmp/libsvm && npm init -y && npm i libsvm-js@0.2.1)
//   LIBSVM_JS_DIR=/tmp/libsvm node scripts/compare-libsvm-js.mjs runs/spiking-convnet/<run> [max|potential]
// max: the pooled first-spike features as 0/1; potential: the potential features, standardised (runs of -c default).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { loadNpy } from '@snn/core/node';
import { RbfSvm, Standardizer, accuracy } from '@snn/readout';
const scratch = process.env.LIBSVM_JS_DIR;
if (!scratch) throw new Error('set LIBSVM_JS_DIR to a directory where libsvm-js@0.2.1 is installed');
const require = createRequire(join(scratch, 'package.json'));
const d = process.argv[2];
const C = 10;
const kind = process.argv[3] ?? 'max';
const load = async (split) => {
  if (kind === 'potential') {
    const f = await loadNpy(`${d}/features_${split}_potential.npy`);
    const y = await loadNpy(`${d}/y_${split}.npy`);
    return { x: { data: Float32Array.from(f.data), rows: f.shape[0], columns: f.shape[1] }, y: Array.from(y.data) };
  }
  const f = await loadNpy(`${d}/features_${split}_first_spike.npy`);
  const y = await loadNpy(`${d}/y_${split}.npy`);
  const [rows, cols] = f.shape;
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = f.data[i] !== 255 ? 1 : 0;
  return { x: { data, rows, columns: cols }, y: Array.from(y.data) };
};
const tr = await load('train');
const te = await load('test');
if (kind === 'potential') {
  const scaler = Standardizer.fit(tr.x);
  tr.x = scaler.transform(tr.x);
  te.x = scaler.transform(te.x);
}
// gamma 'scale' = 1 / (n_features · Var(X)), as scikit-learn
let s = 0, s2 = 0;
for (const v of tr.x.data) { s += v; s2 += v * v; }
const n = tr.x.data.length; const variance = s2 / n - (s / n) ** 2;
const gamma = 1 / (tr.x.columns * variance);
console.log(`train ${tr.x.rows} × ${tr.x.columns}, test ${te.x.rows}, gamma ${gamma.toExponential(4)}; load average ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
let t = performance.now();
const ours = RbfSvm.fit(tr.x, tr.y, { C, gamma: 'scale' });
const oursFit = (performance.now() - t) / 1000;
t = performance.now();
const pOurs = ours.predict(te.x);
const oursPred = (performance.now() - t) / 1000;
console.log(`ours RbfSvm: fit ${oursFit.toFixed(2)} s, predict ${oursPred.toFixed(2)} s, accuracy ${(100 * accuracy(pOurs, te.y)).toFixed(2)} %`);
t = performance.now();
const SVM = await require('libsvm-js');
const loadS = (performance.now() - t) / 1000;
const rowsOf = (m) => Array.from({ length: m.rows }, (_, r) => Array.from(m.data.subarray(r * m.columns, (r + 1) * m.columns)));
const trainRows = rowsOf(tr.x);
const testRows = rowsOf(te.x);
const svm = new SVM({ type: SVM.SVM_TYPES.C_SVC, kernel: SVM.KERNEL_TYPES.RBF, cost: C, gamma, tolerance: 0.001, cacheSize: 200, shrinking: true, quiet: true });
t = performance.now();
svm.train(trainRows, tr.y);
const libFit = (performance.now() - t) / 1000;
t = performance.now();
const pLib = svm.predict(testRows);
const libPred = (performance.now() - t) / 1000;
let agree = 0;
for (let i = 0; i < pLib.length; i++) if (pLib[i] === pOurs[i]) agree++;
console.log(`libsvm-js: module load ${loadS.toFixed(2)} s, fit ${libFit.toFixed(2)} s, predict ${libPred.toFixed(2)} s, accuracy ${(100 * accuracy(Int32Array.from(pLib), te.y)).toFixed(2)} %, support vectors ${svm.getSVIndices().length}`);
console.log(`agreement ours vs libsvm-js: ${(100 * agree / pLib.length).toFixed(2)} % of ${pLib.length} test samples; fit time ratio ours/libsvm-js ${(oursFit / libFit).toFixed(3)}`);
console.log(`load average after: ${loadavg().map((v) => v.toFixed(2)).join(' ')}`);
