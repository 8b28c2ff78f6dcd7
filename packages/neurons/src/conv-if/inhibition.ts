import { type Backend, type KernelThis, ValidationError, describeValue } from '@snn/core';
import { checkLength } from './kernel.js';

/** Constants of {@link lateralInhibitionKernel}. */
export interface LateralInhibitionConstants {
  /** Number of feature maps C. */
  readonly channels: number;
  /** Map height H. */
  readonly height: number;
  /** Map width W. */
  readonly width: number;
  /** Inhibition radius r in positions (integer ≥ 0, Chebyshev distance); 0 = the same position only. */
  readonly radius: number;
}

/**
 * Checks an inhibition radius.
 * @param radius - integer ≥ 0
 * @param field - field name for the error
 * @throws `ValidationError` naming `field` when the radius is negative or not an integer
 */
export function checkInhibitionRadius(radius: unknown, field: string): number {
  if (typeof radius !== 'number' || !Number.isInteger(radius) || radius < 0) {
    throw new ValidationError('inhibition radius must be an integer >= 0', { field, expected: 'an integer >= 0', found: describeValue(radius) });
  }
  return radius;
}

/**
 * gpu.js kernel of lateral inhibition between feature maps: which spikes of one step survive.
 * 1-D output `[C, H, W]` flat, 1 for a surviving spike.
 *
 * @remarks
 * A spike of map c at (y, x) survives unless a spike of another map c′ ≠ c within the radius
 * (`|y′ − y| ≤ r`, `|x′ − x| ≤ r`) has priority over it: a larger potential, or an equal potential and a
 * smaller flat index. With r = 0 this is the seed's rule (spikes taken in order of potential, each surviving
 * spike silences the other maps at its position; Kheradpisheh et al. 2018, Sect. 2.2 "local lateral
 * inhibition"); with r > 0 it is the parallel (local-maximum) form of that rule. Reference:
 * {@link lateralInhibitionReference}.
 *
 * @param spikes - spikes of the step `[C, H, W]` flat, 0/1
 * @param potential - potentials at the spike time `[C, H, W]` flat
 */
export const lateralInhibitionKernel = function (this: KernelThis<LateralInhibitionConstants>, spikes: Float32Array, potential: Float32Array): number {
  const n = this.thread.x;
  if (spikes[n] < 0.5) {
    return 0;
  }
  const plane = this.constants.height * this.constants.width;
  const c = Math.floor(n / plane);
  const rest = n - c * plane;
  const y = Math.floor(rest / this.constants.width);
  const x = rest - y * this.constants.width;
  const v = potential[n];
  let survives = 1;
  for (let c2 = 0; c2 < this.constants.channels; c2++) {
    if (c2 !== c) {
      for (let dy = -this.constants.radius; dy <= this.constants.radius; dy++) {
        const y2 = y + dy;
        if (y2 >= 0 && y2 < this.constants.height) {
          for (let dx = -this.constants.radius; dx <= this.constants.radius; dx++) {
            const x2 = x + dx;
            if (x2 >= 0 && x2 < this.constants.width) {
              const m = c2 * plane + y2 * this.constants.width + x2;
              if (spikes[m] > 0.5) {
                if (potential[m] > v || (potential[m] === v && m < n)) {
                  survives = 0;
                }
              }
            }
          }
        }
      }
    }
  }
  return survives;
};

/**
 * TypeScript reference of {@link lateralInhibitionKernel} (same arguments): the surviving spikes.
 *
 * @param spikes - spikes `[C, H, W]` flat, 0/1
 * @param potential - potentials `[C, H, W]` flat
 * @param constants - map size and radius
 * @throws `ShapeError` on a length mismatch; `ValidationError` on a bad radius
 */
export function lateralInhibitionReference(spikes: Float32Array, potential: Float32Array, constants: LateralInhibitionConstants): Float32Array {
  const { channels, height, width } = constants;
  const radius = checkInhibitionRadius(constants.radius, 'radius');
  const plane = height * width;
  checkLength(spikes, channels * plane, 'spikes');
  checkLength(potential, channels * plane, 'potential');
  const out = new Float32Array(spikes.length);
  for (let n = 0; n < spikes.length; n++) {
    if (spikes[n] < 0.5) continue;
    const c = Math.floor(n / plane);
    const y = Math.floor((n % plane) / width);
    const x = n % width;
    let survives = 1;
    for (let c2 = 0; c2 < channels && survives; c2++) {
      if (c2 === c) continue;
      for (let y2 = Math.max(0, y - radius); y2 <= Math.min(height - 1, y + radius); y2++) {
        for (let x2 = Math.max(0, x - radius); x2 <= Math.min(width - 1, x + radius); x2++) {
          const m = c2 * plane + y2 * width + x2;
          if (spikes[m] > 0.5 && (potential[m] > potential[n] || (potential[m] === potential[n] && m < n))) survives = 0;
        }
      }
    }
    out[n] = survives;
  }
  return out;
}

/**
 * Runs {@link lateralInhibitionKernel} on a gpu.js backend; equals {@link lateralInhibitionReference}.
 *
 * @param backend - a started gpu.js `Backend`
 * @param spikes - spikes `[C, H, W]` flat
 * @param potential - potentials `[C, H, W]` flat
 * @param constants - map size and radius
 * @returns 1 for surviving spikes
 * @example
 * ```ts
 * const kept = await lateralInhibitionStepKernel(backend, spikes, v, { channels: 30, height: 28, width: 28, radius: 0 });
 * ```
 */
export async function lateralInhibitionStepKernel(
  backend: Backend,
  spikes: Float32Array,
  potential: Float32Array,
  constants: LateralInhibitionConstants,
): Promise<Float32Array> {
  checkInhibitionRadius(constants.radius, 'radius');
  const n = constants.channels * constants.height * constants.width;
  checkLength(spikes, n, 'spikes');
  checkLength(potential, n, 'potential');
  const { channels, height, width, radius } = constants;
  const run = backend.kernel(`neurons.lateral-inhibition:${channels}x${height}x${width}:${radius}`, lateralInhibitionKernel as never, {
    output: [n],
    constants: { channels, height, width, radius },
  });
  return backend.flatten(await run(spikes, potential)).slice();
}
