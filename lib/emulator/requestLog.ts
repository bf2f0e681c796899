/** The emulator's request log and its waiters. */
import type { RecordedRequest } from './types';

interface Waiter {
  route: string;
  resolve: (req: RecordedRequest) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * The emulator's request log and the waiters on it (the server-side half of Angular's
 * `HttpTestingController`). Each `waitFor*` call consumes the oldest matching entry not yet
 * handed out, so two sequential waits see two different requests.
 *
 * ## Example
 * ```ts
 * const log = new RequestLog();
 * const next = log.waitForRequest('GET /x', 1000);
 * log.add({ method: 'GET', path: '/x', route: 'GET /x', aborted: false, startedAt: Date.now() });
 * await next;
 * ```
 * @internal
 */
export class RequestLog {
  private entries: RecordedRequest[] = [];
  private readonly seen = new Set<RecordedRequest>();
  private readonly seenAborted = new Set<RecordedRequest>();
  private readonly requestWaiters = new Set<Waiter>();
  private readonly abortWaiters = new Set<Waiter>();

  /** Every request, in arrival order. */
  get requests(): readonly RecordedRequest[] {
    return this.entries;
  }

  /** Appends a request and wakes the oldest waiter for its route. */
  add(req: RecordedRequest): void {
    this.entries.push(req);
    this.wake(this.requestWaiters, this.seen, req);
  }

  /** Marks a request aborted and wakes the oldest abort waiter for its route. */
  markAborted(req: RecordedRequest): void {
    req.aborted = true;
    this.wake(this.abortWaiters, this.seenAborted, req);
  }

  /** Number of requests on a route. */
  count(route: string): number {
    return this.entries.filter((r) => r.route === route).length;
  }

  /** The single request on a route, else throws listing what was recorded. */
  expectOne(route: string): RecordedRequest {
    const matches = this.entries.filter((r) => r.route === route);
    if (matches.length !== 1) {
      const routes = this.entries.map((r) => r.route).join(', ') || 'none';
      throw new Error(`Expected exactly one request for '${route}', found ${matches.length}. Recorded: ${routes}.`);
    }
    return matches[0];
  }

  /** See {@link Emulator.waitForRequest}. */
  waitForRequest(route: string, timeoutMs: number): Promise<RecordedRequest> {
    return this.waitIn(this.requestWaiters, this.seen, (r) => r.route === route, route, timeoutMs, 'request');
  }

  /** See {@link Emulator.waitForAbort}. */
  waitForAbort(route: string, timeoutMs: number): Promise<RecordedRequest> {
    return this.waitIn(this.abortWaiters, this.seenAborted, (r) => r.route === route && r.aborted, route, timeoutMs, 'aborted request');
  }

  /** Forgets entries and waiter positions (pending waiters keep waiting for new requests). */
  clear(): void {
    this.entries = [];
    this.seen.clear();
    this.seenAborted.clear();
  }

  /** Rejects every pending waiter (used by `close()`, so no test hangs on a dead server). */
  rejectAll(reason: string): void {
    for (const waiters of [this.requestWaiters, this.abortWaiters]) {
      for (const w of waiters) {
        clearTimeout(w.timer);
        w.reject(new Error(reason));
      }
      waiters.clear();
    }
  }

  private waitIn(
    waiters: Set<Waiter>,
    seen: Set<RecordedRequest>,
    match: (r: RecordedRequest) => boolean,
    route: string,
    timeoutMs: number,
    what: string,
  ): Promise<RecordedRequest> {
    const ready = this.entries.find((r) => match(r) && !seen.has(r));
    if (ready !== undefined) {
      seen.add(ready);
      return Promise.resolve(ready);
    }
    const pending = new Promise<RecordedRequest>((resolve, reject) => {
      const waiter: Waiter = {
        route,
        resolve,
        reject,
        timer: setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`No ${what} for '${route}' within ${timeoutMs} ms.`));
        }, timeoutMs),
      };
      waiters.add(waiter);
    });
    // A test that started a wait but never awaited it must not crash Jest with an unhandled
    // rejection when close() (or the timeout) rejects it; callers that await still see the error.
    pending.catch(() => undefined);
    return pending;
  }

  private wake(waiters: Set<Waiter>, seen: Set<RecordedRequest>, req: RecordedRequest): void {
    for (const w of waiters) {
      if (w.route !== req.route) continue;
      waiters.delete(w);
      clearTimeout(w.timer);
      seen.add(req);
      w.resolve(req);
      return;
    }
  }
}
