import { ConfigError, MEMORY_BUDGET_BYTES, formatBytes, parseConfig } from '@snn/cli';
import { CheckpointError, SnnError, describeValue } from '@snn/core';
import { lifParams, surrogateFromSpec } from '@snn/neurons';
import { MNIST_CLASSES, MNIST_PIXELS, SIZE_LIMITS, encodingSchema, estimateTrainingBytes } from '../config/schema.js';

const PREFIX = '__metadata__.meta';

function invalid(file: string, field: string, expected: string, found: unknown): CheckpointError {
  return new CheckpointError('invalid checkpoint metadata', { file, field: `${PREFIX}.${field}`, expected, found: found === undefined ? 'nothing' : describeValue(found) });
}

/** Runs a validator of another package and re-throws its error as a CheckpointError naming the file and the metadata field. */
function wrap(file: string, field: string, check: () => unknown): void {
  try {
    check();
  } catch (error) {
    if (error instanceof ConfigError) {
      const issue = error.issues[0];
      const sub = issue.field === '' ? field : `${field}.${issue.field}`;
      throw new CheckpointError('invalid checkpoint metadata', { file, field: `${PREFIX}.${sub}`, expected: issue.expected ?? issue.summary, found: issue.found ?? 'nothing', cause: error });
    }
    if (error instanceof SnnError) {
      const inner = error.field?.replace(/^[^.]*\.?/, '');
      throw new CheckpointError('invalid checkpoint metadata', {
        file,
        field: `${PREFIX}.${field}${inner ? `.${inner}` : ''}`,
        expected: error.expected,
        found: error.found,
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * Validates the metadata of a neurospike checkpoint with the rules of a config, before any of it
 * is used: the layer widths (784 in, 10 out, hidden widths and depth within the config's
 * {@link SIZE_LIMITS} and the memory budget), each layer's LIF parameters, the residual flags, the
 * surrogate, `numSteps` (as `model.num_steps`) and `encoding` (the config's `encoding` schema).
 *
 * @remarks
 * A checkpoint's metadata is covered by its checksum (`@snn/core` format version 2), so this
 * catches files written by hand or by another program, not corruption.
 *
 * @param file - the checkpoint, named in errors
 * @param meta - its `meta` as loaded
 * @throws `CheckpointError` naming the file and the field (`__metadata__.meta.<field>`), what was expected and found
 */
export function validateCheckpointMeta(file: string, meta: Readonly<Record<string, unknown>>): void {
  const network = meta.network as Record<string, unknown> | undefined;
  if (network === null || typeof network !== 'object') throw invalid(file, 'network', 'the network definition (sizes, lif, residual, surrogate)', network);
  const sizes = network.sizes;
  const maxLayers = SIZE_LIMITS.num_hidden_layers + 2;
  if (!Array.isArray(sizes) || sizes.length < 2 || sizes.length > maxLayers) {
    throw invalid(file, 'network.sizes', `2 to ${maxLayers} layer widths`, sizes);
  }
  if (sizes[0] !== MNIST_PIXELS) throw invalid(file, 'network.sizes[0]', `${MNIST_PIXELS} inputs`, sizes[0]);
  if (sizes[sizes.length - 1] !== MNIST_CLASSES) throw invalid(file, `network.sizes[${sizes.length - 1}]`, `${MNIST_CLASSES} outputs`, sizes[sizes.length - 1]);
  for (let k = 1; k < sizes.length - 1; k++) {
    const width = sizes[k];
    if (!Number.isInteger(width) || width < 1 || width > SIZE_LIMITS.hidden_size) {
      throw invalid(file, `network.sizes[${k}]`, `an integer in [1, ${SIZE_LIMITS.hidden_size}]`, width);
    }
  }
  const numSteps = meta.numSteps;
  if (!Number.isInteger(numSteps) || (numSteps as number) < 1 || (numSteps as number) > SIZE_LIMITS.num_steps) {
    throw invalid(file, 'numSteps', `an integer in [1, ${SIZE_LIMITS.num_steps}]`, numSteps);
  }
  const widest = Math.max(1, ...sizes.slice(1, -1));
  const { bytes } = estimateTrainingBytes({ hidden_size: widest, num_hidden_layers: sizes.length - 2, num_steps: numSteps as number }, 1);
  if (bytes > MEMORY_BUDGET_BYTES) throw invalid(file, 'network.sizes', `a network that fits in ${formatBytes(MEMORY_BUDGET_BYTES)}`, sizes);
  const layers = sizes.length - 1;
  const lif = network.lif;
  if (!Array.isArray(lif) || lif.length !== layers) throw invalid(file, 'network.lif', `LIF parameters of ${layers} layers`, lif);
  for (let k = 0; k < layers; k++) wrap(file, `network.lif[${k}]`, () => lifParams(lif[k]));
  const residual = network.residual;
  if (!Array.isArray(residual) || residual.length !== layers || !residual.every((r) => typeof r === 'boolean')) {
    throw invalid(file, 'network.residual', `${layers} true/false flags`, residual);
  }
  const surrogate = network.surrogate as { name?: unknown; options?: unknown } | undefined;
  if (surrogate === null || typeof surrogate !== 'object' || typeof surrogate.name !== 'string') throw invalid(file, 'network.surrogate', 'a surrogate name and options', surrogate);
  wrap(file, 'network.surrogate', () => surrogateFromSpec(surrogate.name as string, (surrogate.options ?? {}) as Record<string, number>));
  wrap(file, 'encoding', () => parseConfig(meta.encoding, encodingSchema));
}
