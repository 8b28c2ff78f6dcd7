// Turns a drawing into an MNIST-like 28×28 image: the strokes' bounding box is
// scaled to fit 20×20 (aspect kept) and placed so that the centre of mass
// sits at the image centre, as in LeCun et al.'s preprocessing of MNIST.

/** Side of an MNIST image. */
export const SIDE = 28;

/**
 * Grey levels (0..1) of `canvas` (ink = opaque pixels) as a 28×28 MNIST-like image,
 * or `null` when nothing is drawn.
 */
export function canvasToDigit(canvas: HTMLCanvasElement): Float32Array | null {
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return null;
  const { width, height } = canvas;
  const pixels = ctx.getImageData(0, 0, width, height).data;
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (pixels[(y * width + x) * 4 + 3] > 0) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  if (x1 < 0) return null;
  const boxW = x1 - x0 + 1;
  const boxH = y1 - y0 + 1;
  const scale = 20 / Math.max(boxW, boxH);
  const small = document.createElement('canvas');
  small.width = SIDE;
  small.height = SIDE;
  const sctx = small.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
  sctx.imageSmoothingEnabled = true;
  sctx.imageSmoothingQuality = 'high';
  const w = boxW * scale;
  const h = boxH * scale;
  sctx.drawImage(canvas, x0, y0, boxW, boxH, (SIDE - w) / 2, (SIDE - h) / 2, w, h);
  const data = sctx.getImageData(0, 0, SIDE, SIDE).data;
  const grey = new Float32Array(SIDE * SIDE);
  let mass = 0;
  let cx = 0;
  let cy = 0;
  for (let i = 0; i < SIDE * SIDE; i++) {
    const v = data[i * 4 + 3] / 255;
    grey[i] = v;
    mass += v;
    cx += v * (i % SIDE);
    cy += v * Math.floor(i / SIDE);
  }
  const dx = Math.round((SIDE - 1) / 2 - cx / mass);
  const dy = Math.round((SIDE - 1) / 2 - cy / mass);
  const out = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const sx = x - dx;
      const sy = y - dy;
      if (sx >= 0 && sx < SIDE && sy >= 0 && sy < SIDE) out[y * SIDE + x] = grey[sy * SIDE + sx];
    }
  }
  return out;
}
