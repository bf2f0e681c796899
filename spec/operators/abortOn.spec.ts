/** Specs: abortOn. */
import { Observable, Subject, defer, finalize, of } from 'rxjs';
import { AbortError, abortOn } from '../../lib';

describe('abortOn', () => {
  it('should mirror the source while the signal has not fired', () => {
    const seen: unknown[] = [];
    of(1, 2, 3)
      .pipe(abortOn(new AbortController().signal))
      .subscribe({ next: (v) => seen.push(v), complete: () => seen.push('done') });
    expect(seen).toEqual([1, 2, 3, 'done']);
  });

  it('should unsubscribe the source before delivering AbortError', () => {
    const controller = new AbortController();
    const log: string[] = [];
    const source = new Subject<number>();
    source
      .pipe(
        finalize(() => log.push('source torn down')),
        abortOn(controller.signal),
      )
      .subscribe({
        next: (v) => log.push(`next ${v}`),
        error: (e: unknown) => log.push(`error ${(e as Error).name} ${e instanceof AbortError}`),
      });
    source.next(1);
    controller.abort();
    source.next(2);
    expect(log).toEqual(['next 1', 'source torn down', 'error AbortError true']);
    expect(source.observed).toBe(false);
  });

  it('should not subscribe to the source when the signal has already fired', () => {
    const controller = new AbortController();
    controller.abort('gone');
    let subscribed = 0;
    let error: unknown;
    defer(() => {
      subscribed++;
      return of(1);
    })
      .pipe(abortOn(controller.signal))
      .subscribe({ error: (e: unknown) => (error = e) });
    expect(subscribed).toBe(0);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).message).toBe('Aborted: gone');
    expect((error as AbortError).cause).toBe('gone');
    // A reason quoting a pre-signed URL loses its query, in the message and in the cause.
    const leaky = new AbortController();
    leaky.abort(new Error('left during https://storage.example/up?X-Amz-Signature=abc123secret'));
    let redacted: unknown;
    of(1)
      .pipe(abortOn(leaky.signal))
      .subscribe({ error: (e: unknown) => (redacted = e) });
    expect(String((redacted as Error).message)).not.toContain('abc123secret');
    expect(String(((redacted as Error).cause as Error).message)).not.toContain('abc123secret');
  });

  it('should do nothing on abort after unsubscribe or completion', () => {
    const controller = new AbortController();
    const errors: unknown[] = [];
    const sub = new Observable<number>(() => undefined).pipe(abortOn(controller.signal)).subscribe({ error: (e) => errors.push(e) });
    of(1)
      .pipe(abortOn(controller.signal))
      .subscribe({ error: (e) => errors.push(e) });
    sub.unsubscribe();
    controller.abort();
    expect(errors).toEqual([]);
  });

  it('should return the source itself without a signal', () => {
    const source = of(1);
    expect(source.pipe(abortOn(undefined))).toBe(source);
  });
});
