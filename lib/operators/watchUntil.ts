/**
 * The status-waiting logic shared by retraining jobs and prediction APIs, pure: the poll is a
 * parameter, so marble tests drive it with a cold Observable.
 *
 * @packageDocumentation
 */
import { Observable, SchedulerLike, defer, distinctUntilChanged, tap } from 'rxjs';
import { POLL_DEFAULTS, type PollOptions } from '../core/config';
import { pollEvery, withDeadline } from './pollEvery';

/**
 * What {@link watchUntil} needs to know about the polled values.
 *
 * @internal
 */
export interface WatchSpec<T> {
  /** The status string of a value (repeats are dropped). */
  readonly statusOf: (value: T) => string;
  /** True for the value that ends the wait successfully (it is emitted). */
  readonly isDone: (value: T) => boolean;
  /** The error a value ends the wait with, or `undefined` while it is not a failure. */
  readonly failureOf: (value: T) => Error | undefined;
  /** The error when the deadline passes. */
  readonly onTimeout: (last: T | undefined, waitedMs: number) => Error;
}

/**
 * Polls `poll$` on the {@link pollEvery} schedule, emits each value whose status differs from
 * the previous one, completes after a done value, errors on a failure value, and races a
 * whole-run deadline (`maxWaitMs`). Statuses that are neither done nor failures (unknown
 * ones included) keep the wait going.
 *
 * @internal
 */
export function watchUntil<T>(poll$: Observable<T>, spec: WatchSpec<T>, options: PollOptions, scheduler: SchedulerLike): Observable<T> {
  const o = { ...POLL_DEFAULTS, ...options };
  return defer(() => {
    let last: T | undefined;
    const values$ = pollEvery(poll$, (v) => spec.isDone(v) || spec.failureOf(v) !== undefined, o, scheduler).pipe(
      distinctUntilChanged((a, b) => spec.statusOf(a) === spec.statusOf(b)),
      tap((v) => {
        last = v;
        const failure = spec.failureOf(v);
        if (failure) throw failure;
      }),
    );
    return withDeadline(values$, o.maxWaitMs, () => spec.onTimeout(last, o.maxWaitMs), scheduler);
  });
}
