import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/**
 * A random 64-hex-digit signature, like the `X-Amz-Signature` of an S3 pre-signed URL.
 *
 * ## Example
 * ```ts
 * newSignature().length; // 64
 * ```
 * @internal
 */
export function newSignature(): string {
  return randomBytes(32).toString('hex');
}

/**
 * A random id for storage objects and external process ids.
 *
 * ## Example
 * ```ts
 * newId(); // 'c1f7…'
 * ```
 * @internal
 */
export function newId(): string {
  return randomUUID();
}

/**
 * Constant-time comparison, so the emulator does not teach clients timing habits it would punish.
 *
 * ## Example
 * ```ts
 * signatureMatches('ab', 'ab'); // true
 * ```
 * @internal
 */
export function signatureMatches(expected: string, given: string | null): boolean {
  if (given === null) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The query string of a pre-signed URL, shaped like S3's (only the signature is checked).
 *
 * ## Example
 * ```ts
 * presignedQuery('abc'); // 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=3600&X-Amz-Signature=abc'
 * ```
 * @internal
 */
export function presignedQuery(signature: string): string {
  return `X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=3600&X-Amz-Signature=${signature}`;
}
