import type { BackendName, BackendRequest } from './names.js';

/**
 * What `this` is inside a gpu.js kernel function.
 *
 * @typeParam C - the type of `this.constants` (default `Record<string, number>`)
 * @example
 * ```ts
 * const double = function (this: KernelThis, x: Float32Array): number {
 *   return 2 * x[this.thread.x];
 * };
 * ```
 */
export interface KernelThis<C = Record<string, number>> {
  /** Index of the output element being computed: `x` innermost (column), then `y` (row), then `z`. */
  readonly thread: {
    /** Innermost index (column). */
    readonly x: number;
    /** Second index (row); 0 for 1-D outputs. */
    readonly y: number;
    /** Outermost index (plane); 0 for 1-D and 2-D outputs. */
    readonly z: number;
  };
  /** Output size in gpu.js order (`x` innermost). */
  readonly output: {
    /** Number of columns. */
    readonly x: number;
    /** Number of rows (2-D and 3-D outputs). */
    readonly y: number;
    /** Number of planes (3-D outputs). */
    readonly z: number;
  };
  /** The `constants` given in {@link KernelSettings}; module-level constants are not visible inside kernels. */
  readonly constants: C;
}

/**
 * A gpu.js kernel body: a `function` expression (never an arrow or a method
 * shorthand, which gpu.js rejects) that returns the value of one output element.
 */
export type KernelFunction = (this: never, ...args: never[]) => unknown;

/**
 * Settings of one gpu.js kernel, passed through to `gpu.createKernel`.
 *
 * @remarks
 * `asyncMode` is not a setting: the backend sets it (on for `webasm`, whose
 * worker threads only run in async mode). Every other field is gpu.js's own.
 */
export interface KernelSettings {
  /**
   * Output size in gpu.js order `[x, y, z]`: the row-major shape reversed,
   * e.g. `[cols, rows]` for a `[rows, cols]` result. 1 to 3 positive integers.
   */
  output: number[];
  /** Values read in the kernel as `this.constants.NAME`. */
  constants?: Record<string, number>;
  /** gpu.js precision: `'single'` (32-bit floats, default where supported) or `'unsigned'` (8-bit packing on old GL). */
  precision?: 'single' | 'unsigned';
  /** gpu.js tactic for GL float precision: `'speed'`, `'balanced'` or `'precision'`. */
  tactic?: 'speed' | 'balanced' | 'precision';
  /** gpu.js argument types by argument name (e.g. `{ x: 'Array' }`), when inference is not enough. */
  argumentTypes?: Record<string, string>;
  /** gpu.js constant types by constant name. */
  constantTypes?: Record<string, string>;
  /** Keep the output on the device (texture or buffer) to feed another kernel; read it with {@link Backend.flatten}. */
  pipeline?: boolean;
  /** With `pipeline`, give every call a new output instead of reusing one. */
  immutable?: boolean;
  /** Allow the output size to change between calls. */
  dynamicOutput?: boolean;
  /** Allow argument sizes to change between calls. */
  dynamicArguments?: boolean;
  /** Treat integer literals as integers instead of floats. */
  strictIntegers?: boolean;
  /** Upper bound for loops whose bound is not a constant (GL backends). */
  loopMaxIterations?: number;
}

/** What a kernel runner resolves to: gpu.js's output, rows nested for 2-D and 3-D outputs. */
export type KernelOutput = number[] | number[][] | number[][][] | Float32Array | Float32Array[] | Float32Array[][];

/** A compiled kernel: call it with the kernel function's arguments and await the output. */
export type KernelRunner = (...args: unknown[]) => Promise<KernelOutput>;

/**
 * A started compute backend: the one object that owns the gpu.js `GPU`
 * instance and the cache of compiled kernels.
 *
 * @remarks
 * Made by {@link createBackend}. `name` and `kernelClass` say what actually
 * runs: gpu.js's silent fallbacks (e.g. to `CPUKernel`) are detected after
 * every kernel call and turned into a {@link BackendError}.
 */
export interface Backend {
  /** The backend that actually runs (never a silent fallback). */
  readonly name: BackendName;
  /** What was asked for (`auto` when the choice was left to {@link createBackend}). */
  readonly requested: BackendRequest;
  /** gpu.js kernel class every kernel is checked to run as, e.g. `'WebAssemblyKernel'`; `null` for `js`. */
  readonly kernelClass: string | null;
  /** `false` for `js`: callers then use the TypeScript reference paths instead of kernels. */
  readonly isGpuJs: boolean;
  /**
   * Why this backend was chosen, in words, for logs and run manifests, e.g.
   * `"auto: webgpu unavailable (…); headlessgl unavailable (…); js: …"`.
   */
  readonly reason: string;
  /**
   * Compiles (once per key, cached) a gpu.js kernel; always returns an async runner.
   *
   * @param key - cache key; include every size that changes the settings (e.g. `"lif:128x1000"`)
   * @param fn - the kernel body, a `function` expression
   * @param settings - output size and constants
   * @throws {@link BackendError} on `js`, after {@link Backend.destroy}, or when gpu.js cannot create the kernel
   * @throws {@link ValidationError} when `key` was compiled before with another function or other settings,
   * or `settings.output` is not 1 to 3 positive integers
   */
  kernel(key: string, fn: KernelFunction, settings: KernelSettings): KernelRunner;
  /** Output of a kernel as one flat Float32Array, row-major. */
  flatten(out: unknown): Float32Array;
  /** Releases the gpu.js instance and its kernels (worker threads included); the backend cannot be used afterwards. */
  destroy(): Promise<void>;
}
