import { defer, type Observable } from 'rxjs';
import type { ColdObservable } from 'rxjs/internal/testing/ColdObservable';
import { pollDelayMs, pollEvery } from '../../lib/operators/pollEvery';
import { testScheduler } from '../helpers/marbles';

const schedule = { minDelayMs: 10, maxDelayMs: 40, multiplier: 2 };

/** A poll that answers the next of `values` one frame after each subscription. */
function sequence(cold: (m: string, v: Record<string, string>) => ColdObservable<string>, values: string[]): Observable<string> {
  let i = 0;
  return defer(() => cold('-(x|)', { x: values[i++] }));
}

describe('pollDelayMs', () => {
  it('should start at minDelayMs, multiply, and cap at maxDelayMs', () => {
    expect([0, 1, 2, 3, 4].map((n) => pollDelayMs(n, schedule))).toEqual([10, 20, 40, 40, 40]);
  });

  it('should default to 1 s doubling up to 30 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => pollDelayMs(n, {}))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  });

  it('should keep a fixed interval with multiplier 1', () => {
    expect([0, 5, 50].map((n) => pollDelayMs(n, { minDelayMs: 5000, multiplier: 1 }))).toEqual([5000, 5000, 5000]);
  });

  it('should apply full jitter with the injected random', () => {
    expect(pollDelayMs(1, { ...schedule, jitter: 'full', random: () => 0.5 })).toBe(10);
    expect(pollDelayMs(3, { ...schedule, jitter: 'full', random: () => 0 })).toBe(0);
  });
});

describe('pollEvery', () => {
  it('should poll at once, then wait a growing interval after each response', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const poll$ = sequence(cold, ['a', 'b', 'c', 'd', 'e']);
      expectObservable(pollEvery(poll$, (v) => v === 'e', schedule)).toBe('-a 10ms b 20ms c 40ms d 40ms (e|)');
    });
  });

  it('should schedule the next poll only after the previous response', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const poll$ = cold('-----(a|)');
      // 5 frames per response + 10 frames wait: a slow service is never polled twice at once.
      expectObservable(pollEvery(poll$, () => false, { ...schedule, multiplier: 1 }), '^ 40ms !').toBe(
        '-----a 14ms a 14ms a',
      );
    });
  });

  it('should wait firstDelayMs before the first poll', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const poll$ = cold('-(a|)');
      expectObservable(pollEvery(poll$, () => true, { ...schedule, firstDelayMs: 7 })).toBe('8ms (a|)');
    });
  });

  it('should stop polling and cancel the request in flight when unsubscribed', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const poll$ = cold('---(a|)');
      expectObservable(pollEvery(poll$, () => false, { ...schedule, multiplier: 1 }), '^ 14ms !').toBe('---a');
      // first poll 0-3, wait 10, second poll from 13 cut at 15: nothing is left scheduled.
      expectSubscriptions(poll$.subscriptions).toBe(['^--!', '13ms ^-!']);
    });
  });

  it('should cancel the pending timer when unsubscribed between polls', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const poll$ = cold('-(a|)');
      expectObservable(pollEvery(poll$, () => false, schedule), '^ 5ms !').toBe('-a');
      expectSubscriptions(poll$.subscriptions).toBe(['^!']);
    });
  });

  it('should end with the error of a poll', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const poll$ = cold('--#', undefined, new Error('boom'));
      expectObservable(pollEvery(poll$, () => false, schedule)).toBe('--#', undefined, new Error('boom'));
    });
  });

  it('should start over on resubscription', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const poll$ = cold('-(a|)');
      const polled = pollEvery(poll$, () => true, schedule);
      expectObservable(polled).toBe('-(a|)');
      expectObservable(polled).toBe('-(a|)');
    });
  });
});
