import { describe, expect, it } from 'vitest';
import {
  BackendError,
  CheckpointError,
  ChecksumError,
  describeValue,
  FileFormatError,
  NumericError,
  ShapeError,
  SnnError,
  ValidationError,
} from './errors.js';

describe('SnnError messages', () => {
  it('renders file, field, summary, expected and found', () => {
    const e = new FileFormatError('truncated IDX file', { file: 'data/train.idx', field: 'images', expected: '47040016 bytes', found: '1000' });
    expect(e.message).toBe('file data/train.idx, field images: truncated IDX file; expected 47040016 bytes, found 1000');
    expect(e.file).toBe('data/train.idx');
    expect(e.field).toBe('images');
    expect(e.expected).toBe('47040016 bytes');
    expect(e.found).toBe('1000');
  });

  it('renders partial details', () => {
    expect(new ValidationError('bad value').message).toBe('bad value');
    expect(new ValidationError('bad value', { field: 'model.beta', expected: 'a value in [0, 1]' }).message).toBe(
      'field model.beta: bad value; expected a value in [0, 1]',
    );
    expect(new ValidationError('bad value', { file: 'c.yaml', found: '1.5' }).message).toBe('file c.yaml: bad value; found 1.5');
  });

  it('keeps the cause and the subclass name', () => {
    const cause = new Error('low level');
    const e = new CheckpointError('cannot read', { file: 'x', cause });
    expect(e.cause).toBe(cause);
    expect(e.name).toBe('CheckpointError');
    expect(new SnnError('x').cause).toBeUndefined();
  });

  it('has one subclass per kind of failure, all SnnErrors', () => {
    for (const Class of [ValidationError, ShapeError, FileFormatError, ChecksumError, BackendError, CheckpointError, NumericError]) {
      const e = new Class('s');
      expect(e).toBeInstanceOf(SnnError);
      expect(e).toBeInstanceOf(Error);
      expect(e.name).toBe(Class.name);
    }
  });
});

describe('describeValue', () => {
  it('renders values briefly', () => {
    expect(describeValue('a')).toBe('"a"');
    expect(describeValue([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toBe('[1, 2, 3, 4, 5, 6, 7, 8, …]');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(null)).toBe('null');
    expect(describeValue(1.5)).toBe('1.5');
    expect(describeValue({ a: 1 })).toBe('{"a":1}');
  });

  it('stays short and does not recurse without bound on deeply nested values', () => {
    let nested: unknown = 1;
    for (let i = 0; i < 100_000; i++) nested = i % 2 ? [nested] : { a: nested };
    const text = describeValue(nested);
    expect(text).toBe('[{"a":[{"a":[…]}]}]');
    const wide = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, 'x'.repeat(1000)]));
    expect(describeValue(wide).length).toBeLessThanOrEqual(121);
    expect(describeValue('y'.repeat(10_000)).length).toBeLessThanOrEqual(124);
  });
});
