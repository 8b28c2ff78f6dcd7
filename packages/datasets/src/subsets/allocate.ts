/**
 * Largest-remainder rounding: integer counts, each the floor or the ceiling
 * of its real quota, that add up to `total`. Larger fractional parts get the
 * extra units first; ties go to the lower position.
 */
export function allocateLargestRemainder(quotas: readonly number[], total: number): number[] {
  const counts = quotas.map((q) => Math.floor(q + 1e-9));
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = quotas
    .map((q, c) => ({ c, frac: q - counts[c] }))
    .filter((x) => x.frac > 1e-9)
    .sort((a, b) => b.frac - a.frac || a.c - b.c);
  for (const { c } of order) {
    if (left <= 0) break;
    counts[c]++;
    left--;
  }
  return counts;
}
