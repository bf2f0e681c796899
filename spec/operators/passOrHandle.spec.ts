/** Specs: passOrHandle's one-object run does what its concatMap composition does, in virtual time. */
import { Observable, of, take, throwError, type OperatorFunction } from 'rxjs';
import { testScheduler } from '../helpers/marbles';
import { passOrHandle } from '../../lib/operators/passOrHandle';
import { concatMapPassOrHandle } from '../../lib/operators/pollerPlain';

/** An event (`type`) or a bare reference (no `type`); `queued` events and bare references are handled. */
interface Ev {
  readonly type?: string;
  readonly id: string;
}
type Handled = Ev & { readonly type?: 'queued' };
const handles = (v: Ev): v is Handled => v.type === undefined || v.type === 'queued';

const ref = (id: string): Ev => ({ id });
const queued = (id: string): Ev => ({ type: 'queued', id });
const other = (id: string): Ev => ({ type: 'uploaded', id });

type Make = <Out>(handle: (v: Handled) => Observable<Out>) => OperatorFunction<Ev, Out | Ev>;
const impls: [string, Make][] = [
  ['the one-object run (passOrHandle)', (handle) => passOrHandle(handles, handle)],
  ['the concatMap composition (the reference)', (handle) => concatMapPassOrHandle(handles, handle)],
];

describe.each(impls)('%s', (_name, make) => {
  it('should pass unhandled events at once, handled events before their work, and queue what arrives during a work', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const works: Record<string, ReturnType<typeof cold<string>>> = { a: cold('--x--y|', { x: 'ax', y: 'ay' }), b: cold('-z|', { z: 'bz' }) };
      const source = hot('-u-q--r-o---|', { u: other('u'), q: queued('a'), r: ref('b'), o: other('o') });
      const result = source.pipe(make((v) => works[v.id]));
      expectObservable(result).toBe('-u-q-x--y-zo|', { u: other('u'), q: queued('a'), x: 'ax', y: 'ay', z: 'bz', o: other('o') });
      expectSubscriptions(works.a.subscriptions).toBe('---^-----!');
      expectSubscriptions(works.b.subscriptions).toBe('---------^-!');
    });
  });

  it('should run a synchronous source and synchronous works in order, and complete', () => {
    testScheduler().run(({ expectObservable }) => {
      const source = of(ref('a'), other('p'), queued('b'), ref('c'));
      const result = source.pipe(make((v) => of(`${v.id}1`, `${v.id}2`)));
      expectObservable(result).toBe('(abpqdefg|)', { a: 'a1', b: 'a2', p: other('p'), q: queued('b'), d: 'b1', e: 'b2', f: 'c1', g: 'c2' });
    });
  });

  it('should complete only once the last work ends after the source completed', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const result = cold('-r|', { r: ref('a') }).pipe(make(() => cold('---x|', { x: 'done' })));
      expectObservable(result).toBe('----x|', { x: 'done' });
    });
  });

  it("should end with a work's error and drop the values still waiting", () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-b-|', { a: ref('a'), b: ref('b') });
      const works: Record<string, ReturnType<typeof cold<string>>> = { a: cold('---#', undefined, new Error('a failed')), b: cold('-x|', { x: 'bx' }) };
      const result = source.pipe(make((v) => works[v.id]));
      expectObservable(result).toBe('----#', undefined, new Error('a failed'));
      expectSubscriptions(works.b.subscriptions).toBe([]);
    });
  });

  it("should end with the source's error while a work runs, and stop the work", () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const work = cold('-----x|', { x: 'late' });
      const result = hot('-a--#', { a: ref('a') }, new Error('source failed')).pipe(make(() => work));
      expectObservable(result).toBe('----#', undefined, new Error('source failed'));
      expectSubscriptions(work.subscriptions).toBe('-^--!');
    });
  });

  it('should pass a handled event on, then fail with the error its handler throws', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const result = cold('-q-r|', { q: queued('a'), r: ref('b') }).pipe(
        make((): Observable<string> => {
          throw new Error('no handler');
        }),
      );
      expectObservable(result).toBe('-(q#)', { q: queued('a') }, new Error('no handler'));
    });
  });

  it('should stop the source and the work in progress when the subscriber leaves, and not start what waits', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-a-b---|', { a: ref('a'), b: ref('b') });
      const works: Record<string, ReturnType<typeof cold<string>>> = { a: cold('-x----|', { x: 'ax' }), b: cold('-y|', { y: 'by' }) };
      const result = source.pipe(make((v) => works[v.id]));
      expectObservable(result, '^---!').toBe('--x--', { x: 'ax' });
      expectSubscriptions(source.subscriptions).toBe('^---!');
      expectSubscriptions(works.a.subscriptions).toBe('-^--!');
      expectSubscriptions(works.b.subscriptions).toBe([]);
    });
  });

  it('should stop at once when the subscriber leaves on a passed event (take), touching nothing after it', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const work = cold('-x|', { x: 'ax' });
      const result = of(other('p'), ref('a')).pipe(
        make(() => work),
        take(1),
      );
      expectObservable(result).toBe('(p|)', { p: other('p') });
      expectSubscriptions(work.subscriptions).toBe([]);
    });
  });

  it("should fail with a synchronous work's error and start nothing after it", () => {
    const started: string[] = [];
    testScheduler().run(({ expectObservable }) => {
      const result = of(ref('a'), ref('b')).pipe(
        make((v) => {
          started.push(v.id);
          return throwError(() => new Error(`${v.id} failed`));
        }),
      );
      expectObservable(result).toBe('#', undefined, new Error('a failed'));
    });
    expect(started).toEqual(['a']);
  });
});
