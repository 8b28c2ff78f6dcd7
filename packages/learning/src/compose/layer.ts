import type { Rng } from '@snn/core';
import type { Parameter } from '../optim/parameter.js';
import type { FloatArray, NamedTensor, Seq, SpikeFunction } from './types.js';

/** What a layer learns when a container builds it. */
export interface BuildContext {
  /** Generator of the initial weights. */
  readonly rng: Rng;
  /** True when the layer's backward must return dL/d(input) (false for the first layer: its input is data). */
  readonly needInputGrad: boolean;
  /** Name of the layer that feeds this one (`"input"` for the first), for error messages. */
  readonly previous: string;
}

/** Per-run settings the engine hands to every layer's forward and backward. */
export interface RunContext {
  /** True for a training run: layers keep what backward needs and dropout is active. */
  readonly train: boolean;
  /** Generator for stochastic layers (dropout); seeded per batch by the network. */
  readonly rng: Rng;
  /** Replaces every neuron's spike function (used by {@link gradCheck}); null in normal runs. */
  readonly spikeOverride: SpikeFunction | null;
  /** Loss gradients taken on the outputs of inner layers (recorded for the loss), added by their container. */
  readonly extraGrad?: ReadonlyMap<Layer, LayerGrad>;
}

/** What a layer's forward returns. */
export interface LayerOutput {
  /** The output sequence `[T, B, ...outShape]` (spikes for a spiking neuron layer). */
  readonly out: Seq;
  /** The membrane of a neuron layer `[T, B, ...outShape]` (after each step's reset, as snnTorch returns it); null otherwise. */
  readonly mem: FloatArray | null;
}

/** The gradient a layer's backward receives. */
export interface LayerGrad {
  /** dL/d(out), `[T, B, ...outShape]`. */
  readonly out: FloatArray;
  /** dL/d(mem) taken directly by the loss (a membrane loss on this layer), or null. */
  readonly mem: FloatArray | null;
}

/**
 * One layer of a composition: declares its parameters and state, and
 * implements a forward pass over T steps and its hand-derived backward pass
 * (vector-Jacobian product).
 *
 * @remarks
 * The contract, which the built-in layers follow and a gpu.js backend will
 * implement with device-resident tensors:
 * - `build(inShape, ctx)` is called once by the container; it checks the input
 *   shape (a `ShapeError` naming both layers and both shapes when they do not
 *   chain), makes the parameters and returns the output shape.
 * - `forward(x, ctx)` maps the whole sequence `[T, B, ...inShape]` to
 *   `[T, B, ...outShape]`. With `ctx.train` it keeps what `backward` needs
 *   (at least a reference to `x`) until the next forward.
 * - `backward(grad, ctx)` receives dL/d(output) of the last forward, adds
 *   dL/d(parameter) into every `Parameter.grad`, and returns dL/d(input)
 *   (`null` when the build context said it is not needed).
 * Output arrays may be reused by the next forward: copy what must outlive it.
 */
export interface Layer {
  /** Kind, e.g. `"Linear"`, `"Leaky"`. */
  readonly kind: string;
  /** Name in the composition (`fc1`, or the index as in PyTorch's `nn.Sequential`); prefixes its tensors' names. */
  name: string;
  /** True when the output is spikes (0/1): the next layer may run event-driven. */
  readonly spiking: boolean;
  /**
   * Checks the input shape, makes the parameters and returns the output shape.
   * @throws `ShapeError` naming this layer, the previous one and both shapes when they do not chain
   */
  build(inShape: readonly number[], ctx: BuildContext): readonly number[];
  /**
   * Forward over all T steps.
   * @param into - optional: the next layer's input buffer ({@link Layer.inputBuffer}), of the output's size; a layer
   *   may write its output there (and return it as `out.data`) to spare the next layer a copy, or ignore it
   */
  forward(x: Seq, ctx: RunContext, into?: Float32Array): LayerOutput;
  /**
   * Backward over all T steps of the last forward; adds parameter gradients, returns dL/d(input) or null.
   * @param into - optional: the previous layer's gradient buffer ({@link Layer.gradBuffer}), of the input's size; a
   *   layer may write dL/d(input) there (and return it), or ignore it
   */
  backward(grad: LayerGrad, ctx: RunContext, into?: Float32Array): FloatArray | null;
  /**
   * Optional: the array this layer's next forward would copy a float32 input of T steps and B samples into
   * (e.g. its kernel's memory), so that the layer before can write its output there; null when there is none.
   */
  inputBuffer?(steps: number, batch: number): Float32Array | null;
  /** Optional: the same for the dL/d(output) its next backward receives. */
  gradBuffer?(steps: number, batch: number): Float32Array | null;
  /** Trainable parameters, named `${name}.${tensor}`, in their engine layout (see {@link NamedTensor} for PyTorch's). */
  parameters(): Parameter[];
  /** Parameters and buffers in PyTorch names and layouts (state dict order). */
  tensors(): NamedTensor[];
  /** Writes one tensor given in PyTorch layout (its name and shape already checked against {@link Layer.tensors}). */
  loadTensor(name: string, value: Float32Array): void;
  /** Nested layers (of a block), for lookup by name; empty for a plain layer. */
  children(): readonly Layer[];
  /** The output of the last forward (for recording); absent or null when the layer cannot be recorded. */
  lastOutput?(): LayerOutput | null;
}

/**
 * Base of the layers that have no parameters and no buffers (`Flatten`, `Dropout`, `MaxPool2d`, a
 * layer of your own such as an activation): nothing to train, save, load or look up.
 */
export abstract class ParameterFreeLayer {
  /** None. */
  parameters(): Parameter[] {
    return [];
  }

  /** None. */
  tensors(): NamedTensor[] {
    return [];
  }

  /** Nothing to load (a state dict names no tensor of this layer). */
  loadTensor(): void {}

  /** None. */
  children(): readonly Layer[] {
    return [];
  }
}

/** `name (Kind)` for messages. */
export function describeLayer(layer: Pick<Layer, 'name' | 'kind'>): string {
  return `'${layer.name}' (${layer.kind})`;
}
