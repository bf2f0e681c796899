/** The poller's plain RxJS composition: bench:scale's baseline beside the hand-written run (no entry imports it; loading it fills `pollerRun.plain`). */
import { EMPTY, Observable, ReplaySubject, concat, concatMap, defer, filter, map, of, repeat, share, timer, type OperatorFunction } from 'rxjs';
import { NOT_NEWS, pollerRun, type PlainBaseline, type StatusWatch } from './poller';

/**
 * A watch's run as plain RxJS: one round per request (`defer`), repeated with a `timer` delay
 * (`repeat`) on the client's scheduler, where a first delay is a first round that sends nothing,
 * so every wait, the first one included, is `repeat`'s. The rules (what an answer means, each
 * wait) are the watch's, the same code the hand-written run calls.
 */
function plainRun$<Raw, T>(watch: StatusWatch<Raw, T>): Observable<T> {
  let firstDelayPending = watch.firstDelayMs > 0;
  const round$ = (): Observable<T> => {
    if (firstDelayPending) {
      firstDelayPending = false;
      return EMPTY;
    }
    watch.countRequest();
    return watch.policy.poll$(watch.id).pipe(
      map((raw) => watch.answer(raw)),
      filter((value): value is T => value !== NOT_NEWS),
    );
  };
  const wait$ = (): Observable<unknown> => {
    const waitMs = watch.nextWaitMs();
    return waitMs === undefined ? EMPTY : timer(waitMs, watch.scheduler);
  };
  return defer(round$).pipe(repeat({ delay: wait$ }));
}

/** What a share's reset hook returns to reset at once (an `ObservableInput` that emits synchronously). */
const RESET_NOW: readonly unknown[] = [true];

/** A shared entry's stream: `share` with a `ReplaySubject(1)`, its reset hooks unregistering the entry before its subscribers hear of the end. */
function plainShared$<Raw, T>(entry: StatusWatch<Raw, T>): Observable<T> {
  const ended = (): readonly unknown[] => {
    entry.released();
    return RESET_NOW;
  };
  return entry.run$().pipe(share<T>({ connector: () => new ReplaySubject<T>(1), resetOnError: ended, resetOnComplete: ended, resetOnRefCountZero: ended }));
}

/**
 * `passOrHandle` as plain `concatMap` (the baseline, and the reference its spec compares with).
 *
 * @internal
 */
export function concatMapPassOrHandle<In, H extends In, Out>(
  handles: (value: In) => value is H,
  handle: (value: H) => Observable<Out>,
): OperatorFunction<In, Out | Exclude<In, { readonly type?: undefined }>> {
  type Passed = Exclude<In, { readonly type?: undefined }>;
  return concatMap((value: In): Observable<Out | Passed> => {
    if (!handles(value)) return of(value as Passed);
    // `defer`: a handler that throws fails the stream like an error of its work.
    const work$ = defer(() => handle(value));
    return (value as { type?: unknown }).type === undefined ? work$ : concat(of(value as unknown as Passed), work$);
  });
}

/** The baseline this module provides. @internal */
export const plainBaseline: PlainBaseline = { run$: plainRun$, shared$: plainShared$, passOrHandle: concatMapPassOrHandle };

pollerRun.plain = plainBaseline;
