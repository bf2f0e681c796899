/** Random ids and the signing and checking of the emulator's pre-signed URLs. */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { EMULATOR_ACCESS_KEY_ID, EmulatorFault, signatureDoesNotMatch, storageDenied } from './errors';

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

/** The region every emulator URL is signed for (the service runs in Tokyo). */
const REGION = 'ap-northeast-1';

/** `20261206T061408Z`: the `X-Amz-Date` form of an instant. */
function amzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** The instant of an `X-Amz-Date`, or NaN. */
function parseAmzDate(text: string | null): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text ?? '');
  return m === null ? NaN : Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
}

/** Every query parameter but the signature, sorted and encoded: the part of the URL that is signed. */
function canonicalQuery(params: URLSearchParams): string {
  return [...params.entries()]
    .filter(([name]) => name !== 'X-Amz-Signature')
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .sort()
    .join('&');
}

/**
 * Signs and checks the emulator's pre-signed storage URLs the way S3's query-string
 * authentication (SigV4) behaves: the query names the algorithm, credential scope, date, expiry
 * and signed headers, and `X-Amz-Signature` is an HMAC-SHA256 (with a key only this emulator
 * holds) over the method, the path and every other query parameter. So a URL is good for one
 * method and path, until `X-Amz-Date` + `X-Amz-Expires` on the emulator's clock (`now`), and any
 * change to its query breaks the signature.
 *
 * ## Example
 * ```ts
 * const signer = new UrlSigner(Date.now, 3_600_000);
 * const query = signer.query('PUT', '/storage/upload/1/learn.csv');
 * signer.verify('PUT', new URL(`http://h/storage/upload/1/learn.csv?${query}`), 'h'); // passes
 * ```
 * @internal
 */
export class UrlSigner {
  private readonly key = randomBytes(32);

  /**
   * @param now - The emulator's clock (ms since the epoch).
   * @param ttlMs - Lifetime of a URL; `X-Amz-Expires` is its whole seconds, rounded up.
   */
  constructor(
    private readonly now: () => number = Date.now,
    private readonly ttlMs = 3_600_000,
  ) {}

  /** The query string that pre-signs `method` on `path` (the path as it will be requested, percent-encoded). */
  query(method: string, path: string): string {
    const date = amzDate(this.now());
    const params = new URLSearchParams({
      'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
      'X-Amz-Credential': `${EMULATOR_ACCESS_KEY_ID}/${date.slice(0, 8)}/${REGION}/s3/aws4_request`,
      'X-Amz-Date': date,
      'X-Amz-Expires': String(Math.max(1, Math.ceil(this.ttlMs / 1000))),
      'X-Amz-SignedHeaders': 'host',
    });
    const signed = canonicalQuery(params);
    return `${signed}&X-Amz-Signature=${this.sign(method, path, signed)}`;
  }

  /**
   * Checks a request on a pre-signed URL, in S3's order: no signature at all is an anonymous
   * request (403 `AccessDenied`), a URL past its expiry answers 403 `AccessDenied` "Request has
   * expired", a signature that does not match the method, path and query answers 403
   * `SignatureDoesNotMatch`.
   *
   * **Errors**: throws the {@link EmulatorFault} to answer.
   */
  verify(method: string, url: URL, host: string | undefined): void {
    const given = url.searchParams.get('X-Amz-Signature');
    if (given === null || given === '') throw storageDenied('AccessDenied', 'Access Denied');
    const signedAt = parseAmzDate(url.searchParams.get('X-Amz-Date'));
    const expiresS = Number(url.searchParams.get('X-Amz-Expires'));
    const now = this.now();
    if (Number.isFinite(signedAt) && Number.isInteger(expiresS) && expiresS > 0 && now > signedAt + expiresS * 1000) {
      throw requestExpired(expiresS, signedAt + expiresS * 1000, now);
    }
    const expected = Buffer.from(this.sign(method, url.pathname, canonicalQuery(url.searchParams)));
    const provided = Buffer.from(given);
    if (expected.length !== provided.length || !timingSafeEqual(expected, provided)) throw signatureDoesNotMatch(method, url, host);
  }

  private sign(method: string, path: string, query: string): string {
    return createHmac('sha256', this.key).update(`${method.toUpperCase()}\n${path}\n${query}`).digest('hex');
  }
}

/** S3's 403 for a pre-signed URL past its expiry, with the details S3 adds. */
function requestExpired(expiresS: number, expiredAt: number, now: number): EmulatorFault {
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return storageDenied(
    'AccessDenied',
    'Request has expired',
    `<X-Amz-Expires>${expiresS}</X-Amz-Expires><Expires>${iso(expiredAt)}</Expires><ServerTime>${iso(now)}</ServerTime>`,
  );
}
