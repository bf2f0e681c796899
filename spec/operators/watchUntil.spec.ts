import { asyncScheduler, defer, type Observable } from 'rxjs';
import { watchUntil, type WatchSpec } from '../../lib/operators/watchUntil';
import { testScheduler } from '../helpers/marbles';

const schedule = { minDelayMs: 10, maxDelayMs: 10, multiplier: 1 };
const spec: WatchSpec<string> = {
  statusOf: (s) => s,
  isDone: (s) => s === 'running',
  failureOf: (s) => (s === 'failed' ? new Error(`failed`) : undefined),
  onTimeout: (last, ms) => new Error(`timeout after ${ms} (${last ?? 'none'})`),
};

function polls(cold: (m: string, v: Record<string, string>) => Observable<string>, names: string[]) {
  let i = 0;
  return defer(() => cold('-(x|)', { x: names[Math.min(i++, names.length - 1)] }));
}

describe('watchUntil', () => {
  it('should poll on the schedule, drop repeats and complete on the done status', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const poll$ = polls(cold, ['building', 'building', 'updating', 'running']);
      expectObservable(watchUntil(poll$, spec, schedule, asyncScheduler)).toBe('-b 21ms u 10ms (r|)', { b: 'building', u: 'updating', r: 'running' });
    });
  });

  it('should error with the failure of a failure status', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const poll$ = polls(cold, ['building', 'failed']);
      expectObservable(watchUntil(poll$, spec, schedule, asyncScheduler)).toBe('-b 10ms #', { b: 'building' }, new Error('failed'));
    });
  });

  it('should race a whole-run deadline with the last status', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const poll$ = polls(cold, ['building']);
      expectObservable(watchUntil(poll$, spec, { ...schedule, maxWaitMs: 30 }, asyncScheduler)).toBe(
        '-b 28ms #',
        { b: 'building' },
        new Error('timeout after 30 (building)'),
      );
    });
  });

  it('should stop polling when unsubscribed', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const poll = cold('-----(x|)', { x: 'building' });
      expectObservable(watchUntil(poll, spec, schedule, asyncScheduler), '^ 16ms !').toBe('-----b', { b: 'building' });
      expectSubscriptions(poll.subscriptions).toBe(['^----!', '15ms ^-!']);
    });
  });
});
