/** Redaction of credentials and pre-signed URL secrets. */
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
 * Names of fields whose values are secrets wherever they appear: JSON keys, XML elements,
 * query and form parameters, header-like `name: value` text. Covers the client's own keys
 * (`api_key`, `secretKey`, `x-api-key`), S3's signing details (`X-Amz-Signature`,
 * `X-Amz-Credential`, `X-Amz-Security-Token`, `AWSAccessKeyId`, `StringToSign`,
 * `CanonicalRequest`, `SignatureProvided` and their `...Bytes` twins) and the usual
 * suspects of other stores and gateways (`sig`, `token`, `password`, `authorization`, `cookie`).
 */
const SECRET_NAME = String.raw`(?:[A-Za-z0-9_.-]*(?:key|secret|token|signature|credential|password|passwd|authorization|cookie|StringToSign|CanonicalRequest)[A-Za-z0-9_.-]*|sig|sas)`;

/** Header names whose values are secrets. */
const SECRET_HEADER = String.raw`(?:x-api-key|api-key|authorization|proxy-authorization|cookie|set-cookie|x-amz-security-token|x-amz-credential|x-amz-signature|x-goog-signature|x-goog-credential)`;

/** Scrubbers applied in order by {@link redactText}; each leaves the field's name and says where a value was. */
const SCRUBBERS: ReadonlyArray<readonly [RegExp, string]> = [
  // XML elements (S3's SignatureDoesNotMatch page). Up to the next tag or the end, so a page cut
  // short inside an element is still scrubbed; the values themselves never contain '<'.
  [new RegExp(String.raw`(<(${SECRET_NAME})(?:\s[^>]*)?>)[^<]*`, 'gi'), `$1${REDACTED}`],
  // JSON string fields. The closing quote is optional: issue lines cut long values short ("…").
  [new RegExp(String.raw`("${SECRET_NAME}"\s*:\s*)"(?:[^"\\]|\\.)*"?`, 'gi'), `$1"${REDACTED}"`],
  // JSON non-string values (a numeric key, an object of credentials).
  [new RegExp(String.raw`("${SECRET_NAME}"\s*:\s*)(?![\s"]|null\b|true\b|false\b)[^,}\]\s]+`, 'gi'), `$1"${REDACTED}"`],
  // name=value: query strings without their URL, form bodies, canonical requests (`&amp;` ends a
  // value as `&` does).
  [new RegExp(String.raw`(^|[^A-Za-z0-9_.-])(${SECRET_NAME})(\s*=\s*)(?!\[REDACTED\])[^\s&"'<>,;]+`, 'gi'), `$1$2$3${REDACTED}`],
  // Secret headers quoted in text (`x-api-key: ...`, `Authorization: Bearer ...`), up to the end of
  // the line or the next separator. Only header names: `api_key: expected string` (a decode
  // issue) must keep its words.
  [new RegExp(String.raw`(^|[^A-Za-z0-9_.-])(${SECRET_HEADER})(\s*:\s*)(?!\[REDACTED\])[^\r\n,;"'<>]+`, 'gim'), `$1$2$3${REDACTED}`],
  // A decode issue about a secret-named field quotes the value it got (`api_key: expected
  // string, got {"value":"…"}`): the value goes, the path and the expectation stay.
  [new RegExp(String.raw`(${SECRET_NAME}(?:[.\[][^:\s]*)?: expected [^;]*?, got )(?!\[REDACTED\])[^;]+`, 'gi'), `$1${REDACTED}`],
  // Bearer/Basic tokens wherever they stand.
  [/\b(Bearer|Basic)\s+(?!\[REDACTED\])[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${REDACTED}`],
  // AWS access key ids (also inside a credential scope, AKIA.../20250101/...).
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, REDACTED],
  // Long hex runs: SHA-256 signatures and digests of what was signed.
  [/\b[0-9a-f]{40,}\b/gi, REDACTED],
];

/**
 * Replaces each of the given secrets, wherever it occurs in `text`, with {@link REDACTED},
 * then scrubs what is secret even when the client never held it: URL query strings and user
 * info (pre-signed URLs), values of fields named like secrets (`api_key`, `X-Amz-Signature`,
 * `<StringToSign>`, `<CanonicalRequest>`, `Authorization: ...`), AWS access key ids and long
 * hex runs (signatures).
 *
 * ## Example
 * ```ts
 * redactText('key sk-123456 rejected', ['sk-123456']); // 'key [REDACTED] rejected'
 * ```
 *
 * @param text - Text that may contain secrets.
 * @param secrets - Known secret values (API keys, secret keys); empty strings are ignored.
 * @returns The text with every secret replaced.
 * @internal
 */
export function redactText(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    // Short strings could be ordinary words; real keys are long and random. The known secrets
    // go first, so a key quoted in a URL or a field is replaced whole.
    if (secret && secret.length >= 6) out = out.split(secret).join(REDACTED);
  }
  // Any scheme: a user:password@ or a query string on an ftp:// or s3:// URL is as secret.
  out = out.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s"'<>/?@]*@/gi, '$1');
  out = out.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^\s"'<>?]+)\?[^\s"'<>]*/gi, `$1?${REDACTED}`);
  for (const [pattern, replacement] of SCRUBBERS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * Redacts what a response body may carry that is secret even when the client never held it
 * (an S3 error page quotes the signature, the credential, `StringToSign` and
 * `CanonicalRequest`; a gateway may echo a key), plus the client's known secrets. The same
 * scrubbing as {@link redactText}.
 *
 * @internal
 */
export function redactBody(text: string, secrets: readonly (string | undefined)[] = []): string {
  return redactText(text, secrets);
}

/**
 * A copy of an error chain with every message and stack redacted; `name` and `code` are kept
 * (callers branch on them). Values that are not errors: strings are redacted, anything else
 * becomes its redacted string form when it is an object (it could hold anything).
 *
 * ## Example
 * ```ts
 * redactError(new Error('GET https://s3/x?X-Amz-Signature=abc failed')).message;
 * // 'GET https://s3/x?[REDACTED] failed'
 * ```
 * @internal
 */
export function redactError(cause: unknown, secrets: readonly (string | undefined)[] = [], depth = 0): unknown {
  if (typeof cause === 'string') return redactText(cause, secrets);
  if (!(cause instanceof Error)) {
    if (cause === null || typeof cause !== 'object') return cause;
    let text: string;
    try {
      text = JSON.stringify(cause) ?? String(cause);
    } catch {
      text = String(cause);
    }
    return redactText(text, secrets);
  }
  const copy = new Error(redactText(cause.message, secrets));
  copy.name = cause.name;
  copy.stack = cause.stack === undefined ? undefined : redactText(cause.stack, secrets);
  const code = (cause as { code?: unknown }).code;
  if (code !== undefined) (copy as { code?: unknown }).code = typeof code === 'string' ? redactText(code, secrets) : code;
  const inner = (cause as { cause?: unknown }).cause;
  if (inner !== undefined && depth < 5) (copy as { cause?: unknown }).cause = redactError(inner, secrets, depth + 1);
  return copy;
}

/**
 * `Symbol.for('nodejs.util.inspect.custom')`: Node's `util.inspect` (and so `console.log`)
 * calls a method under this key. Taken from the global symbol registry, so the core stays
 * browser-safe (no `node:util` import) and browsers simply ignore it.
 *
 * @internal
 */
export const INSPECT_CUSTOM: unique symbol = Symbol.for('nodejs.util.inspect.custom');

/**
 * A printable copy of a client configuration: `apiKey`, `secretKey` and any other field named
 * like a secret become {@link REDACTED}, header values named like secrets too; functions and
 * schedulers (`fetch`, `scheduler`, `random`, `onRetry`, `zipCodec`) are shown by kind only.
 *
 * ## Example
 * ```ts
 * redactConfig({ baseUrl: 'http://h', apiKey: 'k' }); // { baseUrl: 'http://h', apiKey: '[REDACTED]' }
 * ```
 * @internal
 */
export function redactConfig(value: unknown, depth = 0): unknown {
  if (typeof value === 'function') return '[Function]';
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= 3) return '[Object]';
  if (Array.isArray(value)) return value.map((v) => redactConfig(v, depth + 1));
  const proto: unknown = Object.getPrototypeOf(value);
  // Class instances (a scheduler, a codec, an AbortSignal) may hold anything: named, not opened.
  if (proto !== Object.prototype && proto !== null) return `[${(value as object).constructor?.name ?? 'Object'}]`;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    // A secret-named group (`apiKeys: { train, deploy }`) has every value redacted.
    out[key] = SECRET_FIELD.test(key) ? redactAll(v) : redactConfig(v, depth + 1);
  }
  return out;
}

function redactAll(value: unknown): unknown {
  if (typeof value === 'function') return '[Function]';
  if (value === null || typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return REDACTED;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactAll(v)]));
}

const SECRET_FIELD = new RegExp(String.raw`^${SECRET_NAME}$|^${SECRET_HEADER}$`, 'i');
