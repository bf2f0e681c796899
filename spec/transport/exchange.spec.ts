/** Specs: reading bounded response bodies. */
import { Observable, VirtualTimeScheduler, asyncScheduler, firstValueFrom, lastValueFrom, take } from 'rxjs';
import { RequestTimeoutError, ResponseTooLargeError } from '../../lib/core/errors';
import { readBodyBounded, readTextBounded, utf8 } from '../../lib/transport/body';
import type { FetchInit, FetchResponse } from '../../lib/transport/fetchLike';
import { Deadlines, deadlineClock, exchange$, exchangeWith, type ExchangeContext, type HttpRequest } from '../../lib/transport/request';
import { createClient } from '../../lib/transport/client';

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
  return { fetch, secrets: () => [], now: () => 0, scheduler, deadlines: new Deadlines(scheduler) };
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

describe('readTextBounded', () => {
  /** `response` with a platform-like `text()` (UTF-8, BOM dropped, invalid bytes replaced) over `bytes`. */
  function textResponse(bytes: Uint8Array, declared: number | null = bytes.byteLength): FetchResponse & { reads: string[] } {
    const reads: string[] = [];
    return {
      status: 200,
      headers: { get: (name) => (name === 'content-length' && declared !== null ? String(declared) : null) },
      reads,
      arrayBuffer: async () => {
        reads.push('arrayBuffer');
        return bytes.slice().buffer as ArrayBuffer;
      },
      text: async () => {
        reads.push('text');
        return new TextDecoder().decode(bytes);
      },
      body: undefined,
    };
  }
  /** The same response without `text()`: the general path (bytes, then {@link utf8}). */
  function bytesOnly(res: FetchResponse): FetchResponse {
    return { status: res.status, headers: res.headers, arrayBuffer: () => res.arrayBuffer(), body: undefined };
  }
  const outcome = (p: Promise<string>): Promise<unknown> =>
    p.then(
      (text) => ({ text }),
      (e: unknown) => ({ error: (e as Error).constructor.name }),
    );

  it('should read with text() and give what the byte path gives, for any body and limit', async () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    const bodies = [
      enc('{"status":"running"}'),
      enc(''),
      Uint8Array.of(0xef, 0xbb, 0xbf, ...enc('{"a":"x"}')),
      enc('{"name":"日本語のモデル 🎌"}'),
      Uint8Array.of(0x7b, 0xff, 0xfe, 0xc3, 0x7d),
      Uint8Array.of(0xef, 0xbb, 0xbf, 0xe6, 0x97),
    ];
    let compared = 0;
    for (const bytes of bodies) {
      for (const max of [0, 1, 2, bytes.byteLength - 3, bytes.byteLength - 1, bytes.byteLength, bytes.byteLength + 1, bytes.byteLength * 3, 1 << 20]) {
        if (max < 0) continue;
        const fast = textResponse(bytes);
        const fastOutcome = await outcome(readTextBounded(fast, max, 'Body'));
        const generalOutcome = await outcome(readTextBounded(bytesOnly(textResponse(bytes)), max, 'Body'));
        expect(fastOutcome).toEqual(generalOutcome);
        expect(generalOutcome).toEqual(await outcome(readBodyBounded(textResponse(bytes), max, 'Body').then(utf8)));
        // The fast path was taken whenever the body was read at all.
        if (fast.reads.length > 0) expect(fast.reads).toEqual(['text']);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(40);
  });

  it('should still refuse a body over the limit that a transport delivers past its declared length', async () => {
    const ascii = textResponse(new TextEncoder().encode('0123456789'), 2);
    await expect(readTextBounded(ascii, 8, 'Lying')).rejects.toBeInstanceOf(ResponseTooLargeError);
    expect(ascii.reads).toEqual(['text']);
    // Five characters, ten bytes: the text is short enough, its bytes are not.
    const wide = textResponse(new TextEncoder().encode('ééééé'), 4);
    await expect(readTextBounded(wide, 8, 'Lying')).rejects.toBeInstanceOf(ResponseTooLargeError);
    expect(wide.reads).toEqual(['text']);
    const fits = textResponse(new TextEncoder().encode('éééé'), 4);
    await expect(readTextBounded(fits, 8, 'Fits')).resolves.toBe('éééé');
  });

  it('should not call text() for a body declared over the limit, content-encoded, or of unknown length', async () => {
    const bytes = new TextEncoder().encode('{"status":"running"}');
    const big = textResponse(bytes);
    await expect(readTextBounded(big, 4, 'Big')).rejects.toBeInstanceOf(ResponseTooLargeError);
    expect(big.reads).toEqual([]);
    const unknown = textResponse(bytes, null);
    await expect(readTextBounded(unknown, 1 << 20, 'Unknown')).resolves.toBe('{"status":"running"}');
    expect(unknown.reads).toEqual(['arrayBuffer']);
    const gzipped: FetchResponse = {
      ...textResponse(bytes),
      headers: { get: (name) => ({ 'content-length': '20', 'content-encoding': 'gzip' })[name] ?? null },
    };
    const read: string[] = [];
    await readTextBounded({ ...gzipped, text: async () => (read.push('text'), '') }, 1 << 20, 'Gzip');
    expect(read).toEqual([]);
  });
});

describe('Deadlines: one scheduled action for the request timeouts of a client', () => {
  /**
   * Requests started at given virtual times with given timeouts, one answered at frame 60; virtual
   * time advanced 5 frames at a time, promises settled between steps. Returns when each request was
   * aborted, how each ended and how many actions were pending after each step.
   */
  async function scenario() {
    const scheduler = new VirtualTimeScheduler();
    const aborted: Record<string, number> = {};
    const answers: Record<string, () => void> = {};
    const ctx: ExchangeContext = {
      fetch: (url, init) =>
        new Promise<FetchResponse>((resolve, reject) => {
          answers[url] = () => resolve(response('{}'));
          init.signal.addEventListener('abort', () => {
            aborted[url] = scheduler.now();
            reject(new Error('aborted'));
          });
        }),
      secrets: () => [],
      now: () => scheduler.now(),
      scheduler,
      deadlines: new Deadlines(scheduler),
    };
    const ended: Record<string, string> = {};
    const start = (url: string, timeoutMs: number, at: number) =>
      scheduler.schedule(() => {
        exchangeOne$(ctx, { method: 'GET', url, headers: {}, timeoutMs }, async (res) => res.status).subscribe({
          next: () => (ended[url] = `ok@${scheduler.now()}`),
          error: (e: unknown) => (ended[url] = `${(e as Error).name}:${(e as RequestTimeoutError).timeoutMs}`),
        });
      }, at);
    start('a', 100, 0);
    start('b', 100, 10);
    start('c', 100, 20);
    // A shorter timeout: due before the requests already waiting.
    start('d', 50, 30);
    start('e', 100, 40);
    // Unsubscribed before its deadline: it no longer times out.
    scheduler.schedule(
      () =>
        exchangeOne$(ctx, { method: 'GET', url: 'f', headers: {}, timeoutMs: 100 }, async () => 0)
          .subscribe()
          .unsubscribe(),
      45,
    );
    scheduler.schedule(() => answers.b(), 60);
    const pending: number[] = [];
    for (let frame = 0; frame <= 200; frame += 5) {
      scheduler.maxFrames = frame;
      scheduler.flush();
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      pending.push(scheduler.actions.filter((a) => !a.closed).length);
    }
    return { aborted, ended, pending };
  }

  it('should time each request out at its own start plus its timeout, one action watching them all', async () => {
    const { aborted, ended, pending } = await scenario();
    // The frames one timer per request would fire at: each start plus its timeout (f left at 45).
    expect(aborted).toEqual({ a: 100, c: 120, d: 80, e: 140, f: 45 });
    expect(ended).toEqual({
      a: 'RequestTimeoutError:100',
      b: expect.stringMatching(/^ok@/),
      c: 'RequestTimeoutError:100',
      d: 'RequestTimeoutError:50',
      e: 'RequestTimeoutError:100',
    });
    // From frame 65 (nothing else scheduled) one action at most watches the requests in flight; none is left at the end.
    expect(Math.max(...pending.slice(13))).toBe(1);
    expect(pending[pending.length - 1]).toBe(0);
  });

  it('should leave nothing scheduled once the requests in flight are done', async () => {
    const scheduler = new VirtualTimeScheduler();
    const ctx = context(async () => response('{}'), scheduler);
    const request = { method: 'GET' as const, url: 'http://127.0.0.1:9/x', headers: {}, timeoutMs: 5_000 };
    expect(await Promise.all([1, 2, 3].map(() => lastValueFrom(exchangeOne$(ctx, request, async () => 'ok'))))).toEqual(['ok', 'ok', 'ok']);
    expect(scheduler.actions.filter((a) => !a.closed)).toEqual([]);
  });

  describe('on the default scheduler, a wall clock that jumps', () => {
    afterEach(() => jest.restoreAllMocks());

    /** Two requests that never get an answer: `short` times out at once, `long` after a minute. */
    function inFlight() {
      const aborted: string[] = [];
      const ctx = context(
        (url, init) =>
          new Promise<FetchResponse>((_resolve, reject) =>
            init.signal.addEventListener('abort', () => {
              aborted.push(url);
              reject(new Error('aborted'));
            }),
          ),
      );
      const long = exchangeOne$(ctx, { method: 'GET', url: 'long', headers: {}, timeoutMs: 60_000 }, async () => 'ok').subscribe({ error: () => undefined });
      const short = lastValueFrom(exchangeOne$(ctx, { method: 'GET', url: 'short', headers: {}, timeoutMs: 0 }, async () => 'ok'));
      return { aborted, long, short };
    }

    it('should not time out the requests in flight early when the clock is set forward', async () => {
      const { aborted, long, short } = inFlight();
      const wall = Date.now();
      jest.spyOn(Date, 'now').mockReturnValue(wall + 3_600_000);
      await expect(short).rejects.toBeInstanceOf(RequestTimeoutError);
      expect(aborted).toEqual(['short']);
      long.unsubscribe();
    });

    it('should keep deadlines in a clock the wall clock does not move (set back, a timeout would be held back by as much)', () => {
      const clock = deadlineClock(asyncScheduler);
      const before = clock();
      jest.spyOn(Date, 'now').mockReturnValue(Date.now() - 3_600_000);
      expect(clock()).toBeGreaterThanOrEqual(before);
      expect(clock() - before).toBeLessThan(3_600_000);
    });

    it('should keep deadlines in virtual time on any other scheduler', () => {
      const scheduler = new VirtualTimeScheduler();
      scheduler.schedule(() => undefined, 250);
      scheduler.flush();
      expect(deadlineClock(scheduler)()).toBe(250);
    });
  });

  it('should be the client’s: every request of a client waits in its one queue', () => {
    const client = createClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'k' });
    expect(client.http.deadlines).toBeInstanceOf(Deadlines);
  });
});
