import { type Rng, ShapeError, ValidationError } from '@snn/core';

/**
 * A fully connected layer: weights `[inSize, outSize]` row-major and a bias `[outSize]`.
 *
 * @remarks
 * Row i of `weight` holds the weights from input i to every output, so an
 * input spike adds one contiguous row (the event-driven path). The current is
 * `I = x·W + b`, plus `x` itself when `residual` is set (an identity skip on
 * the input current of an equal-width layer: `h_l = LIF(W h_{l−1} + b + h_{l−1})`).
 */
export interface DenseLayer {
  /** Number of inputs. */
  readonly inSize: number;
  /** Number of outputs. */
  readonly outSize: number;
  /** Weights `[inSize, outSize]` row-major (row i = weights from input i). */
  readonly weight: Float32Array;
  /** Bias `[outSize]`, added to every output current. */
  readonly bias: Float32Array;
  /** Whether the input is added to the current (identity skip; needs `inSize === outSize`). */
  readonly residual: boolean;
}

/** Options of {@link createDense}. */
export interface DenseOptions {
  /** Add the input to the output current (identity skip). Default false; needs equal widths. */
  readonly residual?: boolean;
  /**
   * Use these arrays instead of new ones (e.g. views of a `SharedArrayBuffer`);
   * they are filled with the initial values. Lengths `inSize·outSize` and `outSize`.
   */
  readonly storage?: {
    /** Array for the weights, length `inSize·outSize`. */
    readonly weight: Float32Array;
    /** Array for the bias, length `outSize`. */
    readonly bias: Float32Array;
  };
}

function checkSize(value: number, field: string): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new ValidationError('invalid layer size', { field, expected: 'a positive integer', found: String(value) });
  }
}

/**
 * Makes a dense layer with PyTorch's `nn.Linear` initialisation, drawn from an injected RNG.
 *
 * @remarks
 * Every weight and bias is drawn from `U(−1/√inSize, 1/√inSize)`, the
 * distribution of PyTorch's default `nn.Linear` init (Kaiming-uniform with
 * `a = √5` for the weights; He et al. 2015, "Delving deep into rectifiers",
 * ICCV). Draw order: the weights row by row in the `[inSize, outSize]`
 * layout, then the bias.
 *
 * @param inSize - number of inputs (positive integer)
 * @param outSize - number of outputs (positive integer)
 * @param rng - seeded generator from `@snn/core`
 * @param opts - residual skip and optional storage; see {@link DenseOptions}
 * @throws `ValidationError` for a bad size or a residual layer of unequal widths;
 *   `ShapeError` for storage of the wrong length
 * @example
 * ```ts
 * const fc1 = createDense(784, 1000, new Rng(0));
 * fc1.weight.length; // 784000
 * ```
 */
export function createDense(inSize: number, outSize: number, rng: Rng, opts: DenseOptions = {}): DenseLayer {
  checkSize(inSize, 'dense.inSize');
  checkSize(outSize, 'dense.outSize');
  const residual = opts.residual ?? false;
  if (residual && inSize !== outSize) {
    throw new ValidationError('a residual layer needs equal input and output widths', {
      field: 'dense.residual',
      expected: `outSize = inSize = ${inSize}`,
      found: `outSize ${outSize}`,
    });
  }
  const weight = opts.storage?.weight ?? new Float32Array(inSize * outSize);
  const bias = opts.storage?.bias ?? new Float32Array(outSize);
  if (weight.length !== inSize * outSize) {
    throw new ShapeError('weight storage has the wrong length', {
      field: 'dense.storage.weight',
      expected: `${inSize * outSize}`,
      found: `${weight.length}`,
    });
  }
  if (bias.length !== outSize) {
    throw new ShapeError('bias storage has the wrong length', { field: 'dense.storage.bias', expected: `${outSize}`, found: `${bias.length}` });
  }
  const bound = 1 / Math.sqrt(inSize);
  for (let i = 0; i < weight.length; i++) weight[i] = rng.uniformIn(-bound, bound);
  for (let j = 0; j < outSize; j++) bias[j] = rng.uniformIn(-bound, bound);
  return { inSize, outSize, weight, bias, residual };
}
