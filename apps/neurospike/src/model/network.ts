import { Rng } from '@snn/core';
import { type BpttLoss, LifNetwork } from '@snn/learning';
import { type SurrogateFunction, atan, fastSigmoid, sigmoid, straightThrough } from '@snn/neurons';
import { MNIST_CLASSES, MNIST_PIXELS, type NeuroSpikeConfig } from '../config/schema.js';
import { STREAMS, streamSeed } from '../data/streams.js';

type ModelConfig = NeuroSpikeConfig['model'];

/**
 * Layer widths of the network: `[784, hidden × num_hidden_layers, 10]`.
 *
 * @param model - the `model` section
 */
export function networkSizes(model: ModelConfig): number[] {
  return [MNIST_PIXELS, ...new Array<number>(model.num_hidden_layers).fill(model.hidden_size), MNIST_CLASSES];
}

/**
 * The surrogate spike function of the `model.surrogate` section (snnTorch names in snake_case).
 *
 * @param surrogate - `name` with `alpha` (atan, default 2) or `slope` (fast_sigmoid, sigmoid; default 25)
 */
export function surrogateOf(surrogate: ModelConfig['surrogate']): SurrogateFunction {
  switch (surrogate.name) {
    case 'atan':
      return atan(surrogate.alpha === undefined ? {} : { alpha: surrogate.alpha });
    case 'fast_sigmoid':
      return fastSigmoid(surrogate.slope === undefined ? {} : { slope: surrogate.slope });
    case 'sigmoid':
      return sigmoid(surrogate.slope === undefined ? {} : { slope: surrogate.slope });
    case 'straight_through':
      return straightThrough();
  }
}

/**
 * The `[Dense → Leaky] × L` network of a config, with weights initialised from the run seed.
 *
 * @param config - the run config (`model`, `seed`)
 * @param workers - threads sharing each batch; default `config.workers`
 */
export function createNetwork(config: NeuroSpikeConfig, workers = config.workers): LifNetwork {
  const m = config.model;
  return new LifNetwork({
    sizes: networkSizes(m),
    lif: { beta: m.beta, threshold: m.threshold, resetMechanism: m.reset },
    surrogate: surrogateOf(m.surrogate),
    residual: m.residual,
    rng: new Rng(streamSeed(config.seed, STREAMS.weights)),
    workers,
  });
}

/**
 * The BPTT loss of the `training.loss` field: `membrane_ce` (cross-entropy of the output membrane
 * summed over steps), `count_ce` (cross-entropy of the spike counts) or `mse_count` (snnTorch's
 * `mse_count_loss` with `correct_rate`/`incorrect_rate`).
 *
 * @param training - the `training` section
 */
export function lossOf(training: NeuroSpikeConfig['training']): BpttLoss {
  switch (training.loss) {
    case 'membrane_ce':
      return { kind: 'membraneCrossEntropy' };
    case 'count_ce':
      return { kind: 'countCrossEntropy' };
    case 'mse_count':
      return { kind: 'mseCount', correctRate: training.correct_rate, incorrectRate: training.incorrect_rate };
  }
}

/**
 * Names and shapes of the weight tensors of a network of these widths: `fc{k}.weight [in, out]`, `fc{k}.bias [out]`.
 *
 * @param sizes - layer widths, input first
 */
export function weightShapes(sizes: readonly number[]): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (let l = 0; l + 1 < sizes.length; l++) {
    out[`fc${l + 1}.weight`] = [sizes[l], sizes[l + 1]];
    out[`fc${l + 1}.bias`] = [sizes[l + 1]];
  }
  return out;
}
