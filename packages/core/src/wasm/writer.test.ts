import { describe, expect, it } from 'vitest';
import { WASM_TYPE, compileWasm, instantiateWasm, sleb, uleb, wasmFunctionBody, wasmModuleBytes, wasmOp as op, wasmRowLoop } from './writer.js';

describe('WebAssembly writer', () => {
  it('encodes LEB128 integers', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
  });

  it('builds a module with a SIMD row loop and a function with a result, over its own memory', () => {
    const { i32 } = WASM_TYPE;
    const bytes = wasmModuleBytes([
      { name: 'addRow', params: [i32, i32, i32], body: wasmRowLoop([0, 1], 2, 3, [], [...op.get(0), ...op.load, ...op.get(1), ...op.load, ...op.fadd]) },
      { name: 'sum', params: [i32, i32], results: [i32], body: wasmFunctionBody([], [...op.get(0), ...op.get(1), ...op.add]) },
    ]);
    const { memory, exports } = instantiateWasm(compileWasm(bytes, 'test'), 100, 'test');
    const f = new Float32Array(memory.buffer, 0, 16);
    f.set([1, 2, 3, 4, 5, 6, 7, 8, 0.5, 0.25, 0.125, 1, -1, -2, -3, -4]);
    (exports.addRow as (d: number, s: number, n: number) => void)(0, 32, 8);
    expect(Array.from(f.subarray(0, 8))).toEqual([1.5, 2.25, 3.125, 5, 4, 4, 4, 4]);
    expect((exports.sum as (a: number, b: number) => number)(40, 2)).toBe(42);
    expect(memory.buffer.byteLength).toBe(65536);
  });

  it('names the user in the error when the bytes are not a module', () => {
    expect(() => compileWasm(new Uint8Array([1, 2, 3]), 'my kernel')).toThrow('field my kernel: WebAssembly SIMD is not available');
  });
});
