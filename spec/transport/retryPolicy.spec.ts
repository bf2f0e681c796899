/** Specs: what is retried. */
import { Observable } from 'rxjs';
import { ApiError, AuthError, DeadlineExceededError, NetworkError, RateLimitError, RequestTimeoutError, ServerError } from '../../lib/core/errors';
import type { RetryEvent } from '../../lib/core/config';
import { backoffDelayMs, budgetSpent, isRetryable, retryTransient } from '../../lib/transport/retryPolicy';
import { testScheduler } from '../helpers/marbles';
import { redactUrl } from '../../lib/core/redact';
import { resolveRetryOptions } from '../../lib/core/settings';

const url = 'http://127.0.0.1/v1/external/models/results?external_process_id=x';
const server = (retryAfterMs?: number) => new ServerError({ httpStatus: 503, method: 'GET', url, retryAfterMs });
const refused = () => new NetworkError('POST', url, Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
const reset = () => new NetworkError('POST', url, Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
const badKey = () =>
  new AuthError({ httpStatus: 400, code: 4001000204, error: 'PREDA_EXTERNAL_BAD_REQUEST', apiMessage: 'invalid_api_key.', method: 'GET', url });

describe('isRetryable', () => {
  it('should retry network errors, 5xx, 429 and 408 on idempotent requests', () => {
    expect(isRetryable(server(), true)).toBe(true);
    expect(isRetryable(new RateLimitError({ httpStatus: 429, method: 'GET', url }), true)).toBe(true);
    expect(isRetryable(new ApiError({ httpStatus: 408, method: 'GET', url }), true)).toBe(true);
    expect(isRetryable(reset(), true)).toBe(true);
  });

  it('should never retry documented client errors', () => {
    expect(isRetryable(badKey(), true)).toBe(false);
    expect(isRetryable(new ApiError({ httpStatus: 400, code: 4001000204, method: 'POST', url }), true)).toBe(false);
    expect(isRetryable(new Error('plain'), true)).toBe(false);
  });

  it('should retry a non-idempotent request only when it provably never left', () => {
    expect(isRetryable(refused(), false)).toBe(true);
    expect(isRetryable(reset(), false)).toBe(false);
    expect(isRetryable(server(), false)).toBe(false);
  });
});

describe('backoffDelayMs', () => {
  it('should grow exponentially under full jitter and cap at maxDelayMs', () => {
    const options = { baseDelayMs: 100, maxDelayMs: 1000, random: () => 1 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(n, server(), resolveRetryOptions(options)))).toEqual([100, 200, 400, 800, 1000]);
    expect(backoffDelayMs(3, server(), resolveRetryOptions({ ...options, random: () => 0.25 }))).toBe(100);
  });

  it('should honour Retry-After, capped at maxDelayMs', () => {
    expect(backoffDelayMs(1, server(2000), resolveRetryOptions({ maxDelayMs: 5000 }))).toBe(2000);
    expect(backoffDelayMs(1, server(60_000), resolveRetryOptions({ maxDelayMs: 5000 }))).toBe(5000);
  });
});

describe('retryTransient', () => {
  it('should resubscribe after the backoff delay and succeed', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      let n = 0;
      const source = cold('-#', undefined, server());
      const ok = cold('-(a|)');
      const request$ = new Observable<string>((s) => (n++ < 2 ? source : ok).subscribe(s));
      const options = { maxAttempts: 4, baseDelayMs: 10, random: () => 1 };
      // fail at 1, wait 10, fail at 12, wait 20, succeed at 33
      expectObservable(request$.pipe(retryTransient({ method: 'GET', url, idempotent: true }, resolveRetryOptions(options)))).toBe('33ms (a|)');
      expectSubscriptions(source.subscriptions).toBe(['^!', '11ms ^!']);
    });
  });

  it('should give up after maxAttempts with the last error', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const error = server();
      const source = cold('-#', undefined, error);
      const options = { maxAttempts: 3, baseDelayMs: 10, random: () => 1 };
      expectObservable(source.pipe(retryTransient({ method: 'GET', url, idempotent: true }, resolveRetryOptions(options)))).toBe('33ms #', undefined, error);
      expectSubscriptions(source.subscriptions).toBe(['^!', '11ms ^!', '32ms ^!']);
    });
  });

  it('should fail at once on a non-retryable error', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const error = badKey();
      const source = cold('-#', undefined, error);
      expectObservable(source.pipe(retryTransient({ method: 'GET', url, idempotent: true }, resolveRetryOptions({ maxAttempts: 5 })))).toBe(
        '-#',
        undefined,
        error,
      );
      expectSubscriptions(source.subscriptions).toBe(['^!']);
    });
  });

  it('should wait for Retry-After', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('-#', undefined, server(50));
      const options = { maxAttempts: 2, baseDelayMs: 1, random: () => 1 };
      expectObservable(source.pipe(retryTransient({ method: 'GET', url, idempotent: true }, resolveRetryOptions(options)))).toBe(
        '52ms #',
        undefined,
        server(50),
      );
    });
  });

  it('should not resend a POST after an ambiguous failure', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const error = reset();
      const source = cold('-#', undefined, error);
      expectObservable(source.pipe(retryTransient({ method: 'POST', url, idempotent: false }, resolveRetryOptions({ maxAttempts: 5 })))).toBe(
        '-#',
        undefined,
        error,
      );
      expectSubscriptions(source.subscriptions).toBe(['^!']);
    });
  });

  it('should share one operator per idempotence when no onRetry hook needs the request, retrying as the per-request one does', () => {
    const shared = resolveRetryOptions({ maxAttempts: 3, baseDelayMs: 10, random: () => 1 });
    const get = { method: 'GET', url, idempotent: true };
    const post = { method: 'POST', url, idempotent: false };
    expect(retryTransient(get, shared)).toBe(retryTransient({ ...get, url: `${url}2` }, shared));
    expect(retryTransient(post, shared)).not.toBe(retryTransient(get, shared));
    const perRequest = resolveRetryOptions({ maxAttempts: 3, baseDelayMs: 10, random: () => 1, onRetry: () => undefined });
    expect(retryTransient(get, perRequest)).not.toBe(retryTransient(get, perRequest));
    for (const options of [shared, perRequest]) {
      testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
        const error = reset();
        const getSource = cold('-#', undefined, error);
        const postSource = cold('-#', undefined, error);
        // The POST after the GET, through the same options: an ambiguous failure is still final for it.
        expectObservable(getSource.pipe(retryTransient(get, options))).toBe('33ms #', undefined, error);
        expectObservable(postSource.pipe(retryTransient(post, options))).toBe('-#', undefined, error);
        expectSubscriptions(getSource.subscriptions).toBe(['^!', '11ms ^!', '32ms ^!']);
        expectSubscriptions(postSource.subscriptions).toBe(['^!']);
      });
    }
  });

  it('should report each retry with attempt, delay and cause, without secrets', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const events: RetryEvent[] = [];
      const source = cold('-#', undefined, server());
      const options = { maxAttempts: 3, baseDelayMs: 10, random: () => 1, onRetry: (e: RetryEvent) => events.push(e) };
      expectObservable(source.pipe(retryTransient({ method: 'GET', url, idempotent: true }, resolveRetryOptions(options)))).toBe('33ms #', undefined, server());
      cold('40ms |').subscribe({
        complete: () => {
          expect(events.map((e) => [e.attempt, e.maxAttempts, e.delayMs, e.cause.name])).toEqual([
            [2, 3, 10, 'ServerError'],
            [3, 3, 20, 'ServerError'],
          ]);
          expect(events[0].url).not.toContain('external_process_id=x');
        },
      });
    });
  });

  it('should stop the backoff timer and never resubscribe once unsubscribed while waiting', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-#', undefined, server());
      const options = { maxAttempts: 5, baseDelayMs: 10, random: () => 1 };
      // Fails at 1, the retry would come at 11: unsubscribed at 5, during the wait.
      expectObservable(source.pipe(retryTransient({ method: 'GET', url, idempotent: true }, resolveRetryOptions(options))), '^----!').toBe('-');
      expectSubscriptions(source.subscriptions).toBe(['^!']);
    });
  });

  it('should abort the attempt in flight when unsubscribed', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-----a|');
      expectObservable(source.pipe(retryTransient({ method: 'GET', url, idempotent: true }, resolveRetryOptions({ maxAttempts: 3 }))), '^--!').toBe('');
      expectSubscriptions(source.subscriptions).toBe(['^--!']);
    });
  });

  it('should end with the error of an onRetry hook that throws, without retrying', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const hookError = new Error('hook failed');
      const source = cold('-#', undefined, server());
      const options = {
        maxAttempts: 5,
        onRetry: () => {
          throw hookError;
        },
      };
      expectObservable(source.pipe(retryTransient({ method: 'GET', url, idempotent: true }, resolveRetryOptions(options)))).toBe('-#', undefined, hookError);
      expectSubscriptions(source.subscriptions).toBe(['^!']);
    });
  });

  it('should leave the source as it is when maxAttempts is 1', () => {
    const source = new Observable<string>();
    expect(source.pipe(retryTransient({ method: 'GET', url, idempotent: true }, resolveRetryOptions({ maxAttempts: 1 })))).toBe(source);
  });

  it('should count attempts per subscription: a second subscriber gets its own', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const error = server();
      const source = cold('-#', undefined, error);
      const retried = source.pipe(
        retryTransient({ method: 'GET', url, idempotent: true }, resolveRetryOptions({ maxAttempts: 2, baseDelayMs: 10, random: () => 1 })),
      );
      expectObservable(retried).toBe('12ms #', undefined, error);
      expectObservable(retried, '20ms ^').toBe('20ms 12ms #', undefined, error);
      expectSubscriptions(source.subscriptions).toBe(['^!', '11ms ^!', '20ms ^!', '31ms ^!']);
    });
  });

  it('should bound a call whose every attempt times out by requestTimeoutMs x maxAttempts plus backoff', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      // Each attempt is a request to a server that never answers: it ends with the request timeout (100 ms).
      const timeout = new RequestTimeoutError('GET', url, 100);
      const source = cold('100ms #', undefined, timeout);
      const options = { maxAttempts: 4, baseDelayMs: 10, random: () => 1 };
      // 4 x 100 ms of attempts + 10 + 20 + 40 ms of backoff = 470 ms, not a frame more.
      expectObservable(source.pipe(retryTransient({ method: 'GET', url, idempotent: true }, resolveRetryOptions(options)))).toBe('470ms #', undefined, timeout);
      expectSubscriptions(source.subscriptions).toBe(['^ 99ms !', '110ms ^ 99ms !', '230ms ^ 99ms !', '370ms ^ 99ms !']);
    });
  });

  it('should end a call at its deadline, aborting the attempt in flight', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const timeout = new RequestTimeoutError('GET', url, 100);
      const source = cold('100ms #', undefined, timeout);
      const options = { maxAttempts: 4, baseDelayMs: 10, random: () => 1, deadlineMs: 250 };
      // Attempts at 0, 110 and 230; the third is cut at 250.
      const deadline = new DeadlineExceededError(`GET ${redactUrl(url)}`, 250, 3, timeout);
      expectObservable(source.pipe(retryTransient({ method: 'GET', url, idempotent: true }, resolveRetryOptions(options)))).toBe(
        '250ms #',
        undefined,
        deadline,
      );
      expectSubscriptions(source.subscriptions).toBe(['^ 99ms !', '110ms ^ 99ms !', '230ms ^ 19ms !']);
    });
  });

  it('should not start a retry whose wait ends past the deadline', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('100ms #', undefined, server());
      const events: RetryEvent[] = [];
      const options = { maxAttempts: 4, baseDelayMs: 10, random: () => 1, deadlineMs: 215, onRetry: (e: RetryEvent) => events.push(e) };
      // Fails at 100 (retry at 110), at 210: the next wait (20 ms) would end at 230 > 215.
      const result = source.pipe(retryTransient({ method: 'GET', url, idempotent: true }, resolveRetryOptions(options)));
      expectObservable(result).toBe('210ms #', undefined, new DeadlineExceededError(`GET ${redactUrl(url)}`, 215, 2, server()));
      expectSubscriptions(source.subscriptions).toBe(['^ 99ms !', '110ms ^ 99ms !']);
      cold('300ms |').subscribe({ complete: () => expect(events.map((e) => e.attempt)).toEqual([2]) });
    });
  });

  it('should apply the deadline with retries off (maxAttempts 1)', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const source = cold('100ms (a|)');
      const result = source.pipe(retryTransient({ method: 'GET', url, idempotent: true }, resolveRetryOptions({ maxAttempts: 1, deadlineMs: 50 })));
      expectObservable(result).toBe('50ms #', undefined, new DeadlineExceededError(`GET ${redactUrl(url)}`, 50, 1));
    });
  });

  it('should clear the deadline timer when the call succeeds', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const result = cold('10ms (a|)').pipe(retryTransient({ method: 'GET', url, idempotent: true }, resolveRetryOptions({ deadlineMs: 50 })));
      expectObservable(result).toBe('10ms (a|)');
    });
  });

  it('should never retry a failure whose own retry budget is spent (the key exchange)', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const error = budgetSpent(server());
      const source = cold('-#', undefined, error);
      expectObservable(source.pipe(retryTransient({ method: 'GET', url, idempotent: true }, resolveRetryOptions({ maxAttempts: 4 })))).toBe(
        '-#',
        undefined,
        error,
      );
      expectSubscriptions(source.subscriptions).toBe(['^!']);
    });
    expect(isRetryable(budgetSpent(server()), true)).toBe(false);
    expect(isRetryable(server(), true)).toBe(true);
  });
});
