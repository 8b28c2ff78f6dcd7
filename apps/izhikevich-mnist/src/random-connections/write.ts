import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { saveNpy } from '@snn/core/node';
import { defaultConnectionOptions, generateConnections } from './generate.js';

function oneToOne(n: number, w: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = w;
  return out;
}

function allButSelf(n: number, w: number): Float64Array {
  const out = new Float64Array(n * n).fill(w);
  for (let i = 0; i < n; i++) out[i * n + i] = 0;
  return out;
}

/**
 * Writes the initial connections as dense `.npy` files (float64 weights `[pre, post]`, uint8 delays in steps of
 * 0.5 ms): `XeAe.npy`, `XeAe-delays.npy`, `XeAi.npy` (input → inhibitory, 10 % of the pairs, 0 elsewhere), `AeAi.npy`
 * (10.4 one-to-one), `AiAe.npy` (17, all but self) and, with a
 * second layer, `AeAe2.npy`, `AeAe2-delays.npy`, `Ae2Ai2.npy`, `Ai2Ae2.npy`.
 *
 * @returns the paths written
 */
export async function writeConnections(dir: string, nE: number, nE2: number, seed: number): Promise<string[]> {
  const options = defaultConnectionOptions(nE, nE2);
  const c = generateConnections(options, seed);
  const files: Array<[string, Float64Array | Uint8Array, number[]]> = [
    ['XeAe.npy', c.inputToExc.weights, [options.nInput, nE]],
    ['XeAe-delays.npy', c.inputToExc.delaySteps, [options.nInput, nE]],
    ['XeAi.npy', c.inputToInh.weights, [options.nInput, nE]],
    ['AeAi.npy', oneToOne(nE, options.excToInh), [nE, nE]],
    ['AiAe.npy', allButSelf(nE, options.inhToExc), [nE, nE]],
  ];
  if (c.excToExc2) {
    files.push(
      ['AeAe2.npy', c.excToExc2.weights, [nE, nE2]],
      ['AeAe2-delays.npy', c.excToExc2.delaySteps, [nE, nE2]],
      ['Ae2Ai2.npy', oneToOne(nE2, options.excToInh), [nE2, nE2]],
      ['Ai2Ae2.npy', allButSelf(nE2, options.inhToExc), [nE2, nE2]],
    );
  }
  mkdirSync(dir, { recursive: true });
  const paths: string[] = [];
  for (const [name, data, shape] of files) {
    const path = join(dir, name);
    await saveNpy(path, { data, shape });
    paths.push(path);
  }
  return paths;
}
