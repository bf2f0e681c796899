/** What a fleet of workers shares through Redis besides the queue. */
/**
 * What a fleet of workers shares through Redis besides the queue: one request budget, one
 * 429 backoff window, and the claims that let only one process send Create Model per upload.
 *
 * @packageDocumentation
 */
import { randomUUID } from 'node:crypto';
import type { RedisLike } from './peerTypes';
import { Observable, catchError, from, mergeMap, throwError, type Subscription } from 'rxjs';
import {
  ApiError,
  NetworkError,
  PredictionOneError,
  retryAfterMs,
  type FetchInit,
  type FetchLike,
  type InterceptedCall,
  type Interceptor,
  type InterceptorNext,
} from 'prediction-one-rx';
import { luaScript } from './script';
import { LIBRARY_DEFAULTS } from '../core/defaults';

/**
 * The answer of {@link Fleet.claim} (what the step function's `claim` hook expects).
 *
 * ## Example
 * ```ts
 * const answer: ClaimAnswer = { granted: false, retryAfterMs: 5000 };
 * ```
 */
export interface ClaimAnswer {
  /** True: this process holds the claim and may send Create Model. */
  readonly granted: boolean;
  /** When not granted: how long until the claim may be free. */
  readonly retryAfterMs?: number;
}

/**
 * Create Model was about to be sent by a process that no longer holds the upload's claim (it
 * was paused past the claim's lifetime, and another process may have taken it over). Nothing
 * was sent. Not retried: the process that holds the claim follows the training.
 *
 * ## Example
 * ```ts
 * worker.on('failed', (job, err) => err?.name === 'ClaimLostError' && log('zombie stopped'));
 * ```
 */
export class ClaimLostError extends PredictionOneError {
  override readonly name = 'ClaimLostError';
  override readonly retryable = false;
  /** The upload whose claim was lost. */
  readonly externalProcessId: string;

  constructor(externalProcessId: string) {
    super(`Create Model for ${externalProcessId} not sent: this process no longer holds the upload's claim`);
    this.externalProcessId = externalProcessId;
  }
}

/**
 * Options of {@link createFleet}.
 *
 * ## Example
 * ```ts
 * const fleet = createFleet(redis, { name: 'p1rx', maxPerSecond: 20 });
 * ```
 */
export interface FleetOptions {
  /** Namespace of the fleet's keys (use the queue's name). Default `'p1rx'`. */
  readonly name?: string;
  /** Key prefix. Default `'p1rx-fleet'`. */
  readonly prefix?: string;
  /** Most API requests started per second by the whole fleet (uploads and downloads not counted). Default: no budget. */
  readonly maxPerSecond?: number;
  /** How long a Create Model claim lives (renewed right before the POST). Default 120 000 ms; keep it above the request timeout. */
  readonly claimTtlMs?: number;
  /**
   * After Create Model was sent for an upload, no process sends it again for this long, even
   * when the service says it does not know the training: a request that timed out on the client
   * may still be waiting in the service's queue. Default 120 000 ms.
   */
  readonly createQuietMs?: number;
  /** Backoff after a 429 without `Retry-After`. Default 1000 ms. */
  readonly defaultRetryAfterMs?: number;
  /** Longest fleet-wide pause one 429 opens (a longer `Retry-After` is capped to it). Default 60 000 ms. */
  readonly maxRetryAfterMs?: number;
  /** Record every request's gate pass in Redis (for tests and audits). Default false. */
  readonly trace?: boolean;
  /**
   * How old this process's copy of the fleet's backoff window may get, in ms. A request that is
   * neither Create Model nor counted against `maxPerSecond` (a status poll, with no budget set)
   * checks this copy instead of asking Redis; the copy is re-read (one script call for all the
   * requests waiting on it) once it is older than this. So a 429 seen by another process pauses
   * this one within this delay (a 429 seen by this process pauses it at once). With `trace` or
   * `maxPerSecond`, every request asks Redis (the trace and the budget are per request).
   * Default 250 ms.
   */
  readonly backoffRefreshMs?: number;
  /** Called when this process opens (or lengthens) the fleet's backoff window. */
  readonly onBackoff?: (window: BackoffWindow) => void;
  /** Called when a request waits at the gate (the backoff window is open, or the budget of this second is spent). */
  readonly onWait?: (wait: { readonly reason: 'backoff' | 'budget'; readonly ms: number; readonly method: string; readonly path: string }) => void;
  /** Called when a Create Model is refused because the claim was lost. */
  readonly onClaimLost?: (externalProcessId: string) => void;
}

/**
 * A fleet-wide pause: no process sends a request between `openedAt` and `until` (Redis clock, ms).
 *
 * ## Example
 * ```ts
 * const w: BackoffWindow = { openedAt: 1764380000000, until: 1764380002000 };
 * ```
 */
export interface BackoffWindow {
  readonly openedAt: number;
  readonly until: number;
}

/**
 * The shared state of a fleet. Made by {@link createFleet}.
 *
 * ## Example
 * ```ts
 * const fleet = createFleet(redis);
 * const client = createNodeClient({ baseUrl, apiKey, interceptors: [fleet.interceptor()] });
 * ```
 */
export interface Fleet {
  /**
   * The fleet gate as a request interceptor (register it with `ClientConfig.interceptors` or
   * `client.withOptions({ interceptors: [fleet.interceptor()] })`; the training worker does):
   * every attempt of an API call waits for the fleet's backoff window and budget, Create Model
   * (`call.operation === 'createModel'`) is sent only under its upload's claim, and a 429 from
   * the API opens the fleet-wide pause for its `Retry-After`. Inference calls (another host,
   * their own limits) pass straight through; pre-signed transfers never reach interceptors.
   *
   * ## Example
   * ```ts
   * const client = createNodeClient({ baseUrl, apiKey, interceptors: [fleet.interceptor()] });
   * ```
   */
  interceptor(): Interceptor;
  /**
   * Wraps a fetch so every API request waits for the fleet's backoff and budget, and Create
   * Model is sent only under the claim. With `apiBaseUrl`, requests to other hosts (pre-signed
   * storage URLs) pass straight through: they neither wait for nor open the fleet's pause.
   *
   * @deprecated Use {@link Fleet.interceptor}: the gate as a stage of the client's request
   * chain. This wrapper stays for one release.
   */
  fetch(inner: FetchLike, options?: { readonly apiBaseUrl?: string }): FetchLike;
  /** Takes the claim on an upload for this process (SET NX with a token); the answer says whether it holds it. */
  claim(externalProcessId: string): Promise<ClaimAnswer>;
  /** Forgets this process's claim token for an upload (once its training is known to have started). */
  forget(externalProcessId: string): void;
  /** Opens (or lengthens) the fleet's backoff window for `ms`. */
  backoff(ms: number): Promise<BackoffWindow>;
  /** Milliseconds left in the backoff window (0 when closed). */
  backoffLeftMs(): Promise<number>;
  /** The backoff windows opened so far (newest first, at most 100). */
  backoffWindows(): Promise<BackoffWindow[]>;
  /** With `trace`: the gate passes in `[from, to]` (Redis clock, ms), each with the id of the process that passed. */
  gatePasses(from: number, to: number): Promise<{ readonly at: number; readonly by: string }[]>;
  /** The Redis keys of this fleet (for tests and tooling). */
  readonly keys: {
    readonly backoff: string;
    readonly rate: string;
    readonly trace: string;
    readonly windows: string;
    claim(externalProcessId: string): string;
    sent(externalProcessId: string): string;
  };
}

// Returns {0, now} to go, {1, ms} backoff open, {2, ms} budget spent, {3, 0} claim lost.
const GATE = luaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = tonumber(redis.call('GET', KEYS[1]) or '0')
if untilMs > now then return {1, untilMs - now} end
local max = tonumber(ARGV[1])
if max > 0 and ARGV[6] == '1' then
  local k = KEYS[2] .. ':' .. math.floor(now / 1000)
  local n = redis.call('INCR', k)
  if n == 1 then redis.call('PEXPIRE', k, 2000) end
  if n > max then return {2, 1000 - (now % 1000)} end
end
if ARGV[2] ~= '' then
  -- Create Model: only under the claim, and its send time is recorded (see createQuietMs).
  if redis.call('GET', KEYS[3]) ~= ARGV[2] then return {3, 0} end
  redis.call('PEXPIRE', KEYS[3], ARGV[3])
  redis.call('SET', KEYS[5], now, 'PX', ARGV[7])
end
if ARGV[4] == '1' then
  redis.call('ZADD', KEYS[4], now, ARGV[5])
  redis.call('PEXPIRE', KEYS[4], 86400000)
end
return {0, now}
`);

// Milliseconds left in the backoff window (the key lives exactly as long as its window).
const BACKOFF_LEFT = luaScript(`
local ms = redis.call('PTTL', KEYS[1])
if ms < 0 then return 0 end
return ms
`);

// Opens the window unless a longer one is open; logs it. Returns {openedAt, until}.
const BACKOFF = luaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local untilMs = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current >= untilMs then return {now, current} end
redis.call('SET', KEYS[1], untilMs, 'PX', ARGV[1])
redis.call('LPUSH', KEYS[2], now .. ':' .. untilMs)
redis.call('LTRIM', KEYS[2], 0, 99)
return {now, untilMs}
`);

// Takes (or keeps) the claim unless Create Model was sent for the upload less than ARGV[3] ms
// ago. Returns {1, 0} granted, {0, ms} not granted (ms: when to ask again).
const CLAIM = luaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local sentAt = tonumber(redis.call('GET', KEYS[2]) or '0')
local quiet = tonumber(ARGV[3])
if sentAt > 0 and now - sentAt < quiet then return {0, quiet - (now - sentAt)} end
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {1, 0}
end
if holder then return {0, redis.call('PTTL', KEYS[1])} end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return {1, 0}
`);

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The path of a request's URL (for wait notices), or '' when it is not a URL. */
function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}

/** The upload id of a Create Model request, from the operation the client put on it (never from its URL or body). */
function createModelUpload(init: FetchInit): string | undefined {
  const operation = init.operation;
  return operation?.name === 'createModel' ? operation.trainingId : undefined;
}

/**
 * The fleet's shared state on a Redis connection: the backoff window every process respects
 * after a 429 anywhere, an optional request budget for the whole fleet, and claims so that
 * only one process sends Create Model for an upload.
 *
 * The gate is an interceptor of the client's request chain ({@link Fleet.interceptor}): it runs
 * for each attempt after the retry policy, the credentials and the limiter, right before the
 * tracing hook and the fetch, and knows Create Model by its operation. Create Model, and every
 * request when a budget (`maxPerSecond`) or `trace` is set, runs one Lua script (atomic:
 * backoff check, claim check, budget). Other requests (status polls) check this process's copy
 * of the backoff window, re-read from Redis every `backoffRefreshMs` (so a poll costs Redis
 * nothing). A 429 answer opens the window for its `Retry-After` (or `retry-after-ms`); requests
 * wait it out instead of being sent.
 *
 * A claim is `SET claim:<upload> <token> NX PX claimTtlMs`. The gate checks (and renews) it in
 * the same script that lets Create Model go, so a process paused past the claim's lifetime
 * (a zombie) cannot send it after waking: it gets {@link ClaimLostError} instead.
 *
 * **Errors**: requests fail with {@link ClaimLostError}, or with Redis' errors when Redis is
 * unreachable (nothing is sent then).
 *
 * **Cancellation**: a request waiting at the gate stops waiting when it is unsubscribed (with
 * the deprecated {@link Fleet.fetch}: when its signal aborts).
 *
 * ## Example
 * ```ts
 * import { Redis } from 'ioredis';
 * const fleet = createFleet(new Redis('redis://127.0.0.1:6379'), { name: 'trainings', maxPerSecond: 20 });
 * const client = createNodeClient({ baseUrl, apiKey, interceptors: [fleet.interceptor()] });
 * ```
 *
 * @param redis - An ioredis connection (not closed by the fleet).
 * @param options - Namespace, budget, claim lifetime.
 * @returns The fleet.
 */
export function createFleet(redis: RedisLike, options: FleetOptions = {}): Fleet {
  const base = `${options.prefix ?? 'p1rx-fleet'}:${options.name ?? 'p1rx'}`;
  const keys = {
    backoff: `${base}:backoff`,
    rate: `${base}:rate`,
    trace: `${base}:trace`,
    windows: `${base}:backoffs`,
    claim: (id: string) => `${base}:claim:${id}`,
    sent: (id: string) => `${base}:sent:${id}`,
  };
  const createQuietMs = options.createQuietMs ?? LIBRARY_DEFAULTS.fleet.createQuietMs;
  const claimTtlMs = options.claimTtlMs ?? LIBRARY_DEFAULTS.fleet.claimTtlMs;
  const maxPerSecond = options.maxPerSecond ?? LIBRARY_DEFAULTS.fleet.maxPerSecond;
  const held = new Map<string, string>();
  const processId = randomUUID();
  let seq = 0;
  // Requests that need no per-request script (no claim, no budget, no trace) read this process's
  // copy of the backoff window (`Date.now()` ms), re-read from Redis every `backoffRefreshMs`.
  const cheapGate = maxPerSecond === 0 && !options.trace;
  const refreshMs = options.backoffRefreshMs ?? LIBRARY_DEFAULTS.fleet.backoffRefreshMs;
  let localUntil = 0;
  let readAt = Number.NEGATIVE_INFINITY;
  let reading: Promise<void> | undefined;
  const reread = (): Promise<void> =>
    (reading ??= BACKOFF_LEFT.run(redis, [keys.backoff], [])
      .then((left) => {
        const now = Date.now();
        // A window never shrinks (BACKOFF keeps the longer one): the later end wins.
        localUntil = Math.max(localUntil, now + Number(left));
        readAt = now;
      })
      .finally(() => {
        reading = undefined;
      }));

  const localGate = async (request: { method: string; url: string; signal?: AbortSignal }): Promise<void> => {
    for (;;) {
      if (Date.now() - readAt >= refreshMs) await reread();
      const left = localUntil - Date.now();
      if (left <= 0) return;
      if (options.onWait) options.onWait({ reason: 'backoff', ms: left, method: request.method, path: pathOf(request.url) });
      await sleep(left, request.signal);
    }
  };

  const gate = async (claimId: string | undefined, counted: boolean, request: { method: string; url: string; signal?: AbortSignal }): Promise<void> => {
    const token = claimId === undefined ? '' : (held.get(claimId) ?? 'none');
    for (;;) {
      const [code, value] = (await GATE.run(
        redis,
        [
          keys.backoff,
          keys.rate,
          claimId === undefined ? keys.claim('') : keys.claim(claimId),
          keys.trace,
          claimId === undefined ? keys.sent('') : keys.sent(claimId),
        ],
        [
          String(maxPerSecond),
          token,
          String(claimTtlMs),
          options.trace ? '1' : '0',
          `${processId}:${++seq}`,
          counted ? '1' : '0',
          String(Math.max(createQuietMs * 2, 86_400_000)),
        ],
      )) as [number, number];
      if (code === 0) return;
      if (code === 3) {
        options.onClaimLost?.(claimId!);
        throw new ClaimLostError(claimId!);
      }
      if (options.onWait) options.onWait({ reason: code === 1 ? 'backoff' : 'budget', ms: value, method: request.method, path: pathOf(request.url) });
      await sleep(Math.max(1, value), request.signal);
    }
  };

  /** Opens the fleet's pause after a 429 from the API, for its `Retry-After` (capped). */
  const pauseAfter429 = (retryAfter: number | undefined): Promise<BackoffWindow> =>
    backoff(
      Math.min(
        retryAfter ?? options.defaultRetryAfterMs ?? LIBRARY_DEFAULTS.fleet.defaultRetryAfterMs,
        options.maxRetryAfterMs ?? LIBRARY_DEFAULTS.fleet.maxRetryAfterMs,
      ),
    );

  const backoff = async (ms: number): Promise<BackoffWindow> => {
    const [openedAt, until] = (await BACKOFF.run(redis, [keys.backoff, keys.windows], [String(Math.max(1, Math.round(ms)))])) as [number, number];
    const window = { openedAt, until };
    // This process pauses at once (the others when they next re-read the window).
    localUntil = Math.max(localUntil, Date.now() + (until - openedAt));
    options.onBackoff?.(window);
    return window;
  };

  // The fleet gate as an interceptor: it knows a request by its operation, never by its URL or body.
  const interceptor: Interceptor = <T>(call: InterceptedCall, next: InterceptorNext<T>): Observable<T> => {
    // A prediction API's endpoint: not the API's budget, and its 429 is its own.
    if (call.target !== 'api') return next(call);
    const claimId = call.operation === 'createModel' ? call.trainingId : undefined;
    const sent = next(call).pipe(
      catchError((err: unknown) =>
        err instanceof ApiError && err.httpStatus === 429
          ? from(pauseAfter429(err.retryAfterMs)).pipe(mergeMap(() => throwError(() => err)))
          : throwError(() => err),
      ),
    );
    // A status poll with nothing to ask Redis: this process's copy of the window is fresh and closed.
    if (claimId === undefined && cheapGate) {
      const now = Date.now();
      if (now - readAt < refreshMs && localUntil <= now) return sent;
    }
    return new Observable<T>((subscriber) => {
      const abort = new AbortController();
      let inner: Subscription | undefined;
      const request = { method: call.method, url: call.url, signal: abort.signal };
      (claimId === undefined && cheapGate ? localGate(request) : gate(claimId, true, request)).then(
        () => {
          if (!abort.signal.aborted) inner = sent.subscribe(subscriber);
        },
        (err: unknown) => {
          if (abort.signal.aborted) return;
          // Redis failed (nothing was sent): a network failure of the request, as the transport reports one.
          subscriber.error(err instanceof PredictionOneError ? err : new NetworkError(call.method, call.url, err));
        },
      );
      return () => {
        abort.abort();
        inner?.unsubscribe();
      };
    });
  };

  return {
    keys,
    interceptor: () => interceptor,
    fetch(inner, fetchOptions = {}) {
      const apiBase = fetchOptions.apiBaseUrl;
      return async (url, init) => {
        // Another host (the storage of uploads and results): not the API's budget, and its 429 is
        // its own (the transport's retries handle it); the fleet neither waits nor pauses for it.
        if (apiBase !== undefined && !url.startsWith(apiBase)) return inner(url, init);
        const claimId = createModelUpload(init);
        if (claimId === undefined && cheapGate) await localGate({ method: init.method, url, signal: init.signal });
        else await gate(claimId, true, { method: init.method, url, signal: init.signal });
        const response = await inner(url, init);
        if (response.status === 429) await pauseAfter429(retryAfterMs(response.headers, Date.now()));
        return response;
      };
    },
    async claim(externalProcessId) {
      const token = held.get(externalProcessId) ?? `${process.pid}:${processId}:${randomUUID()}`;
      const [granted, ms] = (await CLAIM.run(
        redis,
        [keys.claim(externalProcessId), keys.sent(externalProcessId)],
        [token, String(claimTtlMs), String(createQuietMs)],
      )) as [number, number];
      if (granted === 1) {
        held.set(externalProcessId, token);
        return { granted: true };
      }
      return { granted: false, retryAfterMs: ms > 0 ? ms : 100 };
    },
    forget(externalProcessId) {
      held.delete(externalProcessId);
    },
    backoff,
    async backoffLeftMs() {
      const until = Number((await redis.get(keys.backoff)) ?? 0);
      const [s, us] = await redis.time();
      return Math.max(0, until - (Number(s) * 1000 + Math.floor(Number(us) / 1000)));
    },
    async backoffWindows() {
      const items = await redis.lrange(keys.windows, 0, -1);
      return items.map((item) => {
        const [openedAt, until] = item.split(':').map(Number);
        return { openedAt, until };
      });
    },
    async gatePasses(from, to) {
      const items = await redis.zrangebyscore(keys.trace, from, to, 'WITHSCORES');
      const passes: { at: number; by: string }[] = [];
      for (let i = 0; i + 1 < items.length; i += 2) passes.push({ at: Number(items[i + 1]), by: items[i].slice(0, items[i].lastIndexOf(':')) });
      return passes;
    },
  };
}
