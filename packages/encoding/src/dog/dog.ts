import { ShapeError, ValidationError, describeValue } from '@snn/core';
import type { SparseSpikes, Tensor } from '@snn/core';
import { checkNonNegative, checkPositive, checkPositiveInteger } from '../validation/validation.js';

/** One difference-of-Gaussians filter: odd or even side length and the two standard deviations, in pixels. */
export interface DogFilterSpec {
  /** Side length of the square filter, in pixels (positive integer). */
  readonly size: number;
  /** Standard deviation of the positive Gaussian, in pixels (> 0). */
  readonly sigma1: number;
  /** Standard deviation of the subtracted Gaussian, in pixels (> 0). */
  readonly sigma2: number;
}

/** The ON-centre filter of Kheradpisheh et al. (2018) as used by the seed: size 7, σ1 = 1, σ2 = 2. */
export const DOG_ON: DogFilterSpec = Object.freeze({ size: 7, sigma1: 1, sigma2: 2 });
/** The OFF-centre filter: size 7, σ1 = 2, σ2 = 1. */
export const DOG_OFF: DogFilterSpec = Object.freeze({ size: 7, sigma1: 2, sigma2: 1 });

/** Options of {@link dogFilterImages}. */
export interface DogFilterOptions {
  /** Filters, one output channel each; default `[DOG_ON, DOG_OFF]`. */
  readonly filters?: readonly DogFilterSpec[];
  /** Contrasts below this value are set to 0 (≥ 0); default 15 (on the 0–255 pixel scale). */
  readonly threshold?: number;
  /** Width in pixels of the border set to 0 after filtering (≥ 0); default 5. */
  readonly border?: number;
  /**
   * Truncate each filtered value toward zero before thresholding, as the seed does (scipy `correlate` on an
   * integer image returns integers); default true.
   */
  readonly truncate?: boolean;
}

/**
 * Builds a difference-of-Gaussians filter, mean-subtracted and scaled so that its maximum is 1.
 *
 * @remarks
 * `f(d) = (1/√(2π)) · (e^{−d²/2σ1²}/σ1 − e^{−d²/2σ2²}/σ2)`, `d` the distance of the pixel centre from the
 * filter centre (`(size + 1)/2` in 1-based coordinates), then `f ← (f − mean f) / max(f − mean f)`.
 * With σ1 < σ2 the filter is ON-centre, with σ1 > σ2 OFF-centre. From Kheradpisheh, Ganjtabesh, Thorpe &
 * Masquelier (2018), "STDP-based spiking deep convolutional neural networks for object recognition",
 * Neural Networks 99:56–67.
 *
 * @param spec - side length and the two σ, in pixels
 * @returns `size × size` weights, row-major
 * @throws `ValidationError` when the size is not a positive integer, a σ is not > 0, or σ1 = σ2
 * @example
 * ```ts
 * const on = dogFilter(DOG_ON); // 49 values, maximum 1 at the centre
 * ```
 */
export function dogFilter(spec: DogFilterSpec): Float64Array {
  const size = checkPositiveInteger(spec.size, 'dog.size', 'DoG filter size must be a positive integer');
  const s1 = checkPositive(spec.sigma1, 'dog.sigma1', 'DoG σ1 must be > 0');
  const s2 = checkPositive(spec.sigma2, 'dog.sigma2', 'DoG σ2 must be > 0');
  if (s1 === s2) {
    throw new ValidationError('DoG σ1 and σ2 must differ (the filter would be 0)', { field: 'dog.sigma2', expected: `≠ ${s1}`, found: `${s2}` });
  }
  const f = new Float64Array(size * size);
  const centre = size / 2 + 0.5;
  let mean = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const d2 = (x + 1 - centre) ** 2 + (y + 1 - centre) ** 2;
      const v = (1 / Math.sqrt(2 * Math.PI)) * (Math.exp(-d2 / (2 * s1 * s1)) / s1 - Math.exp(-d2 / (2 * s2 * s2)) / s2);
      f[y * size + x] = v;
      mean += v;
    }
  }
  mean /= f.length;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < f.length; i++) {
    f[i] -= mean;
    if (f[i] > max) max = f[i];
  }
  for (let i = 0; i < f.length; i++) f[i] /= max;
  return f;
}

function imageLayout(images: Tensor): { batch: number; height: number; width: number } {
  const s = images.shape;
  if (s.length !== 3 && !(s.length === 4 && s[1] === 1)) {
    throw new ShapeError('DoG filtering needs a batch of grey images', { field: 'images', expected: '[B, H, W] or [B, 1, H, W]', found: `[${s.join(', ')}]` });
  }
  return { batch: s[0], height: s[s.length - 2], width: s[s.length - 1] };
}

/**
 * Filters grey images with DoG filters (correlation, zero padding), zeroes a border and drops weak contrasts.
 *
 * @remarks
 * For each filter `f` (one output channel): `c(y, x) = Σ_{i,j} I(y + i − ⌊k/2⌋, x + j − ⌊k/2⌋) · f(i, j)`
 * with `I = 0` outside the image (scipy `ndimage.correlate`, `mode='constant'`; for even `k` the centre is
 * `k/2` as in scipy), optionally truncated toward zero, then `c = 0` within `border` pixels of the edge and
 * where `c < threshold`. The result is ≥ threshold or 0 (negative contrasts are dropped). Pixel values are
 * used as given (the seed passes 0–255 integers). Kheradpisheh et al. (2018), Sect. 2.1.
 *
 * @param images - `[B, H, W]` or `[B, 1, H, W]`
 * @param options - see {@link DogFilterOptions}
 * @returns contrasts `[B, C, H, W]`, C = number of filters
 * @throws `ValidationError` for a bad option or a filter larger than the image; `ShapeError` for a bad shape
 * @example
 * ```ts
 * const contrasts = dogFilterImages(images); // [B, 2, 28, 28] for MNIST
 * ```
 */
export function dogFilterImages(images: Tensor, options: DogFilterOptions = {}): Tensor {
  const { batch, height, width } = imageLayout(images);
  const specs = options.filters ?? [DOG_ON, DOG_OFF];
  if (specs.length === 0) throw new ValidationError('at least one DoG filter is needed', { field: 'dog.filters', expected: 'a non-empty list', found: '[]' });
  const threshold = checkNonNegative(options.threshold ?? 15, 'dog.threshold', 'DoG threshold must be a finite number >= 0');
  const border = options.border ?? 5;
  if (!Number.isInteger(border) || border < 0) {
    throw new ValidationError('DoG border must be an integer >= 0', { field: 'dog.border', expected: 'an integer >= 0', found: describeValue(border) });
  }
  const truncate = options.truncate ?? true;
  const filters = specs.map((spec, c) => {
    if (spec.size > height || spec.size > width) {
      throw new ValidationError('DoG kernel is larger than the image', {
        field: `dog.filters[${c}].size`,
        expected: `at most ${Math.min(height, width)} (image ${height}×${width})`,
        found: `${spec.size}`,
      });
    }
    return dogFilter(spec);
  });
  const channels = filters.length;
  const plane = height * width;
  const out = new Float32Array(batch * channels * plane);
  const src = images.data;
  for (let b = 0; b < batch; b++) {
    const img = b * plane;
    for (let c = 0; c < channels; c++) {
      const f = filters[c];
      const k = specs[c].size;
      const half = Math.floor(k / 2);
      const dst = (b * channels + c) * plane;
      // Only the interior survives the border zeroing, so only it is computed.
      for (let y = border; y < height - border; y++) {
        for (let x = border; x < width - border; x++) {
          let sum = 0;
          for (let i = 0; i < k; i++) {
            const yy = y + i - half;
            if (yy < 0 || yy >= height) continue;
            const row = img + yy * width;
            for (let j = 0; j < k; j++) {
              const xx = x + j - half;
              if (xx < 0 || xx >= width) continue;
              sum += src[row + xx] * f[i * k + j];
            }
          }
          if (truncate) sum = Math.trunc(sum);
          if (sum >= threshold) out[dst + y * width + x] = sum;
        }
      }
    }
  }
  return { data: out, shape: [batch, channels, height, width] };
}

/**
 * Intensity-to-latency binning of one map: stronger values spike earlier, one spike per non-zero value.
 *
 * @remarks
 * The `n` non-zero values are sorted by decreasing value (ties in index order) and the `i`-th (0-based)
 * gets the time bin `⌈i / (n / (T − 1))⌉ ∈ [0, T − 1]`, as in the seed's `spike_encoding` (Kheradpisheh et
 * al. 2018: rank-order coding of the DoG contrasts). Zeros never spike.
 *
 * @param values - one map (any length), values ≥ 0
 * @param numSteps - number of time bins T (≥ 2)
 * @returns the bin of every value, −1 where it does not spike
 * @example
 * ```ts
 * latencyBins(Float32Array.from([0, 5, 9, 1]), 3); // Int16Array [-1, 1, 0, 2]
 * ```
 */
export function latencyBins(values: Float32Array, numSteps: number): Int16Array {
  checkBins(numSteps);
  const bins = new Int16Array(values.length).fill(-1);
  const order: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) order.push(i);
  order.sort((a, b) => values[b] - values[a] || a - b);
  const n = order.length;
  const width = n / (numSteps - 1);
  for (let i = 0; i < n; i++) bins[order[i]] = Math.ceil(i / width);
  return bins;
}

function checkBins(numSteps: number): void {
  if (!Number.isInteger(numSteps) || numSteps < 2) {
    throw new ValidationError('latency binning needs at least 2 time steps', { field: 'numSteps', expected: 'an integer >= 2', found: describeValue(numSteps) });
  }
}

/** Options of {@link dogLatencySparse}: the DoG options plus the number of time steps. */
export interface DogLatencyOptions extends DogFilterOptions {
  /** Number of time bins T (≥ 2); default 30. */
  readonly numSteps?: number;
}

/**
 * DoG ON/OFF filtering followed by per-channel latency binning, straight into sparse spike trains.
 *
 * @remarks
 * {@link dogFilterImages} then {@link latencyBins} on each channel map of each image (the seed's
 * `preprocess_MNIST`). Input index `c·H·W + y·W + x` (channel-major, as `[C, H, W]`), row `b·T + t`; every
 * input spikes at most once. This is the format the event-driven convolution consumes.
 *
 * @param images - `[B, H, W]` or `[B, 1, H, W]` grey images (0–255 for the seed's threshold)
 * @param options - see {@link DogLatencyOptions}
 * @returns spike trains with `size = C·H·W`
 * @throws `ValidationError` / `ShapeError` as {@link dogFilterImages}, or when `numSteps < 2`
 * @example
 * ```ts
 * const spikes = dogLatencySparse(images, { numSteps: 30 }); // size 2·28·28
 * ```
 */
export function dogLatencySparse(images: Tensor, options: DogLatencyOptions = {}): SparseSpikes {
  const numSteps = options.numSteps ?? 30;
  checkBins(numSteps);
  const contrasts = dogFilterImages(images, options);
  const [batch, channels, height, width] = contrasts.shape as [number, number, number, number];
  const plane = height * width;
  const size = channels * plane;
  const offsets = new Uint32Array(batch * numSteps + 1);
  const parts: Uint32Array[] = [];
  let total = 0;
  const counts = new Uint32Array(numSteps);
  const times = new Int16Array(size);
  for (let b = 0; b < batch; b++) {
    for (let c = 0; c < channels; c++) {
      const start = (b * channels + c) * plane;
      times.set(latencyBins(contrasts.data.subarray(start, start + plane), numSteps), c * plane);
    }
    // Counting sort by time keeps indices ascending within each step.
    counts.fill(0);
    for (let i = 0; i < size; i++) if (times[i] >= 0) counts[times[i]]++;
    const cursor = new Uint32Array(numSteps);
    let acc = 0;
    for (let t = 0; t < numSteps; t++) {
      offsets[b * numSteps + t] = total + acc;
      cursor[t] = acc;
      acc += counts[t];
    }
    const part = new Uint32Array(acc);
    for (let i = 0; i < size; i++) if (times[i] >= 0) part[cursor[times[i]]++] = i;
    parts.push(part);
    total += acc;
  }
  offsets[batch * numSteps] = total;
  const indices = new Uint32Array(total);
  let k = 0;
  for (const part of parts) {
    indices.set(part, k);
    k += part.length;
  }
  return { batch, numSteps, size, offsets, indices };
}
