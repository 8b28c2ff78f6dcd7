/**
 * The STDP window of the supervised rules: additive (the paper's) or multiplicative (soft bounds).
 *
 * @remarks
 * Additive (Goupy et al. 2024, Eq. 4): `Δw_i = ε·a⁺` when `t_i ≤ t_post` (LTP), `Δw_i = ε·a⁻` otherwise (LTD) —
 * for every input whose time is below `ltdBefore` (∞ by default, so silent inputs, recorded at `maxTime`, are
 * depressed too; SpikeNN's `ignore_silent` sets it to `maxTime`). Multiplicative:
 * `Δw_i = ε·a⁺·exp(−β·(w_i − w_min)/(w_max − w_min))` (LTP), `ε·a⁻·exp(−β·(w_max − w_i)/(w_max − w_min))` (LTD).
 */
export type StdpWindow =
  | {
      /** Additive window. */
      readonly kind: 'additive';
      /** LTD applies to inputs whose time is below this (∞: every non-causal input, silent ones included). */
      readonly ltdBefore: number;
    }
  | {
      /** Multiplicative (soft-bound) window. */
      readonly kind: 'multiplicative';
      /** Steepness β of the soft bounds. */
      readonly beta: number;
      /** Lower weight bound of the soft bounds. */
      readonly wMin: number;
      /** Upper weight bound of the soft bounds. */
      readonly wMax: number;
    };

/**
 * Applies the STDP window to one neuron's weight row in place: `w[row·m + i] += Δw_i` for every input `i`.
 *
 * @param weights - neuron-major weights
 * @param row - the neuron
 * @param m - inputs per row
 * @param inputTimes - input firing times (dense, `maxTime` = silent)
 * @param tPost - the neuron's firing time
 * @param ap - LTP rate a⁺ (the sign is the caller's: anti-STDP passes a negative a⁺)
 * @param am - LTD rate a⁻
 * @param scale - error magnitude ε ≥ 0
 * @param window - the STDP window
 */
export function stdpRowUpdate(
  weights: Float32Array,
  row: number,
  m: number,
  inputTimes: Float32Array,
  tPost: number,
  ap: number,
  am: number,
  scale: number,
  window: StdpWindow,
): void {
  const base = row * m;
  if (window.kind === 'additive') {
    const ltp = scale * ap;
    const ltd = scale * am;
    const limit = window.ltdBefore;
    for (let i = 0; i < m; i++) {
      const t = inputTimes[i];
      if (t <= tPost) weights[base + i] += ltp;
      else if (t < limit) weights[base + i] += ltd;
    }
    return;
  }
  const { beta, wMin, wMax } = window;
  const range = wMax - wMin;
  for (let i = 0; i < m; i++) {
    const w = weights[base + i];
    if (inputTimes[i] <= tPost) weights[base + i] = w + scale * ap * Math.exp((-beta * (w - wMin)) / range);
    else weights[base + i] = w + scale * am * Math.exp((-beta * (wMax - w)) / range);
  }
}
