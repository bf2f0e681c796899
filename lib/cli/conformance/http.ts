/** Raw, bounded HTTP requests for p1rx conformance. */
/**
 * Raw HTTP for `p1rx conformance`: the checks need the body exactly as the service sent it (the
 * client's codecs would normalize it), read with a size bound and a timeout.
 *
 * @packageDocumentation
 */
import { retryAfterMs, type FetchLike, type FetchResponse } from 'prediction-one-rx';

/** A response as the checks read it. @internal */
export interface RawResponse {
  readonly status: number;
  readonly bytes: Uint8Array;
  readonly text: string;
  /** The parsed body; `undefined` when it is not JSON. */
  readonly json: unknown;
  readonly isJson: boolean;
  /** The wait the answer asks for (`Retry-After` or `retry-after-ms`, read as the client reads it). */
  readonly retryAfterMs: number | undefined;
}

/** One request of a check. @internal */
export interface RawRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly url: string;
  /** Sent as `x-api-key` (none for pre-signed URLs). */
  readonly key?: string;
  /** Sent as JSON. */
  readonly json?: unknown;
  /** Sent as is (uploads). */
  readonly body?: Uint8Array<ArrayBuffer>;
  /** Largest body read, in bytes. */
  readonly maxBytes: number;
  readonly timeoutMs: number;
}

/** A body over the bound: the read stops there. @internal */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
}

async function readBounded(response: FetchResponse, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) throw new BodyTooLargeError(`the body is ${declared} bytes, more than the ${maxBytes} read`);
  const body = response.body as { getReader?: () => ReadableStreamDefaultReader<Uint8Array> } | AsyncIterable<Uint8Array> | null;
  const chunks: Uint8Array[] = [];
  let total = 0;
  const take = (chunk: Uint8Array): void => {
    total += chunk.byteLength;
    if (total > maxBytes) throw new BodyTooLargeError(`the body is more than the ${maxBytes} bytes read`);
    chunks.push(chunk);
  };
  if (body && typeof (body as { getReader?: unknown }).getReader === 'function') {
    const reader = (body as { getReader: () => ReadableStreamDefaultReader<Uint8Array> }).getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        take(value);
      }
    } finally {
      // Stops the download when the bound was hit.
      void reader.cancel().catch(() => undefined);
    }
  } else if (body && Symbol.asyncIterator in (body as object)) {
    for await (const chunk of body as AsyncIterable<Uint8Array>) take(chunk);
  } else {
    take(new Uint8Array(await response.arrayBuffer()));
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * Sends one request and reads its whole (bounded) body. Rejects on network errors, the
 * timeout and an oversized body; an HTTP error status is an answer, not a rejection.
 *
 * @internal
 */
export async function send(fetch: FetchLike, request: RawRequest): Promise<RawResponse> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`no answer within ${request.timeoutMs} ms`)), request.timeoutMs);
  try {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (request.key !== undefined) headers['x-api-key'] = request.key;
    let body: string | Uint8Array<ArrayBuffer> | undefined = request.body;
    if (request.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.json);
    }
    // Never followed: a redirect is an answer to record, and the key must not reach another host.
    const response = await fetch(request.url, { method: request.method, headers, body, signal: controller.signal, redirect: 'manual' });
    const bytes = await readBounded(response, request.maxBytes);
    const text = new TextDecoder().decode(bytes);
    let json: unknown;
    let isJson = false;
    try {
      json = JSON.parse(text);
      isJson = true;
    } catch {
      json = undefined;
    }
    return { status: response.status, bytes, text, json, isJson, retryAfterMs: retryAfterMs(response.headers, Date.now()) };
  } finally {
    clearTimeout(timer);
  }
}
