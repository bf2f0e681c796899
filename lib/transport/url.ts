/**
 * Building request URLs with encoded path and query parts.
 *
 * @packageDocumentation
 */

/**
 * Joins the base URL and a path, and appends the query (undefined values are left out).
 *
 * @internal
 */
export function buildUrl(baseUrl: string, path: string, query: Readonly<Record<string, string | number | undefined>> = {}): string {
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
