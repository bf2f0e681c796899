/** Specs: reading bounded response bodies. */
import { Observable, VirtualTimeScheduler, asyncScheduler, firstValueFrom, lastValueFrom, take } from 'rxjs';
import { RequestTimeoutError, ResponseTooLargeError } from '../../lib/core/errors';
import { readBodyBounded } from '../../lib/transport/body';
import type { FetchInit, FetchResponse } from '../../lib/transport/fetchLike';
import { exchange$, exchangeWith, type ExchangeContext, type HttpRequest } from '../../lib/transport/request';

/** A single-value exchange as an Observable, the way ApiExchange sends one. */
function exchangeOne$<T>(ctx: ExchangeContext, request: HttpRequest, read: (response: FetchResponse) => Promise<T>): Observable<T> {
  return new Observable<T>((subscriber) => exchangeWith(ctx, request, { read }, subscriber));
}

// The request path without the emulator: a fetch double records what the transport did.

function response(body: string, headers: Record<string, string> = {}, chunked = false): FetchResponse & { reads: string[] } {
  const bytes = new TextEncoder().encode(body);
  const reads: string[] = [];
  const h = new Map(Object.entries({ ...(chunked ? {} : { 'content-length': String(bytes.byteLength) }), ...headers }));
  return {
    status: 200,
    headers: { get: (name) => h.get(name) ?? null },
    reads,
    arrayBuffer: async () => {
      reads.push('arrayBuffer');
      return bytes.buffer.slice(0) as ArrayBuffer;
    },
    body: (async function* () {
      reads.push('chunks');
      for (let i = 0; i < bytes.length; i += 4) yield bytes.subarray(i, i + 4);
    })(),
  };
}

function context(fetch: (url: string, init: FetchInit) => Promise<FetchResponse>, scheduler = asyncScheduler): ExchangeContext {
  return { fetch, secrets: () => [], now: () => 0, scheduler };
}

describe('readBodyBounded', () => {
  it('should read a body of declared length in one arrayBuffer() call', async () => {
    const res = response('{"status":"running"}');
    expect(new TextDecoder().decode(await readBodyBounded(res, 1024, 'x'))).toBe('{"status":"running"}');
    expect(res.reads).toEqual(['arrayBuffer']);
  });

  it('should count the chunks of a body without a declared length', async () => {
    const res = response('0123456789', {}, true);
    await expect(readBodyBounded(res, 8, () => 'Chunked')).rejects.toThrow(new ResponseTooLargeError('Chunked', 8));
    expect(res.reads).toEqual(['chunks']);
  });

  it('should read a content-encoded body chunk by chunk (the declared length is not the decoded one)', async () => {
    const res = response('0123456789', { 'content-encoding': 'gzip', 'content-length': '3' });
    await expect(readBodyBounded(res, 8, 'Encoded')).rejects.toBeInstanceOf(ResponseTooLargeError);
    expect(res.reads).toEqual(['chunks']);
  });

  it('should refuse a declared length over the limit before reading, and a body longer than declared', async () => {
    const big = response('0123456789');
    await expect(readBodyBounded(big, 8, 'Big')).rejects.toBeInstanceOf(ResponseTooLargeError);
    expect(big.reads).toEqual([]);
    const lying = response('0123456789', { 'content-length': '2' });
    await expect(readBodyBounded(lying, 8, 'Lying')).rejects.toBeInstanceOf(ResponseTooLargeError);
  });
});

describe('exchangeOne$', () => {
  const request = { method: 'GET' as const, url: 'http://127.0.0.1:9/x', headers: {}, timeoutMs: 5_000 };

  it('should emit the value read and not abort when the subscriber stops at it', async () => {
    let signal: AbortSignal | undefined;
    const ctx = context(async (_, init) => {
      signal = init.signal;
      return response('{}');
    });
    const value = await firstValueFrom(exchangeOne$(ctx, request, async (res) => res.status).pipe(take(1)));
    expect(value).toBe(200);
    expect(signal?.aborted).toBe(false);
  });

  it('should abort the request when unsubscribed before the response', async () => {
    let signal: AbortSignal | undefined;
    const ctx = context((_, init) => {
      signal = init.signal;
      return new Promise<FetchResponse>(() => undefined);
    });
    exchangeOne$(ctx, request, async () => 1)
      .subscribe()
      .unsubscribe();
    expect(signal?.aborted).toBe(true);
  });

  it('should time out in virtual time with RequestTimeoutError and abort the request', async () => {
    const scheduler = new VirtualTimeScheduler();
    let signal: AbortSignal | undefined;
    const ctx = context(
      (_, init) =>
        new Promise<FetchResponse>((_resolve, reject) => {
          signal = init.signal;
          init.signal.addEventListener('abort', () => reject(new Error('aborted')));
        }),
      scheduler,
    );
    const result = lastValueFrom(exchangeOne$(ctx, request, async () => 1)).catch((e: unknown) => e);
    scheduler.maxFrames = 4_999;
    scheduler.flush();
    expect(signal?.aborted).toBe(false);
    scheduler.maxFrames = 5_000;
    scheduler.flush();
    const err = await result;
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect(err).toMatchObject({ timeoutMs: 5_000, idle: false });
    expect(signal?.aborted).toBe(true);
  });

  it('should clear the timeout once the exchange is done', async () => {
    const scheduler = new VirtualTimeScheduler();
    const ctx = context(async () => response('{}'), scheduler);
    expect(await lastValueFrom(exchangeOne$(ctx, request, async () => 'ok'))).toBe('ok');
    expect(scheduler.actions.filter((a) => !a.closed)).toEqual([]);
  });
});

describe('exchange$ with an idle timeout', () => {
  it('should time out a body that stops moving, as activity restarts the idle timer', async () => {
    const scheduler = new VirtualTimeScheduler();
    let release: (() => void) | undefined;
    const ctx = context(
      async (_, init) => ({
        status: 200,
        headers: { get: () => null },
        arrayBuffer: async () => new ArrayBuffer(0),
        body: (async function* () {
          yield new Uint8Array([1]);
          await new Promise<void>((resolve, reject) => {
            release = resolve;
            init.signal.addEventListener('abort', () => reject(new Error('aborted')));
          });
        })(),
      }),
      scheduler,
    );
    const request = { method: 'GET' as const, url: 'http://127.0.0.1:9/y', headers: {}, idleTimeoutMs: 100 };
    const result = lastValueFrom(
      exchange$<number>(ctx, request, async (res, emit) => {
        for await (const chunk of res.body as AsyncIterable<Uint8Array>) emit(chunk.byteLength);
      }),
    ).catch((e: unknown) => e);
    while (!release) await new Promise((r) => setImmediate(r));
    scheduler.maxFrames = 100;
    scheduler.flush();
    const err = await result;
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect(err).toMatchObject({ timeoutMs: 100, idle: true });
  });
});
