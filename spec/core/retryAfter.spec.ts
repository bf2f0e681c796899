/** Specs: the Retry-After parser. */
import { MAX_RETRY_AFTER_MS, retryAfterMs } from '../../lib/core/retryAfter';

/** Headers as a response has them (names case-insensitive). */
const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name.toLowerCase()] ?? null });

describe('retryAfterMs', () => {
  const now = Date.parse('Fri, 27 Nov 2026 07:00:00 GMT');

  it('should read Retry-After as delta-seconds, whole or fractional', () => {
    expect(retryAfterMs(headers({ 'retry-after': '120' }), now)).toBe(120_000);
    expect(retryAfterMs(headers({ 'retry-after': ' 2 ' }), now)).toBe(2000);
    expect(retryAfterMs(headers({ 'retry-after': '1.5' }), now)).toBe(1500);
    expect(retryAfterMs(headers({ 'retry-after': '0' }), now)).toBe(0);
  });

  it('should read Retry-After as an HTTP-date, a past date being 0', () => {
    expect(retryAfterMs(headers({ 'retry-after': 'Fri, 27 Nov 2026 07:00:05 GMT' }), now)).toBe(5000);
    expect(retryAfterMs(headers({ 'retry-after': 'Fri, 27 Nov 2026 06:00:00 GMT' }), now)).toBe(0);
  });

  it('should prefer retry-after-ms, in milliseconds', () => {
    expect(retryAfterMs(headers({ 'retry-after-ms': '250', 'retry-after': '9' }), now)).toBe(250);
    expect(retryAfterMs(headers({ 'retry-after-ms': '12.6' }), now)).toBe(13);
    expect(retryAfterMs(headers({ 'retry-after-ms': '0', 'retry-after': '9' }), now)).toBe(0);
  });

  it('should fall back to Retry-After when retry-after-ms is garbage', () => {
    expect(retryAfterMs(headers({ 'retry-after-ms': 'soon', 'retry-after': '3' }), now)).toBe(3000);
    expect(retryAfterMs(headers({ 'retry-after-ms': '-5', 'retry-after': '3' }), now)).toBe(3000);
  });

  it.each(['soon', '', '   ', '-1', '1e3', '0x10', 'Infinity', 'NaN', '1,5', '9'.repeat(400), 'Fri, 99 Zzz 2026 07:00:05 GMT'])(
    'should ignore the garbage %j',
    (value) => {
      expect(retryAfterMs(headers({ 'retry-after': value }), now)).toBeUndefined();
      expect(retryAfterMs(headers({ 'retry-after-ms': value }), now)).toBeUndefined();
    },
  );

  it('should say nothing when no header is present', () => {
    expect(retryAfterMs(headers({}), now)).toBeUndefined();
  });

  it('should cut a wait longer than a day, in every form', () => {
    expect(retryAfterMs(headers({ 'retry-after': '31536000' }), now)).toBe(MAX_RETRY_AFTER_MS);
    expect(retryAfterMs(headers({ 'retry-after-ms': '99999999999' }), now)).toBe(MAX_RETRY_AFTER_MS);
    expect(retryAfterMs(headers({ 'retry-after': 'Sat, 27 Nov 2100 07:00:00 GMT' }), now)).toBe(MAX_RETRY_AFTER_MS);
  });
});
