import { ValidationError } from '@snn/core';

/**
 * Synaptic operations (SynOps) of a feed-forward spiking network: each spike of a layer drives
 * one accumulate in every neuron it projects to.
 *
 * @remarks
 * `SynOps = Σ_l spikes_l · fanOut_l`, where `spikes_l` counts the spikes of layer l (layer 0 is
 * the input) over all time steps and samples, and `fanOut_l` is the width of layer l+1 (fully
 * connected layers). The output layer's spikes drive nothing and are not counted.
 *
 * @param spikeCounts - total spikes per layer, input first (`sizes.length` entries; the last, the
 *   output layer's, is ignored)
 * @param sizes - layer widths, input first, e.g. `[784, 1024, 10]`
 * @returns the number of accumulates
 * @throws ValidationError when the two arrays have different lengths or a count is negative
 */
export function denseSynOps(spikeCounts: readonly number[], sizes: readonly number[]): number {
  if (spikeCounts.length !== sizes.length) {
    throw new ValidationError('one spike count per layer', { field: 'spikeCounts', expected: `${sizes.length} counts`, found: `${spikeCounts.length}` });
  }
  let total = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const count = spikeCounts[l];
    if (!(count >= 0)) throw new ValidationError('negative spike count', { field: `spikeCounts[${l}]`, expected: '>= 0', found: String(count) });
    total += count * sizes[l + 1];
  }
  return total;
}

/**
 * Multiply-accumulates of one dense forward pass per sample: `Σ_l in_l · out_l`.
 *
 * @param sizes - layer widths, input first, e.g. `[784, 512, 10]`
 * @returns MACs per sample
 */
export function denseMacs(sizes: readonly number[]): number {
  let total = 0;
  for (let l = 0; l + 1 < sizes.length; l++) total += sizes[l] * sizes[l + 1];
  return total;
}

/**
 * Floating-point operations per neuron and time step of the Izhikevich update with Euler steps.
 *
 * @remarks
 * `v' = 0.04 v² + 5 v + 140 − u + I` (7 operations: 2 mults for 0.04·v², 1 mult for 5v, 4 adds),
 * `v += dt·v'` (2), `u' = a(b v − u)` (3), `u += dt·u'` (2), threshold compare and reset (2):
 * 16 FLOPs. Izhikevich, "Simple model of spiking neurons", IEEE Trans. Neural Netw. 14(6), 2003.
 */
export const IZHIKEVICH_FLOPS_PER_UPDATE = 16;

/**
 * Dense-equivalent FLOPs of one sample through a feed-forward Izhikevich network over T steps:
 * `T · (Σ_l 2·in_l·out_l + 16 · Σ_{l≥1} size_l)`.
 *
 * @remarks
 * The matrix products are counted as if every input were dense (2 FLOPs per MAC); the actual
 * spike-driven work is {@link denseSynOps}. The neuron updates cost
 * {@link IZHIKEVICH_FLOPS_PER_UPDATE} each.
 *
 * @param sizes - layer widths, input first
 * @param numSteps - time steps T
 * @returns FLOPs per sample
 */
export function izhikevichNetworkFlops(sizes: readonly number[], numSteps: number): number {
  let neurons = 0;
  for (let l = 1; l < sizes.length; l++) neurons += sizes[l];
  return numSteps * (2 * denseMacs(sizes) + IZHIKEVICH_FLOPS_PER_UPDATE * neurons);
}
