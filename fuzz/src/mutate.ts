import type { Rng } from '@snn/core';

/** Values that break size fields and sign checks most often, as little- and big-endian u32. */
const INTERESTING_U32 = [0, 1, 2, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];
/** Bytes that break parsers most often (NUL, quotes, brackets, digits, high bytes). */
const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x22, 0x27, 0x5b, 0x5d, 0x7b, 0x7d, 0x2c, 0x3a, 0x2d, 0x30, 0x39, 0x0a, 0x26, 0x2a];

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * One random change to `bytes` (a new array): a bit flip, an interesting byte or u32 (either
 * endianness) written at a random place, a truncation, a deleted, duplicated or inserted range,
 * or a splice with `other`.
 *
 * @param rng - the seeded generator (the same seed gives the same mutations)
 * @param bytes - the input
 * @param other - another valid input to splice from
 */
export function mutateOnce(rng: Rng, bytes: Uint8Array, other: Uint8Array = bytes): Uint8Array {
  const out = bytes.slice();
  const at = out.length === 0 ? 0 : rng.int(out.length);
  switch (rng.int(9)) {
    case 0:
      if (out.length > 0) out[at] ^= 1 << rng.int(8);
      return out;
    case 1:
      if (out.length > 0) out[at] = INTERESTING_BYTES[rng.int(INTERESTING_BYTES.length)];
      return out;
    case 2: {
      if (out.length < 4) return out;
      const pos = rng.int(out.length - 3);
      new DataView(out.buffer).setUint32(pos, INTERESTING_U32[rng.int(INTERESTING_U32.length)], rng.bernoulli(0.5) === 1);
      return out;
    }
    case 3:
      return out.subarray(0, at).slice();
    case 4: {
      const end = Math.min(out.length, at + 1 + rng.int(64));
      return concat([out.subarray(0, at), out.subarray(end)]);
    }
    case 5: {
      const end = Math.min(out.length, at + 1 + rng.int(256));
      return concat([out.subarray(0, end), out.subarray(at, end), out.subarray(end)]);
    }
    case 6: {
      const junk = new Uint8Array(1 + rng.int(32));
      for (let i = 0; i < junk.length; i++) junk[i] = rng.int(256);
      return concat([out.subarray(0, at), junk, out.subarray(at)]);
    }
    case 7: {
      const from = other.length === 0 ? 0 : rng.int(other.length);
      return concat([out.subarray(0, at), other.subarray(from)]);
    }
    default:
      if (out.length > 0) out[at] = rng.int(256);
      return out;
  }
}

/**
 * 1 to `maxSteps` random changes to one of the `seeds`, spliced with another seed at times.
 *
 * @param rng - the seeded generator
 * @param seeds - valid inputs of the reader under test
 * @param maxSteps - most changes applied (default 4)
 */
export function mutate(rng: Rng, seeds: readonly Uint8Array[], maxSteps = 4): Uint8Array {
  let bytes = seeds[rng.int(seeds.length)];
  const steps = 1 + rng.int(maxSteps);
  for (let s = 0; s < steps; s++) bytes = mutateOnce(rng, bytes, seeds[rng.int(seeds.length)]);
  return bytes;
}
