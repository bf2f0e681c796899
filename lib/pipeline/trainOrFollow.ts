/**
 * Create Model that never trains twice: after an ambiguous failure it follows the training by
 * its id, and sends Create Model again only when that is provably safe.
 *
 * @packageDocumentation
 */
import { Observable, OperatorFunction, catchError, of, throwError } from 'rxjs';
import type { PollOptions } from '../core/config';
import { TrainingStartUnknownError } from '../core/errors';
import type { TrainingEvent } from '../core/events';
import type { ExternalProcessRef } from '../operators/passOrHandle';
import { pollStatus$ } from '../operators/pollStatus';
import { isUnknownTraining } from '../transport/errorFactory';
import { train$, type TrainOptions } from '../operators/train';
import type { PredictionOneClient } from '../transport/client';

/** Create Model attempts after answered 5xx errors, each confirmed unknown by a status check. */
const MAX_CREATE_ATTEMPTS = 3;

/**
 * {@link train$}, plus recovery from an ambiguous Create Model ({@link TrainingStartUnknownError}):
 * the training may exist, so it is followed by its id (status events) instead of being created
 * again. If the service does not know the id and had answered the failed call (a 5xx other than
 * 502/504: it is done with that request), Create Model is sent again, at most 3 times in all;
 * otherwise the original error stands.
 *
 * **Errors**: as {@link train$}, and {@link pollStatus$}'s errors while following.
 *
 * **Cancellation**: unsubscribing aborts the request in flight.
 *
 * ## Example
 * ```ts
 * of(csv).pipe(upload$(client), trainOrFollow$(client, { name: 'w', config }), pollStatus$(client), downloadResult$(client));
 * ```
 *
 * @param client - The client.
 * @param options - Name and config, and the poll schedule used while following.
 * @returns An operator from upload events to training events.
 */
export function trainOrFollow$(
  client: PredictionOneClient,
  options: TrainOptions & { readonly poll?: PollOptions },
): OperatorFunction<TrainingEvent | ExternalProcessRef, TrainingEvent> {
  const train = train$(client, options);
  const poll = pollStatus$(client, options.poll);
  const recover = (attempt: number): OperatorFunction<TrainingEvent, TrainingEvent> =>
    catchError<TrainingEvent, Observable<TrainingEvent>>((err: unknown) => {
      if (!(err instanceof TrainingStartUnknownError)) return throwError(() => err);
      const id = { externalProcessId: err.externalProcessId };
      return of(id).pipe(
        poll,
        catchError((pollErr: unknown) => {
          if (!isUnknownTraining(pollErr)) return throwError(() => pollErr);
          if (!err.answered || attempt >= MAX_CREATE_ATTEMPTS) return throwError(() => err);
          // Its 'queued' event reaches the pipeline's own pollStatus$ downstream.
          return of(id).pipe(train, recover(attempt + 1));
        }),
      );
    });
  return (source) => source.pipe(train, recover(1));
}
