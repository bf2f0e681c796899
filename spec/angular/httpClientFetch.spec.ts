/** Specs: httpClientFetch, the fetch over Angular's HttpClient. */
import { Observable, firstValueFrom, lastValueFrom, of, toArray } from 'rxjs';
import { ApiError, AuthError, NetworkError, ServerError, createClient, pollStatus$, type FetchInit } from 'prediction-one-rx';
import { httpClientFetch, type HttpClientFetchRequestOptions, type HttpClientFetchResponse, type HttpRequester } from '../../lib/angular/httpClientFetch';

// These tests drive the adapter with an object shaped like HttpClient (its `request` method
// only), so they need no Angular runtime; spec/angular/httpClient.spec.ts runs the real one.

interface Call {
  method: string;
  url: string;
  options: HttpClientFetchRequestOptions;
  unsubscribed: boolean;
}

type Reply = (call: Call) => Observable<HttpClientFetchResponse>;

function fakeHttp(reply: Reply): { http: HttpRequester; calls: Call[] } {
  const calls: Call[] = [];
  const http: HttpRequester = {
    request: (method, url, options) =>
      new Observable<HttpClientFetchResponse>((subscriber) => {
        const call: Call = { method, url, options, unsubscribed: false };
        calls.push(call);
        const sub = reply(call).subscribe(subscriber);
        return () => {
          call.unsubscribed = true;
          sub.unsubscribe();
        };
      }),
  };
  return { http, calls };
}

function headers(values: Record<string, string> = {}): HttpClientFetchResponse['headers'] {
  const lower = new Map(Object.entries(values).map(([k, v]) => [k.toLowerCase(), v]));
  return { get: (name) => lower.get(name.toLowerCase()) ?? null };
}

function bytes(text: string): ArrayBuffer {
  return new TextEncoder().encode(text).slice().buffer;
}

function ok(body: string, extra: Record<string, string> = {}): Observable<HttpClientFetchResponse> {
  return of({ status: 200, headers: headers({ 'content-type': 'application/json', ...extra }), body: bytes(body) });
}

/** An error shaped like Angular's HttpErrorResponse. */
function httpError(status: number, error: unknown, extra: Record<string, string> = {}): Observable<never> {
  return new Observable<never>((subscriber) =>
    subscriber.error({ name: 'HttpErrorResponse', status, ok: false, headers: headers(extra), error, message: `Http failure ${status}` }),
  );
}

const init = (extra: Partial<FetchInit> = {}): FetchInit => ({
  method: 'GET',
  headers: { 'x-api-key': 'k' },
  signal: new AbortController().signal,
  ...extra,
});

const STATUS_URL = 'http://p1.test/v1/external/models/results';

describe('httpClientFetch', () => {
  it('should send method, url and headers as a full-response arraybuffer request outside the transfer cache', async () => {
    const { http, calls } = fakeHttp(() => ok('{"a":1}', { 'x-thing': 'yes' }));
    const res = await httpClientFetch(http)('http://p1.test/v1/x?y=1', init({ headers: { 'x-api-key': 'k', accept: 'application/json' } }));
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      method: 'GET',
      url: 'http://p1.test/v1/x?y=1',
      options: { headers: { 'x-api-key': 'k', accept: 'application/json' }, observe: 'response', responseType: 'arraybuffer', transferCache: false },
    });
    expect(calls[0].options).not.toHaveProperty('body');
    expect(res.status).toBe(200);
    expect(res.headers.get('X-Thing')).toBe('yes');
    expect(new TextDecoder().decode(await res.arrayBuffer())).toBe('{"a":1}');
  });

  it('should send a Uint8Array body as an ArrayBuffer of exactly its bytes', async () => {
    const { http, calls } = fakeHttp(() => ok(''));
    // A view into the middle of a bigger buffer: sending `.buffer` would leak the neighbours.
    const backing = new TextEncoder().encode('XXa,b\n1,2\nYY');
    await httpClientFetch(http)('http://storage.test/put?sig=1', init({ method: 'PUT', body: backing.subarray(2, 10) }));
    const body = calls[0].options.body;
    expect(body).toBeInstanceOf(ArrayBuffer);
    expect(new TextDecoder().decode(body as ArrayBuffer)).toBe('a,b\n1,2\n');
  });

  it('should collect a streamed body before sending, and pass strings through', async () => {
    const { http, calls } = fakeHttp(() => ok(''));
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('a,b\n'));
        controller.enqueue(new TextEncoder().encode('1,2\n'));
        controller.close();
      },
    });
    const fetch = httpClientFetch(http);
    await fetch('http://storage.test/put', init({ method: 'PUT', body: chunks, duplex: 'half' }));
    await fetch('http://p1.test/v1/external/models', init({ method: 'POST', body: '{"x":1}' }));
    expect(new TextDecoder().decode(calls[0].options.body as ArrayBuffer)).toBe('a,b\n1,2\n');
    expect(calls[1].options.body).toBe('{"x":1}');
  });

  it('should resolve an HttpErrorResponse with a status as a response with that status, headers and body', async () => {
    const body = '{"code":5001000201,"error":"X","message":"boom"}';
    const { http } = fakeHttp(() => httpError(503, bytes(body), { 'retry-after': '7' }));
    const res = await httpClientFetch(http)(STATUS_URL, init());
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(new TextDecoder().decode(await res.arrayBuffer())).toBe(body);
  });

  it('should accept error bodies an interceptor turned into text or objects', async () => {
    const text = await httpClientFetch(fakeHttp(() => httpError(400, 'plain words')).http)(STATUS_URL, init());
    expect(new TextDecoder().decode(await text.arrayBuffer())).toBe('plain words');
    const object = await httpClientFetch(fakeHttp(() => httpError(400, { code: 1 })).http)(STATUS_URL, init());
    expect(new TextDecoder().decode(await object.arrayBuffer())).toBe('{"code":1}');
    const none = await httpClientFetch(fakeHttp(() => httpError(404, null)).http)(STATUS_URL, init());
    expect((await none.arrayBuffer()).byteLength).toBe(0);
  });

  it('should reject on status 0 (no response: refused, offline, CORS)', async () => {
    const { http } = fakeHttp(() => httpError(0, new TypeError('Failed to fetch')));
    await expect(httpClientFetch(http)(STATUS_URL, init())).rejects.toThrow(/status 0.*Failed to fetch/);
  });

  it('should unsubscribe the HttpClient request when the signal aborts, and reject', async () => {
    const { http, calls } = fakeHttp(() => new Observable<never>(() => undefined));
    const controller = new AbortController();
    const pending = httpClientFetch(http)(STATUS_URL, init({ signal: controller.signal }));
    await new Promise((r) => setImmediate(r));
    expect(calls[0].unsubscribed).toBe(false);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls[0].unsubscribed).toBe(true);
  });

  it('should not send at all when the signal is already aborted', async () => {
    const { http, calls } = fakeHttp(() => ok('{}'));
    const controller = new AbortController();
    controller.abort();
    await expect(httpClientFetch(http)(STATUS_URL, init({ signal: controller.signal }))).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toHaveLength(0);
  });

  it('should reject when HttpClient completes without a response', async () => {
    const { http } = fakeHttp(() => new Observable<never>((s) => s.complete()));
    await expect(httpClientFetch(http)(STATUS_URL, init())).rejects.toThrow(/without a response/);
  });

  it('should pass the context made for each request', async () => {
    const { http, calls } = fakeHttp(() => ok('{}'));
    const context = { marker: 'ctx' } as unknown as NonNullable<HttpClientFetchRequestOptions['context']>;
    const seen: string[] = [];
    await httpClientFetch(http, { context: (url, i) => (seen.push(`${i.method} ${url}`), context) })(STATUS_URL, init());
    expect(seen).toEqual([`GET ${STATUS_URL}`]);
    expect(calls[0].options.context).toBe(context);
  });
});

describe('httpClientFetch in a client', () => {
  const poll$ = (reply: Reply) => {
    const { http, calls } = fakeHttp(reply);
    const client = createClient({ baseUrl: 'https://p1.test', apiKey: 'k', fetch: httpClientFetch(http), retry: { maxAttempts: 1 } });
    return { events$: of({ externalProcessId: 'ep-1' }).pipe(pollStatus$(client, { minDelayMs: 10_000 })), calls };
  };

  it('should give the client the statuses HttpClient returns', async () => {
    const { events$ } = poll$(() => ok('{"status":"finished","created_datetime":"a","updated_datetime":"b","result_url":"http://s/r.zip"}'));
    const events = await lastValueFrom(events$.pipe(toArray()));
    expect(events).toEqual([expect.objectContaining({ type: 'status', status: 'finished', resultUrl: 'http://s/r.zip' })]);
  });

  it('should let the client raise AuthError for a refused key', async () => {
    const { events$ } = poll$(() => httpError(400, bytes('{"code":4001000204,"error":"PREDA_EXTERNAL_BAD_REQUEST","message":"invalid_api_key."}')));
    const err = await firstValueFrom(events$).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(err).toMatchObject({ httpStatus: 400, code: 4001000204 });
  });

  it('should let the client raise ServerError for a 5xx', async () => {
    const { events$ } = poll$(() => httpError(503, bytes('{"code":5031030101,"error":"SERVICE_UNAVAILABLE_ERROR","message":"down"}')));
    const err = await firstValueFrom(events$).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerError);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ httpStatus: 503, message: expect.stringContaining('down') });
  });

  it('should let the client raise NetworkError for status 0', async () => {
    const { events$ } = poll$(() => httpError(0, new TypeError('Failed to fetch')));
    await expect(firstValueFrom(events$)).rejects.toBeInstanceOf(NetworkError);
  });

  it('should unsubscribe the HttpClient request when the client is unsubscribed', async () => {
    const { events$, calls } = poll$(() => new Observable<never>(() => undefined));
    const sub = events$.subscribe();
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toHaveLength(1);
    expect(calls[0].unsubscribed).toBe(false);
    sub.unsubscribe();
    expect(calls[0].unsubscribed).toBe(true);
  });
});
