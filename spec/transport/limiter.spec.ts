/** Specs: the request limiter. */
import { asyncScheduler, merge } from 'rxjs';
import { RequestLimiter } from '../../lib/transport/limiter';
import { testScheduler } from '../helpers/marbles';

describe('RequestLimiter', () => {
  it('should hold requests past maxInFlight until a slot frees', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const limiter = new RequestLimiter({ maxInFlight: 2 }, asyncScheduler);
      const a = cold('---(a|)');
      const b = cold('-----(b|)');
      const c = cold('--(c|)');
      expectObservable(merge(limiter.run(a), limiter.run(b), limiter.run(c))).toBe('---a-(bc|)');
      expectSubscriptions(c.subscriptions).toBe('---^-!');
    });
  });

  it('should start at most maxPerSecond requests per second', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const limiter = new RequestLimiter({ maxPerSecond: 2 }, asyncScheduler);
      const requests = ['a', 'b', 'c', 'd'].map((v) => limiter.run(cold('-(x|)', { x: v })));
      // a burst of 2, then one every 500 ms as tokens refill
      expectObservable(merge(...requests)).toBe('-(ab) 496ms c 499ms (d|)');
    });
  });

  it('should drop a waiting request that is unsubscribed, and free the slot of an active one', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const limiter = new RequestLimiter({ maxInFlight: 1 }, asyncScheduler);
      const a = cold('-----(a|)');
      const b = cold('-(b|)');
      const c = cold('-(c|)');
      expectObservable(limiter.run(a), '^--!').toBe('---');
      expectObservable(limiter.run(b), '^-!').toBe('--');
      expectObservable(limiter.run(c)).toBe('----(c|)');
      expectSubscriptions(a.subscriptions).toBe('^--!');
      expectSubscriptions(b.subscriptions).toBe([]);
      expectSubscriptions(c.subscriptions).toBe('---^!');
    });
  });

  it('should pass requests straight through when no limit is set', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const limiter = new RequestLimiter({}, asyncScheduler);
      const source = cold('-(a|)');
      expect(limiter.run(source)).toBe(source);
      expectObservable(limiter.run(source)).toBe('-(a|)');
    });
  });
});
