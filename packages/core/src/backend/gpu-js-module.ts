import { BackendError } from '../errors/errors.js';

/** The gpu.js version the kernels and the fallback checks were written against. */
export const GPU_JS_VERSION = '2.24.1';

/** The parts of the `gpu.js` module this package uses. */
export type GpuJsModule = typeof import('gpu.js');

let loaded: GpuJsModule | null = null;

/**
 * Imports gpu.js, an optional peer of `@snn/core`, the first time a gpu.js
 * backend is requested (the `js` backend never loads it).
 *
 * @throws {@link BackendError} naming the package to install when it is missing
 */
export async function loadGpuJs(): Promise<GpuJsModule> {
  if (loaded) return loaded;
  let module: GpuJsModule & { default?: GpuJsModule };
  try {
    module = (await import('gpu.js')) as GpuJsModule & { default?: GpuJsModule };
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new BackendError(`package gpu.js is not installed: the gpu.js backends need it next to @snn/core (npm i gpu.js@${GPU_JS_VERSION})`, {
      found: detail,
      cause: error,
    });
  }
  // CommonJS (Node) and UMD (browser bundle) builds: the classes are named exports or sit on `default`.
  loaded = typeof module.GPU === 'function' ? module : (module.default as GpuJsModule);
  return loaded;
}
