/**
 * A labelled set of 8-bit greyscale images, e.g. MNIST or Fashion-MNIST.
 *
 * @remarks
 * Image `i` is `images.subarray(i * rows * cols, (i + 1) * rows * cols)`,
 * row-major, pixel values 0..255 (0 = background). Loaders return views
 * into the file buffer where they can, so treat the arrays as read-only.
 */
export interface ImageDataset {
  /** All pixels, image after image, row-major; length `count * rows * cols`. */
  readonly images: Uint8Array;
  /** Class label of each image (0..9 for MNIST and Fashion-MNIST); length `count`. */
  readonly labels: Uint8Array;
  /** Number of images. */
  readonly count: number;
  /** Image height in pixels (28 for MNIST). */
  readonly rows: number;
  /** Image width in pixels (28 for MNIST). */
  readonly cols: number;
}
