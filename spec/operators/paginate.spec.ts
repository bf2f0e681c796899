/** Specs: pagination. */
import { lastValueFrom, of, take, timer, map, toArray, type Observable } from 'rxjs';
import { paginate, paginateAsync, type Page } from '../../lib/operators/paginate';
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
      expectObservable(
        paginate(() => page),
        '--!',
      ).toBe('');
      expectSubscriptions(page.subscriptions).toBe('^-!');
    });
  });

  describe('at any size', () => {
    /** A listing of `count` items served `limit` at a time, each page `delay` frames after it is asked (0: synchronously). */
    const pages =
      (count: number, calls: number[], delay = 1, total = count) =>
      (offset: number, limit: number): Observable<Page<number>> => {
        calls.push(offset);
        const page = { items: Array.from({ length: Math.max(0, Math.min(limit, count - offset)) }, (_, i) => offset + i), total };
        return delay === 0 ? of(page) : timer(delay).pipe(map(() => page));
      };

    it('should complete 10,000 pages that arrive one frame apart', () => {
      testScheduler().run(({ flush }) => {
        const calls: number[] = [];
        let seen = 0;
        let completed = false;
        paginate(pages(20_000, calls), { pageSize: 2 }).subscribe({ next: () => seen++, complete: () => (completed = true) });
        flush();
        expect({ seen, completed, requests: calls.length }).toEqual({ seen: 20_000, completed: true, requests: 10_000 });
      });
    });

    it('should complete 10,000 pages that arrive synchronously without deepening the stack', async () => {
      const calls: number[] = [];
      const all = await lastValueFrom(paginate(pages(10_000, calls, 0), { pageSize: 1 }).pipe(toArray()));
      expect(all).toHaveLength(10_000);
      expect(all[9_999]).toBe(9_999);
      expect(calls).toHaveLength(10_000);
    });

    it('should unsubscribe cleanly at page 5,000: the page in flight is torn down and nothing more is asked', () => {
      testScheduler().run(({ cold, expectSubscriptions, flush }) => {
        const calls: number[] = [];
        const inFlight = cold('--(p|)', { p: { items: [4_999], total: 1_000_000 } });
        const others = pages(1_000_000, []);
        // Page n (offset n - 1) is asked at frame n - 1 and arrives a frame later; page 5,000 takes two.
        const fetchPage = (offset: number, limit: number): Observable<Page<number>> => {
          calls.push(offset);
          return offset === 4_999 ? inFlight : others(offset, limit);
        };
        let seen = 0;
        let failure: unknown;
        const subscription = paginate(fetchPage, { pageSize: 1 }).subscribe({ next: () => seen++, error: (e: unknown) => (failure = e) });
        let thrown: unknown;
        timer(5_000).subscribe(() => {
          try {
            subscription.unsubscribe();
          } catch (e) {
            thrown = e;
          }
        });
        flush();
        expect({ seen, requests: calls.length, failure, thrown }).toEqual({ seen: 4_999, requests: 5_000, failure: undefined, thrown: undefined });
        expectSubscriptions(inFlight.subscriptions).toBe(`${'-'.repeat(4_999)}^!`);
      });
    });

    it('should stop on a short page whatever total claims', () => {
      testScheduler().run(({ flush }) => {
        const calls: number[] = [];
        let seen = 0;
        let completed = false;
        paginate(pages(23, calls, 1, 1_000_000), { pageSize: 10 }).subscribe({ next: () => seen++, complete: () => (completed = true) });
        flush();
        expect({ seen, completed, calls }).toEqual({ seen: 23, completed: true, calls: [0, 10, 20] });
      });
    });

    it('should not take a hostile total at its word: a service that repeats its last page past the end is not asked forever', () => {
      testScheduler().run(({ flush }) => {
        const calls: number[] = [];
        // 25 items, a total of 2^53 - 1, and an offset past the end answered with the last items again.
        const hostile = (offset: number, limit: number): Observable<Page<number>> => {
          calls.push(offset);
          const from = offset < 25 ? offset : 20;
          return timer(1).pipe(map(() => ({ items: Array.from({ length: Math.min(limit, 25 - from) }, (_, i) => from + i), total: Number.MAX_SAFE_INTEGER })));
        };
        let completed = false;
        paginate(hostile, { pageSize: 10 }).subscribe({ complete: () => (completed = true) });
        flush();
        expect({ completed, calls }).toEqual({ completed: true, calls: [0, 10, 20] });
      });
    });

    it('should keep going when the service caps the page size below the one asked and says so', () => {
      testScheduler().run(({ flush }) => {
        const calls: number[] = [];
        const capped = (offset: number): Observable<Page<number>> => {
          calls.push(offset);
          return timer(1).pipe(map(() => ({ items: Array.from({ length: Math.min(5, 12 - offset) }, (_, i) => offset + i), total: 12, limit: 5 })));
        };
        let seen = 0;
        paginate(capped, { pageSize: 100 }).subscribe(() => seen++);
        flush();
        expect({ seen, calls }).toEqual({ seen: 12, calls: [0, 5, 10] });
      });
    });

    it('should stop the async iterable on a short page too', async () => {
      const calls: number[] = [];
      const seen: number[] = [];
      for await (const n of paginateAsync(pages(7, calls, 0, 1_000), { pageSize: 5 })) seen.push(n);
      expect(seen).toHaveLength(7);
      expect(calls).toEqual([0, 5]);
    });
  });
});
