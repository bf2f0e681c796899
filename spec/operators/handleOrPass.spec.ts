import type { Observable } from 'rxjs';
import { handleOrPass } from '../../lib/operators/handleOrPass';
import { shareLatest } from '../../lib/operators/shareLatest';
import { testScheduler } from '../helpers/marbles';

// handleOrPass joins a shared inner run (shareLatest, e.g. a training's status) itself, as a
// receiver of the share, and subscribes any other inner Observable with an inner subscriber:
// both paths must behave the same.

interface Job {
  readonly type: 'job';
  readonly n: number;
}
interface Other {
  readonly type: 'other';
}
type In = Job | Other;

const isJob = (v: In): v is Job => v.type === 'job';
const J: Job = { type: 'job', n: 1 };
const K: Job = { type: 'job', n: 2 };
const O: Other = { type: 'other' };

describe.each([
  ['a shared inner run (joined directly)', true],
  ['a plain inner Observable (inner subscriber)', false],
])('handleOrPass with %s', (_, shared) => {
  const inner = <T>(source: Observable<T>): Observable<T> => (shared ? source.pipe(shareLatest()) : source);

  it('should pass the handled event on, then the inner values, and complete after both ended', () => {
    testScheduler().run(({ cold, hot, expectObservable }) => {
      const run = inner(cold('-s-t|'));
      const source = hot<In>('-J-----O-|', { J, O });
      expectObservable(source.pipe(handleOrPass(isJob, () => run))).toBe('-Js-t--O-|', { J, O, s: 's', t: 't' });
    });
  });

  it('should end with the inner error and leave the source', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const origin = cold('-s-#');
      const source = hot<In>('-J-----O-|', { J, O });
      expectObservable(source.pipe(handleOrPass(isJob, () => inner(origin)))).toBe('-Js-#', { J, s: 's' });
      expectSubscriptions(source.subscriptions).toBe('^---!');
      expectSubscriptions(origin.subscriptions).toBe('-^--!');
    });
  });

  it('should hold events that arrive during an inner run and run them in order afterwards', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const origin = cold('--s|');
      const run = inner(origin);
      const source = hot<In>('-JK|', { J, K });
      expectObservable(source.pipe(handleOrPass(isJob, () => run))).toBe('-J-sK-s|', { J, K, s: 's' });
      expectSubscriptions(origin.subscriptions).toBe(['-^--!', '----^--!']);
    });
  });

  it('should stop the inner run when unsubscribed', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const origin = cold('-s-t-u|');
      const source = hot<In>('-J-------|', { J });
      expectObservable(source.pipe(handleOrPass(isJob, () => inner(origin))), '^---!').toBe('-Js--', { J, s: 's' });
      expectSubscriptions(origin.subscriptions).toBe('-^--!');
    });
  });

  it('should end with an error thrown by the handler and leave the source', () => {
    testScheduler().run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot<In>('-J-O|', { J, O });
      const failing = (): Observable<string> => {
        throw new Error('no run');
      };
      expectObservable(source.pipe(handleOrPass(isJob, failing))).toBe('-(J#)', { J }, new Error('no run'));
      expectSubscriptions(source.subscriptions).toBe('^!');
    });
  });
});

describe('handleOrPass joining one share from two pipelines', () => {
  it('should run the share once, replay its latest value to the late pipeline, and keep it for the one left', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const origin = cold('-a-----b-----c|');
      const run = origin.pipe(shareLatest());
      const first = hot<In>('-J|', { J });
      const second = hot<In>('---J', { J });
      expectObservable(first.pipe(handleOrPass(isJob, () => run))).toBe('-Ja-----b-----c|', { J, a: 'a', b: 'b', c: 'c' });
      expectObservable(second.pipe(handleOrPass(isJob, () => run)), '^---------!').toBe('---(Ja)-b-', { J, a: 'a', b: 'b' });
      expectSubscriptions(origin.subscriptions).toBe('-^-------------!');
    });
  });

  it('should stop the share when the last pipeline leaves', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const origin = cold('-a-b-c-d|');
      const run = origin.pipe(shareLatest());
      const first = hot<In>('-J', { J });
      expectObservable(first.pipe(handleOrPass(isJob, () => run)), '^--!').toBe('-Ja', { J, a: 'a' });
      expectObservable(first.pipe(handleOrPass(isJob, () => run)), '^----!').toBe('-Ja-b', { J, a: 'a', b: 'b' });
      expectSubscriptions(origin.subscriptions).toBe('-^---!');
    });
  });

  it('should deliver the share error to every pipeline', () => {
    testScheduler().run(({ cold, hot, expectObservable }) => {
      const run = cold('-a-----#').pipe(shareLatest());
      const first = hot<In>('-J', { J });
      const second = hot<In>('--J', { J });
      expectObservable(first.pipe(handleOrPass(isJob, () => run))).toBe('-Ja-----#', { J, a: 'a' });
      expectObservable(second.pipe(handleOrPass(isJob, () => run))).toBe('--(Ja)--#', { J, a: 'a' });
    });
  });

  it('should leave nothing subscribed once the pipeline completed', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const origin = cold('-a|');
      const source = hot<In>('-J|', { J });
      expectObservable(source.pipe(handleOrPass(isJob, () => origin.pipe(shareLatest())))).toBe('-Ja|', { J, a: 'a' });
      expectSubscriptions(origin.subscriptions).toBe('-^-!');
    });
  });
});
