import { VirtualTimeScheduler, asyncScheduler, defer, of, take } from 'rxjs';
import type { ExternalProcessId } from '../../lib/codecs/ids';
import { PollTimeoutError } from '../../lib/core/errors';
import type { StatusEvent } from '../../lib/core/events';
import { pollEvery } from '../../lib/operators/pollEvery';
import { shareLatest } from '../../lib/operators/shareLatest';
import { StatusRun, watchStatus } from '../../lib/operators/watchStatus';
import { TimerQueue } from '../../lib/transport/timerQueue';
import { testScheduler } from '../helpers/marbles';

// The lean poll loop (one observer and one rescheduled timer per run) and the lean share:
// timing cases beyond pollEvery.spec.ts, watchStatus.spec.ts and sharedStatus.spec.ts.

const fixed = { minDelayMs: 10, maxDelayMs: 10, multiplier: 1 };

describe('pollEvery (lean loop)', () => {
  it('should keep the cadence with a poll that answers synchronously (the timer is rescheduled from its own run)', () => {
    testScheduler().run(({ expectObservable }) => {
      let n = 0;
      const poll$ = defer(() => of(++n));
      expectObservable(pollEvery(poll$, (v) => v === 4, fixed)).toBe('a 9ms b 9ms c 9ms (d|)', { a: 1, b: 2, c: 3, d: 4 });
    });
  });

  it('should keep growing intervals when the timer is reused', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const poll$ = cold('--(a|)');
      // polls at 0, 2+10=12, 14+20=34, 36+40=76: response time plus a growing wait.
      expectObservable(pollEvery(poll$, () => false, { minDelayMs: 10, maxDelayMs: 40, multiplier: 2 }), '^ 80ms !').toBe(
        '--a 11ms a 21ms a 41ms a',
      );
    });
  });

  it('should emit a synchronous final value and complete without scheduling anything', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(pollEvery(of('done'), () => true, fixed)).toBe('(d|)', { d: 'done' });
    });
  });

  it('should end with the error of isDone', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const poll$ = cold('-(a|)');
      const boom = new Error('boom');
      expectObservable(
        pollEvery(poll$, () => {
          throw boom;
        }, fixed),
      ).toBe('-#', undefined, boom);
      expectSubscriptions(poll$.subscriptions).toBe('^!');
    });
  });

  it('should cancel the first delay when unsubscribed before the first poll', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const poll$ = cold('-(a|)');
      expectObservable(pollEvery(poll$, () => false, { ...fixed, firstDelayMs: 20 }), '^ 10ms !').toBe('');
      expectSubscriptions(poll$.subscriptions).toBe([]);
    });
  });

  it('should run independent loops for two subscribers', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const poll$ = cold('-(a|)');
      const polled = pollEvery(poll$, () => false, fixed);
      expectObservable(polled, '^ 12ms !').toBe('-a 10ms a');
      expectObservable(polled, '--^ 12ms !').toBe('---a 10ms a');
      expectSubscriptions(poll$.subscriptions).toBe(['^!', '--^!', '11ms ^!', '13ms ^!']);
    });
  });
});

describe('watchStatus (deadline in the loop)', () => {
  const id = 'job-1' as ExternalProcessId;
  const running: StatusEvent = { type: 'status', externalProcessId: id, status: 'running', terminal: false, resultUrl: undefined };

  it('should cancel the poll in flight when the deadline passes', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const poll$ = cold('-----(r|)', { r: running });
      const error = new PollTimeoutError(id, 12, { status: 'running', updatedDatetime: undefined });
      expectObservable(watchStatus(poll$, id, { ...fixed, maxWaitMs: 12 }, asyncScheduler)).toBe('-----r 6ms #', { r: running }, error);
      // second poll starts at 15: the deadline at 12 hits during the wait, nothing is left running.
      expectSubscriptions(poll$.subscriptions).toBe(['^----!']);
    });
  });

  it('should not arm a deadline when maxWaitMs is infinite', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const poll$ = cold('-(r|)', { r: running });
      expectObservable(watchStatus(poll$, id, { ...fixed, maxWaitMs: Infinity }, asyncScheduler), '^ 30ms !').toBe('-r', { r: running });
    });
  });
});

describe('StatusRun stopped by its sink (a shared status stream owns its run)', () => {
  const id = 'job-1' as ExternalProcessId;
  const running: StatusEvent = { type: 'status', externalProcessId: id, status: 'running', terminal: false, resultUrl: undefined };

  it('should schedule nothing more when its sink stops it during a synchronous poll, whatever the sink says after', () => {
    const scheduler = new VirtualTimeScheduler();
    const seen: StatusEvent[] = [];
    let run: StatusRun<StatusEvent> | undefined;
    // A sink that never reports closed (a share whose next run may already be on).
    const sink = {
      closed: false,
      next: (e: StatusEvent) => {
        seen.push(e);
        run?.unsubscribe();
      },
      error: (err: unknown) => {
        throw err;
      },
      complete: () => {
        throw new Error('completed');
      },
    };
    run = new StatusRun(sink, { poll$: of(running), id, options: { ...fixed, maxWaitMs: 1_000 }, scheduler, raw: false });
    run.start();
    expect(seen).toEqual([running]);
    // Neither the next poll nor the deadline waits.
    expect(TimerQueue.of(scheduler).size).toBe(0);
    scheduler.maxFrames = 100;
    scheduler.flush();
    expect(seen).toEqual([running]);
  });

  it('should end with the error when building a poll throws, and schedule nothing', () => {
    const scheduler = new VirtualTimeScheduler();
    const errors: unknown[] = [];
    const sink = { closed: false, next: () => undefined, error: (err: unknown) => errors.push(err), complete: () => undefined };
    const spec = {
      get poll$(): never {
        throw new Error('no request');
      },
      id,
      options: { ...fixed, maxWaitMs: 1_000 },
      scheduler,
      raw: false,
    };
    new StatusRun<StatusEvent>(sink, spec).start();
    expect(errors).toEqual([new Error('no request')]);
    expect(TimerQueue.of(scheduler).size).toBe(0);
  });

  it('should stop itself before it delivers its end', () => {
    const scheduler = new VirtualTimeScheduler();
    const finished: StatusEvent = { ...running, status: 'finished', terminal: true, resultUrl: 'https://r' };
    const calls: string[] = [];
    const sink = {
      closed: false,
      next: (e: StatusEvent) => calls.push(e.status),
      error: () => calls.push('error'),
      complete: () => calls.push(`complete (timers waiting: ${TimerQueue.of(scheduler).size})`),
    };
    const run = new StatusRun(sink, { poll$: of(finished), id, options: { ...fixed, maxWaitMs: 1_000 }, scheduler, raw: false });
    run.start();
    scheduler.maxFrames = 100;
    scheduler.flush();
    expect(calls).toEqual(['finished', 'complete (timers waiting: 0)']);
  });
});

describe('shareLatest (lean share)', () => {
  it('should call onReset when the source completes, errors, or loses its last subscriber', () => {
    testScheduler().run(({ cold, expectObservable, flush }) => {
      const resets: string[] = [];
      const done = cold('-a|').pipe(shareLatest(() => resets.push('complete')));
      const left = cold('-a---b').pipe(shareLatest(() => resets.push('left')));
      expectObservable(done).toBe('-a|');
      expectObservable(left, '^--!').toBe('-a-');
      flush();
      expect(resets.sort()).toEqual(['complete', 'left']);
    });
  });

  it('should handle a subscriber that leaves on the replayed value, keeping the others', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a---b|');
      const shared = source.pipe(shareLatest());
      expectObservable(shared).toBe('-a---b|');
      // joins at 3, takes the replayed 'a' and leaves at once: the first subscriber keeps its poller.
      expectObservable(shared.pipe(take(1)), '---^').toBe('---(a|)');
      expectSubscriptions(source.subscriptions).toBe('^-----!');
    });
  });

  it('should connect once for a synchronous source and reset after it completes', () => {
    let subscriptions = 0;
    const source = defer(() => {
      subscriptions++;
      return of(1, 2);
    });
    const shared = source.pipe(shareLatest());
    const seen: number[] = [];
    shared.subscribe((v) => seen.push(v));
    shared.subscribe((v) => seen.push(v));
    expect(seen).toEqual([1, 2, 1, 2]);
    expect(subscriptions).toBe(2);
  });
});
