import type { SparseSpikes } from '@snn/core';

/**
 * Builds core `SparseSpikes` row by row (row = b·T + t), growing the index
 * buffer by doubling. Indices pushed within a row must be ascending.
 */
export class SparseBuilder {
  private readonly offsets: Uint32Array;
  private indices: Uint32Array;
  private count = 0;
  private row = 0;

  /**
   * @param batch - number of samples
   * @param numSteps - time steps per sample
   * @param size - inputs per time step
   * @param capacityHint - expected number of spikes (initial buffer size)
   */
  constructor(
    private readonly batch: number,
    private readonly numSteps: number,
    private readonly size: number,
    capacityHint: number,
  ) {
    this.offsets = new Uint32Array(batch * numSteps + 1);
    this.indices = new Uint32Array(Math.max(16, Math.ceil(capacityHint)));
  }

  /** Appends active input `index` to the current row. */
  push(index: number): void {
    if (this.count === this.indices.length) {
      const grown = new Uint32Array(this.indices.length * 2);
      grown.set(this.indices);
      this.indices = grown;
    }
    this.indices[this.count++] = index;
  }

  /** Closes the current row and starts the next one. */
  endRow(): void {
    this.row++;
    this.offsets[this.row] = this.count;
  }

  /** The finished spike trains (all rows must have been ended). */
  finish(): SparseSpikes {
    return {
      batch: this.batch,
      numSteps: this.numSteps,
      size: this.size,
      offsets: this.offsets,
      indices: this.indices.slice(0, this.count),
    };
  }
}
