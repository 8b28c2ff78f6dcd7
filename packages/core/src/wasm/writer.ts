import { BackendError } from '../errors/errors.js';

/**
 * A minimal WebAssembly binary writer for the toolkit's hand-written SIMD kernels (f32x4 rows, GEMM
 * micro-kernels, event-driven accumulation). Kernels are written as arrays of opcode bytes with {@link wasmOp},
 * wrapped by {@link wasmFunctionBody}, assembled by {@link wasmModuleBytes} (one imported memory `env.memory`)
 * and run by {@link instantiateWasm}. Reference: the WebAssembly core specification 2.0, binary format
 * (https://webassembly.github.io/spec/core/binary/), with the fixed-width SIMD proposal.
 *
 * @packageDocumentation
 */

/** The parts of the WebAssembly JavaScript API used here (the project's TypeScript lib has no WebAssembly types). */
export interface WasmMemory {
  /** The memory's bytes (replaced when the memory grows). */
  readonly buffer: ArrayBuffer;
  /** Grows the memory by `pages` pages of 64 KiB; returns the previous size in pages. Views over the old buffer are detached. */
  grow(pages: number): number;
}

interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
  readonly Memory: new (descriptor: { initial: number }) => WasmMemory;
}

/** Unsigned LEB128 encoding of a non-negative integer. */
export function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

/** Signed LEB128 encoding of an integer (i32 constants). */
export function sleb(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function vector(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...uleb(bytes.length), ...bytes];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** Value types of parameters and locals. */
export const WASM_TYPE = {
  /** 32-bit integer. */
  i32: 0x7f,
  /** 32-bit float. */
  f32: 0x7d,
  /** 64-bit float. */
  f64: 0x7c,
  /** 128-bit SIMD vector. */
  v128: 0x7b,
} as const;

const simd = (code: number): number[] => [0xfd, ...uleb(code)];

/**
 * Opcodes used by the kernels: control flow, locals, i32 and f64 scalar arithmetic and the f32x4 SIMD instructions.
 * Vector loads and stores are 16-byte aligned (`load`/`store` at offset 0, `vload`/`vstore` at a constant offset).
 * Comparisons of i32 without a suffix `S` are unsigned (`ltU`, `geU`); `f64*` are the float64 scalar instructions.
 */
export const wasmOp = {
  /** `block` (empty block type): a label that `br` jumps to the end of. */
  block: [0x02, 0x40],
  /** `loop` (empty block type): a label that `br` jumps back to the start of. */
  loop: [0x03, 0x40],
  /** `if` (empty block type): runs the following code when the i32 on the stack is non-zero. */
  if: [0x04, 0x40],
  /** `else` of an `if`. */
  else: [0x05],
  /** `end` of a block, loop, if or function body. */
  end: [0x0b],
  /** `select`: of two values, the first when the i32 condition is non-zero, else the second. */
  select: [0x1b],
  /** `br depth`: jumps to the label `depth` levels out. */
  br: (depth: number): number[] => [0x0c, ...uleb(depth)],
  /** `br_if depth`: jumps to the label `depth` levels out when the i32 on the stack is non-zero. */
  brIf: (depth: number): number[] => [0x0d, ...uleb(depth)],
  /** `local.get i`. */
  get: (i: number): number[] => [0x20, ...uleb(i)],
  /** `local.set i`. */
  set: (i: number): number[] => [0x21, ...uleb(i)],
  /** `local.tee i`: sets the local and keeps the value on the stack. */
  tee: (i: number): number[] => [0x22, ...uleb(i)],
  /** `i32.const v`. */
  i32: (v: number): number[] => [0x41, ...sleb(v)],
  /** `f32.const v`. */
  f32: (v: number): number[] => [0x43, ...new Uint8Array(new Float32Array([v]).buffer)],
  /** `i32.load` (4-byte aligned) at a constant byte offset. */
  i32load: (offset: number): number[] => [0x28, 2, ...uleb(offset)],
  /** `f32.load` (4-byte aligned) at a constant byte offset. */
  f32load: (offset: number): number[] => [0x2a, 2, ...uleb(offset)],
  /** `i32.store` (4-byte aligned) at a constant byte offset. */
  i32store: (offset: number): number[] => [0x36, 2, ...uleb(offset)],
  /** `f64.load` (8-byte aligned) at a constant byte offset. */
  f64load: (offset: number): number[] => [0x2b, 3, ...uleb(offset)],
  /** `f64.store` (8-byte aligned) at a constant byte offset. */
  f64store: (offset: number): number[] => [0x39, 3, ...uleb(offset)],
  /** `f64.const v`. */
  f64: (v: number): number[] => [0x44, ...new Uint8Array(new Float64Array([v]).buffer)],
  /** `i32.eqz`. */
  eqz: [0x45],
  /** `i32.eq`. */
  eq: [0x46],
  /** `i32.lt_s` (signed). */
  ltS: [0x48],
  /** `i32.ge_s` (signed). */
  geS: [0x4e],
  /** `f64.eq`. */
  f64eq: [0x61],
  /** `f64.lt`. */
  f64lt: [0x63],
  /** `f64.gt`. */
  f64gt: [0x64],
  /** `f64.le`. */
  f64le: [0x65],
  /** `f64.floor`. */
  f64floor: [0x9c],
  /** `f64.add`. */
  f64add: [0xa0],
  /** `f64.sub`. */
  f64sub: [0xa1],
  /** `f64.mul`. */
  f64mul: [0xa2],
  /** `f64.div`. */
  f64div: [0xa3],
  /** `f64.max`. */
  f64max: [0xa5],
  /** `i32.trunc_f64_s`: float64 to signed i32, rounding toward zero. */
  i32FromF64: [0xaa],
  /** `f64.convert_i32_s`: signed i32 to float64. */
  f64FromI32: [0xb7],
  /** `f64.convert_i32_u`: unsigned i32 to float64. */
  f64FromU32: [0xb8],
  /** `f64.promote_f32`. */
  f64FromF32: [0xbb],
  /** `i32.or`. */
  or: [0x72],
  /** `i32.xor`. */
  xor: [0x73],
  /** `i32.lt_u` (unsigned). */
  ltU: [0x49],
  /** `i32.ge_u` (unsigned). */
  geU: [0x4f],
  /** `i32.add`. */
  add: [0x6a],
  /** `i32.sub`. */
  sub: [0x6b],
  /** `i32.mul`. */
  mul: [0x6c],
  /** `i32.and`. */
  and: [0x71],
  /** `i32.shl`. */
  shl: [0x74],
  /** `i32.shr_u` (logical shift right). */
  shrU: [0x76],
  /** `v128.load` (16-byte aligned) at offset 0. */
  load: [...simd(0x00), 4, 0],
  /** `v128.store` (16-byte aligned) at offset 0. */
  store: [...simd(0x0b), 4, 0],
  /** `v128.load` (16-byte aligned) at a constant byte offset. */
  vload: (offset: number): number[] => [...simd(0x00), 4, ...uleb(offset)],
  /** `v128.store` (16-byte aligned) at a constant byte offset. */
  vstore: (offset: number): number[] => [...simd(0x0b), 4, ...uleb(offset)],
  /** `v128.any_true`: 1 when any bit of the vector is set. */
  anyTrue: simd(0x53),
  /** `i32x4.splat`. */
  i32x4splat: simd(0x11),
  /** `f32x4.splat`. */
  splat: simd(0x13),
  /** `f32x4.gt`: per lane, all ones where a > b. */
  gt: simd(0x44),
  /** `v128.and`. */
  and128: simd(0x4e),
  /** `v128.andnot`: a & ~b. */
  andnot: simd(0x4f),
  /** `v128.or`. */
  or128: simd(0x50),
  /** `f32x4.abs`. */
  fabs: simd(0xe0),
  /** `f32x4.add`. */
  fadd: simd(0xe4),
  /** `f32x4.sub`. */
  fsub: simd(0xe5),
  /** `f32x4.mul`. */
  fmul: simd(0xe6),
  /** `f32x4.div`. */
  fdiv: simd(0xe7),
};

/** A function body as the code section wants it: local declarations (one type per local, in order), then code. */
export function wasmFunctionBody(locals: readonly number[], code: readonly number[]): number[] {
  const fn = [...vector(locals.map((type) => [1, type])), ...code, ...wasmOp.end];
  return [...uleb(fn.length), ...fn];
}

/**
 * A function that walks `pointers` (byte offsets; the first is the destination) 16 bytes at a time for
 * `n = get(count)` floats (a multiple of 4) and stores the vector that `step` leaves on the stack at the
 * destination. Locals: `end` (index `params`), then `extra`.
 */
export function wasmRowLoop(pointers: readonly number[], count: number, params: number, extra: readonly number[], step: readonly number[]): number[] {
  const op = wasmOp;
  const end = params;
  return wasmFunctionBody(
    [WASM_TYPE.i32, ...extra],
    [
      ...op.get(pointers[0]),
      ...op.get(count),
      ...op.i32(2),
      ...op.shl,
      ...op.add,
      ...op.set(end),
      ...op.block,
      ...op.get(pointers[0]),
      ...op.get(end),
      ...op.geU,
      ...op.brIf(0),
      ...op.loop,
      ...op.get(pointers[0]),
      ...step,
      ...op.store,
      ...pointers.flatMap((p) => [...op.get(p), ...op.i32(16), ...op.add, ...op.set(p)]),
      ...op.get(pointers[0]),
      ...op.get(end),
      ...op.ltU,
      ...op.brIf(0),
      ...op.end,
      ...op.end,
    ],
  );
}

/** One exported function of a module built by {@link wasmModuleBytes}. */
export interface WasmFunction {
  /** Export name. */
  readonly name: string;
  /** Parameter types ({@link WASM_TYPE}). */
  readonly params: readonly number[];
  /** Result types (none by default). */
  readonly results?: readonly number[];
  /** Body from {@link wasmFunctionBody} or {@link wasmRowLoop}. */
  readonly body: readonly number[];
}

/** The bytes of a module that imports one memory `env.memory` and exports `functions` under their names. */
export function wasmModuleBytes(functions: readonly WasmFunction[]): Uint8Array {
  const signatures: string[] = [];
  const typeOf = functions.map((f) => {
    const key = `${f.params.join(',')}:${(f.results ?? []).join(',')}`;
    let i = signatures.indexOf(key);
    if (i < 0) i = signatures.push(key) - 1;
    return i;
  });
  const list = (text: string): number[][] => (text === '' ? [] : text.split(',').map((t) => [Number(t)]));
  const types = signatures.map((key) => {
    const [params, results] = key.split(':');
    return [0x60, ...vector(list(params)), ...vector(list(results))];
  });
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])),
    ...section(3, vector(typeOf.map((t) => uleb(t)))),
    ...section(7, vector(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vector(functions.map((f) => [...f.body]))),
  ]);
}

/** A compiled module (opaque), from {@link compileWasm}. */
export interface WasmModule {
  /** The `WebAssembly.Module` (typed `object`: the project's TypeScript lib has no WebAssembly types). */
  readonly compiled: object;
}

/** An instance of a module over its own memory. */
export interface WasmInstance {
  /** The private memory (views over its buffer stay valid until it grows). */
  readonly memory: WasmMemory;
  /** Exported functions by name. */
  readonly exports: Record<string, never>;
}

function wasmError(field: string, error: unknown): BackendError {
  return new BackendError('WebAssembly SIMD is not available', {
    field,
    expected: 'a JavaScript engine with WebAssembly SIMD (Node ≥ 16.4, current browsers)',
    found: error instanceof Error ? error.message : String(error),
    cause: error,
  });
}

/**
 * Compiles module bytes (keep the result: compile once per process, instantiate per user).
 * @param field - what needs the module, for the error message
 * @throws `BackendError` when this JavaScript engine has no WebAssembly SIMD
 */
export function compileWasm(bytes: Uint8Array, field: string): WasmModule {
  try {
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    return { compiled: new wasm.Module(bytes) };
  } catch (error) {
    throw wasmError(field, error);
  }
}

/**
 * Instantiates a compiled module over a new private memory of at least `bytes` bytes.
 * @param field - what needs the module, for the error message
 * @throws `BackendError` when the instance or its memory cannot be created
 */
export function instantiateWasm(module: WasmModule, bytes: number, field: string): WasmInstance {
  try {
    const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
    const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
    const exports = new wasm.Instance(module.compiled, { env: { memory } }).exports as Record<string, never>;
    return { memory, exports };
  } catch (error) {
    throw wasmError(field, error);
  }
}
