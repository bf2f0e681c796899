/** Building request URLs with encoded path and query parts. */
/**
 * Building request URLs with encoded path and query parts.
 *
 * @packageDocumentation
 */

/** Paths the fast path takes as they are: already encoded (ids go through {@link segment})... */
const PLAIN_PATH = /^[\w\-~%!$&'()*+,;=:@/.]*$/;
/** ...without dot segments (`URL` would resolve them). */
const DOT_SEGMENT = /\/\.\.?(?:\/|$)/;

/** Per base URL, its normalised form without a trailing slash, or `null` when it has a query or fragment. */
const bases = new Map<string, string | null>();

function normalisedBase(baseUrl: string): string | null {
  let base = bases.get(baseUrl);
  if (base === undefined) {
    const url = new URL(baseUrl.replace(/\/+$/, ''));
    base = url.search !== '' || url.hash !== '' || baseUrl.includes('#') || baseUrl.includes('?') ? null : url.href.replace(/\/+$/, '');
    // A client has one base URL; a program with endless ones keeps only the latest few.
    if (bases.size >= 16) bases.clear();
    bases.set(baseUrl, base);
  }
  return base;
}

/** Text that `application/x-www-form-urlencoded` leaves as it is. */
const UNRESERVED = /^[A-Za-z0-9*\-._]*$/;

/** `application/x-www-form-urlencoded`, as `URLSearchParams` writes it. */
function formEncode(text: string): string {
  // Most keys and ids need no encoding at all.
  if (UNRESERVED.test(text)) return text;
  return encodeURIComponent(text).replace(/%20|[!'()~]/g, (c) => (c === '%20' ? '+' : `%${c.charCodeAt(0).toString(16).toUpperCase()}`));
}

/**
 * Joins the base URL and a path, and appends the query (undefined values are left out). The
 * result is the same string `new URL` and `searchParams.set` would give; an API path and its
 * query are joined as strings (a poll builds one per request), anything unusual goes through `URL`.
 *
 * @internal
 */
export function buildUrl(baseUrl: string, path: string, query: Readonly<Record<string, string | number | undefined>> = {}): string {
  const base = normalisedBase(baseUrl);
  if (base !== null && PLAIN_PATH.test(path) && !DOT_SEGMENT.test(path)) {
    let url = base + path;
    let separator = '?';
    for (const key in query) {
      const value = query[key];
      if (value === undefined) continue;
      url += `${separator}${formEncode(key)}=${formEncode(String(value))}`;
      separator = '&';
    }
    return url;
  }
  const url = new URL(baseUrl.replace(/\/+$/, '') + path);
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url.toString();
}

/**
 * Encodes one path segment (an id) so it cannot change the path.
 *
 * @internal
 */
export function segment(value: string | number): string {
  return encodeURIComponent(String(value));
}

/**
 * The issue of a key sent to `target` when it is plain `http:` to a host other than loopback
 * (127.0.0.0/8, ::1, `localhost`): a key sent there could be read on the way
 * (`ClientConfig.allowInsecureHttp`); else `undefined`.
 *
 * @internal
 */
export function insecureHttpIssue(target: string): string | undefined {
  const origin = insecure(target);
  return origin && `a key over plain http to ${origin}, not loopback: use https, or allowInsecureHttp: true (CLI: --allow-insecure-http)`;
}

/** The origin of `target` when it is plain http to a host that is not loopback. */
function insecure(target: string): string | undefined {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return undefined;
  }
  return url.protocol === 'http:' && !isLoopbackHost(url.hostname) ? url.origin : undefined;
}

/**
 * `localhost`, or an address in 127.0.0.0/8 or ::1. `hostname` is a WHATWG `URL`'s, which writes
 * IPv4 in dotted decimal (`0x7f.1` becomes `127.0.0.1`) and IPv6 compressed, in brackets.
 */
function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/\.$/, '').toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(host);
}
