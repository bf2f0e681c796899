import { take } from 'rxjs';
import { paginate } from '../../lib/operators/paginate';
import { testScheduler } from '../helpers/marbles';

describe('paginate', () => {
  it('should request the next page only after the current one was delivered, and stop at total', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const calls: number[] = [];
      const fetchPage = (offset: number, limit: number) => {
        calls.push(offset);
        const items = Array.from({ length: Math.min(limit, 5 - offset) }, (_, i) => offset + i);
        return cold('-----(p|)', { p: { items, total: 5 } });
      };
      expectObservable(paginate(fetchPage, { pageSize: 2 })).toBe('-----(ab)-(cd)-(e|)', { a: 0, b: 1, c: 2, d: 3, e: 4 });
    });
  });

  it('should not request another page when the consumer has enough', () => {
    testScheduler().run(({ cold, expectObservable, flush }) => {
      const calls: number[] = [];
      const fetchPage = (offset: number, limit: number) => {
        calls.push(offset);
        return cold('-(p|)', { p: { items: Array.from({ length: limit }, (_, i) => offset + i), total: 100 } });
      };
      expectObservable(paginate(fetchPage, { pageSize: 5 }).pipe(take(5))).toBe('-(abcde|)', { a: 0, b: 1, c: 2, d: 3, e: 4 });
      flush();
      expect(calls).toEqual([0]);
    });
  });

  it('should stop at an empty page even when total says more', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const fetchPage = (offset: number) => cold('-(p|)', { p: { items: offset === 0 ? [1] : [], total: 10 } });
      expectObservable(paginate(fetchPage, { pageSize: 1 })).toBe('-a|', { a: 1 });
    });
  });

  it('should unsubscribe from the page in flight', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const page = cold('----(p|)', { p: { items: [1], total: 1 } });
      expectObservable(paginate(() => page), '--!').toBe('');
      expectSubscriptions(page.subscriptions).toBe('^-!');
    });
  });
});
