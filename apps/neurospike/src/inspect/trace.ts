import { type Backend, type SparseSpikes, denseToSparse, sparseToDense, tensor } from '@snn/core';
import type { LifNetwork } from '@snn/learning';
import { denseForwardEvents, denseForwardKernel, lifInitialState, lifStep, lifStepKernel } from '@snn/neurons';

/** Spikes and membranes of one layer over a batch, `[batch, T, size]` row-major. */
export interface LayerTrace {
  /** Number of neurons of the layer. */
  readonly size: number;
  /** Spikes S[t] (0 or 1). */
  readonly spikes: Float32Array;
  /** Membrane U[t] after the step (after the reset for the immediate reset). */
  readonly membrane: Float32Array;
}

/** Everything {@link traceNetwork} records. */
export interface NetworkTrace {
  /** Number of samples B. */
  readonly batch: number;
  /** Number of steps T. */
  readonly numSteps: number;
  /** One trace per layer, input side first (the last is the output layer). */
  readonly layers: readonly LayerTrace[];
  /** Output spike counts `[batch, classes]`. */
  readonly counts: Float32Array;
  /** What computed it: `js` (the TypeScript references of @snn/neurons) or the gpu.js backend. */
  readonly backend: string;
}

async function denseCurrents(backend: Backend, spikes: SparseSpikes, layer: LifNetwork['layers'][number]): Promise<Float32Array> {
  if (!backend.isGpuJs) return denseForwardEvents(spikes, layer.dense);
  const rows = spikes.batch * spikes.numSteps;
  return denseForwardKernel(backend, sparseToDense(spikes).data, rows, layer.dense);
}

async function lifOverTime(backend: Backend, currents: Float32Array, batch: number, numSteps: number, layer: LifNetwork['layers'][number]): Promise<LayerTrace> {
  const n = layer.dense.outSize;
  const spikes = new Float32Array(batch * numSteps * n);
  const membrane = new Float32Array(batch * numSteps * n);
  let state = lifInitialState(batch * n);
  const input = new Float32Array(batch * n);
  for (let t = 0; t < numSteps; t++) {
    for (let b = 0; b < batch; b++) input.set(currents.subarray((b * numSteps + t) * n, (b * numSteps + t + 1) * n), b * n);
    const step = backend.isGpuJs ? await lifStepKernel(backend, input, state, layer.lif) : lifStep(input, state, layer.lif);
    state = step.state;
    for (let b = 0; b < batch; b++) {
      const at = (b * numSteps + t) * n;
      spikes.set(step.spikes.subarray(b * n, (b + 1) * n), at);
      membrane.set(state.mem.subarray(b * n, (b + 1) * n), at);
    }
  }
  return { size: n, spikes, membrane };
}

/**
 * Runs a trained network layer by layer and records every layer's spikes and membranes, with the
 * building blocks of @snn/neurons: on `js` the event-driven dense reference `denseForwardEvents`
 * and `lifStep`; on a gpu.js backend (`cpu`, `webasm`, …) the kernels `denseForwardKernel` and
 * `lifStepKernel`.
 *
 * @remarks
 * The same update as the network's BPTT engine (`I_l[t] = S_{l−1}[t]·W_l + b_l`, then the LIF
 * step with the layer's β, θ and reset), computed independently; used for spike rates, rasters,
 * membrane traces and `neurospike infer`. Sums run in another order than the engine's, so a
 * membrane within rounding of θ may rarely spike differently.
 *
 * @param network - the network (its current weights)
 * @param input - input spikes `[B, T, 784]`
 * @param backend - from `createBackend` of @snn/core
 */
export async function traceNetwork(network: LifNetwork, input: SparseSpikes, backend: Backend): Promise<NetworkTrace> {
  const batch = input.batch;
  const numSteps = input.numSteps;
  const layers: LayerTrace[] = [];
  let below = input;
  for (const layer of network.layers) {
    const currents = await denseCurrents(backend, below, layer);
    const trace = await lifOverTime(backend, currents, batch, numSteps, layer);
    layers.push(trace);
    below = denseToSparse(tensor(trace.spikes, [batch, numSteps, trace.size]));
  }
  const out = layers[layers.length - 1];
  const counts = new Float32Array(batch * out.size);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < numSteps; t++) {
      const at = (b * numSteps + t) * out.size;
      for (let c = 0; c < out.size; c++) counts[b * out.size + c] += out.spikes[at + c];
    }
  }
  return { batch, numSteps, layers, counts, backend: backend.name };
}

/**
 * Spikes per neuron per step of each layer, averaged over the batch and the steps.
 *
 * @param trace - from {@link traceNetwork}
 */
export function layerSpikeRates(trace: NetworkTrace): number[] {
  return trace.layers.map((layer) => {
    let sum = 0;
    for (let i = 0; i < layer.spikes.length; i++) sum += layer.spikes[i];
    return layer.spikes.length > 0 ? sum / layer.spikes.length : 0;
  });
}
