import { FileFormatError } from '@snn/core';
import { readFileBounded } from '@snn/core/node';
import { imageSize } from 'image-size';
import { Jimp } from 'jimp';
import { type DecodedImage, DecodeTimeoutError, decodeImage } from './decode.js';
import { gifFrameSizes, tiffImageSizes } from './frames.js';

/** Side of an MNIST image in pixels. */
export const MNIST_SIDE = 28;
/** Side of the box MNIST fits each digit into before centring it by its centre of mass. */
const DIGIT_BOX = 20;
/** Where MNIST puts the centre of mass of a digit (0-based pixel coordinates; measured mean 14.0, 14.0). */
const MNIST_CENTRE = 14;
/** Pixels above this fraction of the brightest one count as ink when finding the bounding box. */
const INK_FRACTION = 0.1;

/**
 * Most pixels an image may declare (4096 × 4096): larger images are refused from their header,
 * before decoding, since decoding takes about 16 bytes per pixel.
 */
export const MAX_IMAGE_PIXELS = 4096 * 4096;
/** Largest image file read: 256 MiB (an uncompressed 4096 × 4096 RGBA TIFF is 64 MiB). */
export const MAX_IMAGE_FILE_BYTES = 256 * 2 ** 20;
/** Images with a side shorter than this many pixels get a warning: too few pixels to hold a digit. */
export const MIN_DIGIT_SIDE = 8;

/** A digit image prepared like MNIST: 28 × 28 grey values in [0, 1], white digit on black. */
export interface DigitImage {
  /** 784 values in [0, 1], row-major. */
  readonly pixels: Float32Array;
  /** Width of the decoded image in pixels. */
  readonly sourceWidth: number;
  /** Height of the decoded image in pixels. */
  readonly sourceHeight: number;
  /** True when the image had a light background (border mean > 127) and was inverted. */
  readonly inverted: boolean;
  /** Mean grey level (0–255) of the border pixels of the decoded image. */
  readonly borderMean: number;
  /** True when the digit was cropped, scaled into 20 × 20 and centred by its centre of mass. */
  readonly centred: boolean;
  /** Reasons the prediction may mean little (a tiny, fully transparent or blank image); empty when none. */
  readonly warnings: readonly string[];
}

/** Options of {@link loadDigitImage}. */
export interface LoadDigitOptions {
  /** Crop, fit into 20 × 20 and centre by mass like MNIST (default true); false: fit the whole image into 28 × 28. */
  readonly centre?: boolean;
  /** Longest the decoding may take, ms (default 10,000); a malformed file can make a decoder loop. */
  readonly decodeTimeoutMs?: number;
}

type Grey = { readonly width: number; readonly height: number; readonly data: Float32Array };

function toBitmap(grey: Grey): { width: number; height: number; data: Buffer } {
  const data = Buffer.alloc(grey.width * grey.height * 4);
  for (let i = 0; i < grey.data.length; i++) {
    const v = Math.max(0, Math.min(255, Math.round(grey.data[i] * 255)));
    data[4 * i] = v;
    data[4 * i + 1] = v;
    data[4 * i + 2] = v;
    data[4 * i + 3] = 255;
  }
  return { width: grey.width, height: grey.height, data };
}

/** Crops `grey` to the rectangle and resizes it to w × h with jimp's default resampling. */
function cropResize(grey: Grey, x: number, y: number, cw: number, ch: number, w: number, h: number): Grey {
  const image = Jimp.fromBitmap(toBitmap(grey));
  image.crop({ x, y, w: cw, h: ch });
  image.resize({ w, h });
  const { data, width, height } = image.bitmap;
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = data[4 * i] / 255;
  return { width, height, data: out };
}

function place(target: Float32Array, src: Grey, left: number, top: number): void {
  for (let y = 0; y < src.height; y++) {
    const ty = y + top;
    if (ty < 0 || ty >= MNIST_SIDE) continue;
    for (let x = 0; x < src.width; x++) {
      const tx = x + left;
      if (tx < 0 || tx >= MNIST_SIDE) continue;
      target[ty * MNIST_SIDE + tx] = src.data[y * src.width + x];
    }
  }
}

function checkPixelCount(file: string, width: number, height: number, verb: string): void {
  if (!(width > 0 && height > 0 && width * height <= MAX_IMAGE_PIXELS)) {
    throw new FileFormatError(width > 0 && height > 0 ? 'image too large' : 'image has no pixels', {
      file,
      expected: `an image of 1 to ${MAX_IMAGE_PIXELS} pixels (4096 × 4096)`,
      found: `a file that ${verb} ${width}×${height} pixels`,
    });
  }
}

function checkFrames(file: string, bytes: Uint8Array): void {
  const tiff = tiffImageSizes(bytes);
  if (tiff?.problem !== undefined) {
    throw new FileFormatError('corrupt TIFF file', { file, expected: 'image directories and values inside the file', found: tiff.problem });
  }
  const frames = tiff?.frames ?? gifFrameSizes(bytes);
  if (frames === undefined) return;
  const pixels = frames.reduce((sum, f) => sum + f.width * f.height, 0);
  if (pixels > MAX_IMAGE_PIXELS) {
    throw new FileFormatError('image too large', {
      file,
      expected: `an image of 1 to ${MAX_IMAGE_PIXELS} pixels (4096 × 4096) in all its frames`,
      found: `${tiff ? 'a TIFF' : 'a GIF'} of ${frames.length} frame${frames.length === 1 ? '' : 's'} of ${pixels} pixels in all`,
    });
  }
}

/** Fits a w × h box into `side` keeping the aspect ratio (each side at least 1 pixel). */
function fit(w: number, h: number, side: number): [number, number] {
  const scale = side / Math.max(w, h);
  return [Math.max(1, Math.round(w * scale)), Math.max(1, Math.round(h * scale))];
}

/**
 * Reads an image file (PNG, JPEG, BMP, GIF or TIFF, decoded by jimp) and prepares it like an
 * MNIST digit.
 *
 * @remarks
 * Steps: grey level `0.299 R + 0.587 G + 0.114 B`, composited over white by the alpha channel;
 * inverted when the mean of the border pixels is above 127 (a dark digit on a light background);
 * scaled to [0, 1]; the background level (the border mean after the inversion) subtracted and the
 * rest stretched back to [0, 1], so that a grey page becomes black as in MNIST. Then, as MNIST was made (LeCun et al. 1998): the bounding box of the ink
 * (pixels above 10 % of the brightest) is scaled to fit 20 × 20 keeping its aspect ratio and
 * placed in a 28 × 28 image so that its centre of mass falls on pixel (14, 14), where MNIST has it. With `centre: false`
 * the whole image is scaled to fit 28 × 28 (aspect kept) and padded with black, centred.
 *
 * The size the file declares is checked before decoding (at most {@link MAX_IMAGE_PIXELS}), so a
 * small file that declares a huge image is refused without allocating it. A tiny (side under
 * {@link MIN_DIGIT_SIDE}), fully transparent or blank image is prepared all the same, with a
 * warning in `warnings`.
 *
 * @param file - the image file
 * @param options - `centre` (default true)
 * @throws `FileFormatError` naming the file when it cannot be read, is not a decodable image or has more than {@link MAX_IMAGE_PIXELS} pixels
 */
export async function loadDigitImage(file: string, options: LoadDigitOptions = {}): Promise<DigitImage> {
  const bytes = Buffer.from(await readFileBounded(file, { what: 'image', expected: 'a PNG, JPEG, BMP, GIF or TIFF file', maxBytes: MAX_IMAGE_FILE_BYTES }));
  const notAnImage = (error?: unknown): FileFormatError => {
    const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
    return new FileFormatError('not an image jimp can decode', {
      file,
      expected: 'a PNG, JPEG, BMP, GIF or TIFF file',
      found: bytes.length === 0 ? 'an empty file' : `${bytes.length} bytes starting ${head}`,
      ...(error === undefined ? {} : { cause: error }),
    });
  };
  // The size the header declares, checked before decoding: a small file can declare a huge image.
  let declared: { width?: number; height?: number };
  try {
    declared = imageSize(bytes);
  } catch {
    // image-size's own message ("unsupported file type: undefined") says less than ours.
    throw notAnImage();
  }
  checkPixelCount(file, declared.width ?? 0, declared.height ?? 0, 'declares');
  // GIF frames and TIFF images have sizes of their own, and the decoders fill every one of them.
  checkFrames(file, bytes);
  let decoded: DecodedImage;
  try {
    decoded = await decodeImage(bytes, options.decodeTimeoutMs);
  } catch (error) {
    if (error instanceof DecodeTimeoutError) {
      throw new FileFormatError('image decoding did not finish', { file, expected: 'a well-formed image', found: `a file whose ${error.message}`, cause: error });
    }
    throw notAnImage(error);
  }
  const { width, height, data } = decoded;
  checkPixelCount(file, width, height, 'decodes to');
  const warnings: string[] = [];
  if (Math.min(width, height) < MIN_DIGIT_SIDE) {
    warnings.push(`the image is ${width}×${height} pixels, too small to hold a digit (MNIST digits are 28×28): the prediction means little`);
  }
  let opaque = false;
  for (let i = 3; i < data.length && !opaque; i += 4) opaque = data[i] > 0;
  if (!opaque) warnings.push('every pixel of the image is fully transparent: it is blank and the prediction means little');
  const grey = new Float32Array(width * height);
  for (let i = 0; i < grey.length; i++) {
    const alpha = data[4 * i + 3] / 255;
    const luma = 0.299 * data[4 * i] + 0.587 * data[4 * i + 1] + 0.114 * data[4 * i + 2];
    grey[i] = luma * alpha + 255 * (1 - alpha);
  }
  let borderSum = 0;
  let borderCount = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (y === 0 || y === height - 1 || x === 0 || x === width - 1) {
        borderSum += grey[y * width + x];
        borderCount++;
      }
    }
  }
  const borderMean = borderSum / borderCount;
  const inverted = borderMean > 127;
  // Background level after the inversion (0 for a clean black or white page); it is subtracted and the
  // rest stretched back to [0, 1], so a grey paper background becomes MNIST's black.
  const background = (inverted ? 255 - borderMean : borderMean) / 255;
  const gain = background < 1 ? 1 / (1 - background) : 1;
  for (let i = 0; i < grey.length; i++) {
    const v = (inverted ? 255 - grey[i] : grey[i]) / 255;
    grey[i] = Math.min(1, Math.max(0, (v - background) * gain));
  }
  const source: Grey = { width, height, data: grey };
  const pixels = new Float32Array(MNIST_SIDE * MNIST_SIDE);
  let max = 0;
  for (let i = 0; i < grey.length; i++) if (grey[i] > max) max = grey[i];
  if (max === 0 && opaque) warnings.push('the image is blank (one grey level, no digit to see): the prediction means little');
  const centre = (options.centre ?? true) && max > 0;
  if (!centre) {
    const [w, h] = fit(width, height, MNIST_SIDE);
    const scaled = cropResize(source, 0, 0, width, height, w, h);
    place(pixels, scaled, Math.floor((MNIST_SIDE - w) / 2), Math.floor((MNIST_SIDE - h) / 2));
    return { pixels, sourceWidth: width, sourceHeight: height, inverted, borderMean, centred: false, warnings };
  }
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (grey[y * width + x] > INK_FRACTION * max) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  const cw = x1 - x0 + 1;
  const ch = y1 - y0 + 1;
  const [w, h] = fit(cw, ch, DIGIT_BOX);
  const digit = cropResize(source, x0, y0, cw, ch, w, h);
  let mass = 0;
  let mx = 0;
  let my = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = digit.data[y * w + x];
      mass += v;
      mx += v * x;
      my += v * y;
    }
  }
  const cx = mass > 0 ? mx / mass : (w - 1) / 2;
  const cy = mass > 0 ? my / mass : (h - 1) / 2;
  place(pixels, digit, Math.round(MNIST_CENTRE - cx), Math.round(MNIST_CENTRE - cy));
  return { pixels, sourceWidth: width, sourceHeight: height, inverted, borderMean, centred: true, warnings };
}
