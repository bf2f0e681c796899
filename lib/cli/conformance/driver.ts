/** The driver of p1rx conformance: raw requests, recorded lines and the secrets met. */
/**
 * The driver of `p1rx conformance`: raw requests with a polite 429 retry, one recorded line per
 * check, the secrets met on the way.
 *
 * @packageDocumentation
 */
import type * as t from 'io-ts';
import type { FetchLike } from 'prediction-one-rx';
import { send, type RawRequest, type RawResponse } from './http';
import { shapeDifferences, type Shape, type ShapeDifference } from './shapes';
import { decodeVerdict, errorVerdict, type ClientVerdict } from './verdict';
import { LIBRARY_DEFAULTS } from '../../core/defaults';

/** What `runConformance` needs. @internal */
export interface ConformanceOptions {
  readonly baseUrl: string;
  readonly apiKey?: string;
  readonly secretKey?: string;
  /** The model to ask a retrain key for (default: the first model of the listing). */
  readonly modelId?: number;
  /** Also train a tiny model through to its result, then delete it and its data sets. */
  readonly train?: boolean;
  /** Also deploy a classifier (of the trained model, or `modelId`), run one inference, delete it. */
  readonly deploy?: boolean;
  readonly fetch: FetchLike;
  /** First wait between status polls (doubles up to 30 s). Default 2000 ms. */
  readonly pollIntervalMs?: number;
  /** Longest wait for the training. Default 30 minutes. */
  readonly maxWaitMs?: number;
  /** Per request. Default 60 s. */
  readonly requestTimeoutMs?: number;
  /** Waits between polls and before a 429 retry (injectable for tests). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The outcome of one check; `empty`: a list came empty, its items' shape is not checked. @internal */
export type CheckResult = 'ok' | 'fail' | 'skipped' | 'empty';

/** One line of the report. @internal */
export interface CheckReport {
  /** `METHOD path` and what is checked, e.g. `GET /v1/external/api-key (train)`. */
  readonly endpoint: string;
  /** The vendor's page of the endpoint, by its public URL (see docs/CONTRACT.md). */
  readonly page?: string;
  readonly result: CheckResult;
  readonly httpStatus?: number;
  /** Where the body differs from the documented shape (or the status from 2xx). */
  readonly differences: readonly ShapeDifference[];
  /** Whether the client still reads this answer (set where a client codec or error applies). */
  readonly client?: ClientVerdict;
  /** Why it was skipped, or what it found. */
  readonly note?: string;
}

/** A request of a check: bounds default to the JSON ones. @internal */
export type CheckRequest = Omit<RawRequest, 'maxBytes' | 'timeoutMs'> & { maxBytes?: number };

const JSON_MAX_BYTES = 16 * 1024 * 1024;
/** Tries of a request answered 429; the wait is its `Retry-After` (at most a minute), else 1, 2, 4 s. */
const RATE_LIMIT_TRIES = 4;
const MAX_RETRY_AFTER_MS = 60_000;

/** The error body's fields, for a line of the report. @internal */
export function describeError(res: RawResponse): string {
  const body = res.json as { code?: unknown; error?: unknown; message?: unknown } | undefined;
  if (!res.isJson || typeof body !== 'object' || body === null) return `${res.status} (not JSON)`;
  return [res.status, body.code, body.error].filter((x) => x !== undefined).join(' ') + (typeof body.message === 'string' ? `: ${body.message}` : '');
}

/**
 * One conformance run: sends the checks' requests, records their lines, remembers every secret
 * it met (keys, pre-signed URLs) so the report can redact them.
 *
 * @internal
 */
export class Run {
  readonly checks: CheckReport[] = [];
  /** Values never to print: keys and pre-signed URLs met on the way. */
  readonly secrets: string[] = [];
  /** 429 answers waited out. */
  rateLimited = 0;
  private readonly timeoutMs: number;

  constructor(readonly o: ConformanceOptions) {
    this.timeoutMs = o.requestTimeoutMs ?? LIBRARY_DEFAULTS.client.requestTimeoutMs;
    for (const s of [o.apiKey, o.secretKey]) if (s) this.secrets.push(s);
  }

  url(path: string, query: Record<string, string | number> = {}): string {
    const q = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
    return `${this.o.baseUrl.replace(/\/+$/, '')}${path}${q ? `?${q}` : ''}`;
  }

  record(check: CheckReport): CheckReport {
    this.checks.push(check);
    return check;
  }

  skip(endpoint: string, page: string | undefined, note: string): void {
    this.record({ endpoint, page, result: 'skipped', differences: [], note });
  }

  /** Remembers secrets found in a body: every `*key*` and `*url*` string value. */
  collectSecrets(value: unknown): void {
    if (Array.isArray(value)) value.forEach((v) => this.collectSecrets(v));
    else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) {
        if (typeof v === 'string' && /key|url/i.test(k) && v.length >= 6) this.secrets.push(v);
        else this.collectSecrets(v);
      }
    }
  }

  /** Sends `request`; a 429 is waited out (its `Retry-After`, else 1, 2, 4 s) and sent again, up to 4 tries. */
  async request(request: CheckRequest): Promise<RawResponse | Error> {
    for (let attempt = 1; ; attempt++) {
      let res: RawResponse;
      try {
        res = await send(this.o.fetch, { maxBytes: JSON_MAX_BYTES, timeoutMs: this.timeoutMs, ...request });
      } catch (err) {
        return err instanceof Error ? err : new Error(String(err));
      }
      if (res.isJson) this.collectSecrets(res.json);
      if (res.status !== 429 || attempt >= RATE_LIMIT_TRIES) return res;
      this.rateLimited++;
      const waitMs = res.retryAfterMs ?? LIBRARY_DEFAULTS.conformance.retryBaseMs * 2 ** (attempt - 1);
      await this.sleep(Math.min(waitMs, MAX_RETRY_AFTER_MS));
    }
  }

  /**
   * One JSON endpoint: the request, then the body against `shape` (and `extra` checks of its
   * meaning), and against the client's `codec` for the verdict. Resolves with the body when the
   * call answered 2xx JSON. With `list`, an empty list at that field is `empty`, not `ok`.
   */
  async json(
    endpoint: string,
    page: string,
    request: CheckRequest,
    shape: Shape,
    more: { extra?: (json: unknown) => ShapeDifference[]; codec?: t.Mixed; list?: string } = {},
  ): Promise<unknown> {
    const res = await this.request(request);
    if (res instanceof Error) {
      this.record({ endpoint, page, result: 'fail', differences: [{ field: '(request)', expected: 'an answer', got: `${res.name}: ${res.message}` }] });
      return undefined;
    }
    if (res.status < 200 || res.status >= 300) {
      const differences = [{ field: '(http status)', expected: '2xx', got: describeError(res) }];
      this.record({ endpoint, page, result: 'fail', httpStatus: res.status, differences, client: errorVerdict(res, request.method, request.url) });
      return undefined;
    }
    if (!res.isJson) {
      const got = res.text.trim() === '' ? 'an empty body' : 'text that is not JSON';
      this.record({
        endpoint,
        page,
        result: 'fail',
        httpStatus: res.status,
        differences: [{ field: '(root)', expected: 'JSON', got }],
        client: `client breaks: DecodeError ${got}`,
      });
      return undefined;
    }
    const differences = [...shapeDifferences(shape, res.json), ...(more.extra?.(res.json) ?? [])];
    const client = more.codec === undefined ? undefined : decodeVerdict(more.codec, res.json);
    const items = more.list === undefined ? undefined : (res.json as Record<string, unknown>)[more.list];
    const empty = Array.isArray(items) && items.length === 0;
    const result = differences.length > 0 ? 'fail' : empty ? 'empty' : 'ok';
    this.record({
      endpoint,
      page,
      result,
      httpStatus: res.status,
      differences,
      client,
      note: empty ? `not checked: empty (no ${more.list} item to compare)` : undefined,
    });
    return res.json;
  }

  /** An endpoint documented with no response body: a 2xx is all that is checked. */
  async noBody(endpoint: string, page: string | undefined, request: CheckRequest, note?: string): Promise<boolean> {
    const res = await this.request(request);
    if (res instanceof Error) {
      this.record({ endpoint, page, result: 'fail', differences: [{ field: '(request)', expected: 'an answer', got: `${res.name}: ${res.message}` }] });
      return false;
    }
    const ok = res.status >= 200 && res.status < 300;
    const differences = ok ? [] : [{ field: '(http status)', expected: '2xx', got: describeError(res) }];
    this.record({
      endpoint,
      page,
      result: ok ? 'ok' : 'fail',
      httpStatus: res.status,
      differences,
      note,
      client: ok ? undefined : errorVerdict(res, request.method, request.url),
    });
    return ok;
  }

  /**
   * The newest items of a listing (oldest first, so the end): from `from`, or from 100 before the
   * end when not given, to the end, in pages of 100 (at most 100 pages, stopping at a short
   * page). What a run created is at the end, so an account with 300,000 items costs a few pages.
   */
  async listTail(
    path: string,
    field: 'models' | 'data_sets',
    key: string,
    from?: number,
  ): Promise<{ offset: number; items: Record<string, unknown>[] } | undefined> {
    let offset = from;
    if (offset === undefined) {
      const head = await this.request({ method: 'GET', url: this.url(path, { offset: 0, limit: 1 }), key });
      if (head instanceof Error || head.status >= 300 || !head.isJson) return undefined;
      const total = Number((head.json as { metadata?: { total?: unknown } }).metadata?.total);
      if (!Number.isSafeInteger(total) || total < 0) return undefined;
      offset = Math.max(0, total - 100);
    }
    const start = offset;
    const items: Record<string, unknown>[] = [];
    for (let page = 0; page < 100; page++) {
      const res = await this.request({ method: 'GET', url: this.url(path, { offset, limit: 100 }), key });
      if (res instanceof Error || res.status >= 300 || !res.isJson) return undefined;
      const list = (res.json as Record<string, unknown>)[field];
      if (!Array.isArray(list)) return undefined;
      items.push(...(list as Record<string, unknown>[]));
      offset += list.length;
      if (list.length < 100) break;
    }
    return { offset: start, items };
  }

  sleep(ms: number): Promise<void> {
    return this.o.sleep ? this.o.sleep(ms) : new Promise((resolve) => setTimeout(resolve, ms));
  }
}
