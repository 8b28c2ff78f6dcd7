// Spike trains grouped per input into runs of consecutive active steps: the
// event-driven core shared by the BPTT engines (a layer whose input is spikes
// adds one weight row per run edge instead of one per spike).

/** Index of the lowest set bit of a non-zero 32-bit integer. */
function lowestBit(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/**
 * The spike trains arriving at one layer, grouped per input neuron as runs of
 * consecutive active steps: input `active[k]` is on during
 * `[runStart[r], runEnd[r]]` for `r` in `[runPtr[k], runPtr[k + 1])`.
 */
export class InputRuns {
  /** Number of inputs with at least one spike. */
  count = 0;
  /** Index of each active input. */
  readonly active: Int32Array;
  /** Runs of active input k: `[runPtr[k], runPtr[k + 1])`. */
  readonly runPtr: Int32Array;
  /** First step of each run. */
  readonly runStart: Int32Array;
  /** Last step of each run (inclusive). */
  readonly runEnd: Int32Array;

  /**
   * @param size - number of inputs
   * @param numSteps - number of steps T
   */
  constructor(size: number, numSteps: number) {
    this.active = new Int32Array(size);
    this.runPtr = new Int32Array(size + 1);
    const maxRuns = size * ((numSteps + 1) >> 1);
    this.runStart = new Int32Array(maxRuns);
    this.runEnd = new Int32Array(maxRuns);
  }

  /**
   * Reads spike bit masks: bit `t mod 32` of `masks[base + ⌊t/32⌋·stride + i]`
   * is set when input i spiked at step t (bits at or after T are 0).
   */
  build(masks: Int32Array, base: number, stride: number, size: number, numSteps: number): void {
    const { active, runPtr, runStart, runEnd } = this;
    const words = (numSteps + 31) >> 5;
    let nAct = 0;
    let nRuns = 0;
    for (let i = 0; i < size; i++) {
      const first = nRuns;
      let open = -1;
      for (let w = 0; w < words; w++) {
        const x = masks[base + w * stride + i];
        if (x === 0 && open < 0) continue;
        let pos = 0;
        while (pos < 32) {
          if (open < 0) {
            const rest = x & (-1 << pos);
            if (rest === 0) break;
            pos = lowestBit(rest);
            open = (w << 5) + pos;
          }
          const zeros = ~x & (-1 << pos);
          if (zeros === 0) break;
          pos = lowestBit(zeros);
          runStart[nRuns] = open;
          runEnd[nRuns] = (w << 5) + pos - 1;
          nRuns++;
          open = -1;
        }
      }
      if (open >= 0) {
        runStart[nRuns] = open;
        runEnd[nRuns] = numSteps - 1;
        nRuns++;
      }
      if (nRuns > first) {
        active[nAct] = i;
        runPtr[nAct] = first;
        nAct++;
      }
    }
    runPtr[nAct] = nRuns;
    this.count = nAct;
  }
}

