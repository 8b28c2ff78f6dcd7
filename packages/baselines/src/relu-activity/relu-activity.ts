/** Active and total ReLU units counted for one layer. */
export interface ReluCount {
  /** Units with a positive pre-activation (ReLU output > 0), summed over the examples seen. */
  readonly active: number;
  /** Units seen (layer size × examples). */
  readonly total: number;
}

/**
 * Counts how many ReLU units of a baseline are active (output > 0) over forward passes: the "equivalent spike
 * rate" of a non-spiking network, the fraction of its units that pass a signal on, as one compares it with the
 * fraction of spiking neurons of an SNN.
 *
 * @remarks
 * Pass one to `forward(x, batch, { activity })` of {@link Mlp} or {@link Cnn}: each ReLU layer adds its
 * counts under its name in `layerSummaries()` (`relu1`, `relu2`, …). Units are counted before dropout, so training
 * and evaluation count the same thing. For a convolution stage the units are those of the feature map before
 * pooling (`[channels, height, width]`, the ReLU's output shape in `layerSummaries()`).
 *
 * @example
 * ```ts
 * const activity = new ReluActivity();
 * await mlp.forward(images, 100, { activity });
 * activity.fraction();        // e.g. 0.41: 41 % of the hidden units were active
 * activity.fraction('relu1'); // one layer
 * ```
 */
export class ReluActivity {
  private readonly counts = new Map<string, { active: number; total: number }>();

  /**
   * Adds the units of one layer's ReLU.
   * @param layer - the layer's name (e.g. `relu1`)
   * @param preActivation - the values the ReLU is applied to (or its outputs: the sign is what counts)
   */
  record(layer: string, preActivation: ArrayLike<number>): void {
    let active = 0;
    for (let i = 0; i < preActivation.length; i++) if (preActivation[i] > 0) active++;
    this.add(layer, active, preActivation.length);
  }

  /**
   * Adds counts computed elsewhere (e.g. in the loop that applies the ReLU).
   * @param layer - the layer's name
   * @param active - units with output > 0
   * @param total - units seen
   */
  add(layer: string, active: number, total: number): void {
    const c = this.counts.get(layer) ?? { active: 0, total: 0 };
    c.active += active;
    c.total += total;
    this.counts.set(layer, c);
  }

  /** The layers counted so far, in the order first seen. */
  layers(): string[] {
    return [...this.counts.keys()];
  }

  /**
   * Counts of one layer.
   * @param layer - the layer's name
   */
  count(layer: string): ReluCount {
    const c = this.counts.get(layer);
    return { active: c?.active ?? 0, total: c?.total ?? 0 };
  }

  /**
   * Fraction of active units: of one layer, or of all ReLU units counted (Σ active / Σ total). NaN before
   * anything was counted.
   * @param layer - a layer's name; omitted: all layers together
   */
  fraction(layer?: string): number {
    let active = 0;
    let total = 0;
    for (const [name, c] of this.counts) {
      if (layer !== undefined && name !== layer) continue;
      active += c.active;
      total += c.total;
    }
    return total > 0 ? active / total : Number.NaN;
  }
}
