/**
 * Sizes of the frames of a GIF file, read from its image descriptors without decoding anything.
 *
 * @remarks
 * A GIF's header declares the size of its "logical screen", but each frame has its own size and a
 * file may hold many frames: the decoder allocates and fills every frame, so a small GIF can make
 * it work for minutes. Layout (GIF89a): 6-byte signature, 7-byte logical screen descriptor with an
 * optional global colour table, then blocks: `0x21` extensions (label, data sub-blocks ending with a
 * 0 byte), `0x2C` image descriptors (left, top, width, height as u16 little-endian, flags, optional
 * local colour table, LZW code size, data sub-blocks), `0x3B` trailer.
 *
 * @param bytes - the file
 * @returns each frame's width and height, or `undefined` when the bytes are not a well-formed GIF
 */
export function gifFrameSizes(bytes: Uint8Array): { width: number; height: number }[] | undefined {
  const signature = String.fromCharCode(...bytes.subarray(0, 6));
  if (signature !== 'GIF87a' && signature !== 'GIF89a') return undefined;
  if (bytes.length < 13) return undefined;
  const colourTable = (flags: number): number => ((flags & 0x80) !== 0 ? 3 * 2 ** ((flags & 0x07) + 1) : 0);
  let at = 13 + colourTable(bytes[10]);
  const skipSubBlocks = (): boolean => {
    while (at < bytes.length) {
      const size = bytes[at];
      at += 1 + size;
      if (size === 0) return true;
    }
    return false;
  };
  const frames: { width: number; height: number }[] = [];
  while (at < bytes.length) {
    const block = bytes[at];
    if (block === 0x3b) return frames;
    if (block === 0x21) {
      at += 2;
      if (!skipSubBlocks()) return frames;
    } else if (block === 0x2c) {
      if (at + 10 > bytes.length) return frames;
      frames.push({ width: bytes[at + 5] | (bytes[at + 6] << 8), height: bytes[at + 7] | (bytes[at + 8] << 8) });
      at += 10 + colourTable(bytes[at + 9]) + 1;
      if (!skipSubBlocks()) return frames;
    } else {
      return frames;
    }
  }
  return frames;
}

/** Bytes per value of each TIFF field type (1 BYTE … 12 DOUBLE); unknown types count 1. */
const TIFF_TYPE_BYTES = [1, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8];
/** Most image file directories followed in a TIFF file. */
const MAX_TIFF_IFDS = 64;

/**
 * Sizes of the images (IFDs) of a TIFF file, read from its directories without decoding anything.
 *
 * @remarks
 * The decoder reads every value every directory entry declares; an entry that declares more
 * values than the file holds (e.g. 268 million strip byte counts in a 768-byte file) made it
 * loop for tens of seconds. Layout: `II*\0` (little-endian) or `MM\0*` (big-endian), the offset of
 * the first directory; each directory: an entry count (u16), 12-byte entries (tag u16, type u16,
 * count u32, value or offset u32), the offset of the next directory (0 ends the chain).
 *
 * @param bytes - the file
 * @returns each image's width and height, or a `problem` (an entry or directory outside the file,
 *   a loop of directories) when the file cannot be decoded safely; `undefined` when not a TIFF file
 */
export function tiffImageSizes(bytes: Uint8Array): { frames: { width: number; height: number }[]; problem?: string } | undefined {
  if (bytes.length < 8) return undefined;
  const little = bytes[0] === 0x49 && bytes[1] === 0x49 && bytes[2] === 42 && bytes[3] === 0;
  const big = bytes[0] === 0x4d && bytes[1] === 0x4d && bytes[2] === 0 && bytes[3] === 42;
  if (!little && !big) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const frames: { width: number; height: number }[] = [];
  const seen = new Set<number>();
  let offset = view.getUint32(4, little);
  while (offset !== 0) {
    if (seen.has(offset) || seen.size >= MAX_TIFF_IFDS) return { frames, problem: `more than ${MAX_TIFF_IFDS} image directories, or a loop of them` };
    seen.add(offset);
    if (offset + 2 > bytes.length) return { frames, problem: `an image directory at byte ${offset}, past the end of the file` };
    const entries = view.getUint16(offset, little);
    const end = offset + 2 + 12 * entries;
    if (end + 4 > bytes.length) return { frames, problem: `an image directory of ${entries} entries at byte ${offset}, past the end of the file` };
    let width = 0;
    let height = 0;
    for (let k = 0; k < entries; k++) {
      const at = offset + 2 + 12 * k;
      const tag = view.getUint16(at, little);
      const type = view.getUint16(at + 2, little);
      const count = view.getUint32(at + 4, little);
      const size = count * (TIFF_TYPE_BYTES[type] ?? 1);
      if (size > 4 && view.getUint32(at + 8, little) + size > bytes.length) {
        return { frames, problem: `tag ${tag} declares ${count} values, more than the file's ${bytes.length} bytes hold` };
      }
      const value = type === 3 ? view.getUint16(at + 8, little) : view.getUint32(at + 8, little);
      if (tag === 256) width = value;
      if (tag === 257) height = value;
    }
    frames.push({ width, height });
    offset = view.getUint32(end, little);
  }
  return { frames };
}
