import { BackendError, type BackendRequest, createBackend } from '@snn/core';
import type { BackendInfo } from '../run-dir/manifest.js';

const GPU_JS_BACKENDS = new Set(['cpu', 'webasm', 'webgl', 'headlessgl', 'webgpu']);

/**
 * The backend of a trainer that has only a TypeScript path (`js`): a gpu.js backend is refused
 * rather than claimed, and the manifest records why `js` ran.
 *
 * @param request - what was asked for (`--backend`)
 * @param what - e.g. `neurospike train cannot run`, for the error
 * @param engine - e.g. `event-driven BPTT engine of @snn/learning`, for the reason
 * @param workers - threads sharing each batch, for the reason
 * @param gpuHint - where gpu.js backends do run, for the error's `expected`
 * @throws `BackendError` for `cpu`, `webasm`, `webgl`, `headlessgl` or `webgpu`
 */
export async function typescriptBackend(request: BackendRequest, what: string, engine: string, workers: number, gpuHint?: string): Promise<BackendInfo> {
  if (GPU_JS_BACKENDS.has(request)) {
    throw new BackendError(`${what} on a gpu.js backend: the ${engine} has only a TypeScript path`, {
      field: '--backend',
      expected: gpuHint ? `js or auto (${gpuHint})` : 'js or auto',
      found: request,
    });
  }
  const backend = await createBackend('js');
  const threads = workers > 1 ? `${workers} threads` : '1 thread';
  const why = request === 'auto' ? 'auto: training has only a TypeScript path' : 'requested js';
  return { name: backend.name, kernelClass: backend.kernelClass, requested: request, reason: `${why}; ${engine} on ${threads}` };
}
