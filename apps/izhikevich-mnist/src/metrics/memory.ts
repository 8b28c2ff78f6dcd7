/** Memory figures of a model and the process, in bytes. */
export interface MemoryUsage {
  /** Bytes of the trainable parameters (float32: 4 bytes each). */
  readonly parameterBytes: number;
  /** Resident set size of the process now. */
  readonly rssBytes: number;
  /** Peak resident set size of the process so far. */
  readonly peakRssBytes: number;
}

/**
 * Parameter bytes (float32) plus the current and peak resident set size of this process.
 *
 * @param parameterCount - number of trainable parameters
 * @returns the three figures in bytes
 */
export function memoryUsage(parameterCount: number): MemoryUsage {
  return {
    parameterBytes: 4 * parameterCount,
    rssBytes: process.memoryUsage().rss,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

/** Bytes to mebibytes (2^20 bytes), rounded to 0.1. */
export function toMiB(bytes: number): number {
  return Math.round((bytes / 1048576) * 10) / 10;
}
