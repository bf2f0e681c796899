/** Specs: the marble test scheduler's frame limit. */
import { interval, map, takeWhile, timer } from 'rxjs';
import { DEFAULT_MAX_FRAMES, testScheduler } from './marbles';

describe('testScheduler (marble frame limit)', () => {
  it('should fail, not hang, when the stream under test never ends', () => {
    // A poll whose stop condition never holds and that has no deadline: without the limit this
    // runs until the process runs out of memory.
    const endlessPoll$ = interval(1_000).pipe(
      map(() => 'running'),
      takeWhile((status) => status !== 'finished', true),
    );
    expect(() =>
      testScheduler().run(({ expectObservable }) => {
        expectObservable(endlessPoll$).toBe('1000ms a', { a: 'running' });
      }),
    ).toThrow(/maxFrames \(600000 virtual ms\).*does not end/);
  });

  it('should fail when an endless stream is subscribed without an expectation', () => {
    expect(() =>
      testScheduler({ maxFrames: 100 }).run(() => {
        interval(1).subscribe();
      }),
    ).toThrow(/maxFrames \(100 virtual ms\)/);
  });

  it('should fail when work is scheduled past the limit', () => {
    expect(() =>
      testScheduler().run(({ expectObservable }) => {
        expectObservable(timer(DEFAULT_MAX_FRAMES + 1)).toBe(`${DEFAULT_MAX_FRAMES + 1}ms (a|)`, { a: 0 });
      }),
    ).toThrow(/still scheduled/);
  });

  it('should run a stream that ends within the limit, up to the last frame', () => {
    testScheduler().run(({ expectObservable }) => {
      expectObservable(timer(DEFAULT_MAX_FRAMES)).toBe(`${DEFAULT_MAX_FRAMES}ms (a|)`, { a: 0 });
    });
  });

  it('should take a larger limit for a test that needs more virtual time', () => {
    testScheduler({ maxFrames: 2_000_000 }).run(({ expectObservable }) => {
      expectObservable(timer(1_800_000)).toBe('30m (a|)', { a: 0 });
    });
  });

  it('should still report a wrong expectation as a diff', () => {
    expect(() =>
      testScheduler().run(({ cold, expectObservable }) => {
        expectObservable(cold('-a|')).toBe('-b|');
      }),
    ).toThrow(/toEqual/);
  });
});
