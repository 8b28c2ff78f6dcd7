import { ValidationError, describeValue } from '../../errors/errors.js';
import type { PickleDtype, PickleNdArray, PickleValue } from './values.js';

/**
 * Encodes plain data and NumPy arrays as a protocol-3 pickle that Python's `pickle.loads` and NumPy read back.
 *
 * @remarks
 * The inverse of {@link parsePickle} for its value set: `null`, booleans,
 * numbers (integers as `int`, others as `float`), bigints, strings, bytes,
 * arrays (lists), tuples, dicts and NumPy arrays/dtypes, the latter as NumPy
 * itself pickles them (`numpy.core.multiarray._reconstruct` with the
 * `(1, shape, dtype, False, data)` state; dtypes as `numpy.dtype(code, False,
 * True)` with a version-3 state). No memo is written.
 * @param value - the value
 * @throws ValidationError for a non-finite integer-like number or an unsupported dtype
 * @example
 * ```ts
 * const bytes = encodePickle({ kind: 'dict', entries: new Map([['a', [1, 2]]]) });
 * ```
 */
export function encodePickle(value: PickleValue): Uint8Array {
  const w = new PickleWriter();
  w.op(0x80, 3);
  w.value(value);
  w.op(0x2e);
  return w.finish();
}

class PickleWriter {
  private buf = new Uint8Array(1024);
  private at = 0;

  private ensure(n: number): void {
    if (this.at + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.at + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.at));
    this.buf = next;
  }

  op(...bytes: number[]): void {
    this.ensure(bytes.length);
    for (const b of bytes) this.buf[this.at++] = b;
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.at);
    this.at += bytes.length;
  }

  u32(v: number): void {
    this.op(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.at);
  }

  global(module: string, name: string): void {
    this.op(0x63);
    this.raw(new TextEncoder().encode(`${module}\n${name}\n`));
  }

  text(s: string): void {
    const bytes = new TextEncoder().encode(s);
    this.op(0x58);
    this.u32(bytes.length);
    this.raw(bytes);
  }

  bytes(b: Uint8Array): void {
    if (b.length < 256) this.op(0x43, b.length);
    else {
      this.op(0x42);
      this.u32(b.length);
    }
    this.raw(b);
  }

  int(v: number | bigint): void {
    if (typeof v === 'number' && v >= 0 && v < 256) this.op(0x4b, v);
    else if (typeof v === 'number' && v >= 0 && v < 65536) this.op(0x4d, v & 0xff, v >> 8);
    else if (typeof v === 'number' && v >= -(2 ** 31) && v < 2 ** 31) {
      this.op(0x4a);
      this.u32(v >>> 0);
    } else {
      // LONG1: little-endian two's complement
      let big = BigInt(v);
      const out: number[] = [];
      for (;;) {
        out.push(Number(big & 0xffn));
        big >>= 8n;
        const last = out[out.length - 1];
        if ((big === 0n && (last & 0x80) === 0) || (big === -1n && (last & 0x80) !== 0)) break;
      }
      this.op(0x8a, out.length, ...out);
    }
  }

  tuple(items: (() => void)[]): void {
    if (items.length === 0) {
      this.op(0x29);
      return;
    }
    if (items.length > 3) this.op(0x28);
    for (const item of items) item();
    this.op(items.length === 1 ? 0x85 : items.length === 2 ? 0x86 : items.length === 3 ? 0x87 : 0x74);
  }

  dtype(d: PickleDtype): void {
    this.global('numpy', 'dtype');
    this.tuple([() => (d.isRecord ? this.global('numpy', 'record') : this.text(d.fields.length > 0 ? `V${d.itemSize}` : d.code)), () => this.op(0x89), () => this.op(0x88)]);
    this.op(0x52);
    const structured = d.fields.length > 0;
    const isObject = d.code.startsWith('O');
    const order = structured || isObject || d.itemSize === 1 ? '|' : d.byteOrder === '>' ? '>' : '<';
    this.tuple([
      () => this.int(3),
      () => this.text(order),
      () => this.op(0x4e),
      () => (structured ? this.tuple(d.fields.map((f) => () => this.text(f.name))) : this.op(0x4e)),
      () => {
        if (!structured) {
          this.op(0x4e);
          return;
        }
        this.op(0x7d, 0x28);
        for (const f of d.fields) {
          this.text(f.name);
          this.tuple([() => this.dtype(f.dtype), () => this.int(f.offset)]);
        }
        this.op(0x75);
      },
      () => this.int(structured ? d.itemSize : -1),
      () => this.int(structured ? 1 : -1),
      () => this.int(structured ? 16 : isObject ? 63 : 0),
    ]);
    this.op(0x62);
  }

  array(a: PickleNdArray): void {
    this.global('numpy.core.multiarray', '_reconstruct');
    this.tuple([() => this.global('numpy', a.subclass), () => this.tuple([() => this.int(0)]), () => this.bytes(new Uint8Array([0x62]))]);
    this.op(0x52);
    this.tuple([
      () => this.int(1),
      () => this.tuple(a.shape.map((d) => () => this.int(d))),
      () => this.dtype(a.dtype),
      () => this.op(a.fortranOrder ? 0x88 : 0x89),
      () => {
        if (a.dtype.code.startsWith('O')) this.value(a.objects);
        else this.bytes(a.bytes);
      },
    ]);
    this.op(0x62);
  }

  value(v: PickleValue): void {
    if (v === null) this.op(0x4e);
    else if (v === true) this.op(0x88);
    else if (v === false) this.op(0x89);
    else if (typeof v === 'bigint') this.int(v);
    else if (typeof v === 'number') {
      if (Number.isInteger(v) && !Object.is(v, -0)) {
        if (!Number.isSafeInteger(v)) throw new ValidationError('integer too large to pickle exactly', { field: 'value', expected: 'a safe integer or a bigint', found: describeValue(v) });
        this.int(v);
      } else {
        this.op(0x47);
        this.ensure(8);
        new DataView(this.buf.buffer).setFloat64(this.at, v, false);
        this.at += 8;
      }
    } else if (typeof v === 'string') this.text(v);
    else if (v instanceof Uint8Array) this.bytes(v);
    else if (Array.isArray(v)) {
      this.op(0x5d);
      if (v.length > 0) {
        this.op(0x28);
        for (const item of v) this.value(item);
        this.op(0x65);
      }
    } else if (v.kind === 'tuple') this.tuple(v.items.map((item) => () => this.value(item)));
    else if (v.kind === 'dict') {
      this.op(0x7d);
      if (v.entries.size > 0) {
        this.op(0x28);
        for (const [key, item] of v.entries) {
          if (typeof key === 'string') this.text(key);
          else this.int(key);
          this.value(item);
        }
        this.op(0x75);
      }
    } else if (v.kind === 'dtype') this.dtype(v);
    else this.array(v);
  }
}
