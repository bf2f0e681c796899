/** repeatOnSchedule: RxJS's `repeat({ delay })` for long waits, on ONE scheduled action per subscription that each wait reschedules. */
import { Observable, type MonoTypeOperatorFunction, type SchedulerAction, type SchedulerLike, type Subscription } from 'rxjs';

/**
 * Subscribes to the source again after each completion, once `nextWaitMs()` milliseconds have
 * passed on `scheduler`, counted from that completion; `nextWaitMs()` returning `undefined`
 * completes the stream instead. The source's values pass through; its error ends the stream.
 * Unsubscribing ends the round in flight and cancels the wait.
 *
 * What `repeat({ delay: () => timer(ms, scheduler) })` does, except that every wait reschedules
 * the same scheduler action (`SchedulerAction.schedule`) instead of creating a `timer`, its
 * subscriber and its action: with thousands of subscriptions each waiting seconds, those objects
 * outlive V8's young generation and fill the old one (docs/PERFORMANCE.md, "One engine: the
 * in-memory poller"). Every wait, a zero one included, goes through the scheduler, so a source
 * that completes synchronously never recurses.
 *
 * ## Example
 * ```ts
 * // A status request, then 5 s after each answer another, until one is final.
 * let done = false;
 * const status$ = defer(() => request$().pipe(tap((s) => (done = s === 'finished')))).pipe(
 *   repeatOnSchedule(() => (done ? undefined : 5000), asyncScheduler),
 * );
 * ```
 *
 * @param nextWaitMs - Called at each completion of the source: the wait before the next
 *   subscription, or `undefined` to complete.
 * @param scheduler - Where the waits are scheduled (the client's scheduler).
 * @internal
 */
export function repeatOnSchedule<T>(nextWaitMs: () => number | undefined, scheduler: SchedulerLike): MonoTypeOperatorFunction<T> {
  return (source) =>
    new Observable<T>((subscriber) => {
      /** The subscription to the source in flight (`undefined` while waiting). */
      let round: Subscription | undefined;
      /** The one scheduled action, once it has run (it is rescheduled for every later wait). */
      let action: SchedulerAction<undefined> | undefined;
      /** What the first `schedule` returned: unsubscribing it cancels the action (and any it chained). */
      let scheduled: Subscription | undefined;
      let ended = false;

      const subscribeRound = (): void => {
        const sub = source.subscribe(observer);
        // A round that already completed (synchronously) is not kept through the wait; one whose
        // subscriber left during it (e.g. `take(1)` on a synchronous value) is ended.
        if (ended) sub.unsubscribe();
        round = ended || sub.closed ? undefined : sub;
      };
      const observer = {
        next: (value: T) => subscriber.next(value),
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          round = undefined;
          if (ended) return;
          let waitMs: number | undefined;
          try {
            waitMs = nextWaitMs();
          } catch (err) {
            subscriber.error(err);
            return;
          }
          if (waitMs === undefined) {
            subscriber.complete();
          } else if (action === undefined) {
            scheduled = scheduler.schedule(work, waitMs);
          } else {
            action.schedule(undefined, waitMs);
          }
        },
      };
      function work(this: SchedulerAction<undefined>): void {
        // The running action is the one every later wait reschedules: the scheduler hands it over only as `this`.
        // eslint-disable-next-line @typescript-eslint/no-this-alias
        action = this;
        subscribeRound();
      }

      subscribeRound();
      return () => {
        ended = true;
        round?.unsubscribe();
        round = undefined;
        scheduled?.unsubscribe();
        action?.unsubscribe();
      };
    });
}
