import { RecurrentClassifier, type RecurrentClassifierOptions } from '@snn/learning';
import { IMAGE_PIXELS, type ImageClassificationConfig, NUM_CLASSES } from '../config/schema.js';
import { STREAMS, streamSeed } from '../data/streams.js';

type ModelConfig = ImageClassificationConfig['model'];

const SURROGATES: Readonly<Record<ModelConfig['surrogate']['name'], string>> = Object.freeze({
  fast_sigmoid: 'fastSigmoid',
  atan: 'atan',
  sigmoid: 'sigmoid',
  straight_through: 'straightThrough',
});

/**
 * The options of the `RecurrentClassifier` of @snn/learning for a config: 784 inputs → hidden
 * layer of `hidden_size` LIF or ALIF neurons (optionally with recurrent weights) → 10 leaky
 * (non-spiking) readout neurons, whose trace is reduced over time (`readout`) to the logits.
 *
 * @param config - the run config (`model`, `seed`)
 * @param workers - threads sharing each batch; default `config.workers`
 */
export function classifierOptions(config: Pick<ImageClassificationConfig, 'model' | 'seed' | 'workers'>, workers = config.workers): RecurrentClassifierOptions {
  const m = config.model;
  const surrogateOptions: Record<string, number> = {};
  if (m.surrogate.slope !== undefined) surrogateOptions.slope = m.surrogate.slope;
  if (m.surrogate.alpha !== undefined) surrogateOptions.alpha = m.surrogate.alpha;
  return {
    inputSize: IMAGE_PIXELS,
    hiddenSize: m.hidden_size,
    outputSize: NUM_CLASSES,
    neuron: m.neuron,
    recurrent: m.recurrent,
    learnDecay: m.learn_beta,
    surrogate: SURROGATES[m.surrogate.name],
    ...(Object.keys(surrogateOptions).length > 0 ? { surrogateOptions } : {}),
    dtMs: m.dt_ms,
    tauMemMs: m.tau_mem_ms,
    tauAdaptMs: m.tau_adapt_ms,
    tauOutMs: m.tau_out_ms,
    threshold: m.threshold,
    adaptStrength: m.adapt_strength,
    readout: m.readout,
    seed: streamSeed(config.seed, STREAMS.weights),
    workers,
  };
}

/**
 * The classifier of a config, with weights initialised from the run seed.
 *
 * @param config - the run config
 * @param workers - threads sharing each batch; default `config.workers`
 */
export function createClassifier(config: Pick<ImageClassificationConfig, 'model' | 'seed' | 'workers'>, workers = config.workers): RecurrentClassifier {
  return new RecurrentClassifier(classifierOptions(config, workers));
}

/**
 * Names and shapes of the parameters of the classifier of a model section, in the classifier's
 * order: `fc1.weight [784, H]`, `fc1.bias [H]`, `rec.weight [H, H]` (recurrent), `fc2.weight [H, 10]`,
 * `fc2.bias [10]`, and with `learn_beta` the decay logits `hidden.alphaLogit [H]`,
 * `hidden.rhoLogit [H]` (ALIF) and `readout.kappaLogit [10]`.
 *
 * @param model - the `model` section
 */
export function parameterShapes(model: ModelConfig): Record<string, number[]> {
  const h = model.hidden_size;
  const shapes: Record<string, number[]> = { 'fc1.weight': [IMAGE_PIXELS, h], 'fc1.bias': [h] };
  if (model.recurrent) shapes['rec.weight'] = [h, h];
  shapes['fc2.weight'] = [h, NUM_CLASSES];
  shapes['fc2.bias'] = [NUM_CLASSES];
  if (model.learn_beta) {
    shapes['hidden.alphaLogit'] = [h];
    if (model.neuron === 'alif') shapes['hidden.rhoLogit'] = [h];
    shapes['readout.kappaLogit'] = [NUM_CLASSES];
  }
  return shapes;
}

/**
 * A short description of a model section, e.g. `ALIF 784-128-10, recurrent, learned decays`.
 *
 * @param model - the `model` section
 */
export function describeModel(model: ModelConfig): string {
  const parts = [`${model.neuron.toUpperCase()} ${IMAGE_PIXELS}-${model.hidden_size}-${NUM_CLASSES}`];
  parts.push(model.recurrent ? 'recurrent' : 'feed-forward');
  if (model.learn_beta) parts.push('learned decays');
  return parts.join(', ');
}
