/** A PUT to a pre-signed URL with upload progress, and the release of a spooled copy. */
import { Observable } from 'rxjs';
import { countingChunks } from '../sources/csvSource';
import { putPresigned$ } from '../transport/presigned';
import type { PredictionOneClient } from '../transport/client';

/**
 * Mirrors `source$`, then runs `release` (removing a spooled copy, closing a file) once it ends,
 * before the end is passed on: a caller that saw the completion or the error finds nothing
 * left behind. On unsubscribe, `release` runs without being waited for.
 *
 * @internal
 */
export function releasing<T>(source$: Observable<T>, release: () => Promise<void>): Observable<T> {
  return new Observable<T>((subscriber) => {
    let ended = false;
    const end = (pass: () => void): void => {
      ended = true;
      void release()
        .catch(() => undefined)
        .then(pass);
    };
    const subscription = source$.subscribe({
      next: (value) => subscriber.next(value),
      error: (err: unknown) => end(() => subscriber.error(err)),
      complete: () => end(() => subscriber.complete()),
    });
    return () => {
      subscription.unsubscribe();
      if (!ended) void release().catch(() => undefined);
    };
  });
}

/**
 * PUTs a body to a pre-signed URL and reports progress through `progress(loaded, total)`: at
 * the start, for each chunk a streamed body gives the transport, and at the end. Shared by the
 * training and the retraining uploads.
 *
 * @internal
 */
export function putWithProgress$<E>(
  client: PredictionOneClient,
  url: string,
  body: Uint8Array | AsyncIterable<Uint8Array>,
  total: number | undefined,
  progress: (loaded: number, total: number | undefined) => E,
  operation: 'uploadData' | 'retrainUpload' = 'uploadData',
): Observable<E> {
  return new Observable<E>((subscriber) => {
    subscriber.next(progress(0, total));
    const counted = (from: AsyncIterable<Uint8Array>) => countingChunks(from, (loaded) => subscriber.next(progress(loaded, total)));
    // A source that can be read again (fileSource) stays so, so a redirected PUT can send it again.
    const sent =
      body instanceof Uint8Array
        ? body
        : (body as { rereadable?: unknown }).rereadable === true
          ? { rereadable: true as const, [Symbol.asyncIterator]: () => counted(body)[Symbol.asyncIterator]() }
          : counted(body);
    return putPresigned$(client, url, sent, total, operation).subscribe({
      next: () => {
        if (total !== undefined) subscriber.next(progress(total, total));
      },
      error: (err: unknown) => subscriber.error(err),
      complete: () => subscriber.complete(),
    });
  });
}
