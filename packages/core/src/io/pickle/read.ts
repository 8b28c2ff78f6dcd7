import { FileFormatError } from '../../errors/errors.js';
import type { PickleDict, PickleDtype, PickleDtypeField, PickleNdArray, PickleTuple, PickleValue } from './values.js';
import { describePickleValue, isPickleDict, isPickleTuple } from './values.js';

/**
 * A pickle holds something outside the data subset {@link parsePickle} reads: an opcode it does not
 * interpret, a global that is not one of NumPy's array/dtype constructors, or a malformed structure.
 * Nothing of the pickle is ever executed; this error is how anything else is refused.
 */
export class PickleError extends FileFormatError {}

/** The globals a NumPy array pickle names, by `module.name`; any other global is a {@link PickleError}. */
const ALLOWED_GLOBALS: Readonly<Record<string, GlobalName>> = {
  'numpy.core.multiarray._reconstruct': 'reconstruct',
  'numpy._core.multiarray._reconstruct': 'reconstruct',
  'numpy.ndarray': 'ndarray',
  'numpy.recarray': 'recarray',
  'numpy.core.records.recarray': 'recarray',
  'numpy._core.records.recarray': 'recarray',
  'numpy.dtype': 'dtype',
  'numpy.record': 'record',
  'numpy.core.records.record': 'record',
  'numpy._core.records.record': 'record',
  'numpy.core.multiarray.scalar': 'scalar',
  'numpy._core.multiarray.scalar': 'scalar',
  '_codecs.encode': 'encode',
};

type GlobalName = 'reconstruct' | 'ndarray' | 'recarray' | 'dtype' | 'record' | 'scalar' | 'encode';

/** The globals {@link parsePickle} accepts, `module.name` as Python spells them. */
export const PICKLE_ALLOWED_GLOBALS: readonly string[] = Object.keys(ALLOWED_GLOBALS);

interface GlobalRef {
  readonly kind: 'global';
  readonly name: GlobalName;
}

const MARK = Symbol('mark');
type Item = PickleValue | GlobalRef | typeof MARK;

/** Options of {@link parsePickle}. */
export interface ParsePickleOptions {
  /** File name for messages. */
  readonly file?: string;
}

const OPCODE_NAMES = new Map<number, string>([
  [0x28, 'MARK'],
  [0x2e, 'STOP'],
  [0x30, 'POP'],
  [0x31, 'POP_MARK'],
  [0x32, 'DUP'],
  [0x46, 'FLOAT'],
  [0x49, 'INT'],
  [0x4a, 'BININT'],
  [0x4b, 'BININT1'],
  [0x4c, 'LONG'],
  [0x4d, 'BININT2'],
  [0x4e, 'NONE'],
  [0x50, 'PERSID'],
  [0x51, 'BINPERSID'],
  [0x52, 'REDUCE'],
  [0x53, 'STRING'],
  [0x54, 'BINSTRING'],
  [0x55, 'SHORT_BINSTRING'],
  [0x56, 'UNICODE'],
  [0x58, 'BINUNICODE'],
  [0x61, 'APPEND'],
  [0x62, 'BUILD'],
  [0x63, 'GLOBAL'],
  [0x64, 'DICT'],
  [0x7d, 'EMPTY_DICT'],
  [0x65, 'APPENDS'],
  [0x67, 'GET'],
  [0x68, 'BINGET'],
  [0x69, 'INST'],
  [0x6a, 'LONG_BINGET'],
  [0x6c, 'LIST'],
  [0x5d, 'EMPTY_LIST'],
  [0x6f, 'OBJ'],
  [0x70, 'PUT'],
  [0x71, 'BINPUT'],
  [0x72, 'LONG_BINPUT'],
  [0x73, 'SETITEM'],
  [0x74, 'TUPLE'],
  [0x29, 'EMPTY_TUPLE'],
  [0x75, 'SETITEMS'],
  [0x47, 'BINFLOAT'],
  [0x80, 'PROTO'],
  [0x81, 'NEWOBJ'],
  [0x82, 'EXT1'],
  [0x83, 'EXT2'],
  [0x84, 'EXT4'],
  [0x85, 'TUPLE1'],
  [0x86, 'TUPLE2'],
  [0x87, 'TUPLE3'],
  [0x88, 'NEWTRUE'],
  [0x89, 'NEWFALSE'],
  [0x8a, 'LONG1'],
  [0x8b, 'LONG4'],
  [0x42, 'BINBYTES'],
  [0x43, 'SHORT_BINBYTES'],
  [0x8c, 'SHORT_BINUNICODE'],
  [0x8d, 'BINUNICODE8'],
  [0x8e, 'BINBYTES8'],
  [0x8f, 'EMPTY_SET'],
  [0x90, 'ADDITEMS'],
  [0x91, 'FROZENSET'],
  [0x92, 'NEWOBJ_EX'],
  [0x93, 'STACK_GLOBAL'],
  [0x94, 'MEMOIZE'],
  [0x95, 'FRAME'],
  [0x96, 'BYTEARRAY8'],
  [0x97, 'NEXT_BUFFER'],
  [0x98, 'READONLY_BUFFER'],
]);

const SUBSET =
  'the data subset of NumPy array pickles (protocols 2–5: None, bool, int, float, str, bytes, list, tuple, dict, memo, and the globals ' +
  'numpy _reconstruct/ndarray/recarray/dtype/record/scalar and _codecs.encode)';

/**
 * Parses a pickle of plain data and NumPy arrays without running anything.
 *
 * @remarks
 * Reads exactly the subset that `np.save(..., allow_pickle=True)` of dicts,
 * lists, tuples, numbers, strings and NumPy (record) arrays writes, and the
 * classic `mnist.pkl.gz` (a Python 2 protocol-2 pickle of tuples of arrays):
 * the opcodes of protocols 0–5 that build those values (MARK, STOP, the
 * integer/float/string/bytes/None/bool opcodes, EMPTY_LIST/DICT/TUPLE,
 * TUPLE1–3, TUPLE, APPEND(S), SETITEM(S), the memo opcodes, PROTO, FRAME,
 * GLOBAL, STACK_GLOBAL, REDUCE and BUILD). GLOBAL and REDUCE are interpreted
 * only for the NumPy constructors in {@link PICKLE_ALLOWED_GLOBALS}
 * (`_reconstruct(ndarray|recarray, …)` + its BUILD state, `dtype(…)` + its
 * state, `scalar(dtype, bytes)`) and `_codecs.encode(str, 'latin1')` (how
 * protocol 2 spells bytes); the interpretation is a data transform written
 * here, never a call into anything named by the file. Any other opcode or
 * global, and any malformed structure, is a {@link PickleError} naming the
 * byte offset. Lengths read from the file are checked against the bytes that
 * remain before anything is sliced or allocated.
 *
 * @param bytes - the pickle
 * @param options - `file` for messages
 * @returns the unpickled value
 * @throws {@link PickleError} for anything outside the subset, truncation or trailing bytes
 * @example
 * ```ts
 * // pickle.dumps({'a': [1, 2]}, protocol=2)
 * const value = parsePickle(Uint8Array.from([0x80, 2, 0x7d, 0x71, 0, 0x58, 1, 0, 0, 0, 0x61, 0x71, 1, 0x5d, 0x71, 2, 0x28, 0x4b, 1, 0x4b, 2, 0x65, 0x73, 0x2e]));
 * ```
 */
export function parsePickle(bytes: Uint8Array, options: ParsePickleOptions = {}): PickleValue {
  return new PickleReader(bytes, options.file).run();
}

class PickleReader {
  private at = 0;
  private readonly stack: Item[] = [];
  private readonly marks: number[] = [];
  private readonly memo = new Map<number, Item>();
  private readonly view: DataView;
  private opStart = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly file: string | undefined,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private fail(summary: string, expected: string, found: string): never {
    throw new PickleError(summary, { file: this.file, field: `pickle byte ${this.opStart}`, expected, found });
  }

  private need(n: number, what: string): void {
    if (n < 0 || this.at + n > this.bytes.length) {
      this.fail(`truncated pickle (${what})`, `${n} more bytes`, `${this.bytes.length - this.at}`);
    }
  }

  private u8(): number {
    this.need(1, 'opcode argument');
    return this.bytes[this.at++];
  }

  private u16(): number {
    this.need(2, 'opcode argument');
    const v = this.view.getUint16(this.at, true);
    this.at += 2;
    return v;
  }

  private u32(): number {
    this.need(4, 'opcode argument');
    const v = this.view.getUint32(this.at, true);
    this.at += 4;
    return v;
  }

  private u64(): number {
    this.need(8, 'opcode argument');
    const v = this.view.getBigUint64(this.at, true);
    this.at += 8;
    if (v > BigInt(this.bytes.length)) this.fail('length beyond the end of the pickle', `at most ${this.bytes.length - this.at}`, String(v));
    return Number(v);
  }

  private take(n: number, what: string): Uint8Array {
    this.need(n, what);
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }

  private line(): string {
    const end = this.bytes.indexOf(0x0a, this.at);
    if (end < 0) this.fail('truncated pickle (text argument)', 'a line ended by \\n', 'the end of the data');
    const text = new TextDecoder('latin1').decode(this.bytes.subarray(this.at, end));
    this.at = end + 1;
    return text;
  }

  private pop(): Item {
    const base = this.marks.length > 0 ? this.marks[this.marks.length - 1] : 0;
    if (this.stack.length <= base) this.fail('pickle stack underflow', 'a value on the stack', 'an empty stack');
    return this.stack.pop() as Item;
  }

  private popValue(): PickleValue {
    const item = this.pop();
    if (item === MARK || isGlobal(item)) this.fail('malformed pickle', 'a data value', isGlobal(item) ? `the global ${item.name}` : 'a mark');
    return item as PickleValue;
  }

  private top(): Item {
    if (this.stack.length === 0) this.fail('pickle stack underflow', 'a value on the stack', 'an empty stack');
    return this.stack[this.stack.length - 1];
  }

  private popAny(): PickleValue {
    const item = this.pop();
    if (item === MARK) this.fail('malformed pickle', 'a value', 'a mark');
    return item as PickleValue;
  }

  private popMark(allowGlobals = false): PickleValue[] {
    const start = this.marks.pop();
    if (start === undefined) this.fail('malformed pickle', 'a MARK before this opcode', 'no mark');
    const items = this.stack.splice(start);
    for (const item of items) {
      if (!allowGlobals && isGlobal(item)) this.fail('malformed pickle', 'data values after MARK', `the global ${item.name}`);
    }
    return items as PickleValue[];
  }

  private push(item: Item): void {
    this.stack.push(item);
  }

  private global(module: string, name: string): GlobalRef {
    const key = `${module}.${name}`;
    const allowed = ALLOWED_GLOBALS[key];
    if (allowed === undefined) {
      this.fail('pickle names a global outside the NumPy array subset (refused, nothing is run)', `one of ${PICKLE_ALLOWED_GLOBALS.join(', ')}`, key);
    }
    return { kind: 'global', name: allowed };
  }

  run(): PickleValue {
    const { bytes } = this;
    while (this.at < bytes.length) {
      this.opStart = this.at;
      const op = bytes[this.at++];
      switch (op) {
        case 0x80: // PROTO
          if (this.u8() > 5) this.fail('unsupported pickle protocol', 'protocol 0–5', String(bytes[this.at - 1]));
          break;
        case 0x95: // FRAME: a length prefix only
          this.u64();
          break;
        case 0x2e: {
          // STOP
          const value = this.popValue();
          if (this.stack.length !== 0 || this.marks.length !== 0) this.fail('malformed pickle', 'an empty stack at STOP', `${this.stack.length} leftover items`);
          if (this.at !== bytes.length) this.fail('trailing bytes after the pickle', `${this.at} bytes`, `${bytes.length} bytes`);
          this.checkNoGlobals(value);
          return value;
        }
        case 0x28: // MARK
          this.marks.push(this.stack.length);
          break;
        case 0x30: // POP
          this.pop();
          break;
        case 0x4e: // NONE
          this.push(null);
          break;
        case 0x88: // NEWTRUE
          this.push(true);
          break;
        case 0x89: // NEWFALSE
          this.push(false);
          break;
        case 0x4a: // BININT
          this.need(4, 'BININT');
          this.push(this.view.getInt32(this.at, true));
          this.at += 4;
          break;
        case 0x4b: // BININT1
          this.push(this.u8());
          break;
        case 0x4d: // BININT2
          this.push(this.u16());
          break;
        case 0x8a: {
          // LONG1: little-endian two's complement of n bytes
          const n = this.u8();
          this.push(littleEndianSigned(this.take(n, 'LONG1')));
          break;
        }
        case 0x49: {
          // INT (protocol 0): decimal text, or 00/01 for False/True
          const text = this.line();
          if (text === '00' || text === '01') this.push(text === '01');
          else if (/^-?\d+$/.test(text)) this.push(toNumber(BigInt(text)));
          else this.fail('malformed INT', 'a decimal integer', JSON.stringify(text));
          break;
        }
        case 0x47: // BINFLOAT (big-endian)
          this.need(8, 'BINFLOAT');
          this.push(this.view.getFloat64(this.at, false));
          this.at += 8;
          break;
        case 0x8c: // SHORT_BINUNICODE
          this.push(utf8(this.take(this.u8(), 'SHORT_BINUNICODE')));
          break;
        case 0x58: // BINUNICODE
          this.push(utf8(this.take(this.u32(), 'BINUNICODE')));
          break;
        case 0x8d: // BINUNICODE8
          this.push(utf8(this.take(this.u64(), 'BINUNICODE8')));
          break;
        case 0x43: // SHORT_BINBYTES
          this.push(this.take(this.u8(), 'SHORT_BINBYTES'));
          break;
        case 0x42: // BINBYTES
          this.push(this.take(this.u32(), 'BINBYTES'));
          break;
        case 0x8e: // BINBYTES8
        case 0x96: // BYTEARRAY8
          this.push(this.take(this.u64(), 'BINBYTES8'));
          break;
        case 0x55: // SHORT_BINSTRING (Python 2 str: raw bytes, as with encoding='bytes')
          this.push(this.take(this.u8(), 'SHORT_BINSTRING'));
          break;
        case 0x54: {
          // BINSTRING
          this.need(4, 'BINSTRING');
          const n = this.view.getInt32(this.at, true);
          this.at += 4;
          this.push(this.take(n, 'BINSTRING'));
          break;
        }
        case 0x5d: // EMPTY_LIST
          this.push([]);
          break;
        case 0x7d: // EMPTY_DICT
          this.push({ kind: 'dict', entries: new Map() } satisfies PickleDict);
          break;
        case 0x29: // EMPTY_TUPLE
          this.push(tuple([]));
          break;
        // tuples may hold globals: they are the argument tuples of REDUCE (checked at STOP that none is left)
        case 0x85: // TUPLE1
          this.push(tuple([this.popAny()]));
          break;
        case 0x86: {
          // TUPLE2
          const b = this.popAny();
          const a = this.popAny();
          this.push(tuple([a, b]));
          break;
        }
        case 0x87: {
          // TUPLE3
          const c = this.popAny();
          const b = this.popAny();
          const a = this.popAny();
          this.push(tuple([a, b, c]));
          break;
        }
        case 0x74: // TUPLE
          this.push(tuple(this.popMark(true)));
          break;
        case 0x6c: // LIST
          this.push(this.popMark());
          break;
        case 0x64: {
          // DICT
          const items = this.popMark();
          const dict: PickleDict = { kind: 'dict', entries: new Map() };
          for (let i = 0; i + 1 < items.length; i += 2) this.setItem(dict, items[i], items[i + 1]);
          this.push(dict);
          break;
        }
        case 0x61: {
          // APPEND
          const value = this.popValue();
          this.listOnTop('APPEND').push(value);
          break;
        }
        case 0x65: {
          // APPENDS
          const items = this.popMark();
          this.listOnTop('APPENDS').push(...items);
          break;
        }
        case 0x73: {
          // SETITEM
          const value = this.popValue();
          const key = this.popValue();
          this.setItem(this.dictOnTop('SETITEM'), key, value);
          break;
        }
        case 0x75: {
          // SETITEMS
          const items = this.popMark();
          if (items.length % 2 !== 0) this.fail('malformed SETITEMS', 'key/value pairs', `${items.length} items`);
          const dict = this.dictOnTop('SETITEMS');
          for (let i = 0; i < items.length; i += 2) this.setItem(dict, items[i], items[i + 1]);
          break;
        }
        case 0x71: // BINPUT
          this.memo.set(this.u8(), this.top());
          break;
        case 0x72: // LONG_BINPUT
          this.memo.set(this.u32(), this.top());
          break;
        case 0x94: // MEMOIZE
          this.memo.set(this.memo.size, this.top());
          break;
        case 0x70: {
          // PUT (protocol 0)
          const key = Number(this.line());
          this.memo.set(key, this.top());
          break;
        }
        case 0x68: // BINGET
          this.push(this.memoGet(this.u8()));
          break;
        case 0x6a: // LONG_BINGET
          this.push(this.memoGet(this.u32()));
          break;
        case 0x67: // GET (protocol 0)
          this.push(this.memoGet(Number(this.line())));
          break;
        case 0x63: {
          // GLOBAL: "module\nname\n"
          const module = this.line();
          const name = this.line();
          this.push(this.global(module, name));
          break;
        }
        case 0x93: {
          // STACK_GLOBAL
          const name = this.popValue();
          const module = this.popValue();
          if (typeof module !== 'string' || typeof name !== 'string') this.fail('malformed STACK_GLOBAL', 'two strings', `${describePickleValue(module)}, ${describePickleValue(name)}`);
          this.push(this.global(module, name));
          break;
        }
        case 0x52: {
          // REDUCE
          const args = this.popValue();
          const callable = this.pop();
          if (!isGlobal(callable)) this.fail('malformed REDUCE', 'a global to apply', callable === MARK ? 'a mark' : describePickleValue(callable));
          if (!isPickleTuple(args)) this.fail('malformed REDUCE', 'an argument tuple', describePickleValue(args));
          this.push(this.reduce(callable, args.items));
          break;
        }
        case 0x62: {
          // BUILD
          const state = this.popValue();
          const target = this.top();
          this.build(target, state);
          break;
        }
        default:
          this.fail(
            'pickle opcode outside the NumPy array subset (refused, nothing is run)',
            SUBSET,
            `opcode 0x${op.toString(16).padStart(2, '0')} ${OPCODE_NAMES.get(op) ?? '(unknown)'}`,
          );
      }
    }
    this.opStart = this.at;
    return this.fail('truncated pickle', 'a STOP opcode', 'the end of the data');
  }

  /** A global may only be applied (REDUCE) or be a dtype/array class argument; one left in the result is refused. */
  private checkNoGlobals(root: PickleValue): void {
    const pending: PickleValue[] = [root];
    while (pending.length > 0) {
      const v = pending.pop() as PickleValue;
      if (isGlobal(v as Item)) this.fail('pickle result holds an unapplied global', 'plain data', `the global ${(v as unknown as GlobalRef).name}`);
      const children = Array.isArray(v)
        ? v
        : isPickleTuple(v)
          ? v.items
          : isPickleDict(v)
            ? [...v.entries.values()]
            : typeof v === 'object' && v !== null && !(v instanceof Uint8Array) && v.kind === 'ndarray'
              ? v.objects
              : [];
      for (const child of children) pending.push(child);
    }
  }

  private memoGet(key: number): Item {
    const item = this.memo.get(key);
    if (item === undefined) this.fail('malformed pickle', `memo entry ${key}`, 'no such entry');
    return item;
  }

  private listOnTop(op: string): PickleValue[] {
    const target = this.top();
    if (!Array.isArray(target)) this.fail(`malformed ${op}`, 'a list', target === MARK ? 'a mark' : describeItem(target));
    return target;
  }

  private dictOnTop(op: string): PickleDict {
    const target = this.top();
    if (target === MARK || isGlobal(target) || !isPickleDict(target)) this.fail(`malformed ${op}`, 'a dict', target === MARK ? 'a mark' : describeItem(target));
    return target;
  }

  private setItem(dict: PickleDict, key: PickleValue, value: PickleValue): void {
    if (typeof key !== 'string' && typeof key !== 'number') this.fail('unsupported dict key', 'a str or int key', describePickleValue(key));
    dict.entries.set(key, value);
  }

  private reduce(callable: GlobalRef, args: readonly PickleValue[]): Item {
    switch (callable.name) {
      case 'reconstruct': {
        // _reconstruct(subtype, shape, dtype-placeholder): an empty array whose state comes with BUILD
        const cls = args[0] as Item;
        if (!isGlobal(cls) || (cls.name !== 'ndarray' && cls.name !== 'recarray')) {
          this.fail('unsupported _reconstruct', 'numpy.ndarray or numpy.recarray as the class', isGlobal(cls) ? cls.name : describePickleValue(args[0]));
        }
        const array: PickleNdArray = {
          kind: 'ndarray',
          subclass: cls.name,
          shape: [0],
          dtype: plainDtype('u1', '|', 1),
          fortranOrder: false,
          bytes: new Uint8Array(0),
          objects: [],
        };
        return array;
      }
      case 'dtype': {
        // dtype(obj, align, copy); obj is 'i2', 'f4', 'V6', 'O8', … or the numpy.record class
        const obj = args[0] as Item;
        if (isGlobal(obj) && obj.name === 'record') return { kind: 'dtype', code: 'V0', byteOrder: '|', itemSize: 0, fields: [], isRecord: true } satisfies PickleDtype;
        if (typeof obj !== 'string' || !/^[biufcmMOSUV]\d+$/.test(obj)) this.fail('unsupported dtype', 'a dtype code such as i2, f4, V6 or O8', isGlobal(obj) ? obj.name : describePickleValue(obj as PickleValue));
        return plainDtype(obj, '|', Number(obj.slice(1)));
      }
      case 'scalar': {
        const [dtype, data] = args;
        if (!isDtype(dtype) || !(data instanceof Uint8Array)) this.fail('unsupported numpy scalar', 'scalar(dtype, bytes)', describePickleValue(tuple([...args])));
        if (data.length !== dtype.itemSize) this.fail('malformed numpy scalar', `${dtype.itemSize} bytes`, `${data.length}`);
        return readScalar(dtype, data, 0, (what) => this.fail('unsupported numpy scalar', 'a bool, integer or float dtype', what));
      }
      case 'encode': {
        const [text, encoding] = args;
        if (typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1')) {
          this.fail('unsupported _codecs.encode', "encode(str, 'latin1')", describePickleValue(tuple([...args])));
        }
        const out = new Uint8Array(text.length);
        for (let i = 0; i < text.length; i++) {
          const c = text.charCodeAt(i);
          if (c > 0xff) this.fail('malformed latin-1 bytes', 'code points below 256', `U+${c.toString(16)}`);
          out[i] = c;
        }
        return out;
      }
      default:
        return this.fail('unsupported REDUCE', 'numpy _reconstruct, dtype or scalar, or _codecs.encode', `numpy.${callable.name}`);
    }
  }

  private build(target: Item, state: PickleValue): void {
    if (isDtype(target as PickleValue)) {
      this.buildDtype(target as PickleDtype, state);
      return;
    }
    if (typeof target === 'object' && target !== null && !Array.isArray(target) && !(target instanceof Uint8Array) && (target as PickleNdArray).kind === 'ndarray') {
      this.buildArray(target as PickleNdArray, state);
      return;
    }
    this.fail('unsupported BUILD', 'a numpy array or dtype to set the state of', target === MARK ? 'a mark' : describeItem(target));
  }

  private buildDtype(dtype: PickleDtype, state: PickleValue): void {
    // (version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata])
    const items = isPickleTuple(state) ? state.items : [];
    const [version, byteOrder, subarray, names, fields, elsize] = items;
    if ((version !== 3 && version !== 4) || typeof byteOrder !== 'string' || typeof elsize !== 'number') {
      this.fail('unsupported dtype state', 'a version-3 or 4 dtype state tuple', describePickleValue(state));
    }
    if (subarray !== null) this.fail('unsupported dtype', 'no sub-array dtype', describePickleValue(subarray));
    dtype.byteOrder = byteOrder;
    if (names === null) {
      if (dtype.isRecord) this.fail('unsupported dtype', 'fields for a numpy.record dtype', 'none');
      return;
    }
    if (!isPickleTuple(names) || !isPickleDict(fields)) this.fail('unsupported dtype state', 'a tuple of names and a dict of fields', `${describePickleValue(names)}, ${describePickleValue(fields)}`);
    const out: PickleDtypeField[] = [];
    for (const name of names.items) {
      const entry = typeof name === 'string' ? fields.entries.get(name) : undefined;
      if (typeof name !== 'string' || !isPickleTuple(entry)) this.fail('unsupported dtype field', 'a (dtype, offset) per field name', describePickleValue(entry));
      const [fieldDtype, offset] = entry.items;
      if (!isDtype(fieldDtype) || typeof offset !== 'number' || fieldDtype.fields.length > 0) {
        this.fail('unsupported dtype field', 'a plain dtype and an offset', describePickleValue(entry));
      }
      if (offset < 0 || offset + fieldDtype.itemSize > elsize) this.fail('malformed dtype field', `a field inside a ${elsize}-byte record`, `field ${name} at offset ${offset}`);
      out.push({ name, dtype: fieldDtype, offset });
    }
    dtype.fields = out;
    dtype.itemSize = elsize;
    dtype.code = `V${elsize}`;
  }

  private buildArray(array: PickleNdArray, state: PickleValue): void {
    // (version, shape, dtype, is_fortran, data)
    const items = isPickleTuple(state) ? state.items : [];
    const [version, shape, dtype, fortran, data] = items;
    if (version !== 1 || !isPickleTuple(shape) || !isDtype(dtype) || typeof fortran !== 'boolean') {
      this.fail('unsupported ndarray state', 'a version-1 state (1, shape, dtype, is_fortran, data)', describePickleValue(state));
    }
    let count = 1;
    const dims: number[] = [];
    for (const d of shape.items) {
      if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) this.fail('malformed ndarray shape', 'non-negative integers', describePickleValue(shape));
      dims.push(d);
      count *= d;
      if (count > this.bytes.length * 8 + 1) this.fail('ndarray larger than its pickle', 'a shape the stored data can hold', `(${dims.join(', ')}, …)`);
    }
    array.shape = dims;
    array.dtype = dtype;
    array.fortranOrder = fortran;
    if (dtype.code.startsWith('O')) {
      if (!Array.isArray(data) || data.length !== count) this.fail('malformed object array', `a list of ${count} objects`, describePickleValue(data));
      array.objects = data;
      return;
    }
    if (!(data instanceof Uint8Array)) this.fail('malformed ndarray data', 'bytes', describePickleValue(data));
    if (data.length !== count * dtype.itemSize) {
      this.fail('ndarray data size does not match its shape', `${count * dtype.itemSize} bytes for shape (${dims.join(', ')}) of ${dtype.code}`, `${data.length} bytes`);
    }
    array.bytes = data;
  }
}

function isGlobal(item: Item | undefined): item is GlobalRef {
  return typeof item === 'object' && item !== null && !Array.isArray(item) && !(item instanceof Uint8Array) && (item as { kind: string }).kind === 'global';
}

function isDtype(value: PickleValue | Item | undefined): value is PickleDtype {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && (value as { kind: string }).kind === 'dtype';
}

function describeItem(item: Item): string {
  return isGlobal(item) ? `the global ${item.name}` : describePickleValue(item as PickleValue);
}

function tuple(items: PickleValue[]): PickleTuple {
  return { kind: 'tuple', items };
}

function plainDtype(code: string, byteOrder: string, itemSize: number): PickleDtype {
  return { kind: 'dtype', code, byteOrder, itemSize, fields: [], isRecord: false };
}

function utf8(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes);
}

function toNumber(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

function littleEndianSigned(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  if (bytes[bytes.length - 1] & 0x80) value -= 1n << BigInt(8 * bytes.length);
  return toNumber(value);
}

/**
 * Reads element `offset` bytes into `data` as a number, for the bool/integer/float dtypes.
 * @internal
 */
export function readScalar(dtype: PickleDtype, data: Uint8Array, offset: number, fail: (what: string) => never): number | bigint | boolean {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const little = dtype.byteOrder !== '>';
  switch (dtype.code) {
    case 'b1':
      return data[offset] !== 0;
    case 'i1':
      return view.getInt8(offset);
    case 'u1':
      return data[offset];
    case 'i2':
      return view.getInt16(offset, little);
    case 'u2':
      return view.getUint16(offset, little);
    case 'i4':
      return view.getInt32(offset, little);
    case 'u4':
      return view.getUint32(offset, little);
    case 'i8':
      return toNumber(view.getBigInt64(offset, little));
    case 'u8':
      return toNumber(view.getBigUint64(offset, little));
    case 'f4':
      return view.getFloat32(offset, little);
    case 'f8':
      return view.getFloat64(offset, little);
    default:
      return fail(`dtype ${dtype.code}`);
  }
}
