import { BackendError } from '../errors/errors.js';
import { scaleAddKernel } from '../scale-add/kernel.js';
import { scaleAddReference } from '../scale-add/reference.js';
import type { Backend, KernelFunction, KernelRunner, KernelSettings } from './backend.js';
import { GpuJsBackend, type GpuJsBackendName } from './gpu-js-backend.js';
import { type GpuJsModule, loadGpuJs } from './gpu-js-module.js';
import { flattenKernelOutput } from './kernel-data.js';
import { BACKEND_ENV_VAR, type BackendRequest, resolveBackendRequest } from './names.js';
import { environment, nodeBackendHooks } from './platform.js';
import { loadWebGpu, type WebGpuAccess } from './webgpu.js';

/** Message of the error {@link Backend.kernel} throws on the `js` backend. */
const JS_KERNEL_MESSAGE = 'backend js runs the TypeScript references; gpu.js kernels need cpu|webasm|webgl|headlessgl|webgpu';

const JS_REASON = 'the event-driven TypeScript paths are the fastest CPU path';

function jsBackend(requested: BackendRequest, reason: string): Backend {
  return {
    name: 'js',
    requested,
    kernelClass: null,
    isGpuJs: false,
    reason,
    kernel(_key: string, _fn: KernelFunction, _settings: KernelSettings): KernelRunner {
      throw new BackendError(JS_KERNEL_MESSAGE);
    },
    flatten: flattenKernelOutput,
    async destroy(): Promise<void> {},
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs {@link scaleAddKernel} on a few values and compares it with its
 * reference, so that a backend which starts but computes nothing (or falls
 * back) is refused.
 */
async function probe(backend: GpuJsBackend): Promise<void> {
  const x = Float32Array.of(1, -2, 0.5, 3);
  const y = Float32Array.of(0.25, 4, -1, 2);
  const expected = scaleAddReference(1.5, x, y);
  const run = backend.kernel('snn.probe.scaleAdd:4', scaleAddKernel, { output: [4] });
  const found = backend.flatten(await run(1.5, x, y));
  const ok = found.length === expected.length && expected.every((v, i) => Math.abs(v - found[i]) <= 1e-6);
  if (!ok) {
    throw new BackendError(`backend ${backend.name}: probe kernel computed wrong values`, {
      expected: `[${Array.from(expected).join(', ')}]`,
      found: `[${Array.from(found).join(', ')}]`,
    });
  }
}

/** Starts one gpu.js backend, checking first that it can run here. */
async function startGpuJs(name: GpuJsBackendName, requested: BackendRequest, why: string): Promise<GpuJsBackend> {
  let detail = '';
  let gpuJs: GpuJsModule;
  try {
    gpuJs = await loadGpuJs();
  } catch (error) {
    throw new BackendError(`backend ${name} cannot start: ${errorText(error)}`, { cause: error });
  }
  const { GPU } = gpuJs;
  if (name === 'webasm' && !GPU.isWebAssemblySupported) {
    throw new BackendError('backend webasm cannot start: WebAssembly is not available in this runtime');
  }
  if (name === 'webgl' && !GPU.isWebGL2Supported) {
    const where = nodeBackendHooks() !== null ? 'this is Node, not a browser (use headlessgl)' : 'this browser has no WebGL 2 context';
    throw new BackendError(`backend webgl cannot start: gpu.js finds no WebGL 2 (${where})`);
  }
  if (name === 'headlessgl') {
    const hooks = nodeBackendHooks();
    const problem = hooks === null ? 'headlessgl is the Node addon gl; in a browser request webgl' : hooks.headlessGlProblem(GPU);
    if (problem !== null) throw new BackendError(`backend headlessgl cannot start: ${problem}`);
  }
  if (name === 'webgpu') {
    let access: WebGpuAccess;
    try {
      access = await loadWebGpu();
    } catch (error) {
      if (error instanceof BackendError) {
        throw new BackendError(`backend webgpu cannot start: ${error.message}`, { cause: error });
      }
      throw error;
    }
    detail = ` on ${access.adapter} via ${access.source}`;
  }
  const backend = new GpuJsBackend(gpuJs, name, requested, why);
  if (name === 'headlessgl' || name === 'webgpu' || name === 'webgl') {
    try {
      await probe(backend);
    } catch (error) {
      await backend.destroy().catch(() => undefined);
      throw error instanceof BackendError && error.message.startsWith(`backend ${name}`)
        ? error
        : new BackendError(`backend ${name} cannot start: ${errorText(error)}`, { cause: error });
    }
    backend.reason = `${why}; probe kernel ran as ${backend.kernelClass}${detail}`;
  }
  return backend;
}

/** `auto`: webgpu, then headlessgl (Node) or webgl (browser), otherwise js; every step's outcome goes into the reason. */
async function startAuto(): Promise<Backend> {
  const notes: string[] = [];
  const gl = nodeBackendHooks() !== null ? 'headlessgl' : 'webgl';
  for (const name of ['webgpu', gl] as const) {
    try {
      return await startGpuJs(name, 'auto', `auto: ${notes.length > 0 ? `${notes.join('; ')}; ` : ''}${name} works`);
    } catch (error) {
      const text = errorText(error).replace(`backend ${name} cannot start: `, '');
      notes.push(`${name} unavailable (${text})`);
    }
  }
  return jsBackend('auto', `auto: ${notes.join('; ')}; js: ${JS_REASON}`);
}

/**
 * Starts the compute backend.
 *
 * @remarks
 * The request comes from the argument, else the `SNN_BACKEND` environment
 * variable, else `auto` (see {@link resolveBackendRequest}).
 *
 * - `js`: no gpu.js; callers run the TypeScript references.
 * - `cpu`, `webasm`: gpu.js `CPUKernel` / `WebAssemblyKernel` (the latter on worker threads, via `asyncMode`).
 * - `webgl`: gpu.js `WebGL2Kernel`, in a browser only.
 * - `headlessgl`: Node only; needs the `gl` addon built and an X display (`xvfb-run -a`).
 * - `webgpu`: the browser's `navigator.gpu`; in Node, `webgpu@0.6.2` installed by the user (not a
 *   dependency: it is 132 MB) and a GPU adapter.
 * - `auto`: tries `webgpu`, then `headlessgl` in Node or `webgl` in a browser (each confirmed by a
 *   probe kernel), and otherwise takes `js`, whose event-driven paths are the fastest CPU path;
 *   {@link Backend.reason} says why.
 *
 * Every backend but `js` needs gpu.js, an optional peer dependency imported on first use; when it
 * is missing the error says what to install.
 *
 * A requested backend that cannot start is an error, never a silent fallback,
 * and every kernel is checked to run as the backend's kernel class.
 *
 * @param request - a {@link BackendRequest}; omitted: `SNN_BACKEND`, then `auto`
 * @throws {@link ValidationError} when the name is not a backend
 * @throws {@link BackendError} saying why, when the requested backend cannot start here
 * @example
 * ```ts
 * const backend = await createBackend('webasm');
 * console.log(backend.name, backend.kernelClass, backend.reason);
 * await backend.destroy();
 * ```
 */
export async function createBackend(request?: BackendRequest | string): Promise<Backend> {
  const resolved = resolveBackendRequest(request);
  const explicit = request !== undefined && request !== '';
  const envValue = environment()[BACKEND_ENV_VAR];
  const via = explicit ? 'option' : envValue !== undefined && envValue !== '' ? `${BACKEND_ENV_VAR}=${envValue}` : 'default';
  if (resolved === 'auto') return startAuto();
  const why = `requested ${resolved} (${via})`;
  if (resolved === 'js') return jsBackend('js', `${why}; js: ${JS_REASON}`);
  return startGpuJs(resolved, resolved, why);
}
