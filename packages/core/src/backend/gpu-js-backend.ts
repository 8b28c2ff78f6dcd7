import type { GPU, GPUMode, IGPUKernelSettings, IKernelRunShortcut, KernelFunction as GpuKernelFunction } from 'gpu.js';
import { BackendError, SnnError, ValidationError } from '../errors/errors.js';
import type { Backend, KernelFunction, KernelOutput, KernelRunner, KernelSettings } from './backend.js';
import type { GpuJsModule } from './gpu-js-module.js';
import { flattenKernelOutput, KernelInputArray } from './kernel-data.js';
import type { BackendName, BackendRequest } from './names.js';

/** The gpu.js backends, i.e. every {@link BackendName} except `js`. */
export type GpuJsBackendName = Exclude<BackendName, 'js'>;

/** The gpu.js kernel class each backend must run as. */
export const KERNEL_CLASS: Readonly<Record<GpuJsBackendName, string>> = Object.freeze({
  cpu: 'CPUKernel',
  webasm: 'WebAssemblyKernel',
  webgl: 'WebGL2Kernel',
  headlessgl: 'HeadlessGLKernel',
  webgpu: 'WebGPUKernel',
});

/** The gpu.js mode each backend asks for (`webgl` is WebGL 2; gpu.js's WebGL 1 mode is not offered). */
const GPU_JS_MODE: Readonly<Record<GpuJsBackendName, string>> = Object.freeze({
  cpu: 'cpu',
  webasm: 'webasm',
  webgl: 'webgl2',
  headlessgl: 'headlessgl',
  webgpu: 'webgpu',
});

interface CachedKernel {
  readonly fn: KernelFunction;
  readonly source: string;
  readonly settings: string;
  readonly runner: KernelRunner;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].trim();
}

/** Reads the class of the kernel gpu.js actually built (`kernel.kernel.constructor.name`). */
function kernelClassOf(compiled: IKernelRunShortcut): { name: string; fallbackReason: string | null } {
  const inner = (compiled as unknown as { kernel?: { constructor?: { name?: string }; fallbackReason?: string | null } }).kernel;
  return { name: inner?.constructor?.name ?? 'unknown', fallbackReason: inner?.fallbackReason ?? null };
}

/**
 * A backend that runs gpu.js kernels in one mode. Owns one gpu.js `GPU`
 * instance and the kernel cache; checks the kernel class after every call.
 */
export class GpuJsBackend implements Backend {
  readonly name: GpuJsBackendName;
  readonly requested: BackendRequest;
  readonly kernelClass: string;
  readonly isGpuJs = true;
  reason: string;
  private readonly gpu: GPU;
  private readonly gpuJs: GpuJsModule;
  private readonly asyncMode: boolean;
  private readonly cache = new Map<string, CachedKernel>();
  private destroyed = false;

  /**
   * @param gpuJs - the loaded gpu.js module (see `loadGpuJs`)
   * @param name - the backend to run
   * @param requested - what the user asked for
   * @param reason - why this backend runs, for logs and manifests
   */
  constructor(gpuJs: GpuJsModule, name: GpuJsBackendName, requested: BackendRequest, reason: string) {
    this.gpuJs = gpuJs;
    this.name = name;
    this.requested = requested;
    this.reason = reason;
    this.kernelClass = KERNEL_CLASS[name];
    // webasm runs on worker threads only in async mode (GPU.md); webgpu is always async.
    this.asyncMode = name === 'webasm';
    try {
      this.gpu = new gpuJs.GPU({ mode: GPU_JS_MODE[name] as GPUMode });
    } catch (error) {
      throw new BackendError(`gpu.js refused mode ${name}: ${firstLine(error)}`, { cause: error });
    }
  }

  kernel(key: string, fn: KernelFunction, settings: KernelSettings): KernelRunner {
    if (this.destroyed) throw new BackendError(`backend ${this.name} was destroyed`, { field: key });
    const output = settings?.output;
    if (!Array.isArray(output) || output.length < 1 || output.length > 3 || !output.every((d) => Number.isInteger(d) && d > 0)) {
      throw new ValidationError('invalid kernel output size', {
        field: `${key}.output`,
        expected: '1 to 3 positive integers [x, y, z]',
        found: JSON.stringify(output),
      });
    }
    const signature = JSON.stringify(settings);
    const cached = this.cache.get(key);
    if (cached) {
      if (cached.fn !== fn && cached.source !== fn.toString()) {
        throw new ValidationError('kernel key already compiled with another function', {
          field: key,
          expected: 'one function per key',
          found: 'a different function',
        });
      }
      if (cached.settings !== signature) {
        throw new ValidationError('kernel key already compiled with other settings', {
          field: key,
          expected: cached.settings,
          found: signature,
        });
      }
      return cached.runner;
    }
    let compiled: IKernelRunShortcut;
    try {
      compiled = this.gpu.createKernel(fn as unknown as GpuKernelFunction, {
        ...(settings as IGPUKernelSettings),
        asyncMode: this.asyncMode,
      });
    } catch (error) {
      throw new BackendError(`gpu.js could not create kernel ${key} on backend ${this.name}: ${firstLine(error)}`, {
        field: key,
        cause: error,
      });
    }
    this.checkKernelClass(key, compiled);
    const runner: KernelRunner = async (...args: unknown[]): Promise<KernelOutput> => {
      let out: KernelOutput;
      try {
        const gpuArgs = args.map((arg) => (arg instanceof KernelInputArray ? new this.gpuJs.Input(arg.value as unknown as number[], arg.size as [number]) : arg));
        out = (await (compiled as unknown as (...a: unknown[]) => unknown)(...gpuArgs)) as KernelOutput;
      } catch (error) {
        if (error instanceof SnnError) throw error;
        throw new BackendError(`kernel ${key} failed on backend ${this.name}: ${firstLine(error)}`, { field: key, cause: error });
      }
      this.checkKernelClass(key, compiled);
      return out;
    };
    this.cache.set(key, { fn, source: fn.toString(), settings: signature, runner });
    return runner;
  }

  flatten(out: unknown): Float32Array {
    return flattenKernelOutput(out);
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    this.cache.clear();
    await this.gpu.destroy();
  }

  /** Throws when gpu.js built the kernel as another class than this backend's (a silent fallback). */
  private checkKernelClass(key: string, compiled: IKernelRunShortcut): void {
    const { name, fallbackReason } = kernelClassOf(compiled);
    if (name !== this.kernelClass) {
      throw new BackendError(`gpu.js ran kernel ${key} as ${name}, not as backend ${this.name}'s ${this.kernelClass}; silent fallback refused`, {
        field: key,
        expected: this.kernelClass,
        found: fallbackReason ? `${name} (gpu.js fallback reason: ${fallbackReason})` : name,
      });
    }
  }
}
