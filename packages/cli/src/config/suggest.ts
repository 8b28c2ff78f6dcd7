/**
 * Edit distance between two strings: the fewest single-character insertions, deletions,
 * substitutions or swaps of two neighbouring characters that turn `a` into `b`
 * (optimal string alignment distance).
 *
 * @example
 * ```ts
 * editDistance('hiden_size', 'hidden_size'); // 1
 * editDistance('epcohs', 'epochs');          // 1 (one swap)
 * ```
 */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array(rows * cols).fill(0);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[(i - 1) * cols + j] + 1, d[i * cols + j - 1] + 1, d[(i - 1) * cols + j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[(i - 2) * cols + j - 2] + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1];
}

/**
 * The candidate closest to `word`, when it is close enough to be a likely typo; otherwise `undefined`.
 *
 * @remarks
 * Comparison ignores case and the difference between `_`, `-` and camelCase word breaks
 * being written or not; a candidate qualifies when its distance is at most
 * `max(1, floor(length / 3))` (at most 3). Ties go to the earlier candidate.
 *
 * @param word - what the user wrote (e.g. an unknown config key)
 * @param candidates - the valid names
 * @example
 * ```ts
 * suggest('hiden_size', ['hidden_size', 'beta']); // 'hidden_size'
 * suggest('zzz', ['hidden_size', 'beta']);        // undefined
 * ```
 */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  const norm = (s: string): string => s.toLowerCase().replace(/[-_]/g, '');
  const target = norm(word);
  const limit = Math.min(3, Math.max(1, Math.floor(target.length / 3)));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    if (candidate === word) continue;
    const distance = editDistance(target, norm(candidate));
    if (distance <= limit && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
