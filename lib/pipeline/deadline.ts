/** A whole-run deadline for a pipeline. */
/**
 * A whole-run deadline for a pipeline.
 *
 * @packageDocumentation
 */
import { Observable, type MonoTypeOperatorFunction, type SchedulerLike } from 'rxjs';
import { DeadlineExceededError } from '../core/errors';

/**
 * Ends the source with {@link index!DeadlineExceededError} if it has not completed `deadlineMs` after
 * subscription (on `scheduler`, so it runs in virtual time under the TestScheduler). Unlike
 * `timeout({ each })`, values do not reset it. `undefined` or `Infinity` leaves the source as it is.
 *
 * **Cancellation**: unsubscribing stops the source and the timer; at the deadline the source
 * is unsubscribed (which aborts its request in flight) before the error is sent.
 *
 * ## Example
 * ```ts
 * trainModel$(client, job).pipe(withDeadline(3_600_000, client.scheduler, 'pipeline'));
 * ```
 *
 * @internal
 */
export function withDeadline<T>(deadlineMs: number | undefined, scheduler: SchedulerLike, what: string): MonoTypeOperatorFunction<T> {
  if (deadlineMs === undefined || !Number.isFinite(deadlineMs)) return (source) => source;
  return (source) =>
    new Observable<T>((subscriber) => {
      const timer = scheduler.schedule(
        () => {
          inner.unsubscribe();
          subscriber.error(new DeadlineExceededError(what, deadlineMs, 0));
        },
        Math.max(0, deadlineMs),
      );
      const inner = source.subscribe({
        next: (v) => subscriber.next(v),
        error: (e: unknown) => {
          timer.unsubscribe();
          subscriber.error(e);
        },
        complete: () => {
          timer.unsubscribe();
          subscriber.complete();
        },
      });
      return () => {
        timer.unsubscribe();
        inner.unsubscribe();
      };
    });
}
