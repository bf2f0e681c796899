/**
 * Redaction of credentials and pre-signed URL secrets before anything reaches an error
 * message, a log line or `toString()`.
 *
 * @packageDocumentation
 */

/**
 * Placeholder that replaces every redacted secret.
 *
 * ## Example
 * ```ts
 * redactUrl('https://s3/x?sig=1') === `https://s3/x?${REDACTED}`; // true
 * ```
 */
export const REDACTED = '[REDACTED]';

/**
 * Removes the secret parts of a URL: the whole query string (pre-signed URLs carry their
 * signature and credential there) and any user info. The origin and path stay, so a message
 * still says which endpoint failed.
 *
 * ## Example
 * ```ts
 * redactUrl('https://bucket.s3/x/result.zip?X-Amz-Signature=abc');
 * // 'https://bucket.s3/x/result.zip?[REDACTED]'
 * ```
 *
 * @param url - Any URL string; a string that is not a URL is returned with everything after
 *   the first `?` replaced.
 * @returns The URL without its secrets.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const base = q === -1 ? url : url.slice(0, q);
  const withoutUser = base.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
  return q === -1 ? withoutUser : `${withoutUser}?${REDACTED}`;
}

/**
 * Replaces each of the given secrets, wherever it occurs in `text`, with {@link REDACTED},
 * and redacts the query string of every URL found in the text.
 *
 * ## Example
 * ```ts
 * redactText('key sk-123 rejected', ['sk-123']); // 'key [REDACTED] rejected'
 * ```
 *
 * @param text - Text that may contain secrets.
 * @param secrets - Known secret values (API keys, secret keys); empty strings are ignored.
 * @returns The text with every secret replaced.
 * @internal
 */
export function redactText(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text.replace(/\b(https?:\/\/[^\s"'<>?]+)\?[^\s"'<>]*/gi, `$1?${REDACTED}`);
  for (const secret of secrets) {
    // Short strings could be ordinary words; real keys are long and random.
    if (secret && secret.length >= 6) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/**
 * Redacts what a response body may carry that is secret even when the client never held it:
 * the values of JSON fields named like keys (`api_key`, `secret_key`, ...) and URL query
 * strings (pre-signed URLs), plus the client's known secrets.
 *
 * @internal
 */
export function redactBody(text: string, secrets: readonly (string | undefined)[] = []): string {
  // The closing quote is optional: issue lines cut long values short ("…").
  const withoutKeys = text.replace(/("[A-Za-z0-9_]*key"\s*:\s*)"(?:[^"\\]|\\.)*"?/gi, `$1"${REDACTED}"`);
  return redactText(withoutKeys, secrets);
}
