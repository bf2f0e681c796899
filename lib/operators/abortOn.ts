/** Stops any stream of the library on an AbortSignal. */
/**
 * An `AbortSignal` as a way to stop any stream of the library.
 *
 * @packageDocumentation
 */
import { Observable, type MonoTypeOperatorFunction, type Subscription } from 'rxjs';
import { AbortError } from '../core/errors';

/**
 * Stops the source when `signal` fires and errors with {@link AbortError} instead: the
 * `AbortSignal` counterpart of unsubscribing, for `fetch`-style code. The source is
 * unsubscribed *before* the error is delivered, so the request in flight is already aborted
 * and no timer is left to send another one. A signal that has already fired errors at once,
 * without subscribing to the source (nothing is sent). Without a signal the source is
 * returned unchanged.
 *
 * **Errors**: {@link AbortError} (its `cause` is `signal.reason`), and whatever the source emits.
 *
 * **Cancellation**: unsubscribing removes the abort listener, so a long-lived signal (one per
 * page or per app) collects no listeners.
 *
 * ## Example
 * ```ts
 * const controller = new AbortController();
 * of(csv).pipe(upload$(client), abortOn(controller.signal)).subscribe({ error: (e) => console.log(e.name) });
 * controller.abort(); // AbortError
 * ```
 *
 * @param signal - The signal; `undefined` means "never aborted".
 * @returns An operator that mirrors its source until the signal fires.
 */
export function abortOn<T>(signal: AbortSignal | undefined): MonoTypeOperatorFunction<T> {
  if (signal === undefined) return (source) => source;
  return (source) =>
    new Observable<T>((subscriber) => {
      if (signal.aborted) {
        subscriber.error(new AbortError(signal.reason));
        return undefined;
      }
      let inner: Subscription | undefined;
      const onAbort = () => {
        // Tear the work down first: the caller's error handler must find nothing in flight.
        inner?.unsubscribe();
        subscriber.error(new AbortError(signal.reason));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      // A fresh observer (not `subscriber` itself), so `inner` can be torn down on its own.
      inner = source.subscribe({
        next: (value) => subscriber.next(value),
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
      // A source that finished synchronously never needs the listener.
      if (inner.closed) signal.removeEventListener('abort', onAbort);
      return () => {
        signal.removeEventListener('abort', onAbort);
        inner?.unsubscribe();
      };
    });
}
