// A user's-eye example: compose the packages by hand to train a small LIF
// network on part of MNIST, decode its output spikes and save a figure.
//   node src/mnist-lif.mjs [--train 6000] [--epochs 1] [--out mnist-lif-out]
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Rng } from '@snn/core';
import { imagesToTensor, stratifiedSubset, batches, shuffledIndices } from '@snn/datasets';
import { loadMnist } from '@snn/datasets/node';
import { rateSparse } from '@snn/encoding';
import { Adam, LifNetwork, trainEpoch } from '@snn/learning';
import { accuracy, confusionMatrix } from '@snn/readout';
import { confusionMatrixFigure } from '@snn/viz';
import { saveFigure } from '@snn/viz/node';

/**
 * Trains a 784-128-10 LIF network (T = 25, rate coding) on a stratified
 * subset of MNIST and returns the test accuracy on `test` images.
 */
export async function runExample({ train = 6000, test = 2000, epochs = 1, numSteps = 25, hidden = 128, seed = 1, out = null, log = console.log } = {}) {
  const rng = new Rng(seed);
  const trainSet = loadMnist({ split: 'train' });
  const testSet = loadMnist({ split: 'test' });
  const trainIndices = stratifiedSubset(trainSet.labels, Math.min(1, train / trainSet.count), rng);
  const testIndices = stratifiedSubset(testSet.labels, Math.min(1, test / testSet.count), rng);

  const network = new LifNetwork({ sizes: [784, hidden, 10], lif: { beta: 0.95 }, seed });
  const optimizer = new Adam(network.parameters(), { lr: 2e-3 });

  // Encode each batch as sparse spikes: the network touches only active pixels.
  const encode = (dataset, indices) =>
    batches(indices, 128).map((batch) => ({
      spikes: rateSparse(imagesToTensor(dataset, batch), { numSteps, rng }),
      labels: Array.from(batch, (i) => dataset.labels[i]),
    }));

  for (let epoch = 1; epoch <= epochs; epoch++) {
    const order = shuffledIndices(trainIndices.length, rng).map((k) => trainIndices[k]);
    const result = trainEpoch(network, encode(trainSet, order), optimizer);
    log(`epoch ${epoch}: loss ${result.loss.toFixed(4)}, train accuracy ${(100 * result.accuracy).toFixed(2)} %, ${result.seconds.toFixed(1)} s`);
  }

  const predictions = [];
  const labels = [];
  for (const batch of encode(testSet, testIndices)) {
    const { counts } = network.forward(batch.spikes);
    for (let b = 0; b < batch.labels.length; b++) {
      let best = 0;
      for (let c = 1; c < 10; c++) if (counts[b * 10 + c] > counts[b * 10 + best]) best = c;
      predictions.push(best);
      labels.push(batch.labels[b]);
    }
  }
  await network.close();
  const testAccuracy = accuracy(predictions, labels);
  log(`test accuracy on ${labels.length} images: ${(100 * testAccuracy).toFixed(2)} %`);
  if (out) {
    mkdirSync(out, { recursive: true });
    const { matrix } = confusionMatrix(predictions, labels, 10);
    await saveFigure(join(out, 'confusion-matrix'), await confusionMatrixFigure(matrix, 10));
    log(`figure written to ${join(out, 'confusion-matrix.png')}`);
  }
  return testAccuracy;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { train: { type: 'string', default: '6000' }, epochs: { type: 'string', default: '1' }, out: { type: 'string', default: 'mnist-lif-out' } },
  });
  await runExample({ train: Number(values.train), epochs: Number(values.epochs), out: values.out });
}
