import { BackendError } from '../errors/errors.js';
import { nodeBackendHooks } from './platform.js';

/** The webgpu package version that gpu.js kernels are known to work with. */
export const WEBGPU_PACKAGE_VERSION = '0.6.2';

/** The parts of a WebGPU adapter this module reads. */
interface AdapterLike {
  readonly info?: { readonly vendor?: string; readonly architecture?: string; readonly description?: string };
}

/** The parts of `navigator.gpu` this module uses. */
interface GpuLike {
  requestAdapter(options?: unknown): Promise<AdapterLike | null>;
}

/** What `import('webgpu')` gives (webgpu ≥ 0.6). */
interface WebGpuModule {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}

/** How to find and load the `webgpu` package; replaceable in tests. */
export interface WebGpuLoader {
  /** Version of the installed `webgpu` package, or `null` when it is not installed. */
  installedVersion(): string | null;
  /** Imports the `webgpu` package. */
  importModule(): Promise<unknown>;
}

/** A WebGPU adapter that answered, wired as `navigator.gpu` for gpu.js. */
export interface WebGpuAccess {
  /** Where `navigator.gpu` came from, e.g. `"webgpu@0.6.2"` or `"navigator.gpu (host)"`. */
  readonly source: string;
  /** Adapter vendor/architecture/description as reported, for logs. */
  readonly adapter: string;
}

function versionAtLeast(version: string, minimum: string): boolean {
  const a = version.split(/[.+-]/).map((p) => Number.parseInt(p, 10));
  const b = minimum.split('.').map((p) => Number.parseInt(p, 10));
  for (let i = 0; i < 3; i++) {
    const x = Number.isFinite(a[i]) ? a[i] : 0;
    if (x !== b[i]) return x > b[i];
  }
  return true;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0].trim();
}

function describeAdapter(adapter: AdapterLike): string {
  const info = adapter.info;
  const parts = [info?.vendor, info?.architecture, info?.description].filter((p): p is string => typeof p === 'string' && p !== '');
  return parts.length > 0 ? parts.join(' / ') : 'unnamed adapter';
}

interface NavigatorHolder {
  navigator?: { gpu?: GpuLike };
}

/**
 * Makes WebGPU visible to gpu.js as `navigator.gpu`, loading Dawn's Node addon
 * (`webgpu@0.6.2`) when the host does not provide it, and checks that an
 * adapter answers. In a browser, the browser's own `navigator.gpu` is used.
 *
 * @remarks
 * gpu.js never imports `webgpu` itself; it only looks at `navigator.gpu`. The
 * package's globals (`GPUBufferUsage`, `GPUMapMode`, …) and `navigator.gpu`
 * are installed on `globalThis` only after an adapter answered, so a failed
 * probe leaves the process untouched. This is the one process-wide side
 * effect of the backend module, and it is idempotent.
 *
 * @throws {@link BackendError} saying exactly why: the package is not installed, is too old,
 * failed to load, or there is no adapter
 */
export async function loadWebGpu(loader: WebGpuLoader | null = nodeBackendHooks()?.webGpuLoader ?? null): Promise<WebGpuAccess> {
  const holder = globalThis as unknown as NavigatorHolder;
  const hostGpu = holder.navigator?.gpu;
  if (hostGpu) {
    const adapter = await requestAdapter(hostGpu);
    return { source: 'navigator.gpu (host)', adapter: describeAdapter(adapter) };
  }
  if (loader === null) {
    throw new BackendError('this browser has no WebGPU (navigator.gpu is undefined)', {
      expected: 'a browser with WebGPU enabled (e.g. Chrome 113+ with a GPU); try backend webgl',
    });
  }
  const version = loader.installedVersion();
  if (version === null) {
    throw new BackendError(
      `package webgpu@${WEBGPU_PACKAGE_VERSION} is not installed (install it next to @snn/core: npm i webgpu@0.6.2)`,
    );
  }
  if (!versionAtLeast(version, WEBGPU_PACKAGE_VERSION)) {
    throw new BackendError(`package webgpu@${version} is too old for gpu.js kernels`, {
      expected: `webgpu@${WEBGPU_PACKAGE_VERSION} (0.2.x rejects gpu.js's device.onuncapturederror and needs glibc 2.38)`,
      found: `webgpu@${version}`,
    });
  }
  let module: WebGpuModule;
  try {
    module = (await loader.importModule()) as WebGpuModule;
  } catch (error) {
    throw new BackendError(`package webgpu@${version} failed to load: ${firstLine(error)}`, { cause: error });
  }
  if (typeof module?.create !== 'function') {
    throw new BackendError(`package webgpu@${version} has no create() export`, {
      expected: 'webgpu ≥ 0.6 (exports create and globals)',
      found: `exports ${Object.keys(module ?? {}).join(', ') || 'none'}`,
    });
  }
  let gpu: GpuLike;
  try {
    gpu = module.create([]);
  } catch (error) {
    throw new BackendError(`webgpu@${version} create([]) failed: ${firstLine(error)}`, { cause: error });
  }
  const adapter = await requestAdapter(gpu);
  for (const [name, value] of Object.entries(module.globals ?? {})) {
    if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
  if (holder.navigator) {
    Object.defineProperty(holder.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
  } else {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  }
  return { source: `webgpu@${version}`, adapter: describeAdapter(adapter) };
}

async function requestAdapter(gpu: GpuLike): Promise<AdapterLike> {
  let adapter: AdapterLike | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch (error) {
    throw new BackendError(`WebGPU requestAdapter() failed: ${firstLine(error)}`, { cause: error });
  }
  if (!adapter) {
    throw new BackendError('no WebGPU adapter (requestAdapter() returned null)', {
      expected: 'a GPU with a Vulkan driver and libvulkan.so.1 (Dawn has no software adapter that computes correctly)',
    });
  }
  return adapter;
}
