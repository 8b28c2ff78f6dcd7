import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { FileFormatError } from '@snn/core';
import { loadMnist } from '@snn/datasets/node';
import { Jimp } from 'jimp';
import { describe, expect, it } from 'vitest';
import { digitPath, tempDir } from '../testing/harness.js';
import { MAX_IMAGE_PIXELS, loadDigitImage } from './load-digit.js';

function centreOfMass(pixels: Float32Array): [number, number] {
  let mass = 0;
  let x = 0;
  let y = 0;
  for (let i = 0; i < pixels.length; i++) {
    mass += pixels[i];
    x += pixels[i] * (i % 28);
    y += pixels[i] * Math.floor(i / 28);
  }
  return [x / mass, y / mass];
}

describe('loadDigitImage', () => {
  it('keeps an MNIST image (white on black, 28 × 28) close to the original', async () => {
    const original = loadMnist({ split: 'test' }).images.subarray(0, 784);
    const image = await loadDigitImage(digitPath('digit-7.png'));
    expect(image).toMatchObject({ sourceWidth: 28, sourceHeight: 28, inverted: false, centred: true });
    expect(image.pixels).toHaveLength(784);
    let diff = 0;
    for (let i = 0; i < 784; i++) diff += Math.abs(image.pixels[i] - original[i] / 255);
    expect(diff / 784).toBeLessThan(0.01);
    const plain = await loadDigitImage(digitPath('digit-7.png'), { centre: false });
    for (let i = 0; i < 784; i++) expect(plain.pixels[i]).toBeCloseTo(original[i] / 255, 5);
  });

  it('inverts a dark digit on a light page and centres it by mass', async () => {
    const image = await loadDigitImage(digitPath('digit-0-light.png'));
    expect(image).toMatchObject({ sourceWidth: 64, sourceHeight: 80, inverted: true, borderMean: 255 });
    expect(Math.min(...image.pixels)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...image.pixels)).toBeLessThanOrEqual(1);
    const [cx, cy] = centreOfMass(image.pixels);
    expect(Math.abs(cx - 14)).toBeLessThan(0.75);
    expect(Math.abs(cy - 14)).toBeLessThan(0.75);
    expect(image.pixels[0]).toBe(0);
  });

  it('composites transparency over white and fits a non-square image', async () => {
    const img = new Jimp({ width: 40, height: 20, color: 0x00000000 });
    for (let y = 5; y < 15; y++) for (let x = 10; x < 30; x++) img.bitmap.data.set([0, 0, 0, 255], 4 * (y * 40 + x));
    const file = join(tempDir(), 'bar.png');
    writeFileSync(file, await img.getBuffer('image/png'));
    const image = await loadDigitImage(file);
    expect(image.inverted).toBe(true);
    let ink = 0;
    for (let i = 0; i < 784; i++) if (image.pixels[i] > 0.5) ink++;
    expect(ink).toBe(200);
  });
});

describe('loadDigitImage on a grey page', () => {
  it('subtracts the background level after the inversion', async () => {
    const img = new Jimp({ width: 28, height: 28, color: 0xc8c8c8ff });
    for (let y = 8; y < 20; y++) for (let x = 12; x < 16; x++) img.bitmap.data.set([20, 20, 20, 255], 4 * (y * 28 + x));
    const file = join(tempDir(), 'grey.png');
    writeFileSync(file, await img.getBuffer('image/png'));
    const image = await loadDigitImage(file, { centre: false });
    expect(image.inverted).toBe(true);
    expect(image.borderMean).toBeCloseTo(200, 3);
    expect(image.pixels[0]).toBe(0);
    // ink 20 -> 235 after the inversion; background 200 -> 55: (235 − 55) / (255 − 55) = 0.9 (8-bit rounding aside)
    expect(Math.abs(image.pixels[10 * 28 + 13] - 0.9)).toBeLessThan(4 / 255);
  });
});

/** A PNG of a signature, an IHDR chunk declaring `width × height` 8-bit grey, one tiny IDAT and IEND. */
function pngDeclaring(width: number, height: number): Buffer {
  const chunk = (type: string, body: Buffer): Buffer => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(body.length, 0);
    head.write(type, 4, 'ascii');
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
    return Buffer.concat([head, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 0, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.alloc(1024))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('loadDigitImage on hostile or degenerate images', () => {
  it('refuses an image that declares more than 4096 × 4096 pixels before decoding it', async () => {
    const file = join(tempDir(), 'huge.png');
    writeFileSync(file, pngDeclaring(20000, 20000));
    const before = process.memoryUsage().arrayBuffers;
    await expect(loadDigitImage(file)).rejects.toThrow(
      `file ${file}: image too large; expected an image of 1 to ${MAX_IMAGE_PIXELS} pixels (4096 × 4096), found a file that declares 20000×20000 pixels`,
    );
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * 2 ** 20);
    await expect(loadDigitImage(file)).rejects.toBeInstanceOf(FileFormatError);
  });

  it('refuses a small GIF whose frame declares a huge size (its decoder took minutes), before decoding', async () => {
    const file = join(tempDir(), 'frame.gif');
    const screen = [0x1c, 0x00, 0x1c, 0x00, 0x80, 0x00, 0x00, 0, 0, 0, 255, 255, 255];
    const frame = [0x2c, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b];
    writeFileSync(file, Buffer.from([...Buffer.from('GIF89a'), ...screen, ...frame]));
    await expect(loadDigitImage(file)).rejects.toThrow(
      `file ${file}: image too large; expected an image of 1 to ${MAX_IMAGE_PIXELS} pixels (4096 × 4096) in all its frames, found a GIF of 1 frame of 4294836225 pixels in all`,
    );
  });

  it('refuses a small TIFF whose directory declares more values than the file holds (its decoder looped for 21 s)', async () => {
    const tiff = Buffer.from(await new Jimp({ width: 28, height: 28, color: 0x000000ff }).getBuffer('image/tiff'));
    // Entry 8 of the first directory is StripByteCounts (tag 279): declare 2^28 + 1 of them.
    const entry = 8 + 2 + 12 * 8;
    expect(tiff.readUInt16BE(entry)).toBe(279);
    tiff.writeUInt32BE(0x10000001, entry + 4);
    const file = join(tempDir(), 'strips.tiff');
    writeFileSync(file, tiff.subarray(0, 768));
    await expect(loadDigitImage(file)).rejects.toThrow(
      `file ${file}: corrupt TIFF file; expected image directories and values inside the file, found tag 279 declares 268435457 values, more than the file's 768 bytes hold`,
    );
  });

  it('stops a decoder that never returns on a malformed 105-byte GIF (it hung infer forever)', async () => {
    // Found by the fuzz suite: a 28 × 28 GIF whose LZW data jimp's decoder loops on.
    const hex =
      '4749463839611c001c00800000000000ffffff21ff0b4e45545343415045322e30030100000021f90408080000002c000000' +
      '001c001c0000022d848fa9cbed0fa39cb4da1672b8496f7e7860a88d8668a2a30ab29c7bc19600000001e1921ef1e60f0c0a879302003b';
    const file = join(tempDir(), 'loop.gif');
    writeFileSync(file, Buffer.from(hex, 'hex'));
    const started = Date.now();
    await expect(loadDigitImage(file, { decodeTimeoutMs: 1000 })).rejects.toThrow(
      `file ${file}: image decoding did not finish; expected a well-formed image, found a file whose decoding did not finish in 1000 ms`,
    );
    expect(Date.now() - started).toBeLessThan(5000);
    // The decoder thread is replaced: the next image decodes.
    expect((await loadDigitImage(digitPath('digit-7.png'))).sourceWidth).toBe(28);
  });

  it('warns about a 1 × 1 image', async () => {
    const file = join(tempDir(), 'dot.png');
    writeFileSync(file, await new Jimp({ width: 1, height: 1, color: 0xffffffff }).getBuffer('image/png'));
    const image = await loadDigitImage(file);
    expect(image.warnings).toContain('the image is 1×1 pixels, too small to hold a digit (MNIST digits are 28×28): the prediction means little');
  });

  it('warns about a fully transparent image and says nothing about a normal digit', async () => {
    const file = join(tempDir(), 'clear.png');
    writeFileSync(file, await new Jimp({ width: 28, height: 28, color: 0x00000000 }).getBuffer('image/png'));
    const image = await loadDigitImage(file);
    expect(image.warnings).toEqual(['every pixel of the image is fully transparent: it is blank and the prediction means little']);
    expect((await loadDigitImage(digitPath('digit-7.png'))).warnings).toEqual([]);
  });

  it('warns about a blank opaque image', async () => {
    const file = join(tempDir(), 'grey.png');
    writeFileSync(file, await new Jimp({ width: 28, height: 28, color: 0x808080ff }).getBuffer('image/png'));
    expect((await loadDigitImage(file)).warnings).toEqual(['the image is blank (one grey level, no digit to see): the prediction means little']);
  });
});
