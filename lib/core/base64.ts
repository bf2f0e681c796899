/** Browser-safe Base64 over bytes. */
/**
 * Base64 over bytes, without `Buffer` (browser-safe) and without `btoa`'s Latin-1 trap.
 *
 * @packageDocumentation
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;
// The URL-safe alphabet decodes too: some gateways re-encode.
LOOKUP['-'.charCodeAt(0)] = 62;
LOOKUP['_'.charCodeAt(0)] = 63;

/**
 * Encodes bytes (or text, as UTF-8) as standard base64 with padding.
 *
 * ## Example
 * ```ts
 * encodeBase64('a,b\n1,2\n'); // 'YSxiCjEsMgo='
 * ```
 *
 * @param input - Bytes, or a string encoded as UTF-8.
 * @returns The base64 text.
 */
export function encodeBase64(input: Uint8Array | string): string {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const parts: string[] = [];
  let chunk = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i];
    const b = i + 1 < bytes.length ? bytes[i + 1] : 0;
    const c = i + 2 < bytes.length ? bytes[i + 2] : 0;
    const n = (a << 16) | (b << 8) | c;
    chunk +=
      ALPHABET[(n >> 18) & 63] +
      ALPHABET[(n >> 12) & 63] +
      (i + 1 < bytes.length ? ALPHABET[(n >> 6) & 63] : '=') +
      (i + 2 < bytes.length ? ALPHABET[n & 63] : '=');
    // Joining 8 KiB pieces keeps long inputs from building one huge rope string.
    if (chunk.length >= 8192) {
      parts.push(chunk);
      chunk = '';
    }
  }
  parts.push(chunk);
  return parts.join('');
}

/**
 * Decodes base64 (standard or URL-safe, padding optional, whitespace ignored) to bytes.
 *
 * **Errors**: throws a `TypeError` on a character outside the alphabet or a bad length.
 *
 * ## Example
 * ```ts
 * new TextDecoder().decode(decodeBase64('YSxiCjEsMgo=')); // 'a,b\n1,2\n'
 * ```
 *
 * @param text - The base64 text.
 * @returns The bytes.
 */
export function decodeBase64(text: string): Uint8Array {
  const clean = text.replace(/[\s]/g, '').replace(/=+$/, '');
  if (clean.length % 4 === 1) throw new TypeError('Invalid base64: bad length');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    const code = clean.charCodeAt(i);
    const value = code < 128 ? LOOKUP[code] : -1;
    if (value < 0) throw new TypeError(`Invalid base64: unexpected character at ${i}`);
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >> bits) & 0xff;
    }
  }
  return out.subarray(0, o);
}
