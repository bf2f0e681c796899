/** Specs: Base64. */
import { decodeBase64, encodeBase64 } from '../../lib/core/base64';

describe('base64', () => {
  it('should match Buffer for every length and random bytes', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256;
    for (let n = 0; n < 300; n++) {
      const bytes = Uint8Array.from({ length: n }, rand);
      const expected = Buffer.from(bytes).toString('base64');
      expect(encodeBase64(bytes)).toBe(expected);
      expect(Buffer.from(decodeBase64(expected)).equals(Buffer.from(bytes))).toBe(true);
    }
  });

  it('should encode text as UTF-8 (not Latin-1 like btoa)', () => {
    expect(encodeBase64('天気,wetter\nä,1\n')).toBe(Buffer.from('天気,wetter\nä,1\n', 'utf8').toString('base64'));
  });

  it('should decode URL-safe, unpadded and wrapped input, and refuse garbage', () => {
    const bytes = Uint8Array.from([251, 255, 191, 0]);
    expect([...decodeBase64('-_-_AA')]).toEqual([...bytes]);
    expect([...decodeBase64('+/+/\nAA==')]).toEqual([...bytes]);
    expect(() => decodeBase64('ab$c')).toThrow(TypeError);
    expect(() => decodeBase64('abcde')).toThrow(TypeError);
  });
});
