/** Reading response bodies chunk by chunk, with a byte limit. */
/**
 * Reading response bodies chunk by chunk, whatever the fetch returned (WHATWG stream, Node
 * stream or nothing), with a byte limit.
 *
 * @packageDocumentation
 */
import { concatBytes } from '../core/bytes';
import { ResponseTooLargeError } from '../core/errors';
import type { FetchResponse } from './fetchLike';

interface ReaderLike {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  cancel(reason?: unknown): Promise<void>;
  releaseLock(): void;
}

function hasReader(body: unknown): body is { getReader(): ReaderLike } {
  return typeof (body as { getReader?: unknown } | null)?.getReader === 'function';
}

function isAsyncIterable(body: unknown): body is AsyncIterable<Uint8Array> {
  return typeof (body as { [Symbol.asyncIterator]?: unknown } | null)?.[Symbol.asyncIterator] === 'function';
}

/**
 * Yields the body's chunks. Stops reading (and cancels the stream) when the consumer breaks.
 *
 * @internal
 */
export async function* bodyChunks(res: FetchResponse): AsyncGenerator<Uint8Array> {
  const body = res.body;
  if (hasReader(body)) {
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        if (value && value.byteLength > 0) yield value;
      }
    } finally {
      // Cancelling tells the fetch to stop downloading when we stop early; it is a no-op when done.
      reader.cancel().catch(() => undefined);
    }
  } else if (isAsyncIterable(body)) {
    for await (const chunk of body) {
      const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
      if (bytes.byteLength > 0) yield bytes;
    }
  } else {
    const buffer = new Uint8Array(await res.arrayBuffer());
    if (buffer.byteLength > 0) yield buffer;
  }
}

/**
 * Reads the whole body, failing with {@link ResponseTooLargeError} as soon as it passes
 * `maxBytes` (the declared `content-length` is checked first). A body whose length is declared
 * within the limit (and not content-encoded, so the declared length is the length read) is read
 * in one `arrayBuffer()` call: an async generator costs several promises per chunk.
 *
 * @param what - Names the body in the error; a function is called only when it is needed.
 * @internal
 */
export async function readBodyBounded(res: FetchResponse, maxBytes: number, what: string | (() => string)): Promise<Uint8Array> {
  const declared = declaredLength(res);
  if (declared > maxBytes) throw tooLarge(what, maxBytes);
  if (Number.isFinite(declared) && uncoded(res)) {
    const bytes = new Uint8Array(await res.arrayBuffer());
    // The transport enforces the declared length; a test double or an odd fetch may not.
    if (bytes.byteLength > maxBytes) throw tooLarge(what, maxBytes);
    return bytes;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of bodyChunks(res)) {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooLarge(what, maxBytes);
    chunks.push(chunk);
  }
  return concatBytes(chunks, size);
}

/**
 * Reads the whole body as UTF-8 text (a leading BOM dropped, invalid bytes replaced, as
 * {@link utf8} does), with {@link readBodyBounded}'s limit. A body whose length is declared within
 * the limit (and not content-encoded) is read with the response's own `text()` when it has one:
 * no byte copy, no second decoding pass. The text is checked against the limit again: a
 * transport that delivered more than it declared, past the limit, still fails with
 * {@link ResponseTooLargeError}.
 *
 * @param what - Names the body in the error; a function is called only when it is needed.
 * @internal
 */
export function readTextBounded(res: FetchResponse, maxBytes: number, what: string | (() => string)): Promise<string> {
  if (typeof res.text === 'function') {
    const declared = declaredLength(res);
    if (Number.isFinite(declared) && declared <= maxBytes && uncoded(res)) return res.text().then((text) => boundedText(text, maxBytes, what));
  }
  return readBodyBounded(res, maxBytes, what).then(utf8);
}

/** The declared `content-length`; `NaN` when there is none. */
function declaredLength(res: FetchResponse): number {
  const header = res.headers.get('content-length');
  return header === null ? NaN : Number(header);
}

/** No content coding: the declared length is the length read. */
function uncoded(res: FetchResponse): boolean {
  const encoding = res.headers.get('content-encoding');
  return encoding === null || encoding === 'identity';
}

/**
 * `text`, unless it proves the body was over `maxBytes`: a transport that keeps to the declared
 * length never fails here. Each UTF-16 unit came from one byte at least, so only a text longer
 * than a third of the limit has its bytes counted, U+FFFD (which may stand for one invalid byte)
 * as one.
 */
function boundedText(text: string, maxBytes: number, what: string | (() => string)): string {
  if (text.length * 3 > maxBytes && encoder.encode(text.replaceAll('\ufffd', '?')).byteLength > maxBytes) throw tooLarge(what, maxBytes);
  return text;
}

const encoder = new TextEncoder();

/** The error of a body over `maxBytes` (a module function: no closure per body read). */
function tooLarge(what: string | (() => string), maxBytes: number): ResponseTooLargeError {
  return new ResponseTooLargeError(typeof what === 'function' ? what() : what, maxBytes);
}

const decoder = new TextDecoder('utf-8');

/** Decodes UTF-8, dropping a leading BOM. @internal */
export function utf8(bytes: Uint8Array): string {
  const text = decoder.decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
