/** Marble specs of repeatOnSchedule: the poller's repeat-with-delay on one scheduled action. */
import { Observable, defer, of, share, take, type SchedulerAction, type SchedulerLike, type Subscription } from 'rxjs';
import { testScheduler } from '../helpers/marbles';
import { repeatOnSchedule } from '../../lib/operators/repeatOnSchedule';

/** A scheduler that forwards to `inner` and keeps the actions created with `schedule` (not their reschedules). */
function counting(inner: SchedulerLike): SchedulerLike & { created: number; actions: Subscription[] } {
  const counted = {
    created: 0,
    actions: [] as Subscription[],
    now: () => inner.now(),
    schedule<S>(work: (this: SchedulerAction<S>, state?: S) => void, delay?: number, state?: S): Subscription {
      counted.created++;
      const action = inner.schedule(work, delay, state);
      counted.actions.push(action);
      return action;
    },
  };
  return counted;
}

describe('repeatOnSchedule', () => {
  it('should wait from the end of each round, what nextWaitMs says at that end, and complete when it says undefined', () => {
    const t = testScheduler({ maxFrames: 1_000 });
    t.run(({ cold, expectObservable, expectSubscriptions }) => {
      const round = cold('--a-|');
      const waits = [3, 5];
      let n = 0;
      const result$ = round.pipe(repeatOnSchedule(() => waits[n++], t));
      // Round 1 at 0-4, wait 3, round 2 at 7-11, wait 5, round 3 at 16-20, then undefined: complete.
      expectObservable(result$).toBe('--a- 3ms --a- 5ms --a-|');
      expectSubscriptions(round.subscriptions).toBe(['^---!', '7ms ^---!', '16ms ^---!']);
    });
  });

  it('should keep ONE scheduled action per subscription, rescheduled for every wait', () => {
    const t = testScheduler({ maxFrames: 1_000 });
    const scheduler = counting(t);
    t.run(({ cold, expectObservable }) => {
      let n = 0;
      expectObservable(cold('-a|').pipe(repeatOnSchedule(() => (++n < 5 ? 2 : undefined), scheduler))).toBe('-a- 1ms -a- 1ms -a- 1ms -a- 1ms -a|');
    });
    expect(scheduler.created).toBe(1);
  });

  it('should schedule even a zero wait and a synchronous round (no recursion, one action)', () => {
    const t = testScheduler({ maxFrames: 1_000 });
    const scheduler = counting(t);
    t.run(({ expectObservable }) => {
      let n = 0;
      const round$ = defer(() => of(n));
      expectObservable(round$.pipe(repeatOnSchedule(() => (++n < 4 ? 0 : undefined), scheduler))).toBe('(abcd|)', { a: 0, b: 1, c: 2, d: 3 });
    });
    expect(scheduler.created).toBe(1);
  });

  it('should clear the scheduled wait on unsubscribe: nothing is left scheduled and no round starts', () => {
    const t = testScheduler({ maxFrames: 1_000 });
    const scheduler = counting(t);
    t.run(({ cold, expectObservable, expectSubscriptions }) => {
      const round = cold('-a|');
      expectObservable(round.pipe(repeatOnSchedule(() => 10, scheduler)), '^ 5ms !').toBe('-a');
      // No round at 12: the wait was cancelled.
      expectSubscriptions(round.subscriptions).toBe(['^-!']);
    });
    expect(scheduler.actions.map((action) => action.closed)).toEqual([true]);
  });

  it('should end the round in flight on unsubscribe', () => {
    const t = testScheduler({ maxFrames: 1_000 });
    t.run(({ cold, expectObservable, expectSubscriptions }) => {
      const round = cold('-a---|');
      expectObservable(round.pipe(repeatOnSchedule(() => 1, t)), '^ 8ms !').toBe('-a---- -a-');
      expectSubscriptions(round.subscriptions).toBe(['^----!', '6ms ^--!']);
    });
  });

  it('should end with the source error, with no more rounds or waits', () => {
    const t = testScheduler({ maxFrames: 1_000 });
    t.run(({ cold, expectObservable, expectSubscriptions }) => {
      let n = 0;
      const round = cold('-a|');
      const failing = defer(() => (++n < 3 ? round : cold('-#', undefined, new Error('boom'))));
      expectObservable(failing.pipe(repeatOnSchedule(() => 2, t))).toBe('-a- 1ms -a- 1ms -#', undefined, new Error('boom'));
      expectSubscriptions(round.subscriptions).toBe(['^-!', '4ms ^-!']);
    });
  });

  it('should end with the error nextWaitMs throws', () => {
    const t = testScheduler({ maxFrames: 1_000 });
    t.run(({ cold, expectObservable }) => {
      const wait = (): number => {
        throw new Error('no schedule');
      };
      expectObservable(cold('-a|').pipe(repeatOnSchedule(wait, t))).toBe('-a#', undefined, new Error('no schedule'));
    });
  });

  it('should end a synchronous round whose subscriber left during it and schedule nothing', () => {
    const t = testScheduler({ maxFrames: 1_000 });
    t.run(({ expectObservable }) => {
      let rounds = 0;
      const round$ = new Observable<number>((subscriber) => {
        rounds++;
        subscriber.next(1);
        subscriber.next(2);
        subscriber.complete();
      });
      expectObservable(
        round$.pipe(
          repeatOnSchedule(() => 1, t),
          take(1),
        ),
      ).toBe('(a|)', { a: 1 });
      t.flush();
      expect(rounds).toBe(1);
    });
  });

  it('should work under share: one run for every subscriber, stopped when the last one leaves', () => {
    const t = testScheduler({ maxFrames: 1_000 });
    t.run(({ cold, expectObservable, expectSubscriptions }) => {
      const round = cold('-a|');
      const shared$ = round.pipe(
        repeatOnSchedule(() => 3, t),
        share(),
      );
      expectObservable(shared$, '^ 8ms !').toBe('-a 4ms a');
      expectObservable(shared$, '3ms ^ 9ms !').toBe('6ms a 4ms a');
      // One subscription to the round per tick (rounds at 0, 5, 10), none after the last subscriber left at 13.
      expectSubscriptions(round.subscriptions).toBe(['^-!', '5ms ^-!', '10ms ^-!']);
    });
  });
});
