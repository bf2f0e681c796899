/** Specs: the emulator's paged listings. */
import { Listing } from '../../lib/emulator/listing';

describe('emulator Listing (synthetic rows, O(limit) pages)', () => {
  const make = (id: number) => ({ id });

  it('should page generated rows, then stored ones, oldest first', () => {
    const rows = new Listing(5, make);
    rows.set(6, { id: 6 });
    rows.set(7, { id: 7 });
    expect(rows.size).toBe(7);
    expect(rows.page(0, 3).map((r) => r.id)).toEqual([1, 2, 3]);
    expect(rows.page(4, 3).map((r) => r.id)).toEqual([5, 6, 7]);
    expect(rows.page(7, 3)).toEqual([]);
  });

  it('should skip deleted generated rows and keep positions dense', () => {
    const rows = new Listing(10, make);
    expect(rows.delete(1)).toBe(true);
    expect(rows.delete(4)).toBe(true);
    expect(rows.delete(4)).toBe(false);
    expect(rows.has(4)).toBe(false);
    expect(rows.size).toBe(8);
    expect(rows.page(0, 3).map((r) => r.id)).toEqual([2, 3, 5]);
    expect(rows.page(2, 100).map((r) => r.id)).toEqual([5, 6, 7, 8, 9, 10]);
  });

  it('should hold 300,000 rows without generating them, and page the end at once', () => {
    let made = 0;
    const rows = new Listing(300_000, (id) => {
      made++;
      return { id };
    });
    expect(rows.page(299_990, 30).map((r) => r.id)).toEqual(Array.from({ length: 10 }, (_, i) => 299_991 + i));
    expect(made).toBe(10);
  });

  it('should refuse a stored id among the generated ones, and a bad count', () => {
    expect(() => new Listing(3, make).set(2, { id: 2 })).toThrow(RangeError);
    expect(() => new Listing(-1, make)).toThrow(RangeError);
  });
});
