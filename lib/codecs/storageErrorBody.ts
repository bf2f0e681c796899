/** Codec of S3's XML error body. */
/**
 * S3's XML error body, as object storage answers a refused pre-signed request:
 * `<?xml …?><Error><Code>NotImplemented</Code><Message>…</Message>…</Error>`.
 *
 * @internal
 */
export interface StorageErrorBody {
  /** S3's error code (`NotImplemented`, `AccessDenied`…). */
  readonly code: string;
  /** S3's message, when the body had one. */
  readonly message?: string;
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/**
 * Reads S3's XML error body: the `<Code>` and `<Message>` directly inside a root `<Error>`.
 * Anything else (JSON, HTML, a code that is not a plain name) is not one: `undefined`.
 *
 * ## Example
 * ```ts
 * storageErrorBody('<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>');
 * // { code: 'AccessDenied', message: 'Request has expired' }
 * ```
 * @internal
 */
export function storageErrorBody(text: string): StorageErrorBody | undefined {
  const root = /^\s*(?:<\?xml[^>]*\?>\s*)?<Error>([\s\S]*)<\/Error>\s*$/.exec(text);
  if (root === null) return undefined;
  const code = /<Code>([A-Za-z0-9.]{1,100})<\/Code>/.exec(root[1])?.[1];
  if (code === undefined) return undefined;
  const message = /<Message>([^<]{0,2000})<\/Message>/.exec(root[1])?.[1];
  return message === undefined ? { code } : { code, message: unescapeXml(message) };
}
