/**
 * Mean spike rate: spikes per neuron per time step per sample.
 *
 * @param spikes - total spikes of the layer (all neurons, steps and samples)
 * @param neurons - layer width
 * @param numSteps - time steps T
 * @param samples - samples the spikes were counted over
 * @returns a fraction in [0, 1] (0 when nothing was simulated)
 */
export function spikeRate(spikes: number, neurons: number, numSteps: number, samples: number): number {
  const slots = neurons * numSteps * samples;
  return slots > 0 ? spikes / slots : 0;
}
