import type { BackendInfo } from '@snn/cli';
import { type Backend, BackendError, type BackendRequest, createBackend } from '@snn/core';

/** A chosen backend: the manifest record and, for gpu.js, the backend object. */
export interface ChosenBackend {
  /** For the manifest. */
  readonly info: BackendInfo;
  /** The gpu.js backend, or undefined for the TypeScript/WASM path. */
  readonly backend: Backend | undefined;
}

/**
 * Picks the backend of a command whose fast path is TypeScript (with WASM SIMD where the
 * package has it). `auto` and `js` give that path; a gpu.js backend is used only when the
 * command supports it (`gpuJs`), else refused: never a silent fallback.
 *
 * @param request - `--backend` / `SNN_BACKEND`
 * @param command - command name, for messages
 * @param gpuJs - what a gpu.js backend runs in this command, or undefined when it has no gpu.js path
 * @throws `BackendError` for a gpu.js backend the command cannot use, or one that cannot start
 */
export async function chooseBackend(request: BackendRequest, command: string, gpuJs?: string): Promise<ChosenBackend> {
  if (request === 'auto' || request === 'js') {
    const js = await createBackend('js');
    const why = request === 'auto' ? 'auto: the TypeScript path is the fastest here' : 'requested js';
    return { info: { name: js.name, kernelClass: js.kernelClass, requested: request, reason: why }, backend: undefined };
  }
  if (gpuJs === undefined) {
    throw new BackendError(`izhikevich-mnist ${command} has no gpu.js path`, { field: '--backend', expected: 'js or auto', found: request });
  }
  const backend = await createBackend(request);
  return { info: { name: backend.name, kernelClass: backend.kernelClass, requested: request, reason: gpuJs }, backend };
}
