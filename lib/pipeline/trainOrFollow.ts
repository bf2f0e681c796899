/** Create Model that never trains twice: after an ambiguous failure it follows the training by its id, and sends Create Model again only when that is provably safe. */
import { Observable, OperatorFunction, catchError, concatMap, of, throwError, timer } from 'rxjs';
import type { PollOptions } from '../core/config';
import { TrainingStartUnknownError } from '../core/errors';
import type { TrainingEvent } from '../core/events';
import type { ExternalProcessRef } from '../operators/passOrHandle';
import { pollStatus$ } from '../operators/pollStatus';
import { createRecoveryWaitMs, isUnknownTraining, mayResendCreate } from '../core/trainingRules';
import { train$, type TrainOptions } from '../operators/train';
import type { PredictionOneClient } from '../transport/client';

/**
 * {@link train$}, plus recovery from an ambiguous Create Model ({@link TrainingStartUnknownError}):
 * the training may exist, so it is followed by its id (status events) instead of being created
 * again. When a status check proves the service does not know the id, Create Model is sent
 * again, within the retry budget (`retry.maxAttempts` sends in all); past it the original
 * error stands. After a failure the service did not answer (a reset, a timeout, a gateway's
 * 502/504: the request may still be on its way there), the status check waits first, so a late
 * request lands: the server's `Retry-After` when it gave one, else the attempt's backoff with
 * full jitter (`createRecoveryWaitMs` of lib/core/trainingRules.ts, the rule of the durable
 * job step too).
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
  const retry = client.settings.retry;
  const recover = (attempt: number): OperatorFunction<TrainingEvent, TrainingEvent> =>
    catchError<TrainingEvent, Observable<TrainingEvent>>((err: unknown) => {
      if (!(err instanceof TrainingStartUnknownError)) return throwError(() => err);
      const id = { externalProcessId: err.externalProcessId };
      return timer(createRecoveryWaitMs(attempt, err, retry), client.scheduler).pipe(
        concatMap(() => of(id).pipe(poll)),
        catchError((pollErr: unknown) => {
          if (!isUnknownTraining(pollErr)) return throwError(() => pollErr);
          if (!mayResendCreate(attempt, retry)) return throwError(() => err);
          // Proven unknown: the earlier Create Model never took effect. Its 'queued' event
          // reaches the pipeline's own pollStatus$ downstream.
          return of(id).pipe(train, recover(attempt + 1));
        }),
      );
    });
  return (source) => source.pipe(train, recover(1));
}
