/** Specs: the byte array equality tester. */
import { byteArraysEqual } from './byteEquality';

describe('byte array equality (spec/helpers/byteEquality.ts)', () => {
  const bytes = (n: number, seed = 0) => new Uint8Array(n).map((_, i) => (i * 31 + seed) % 251);

  it('should tell equal and different byte arrays apart, one differing byte or length included', () => {
    expect(byteArraysEqual(bytes(1000), bytes(1000))).toBe(true);
    const other = bytes(1000);
    other[999] ^= 1;
    expect(byteArraysEqual(bytes(1000), other)).toBe(false);
    expect(byteArraysEqual(bytes(1000), bytes(999))).toBe(false);
    expect(byteArraysEqual(Buffer.from('abc'), Buffer.from('abd'))).toBe(false);
  });

  it('should leave other pairs to Jest: another class, a string, an array of numbers', () => {
    expect(byteArraysEqual(Buffer.from([1, 2]), new Uint8Array([1, 2]))).toBeUndefined();
    expect(byteArraysEqual(new Uint8Array([1, 2]), [1, 2])).toBeUndefined();
    expect(byteArraysEqual('ab', 'ab')).toBeUndefined();
    // Node's TextEncoder makes its Uint8Array in another realm than the spec's: still bytes.
    expect(byteArraysEqual(new TextEncoder().encode('ab'), new Uint8Array([97, 98]))).toBe(true);
  });

  it('should be what toEqual uses for megabytes of bytes, failing on one byte', () => {
    const a = bytes(2_000_000);
    const b = bytes(2_000_000);
    expect(b).toEqual(a);
    b[1_234_567] ^= 1;
    expect(b).not.toEqual(a);
    expect(new Uint8Array([1, 2, 3])).toStrictEqual(new Uint8Array([1, 2, 3]));
    expect(Buffer.from([1, 2, 3])).not.toStrictEqual(new Uint8Array([1, 2, 3]));
  });
});
