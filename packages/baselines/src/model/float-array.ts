/** A float array of either precision: the layer references compute in the precision of their input (float64 for gradient checks). */
export type FloatArray = Float32Array | Float64Array;

/** A new zero array of the same element type as `like`, of length `n`. */
export function allocLike<T extends FloatArray>(like: T, n: number): T {
  return (like instanceof Float64Array ? new Float64Array(n) : new Float32Array(n)) as T;
}
