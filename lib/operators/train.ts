/** Operator: Create Model. */
/**
 * Create Model: start a training on an upload.
 *
 * @packageDocumentation
 */
import { OperatorFunction, catchError, defer, map, switchMap, throwError } from 'rxjs';
import { CreateModelResponse } from '../codecs/trainingStatus';
import { ValidationError } from '../core/errors';
import type { TrainingEvent, UploadedEvent } from '../core/events';
import type * as ConfigChecks from '../core/trainingConfig';
import type { TrainingConfig } from '../core/trainingConfig';
import { callApi$ } from '../transport/api';
import { createModelError } from '../transport/errorFactory';
import type { PredictionOneClient } from '../transport/client';
import { passOrHandle, isRef, type ExternalProcessRef } from './passOrHandle';
import { onDemand } from '../core/onDemand';

/** The training config's checks, loaded with the first Create Model (trainModel$'s local check shares them). @internal */
export const configChecks = onDemand(() => import('../core/trainingConfig'));

/**
 * What to train.
 *
 * ## Example
 * ```ts
 * const options: TrainOptions = { name: 'weather', config: { tt: 'multi_classification', tc: 'weather' } };
 * ```
 */
export interface TrainOptions {
  /** Model name; a function gets the upload's id. */
  readonly name: string | ((externalProcessId: string) => string);
  readonly config: TrainingConfig;
}

/**
 * Starts a training for each upload: on an `uploaded` event (or a bare `{ externalProcessId }`)
 * it POSTs Create Model and emits a `queued` event. Other events pass through.
 *
 * The config is validated before sending, then sent as written: no value is converted
 * between strings, numbers and booleans (the vendor's example sends `"cv": "2"`). Create Model is not idempotent: it is retried only
 * when the request provably was not acted on (connection refused, HTTP 429); after an
 * ambiguous failure (timeout, reset after sending, HTTP 5xx) it fails with
 * {@link TrainingStartUnknownError}, which carries the id to poll instead of training twice.
 *
 * **Errors**: {@link ValidationError}, {@link ApiError} (the service's config checks),
 * {@link AuthError}, {@link TrainingStartUnknownError}, {@link NetworkError}, {@link DecodeError}.
 *
 * **Cancellation**: unsubscribing aborts the request; a training the service already accepted
 * keeps running (the API has no cancel endpoint).
 *
 * ## Example
 * ```ts
 * of(csv).pipe(upload$(client), train$(client, { name: 'churn', config: { tt: 'binary_classification', tc: 'churned', tv: 'yes' } }))
 *   .subscribe((e) => e.type === 'queued' && console.log('training', e.externalProcessId));
 * ```
 *
 * @param client - The client.
 * @param options - Name and config.
 * @returns An operator from upload events to training events.
 */
export function train$(client: PredictionOneClient, options: TrainOptions): OperatorFunction<TrainingEvent | ExternalProcessRef, TrainingEvent> {
  return passOrHandle(
    (value): value is UploadedEvent | ExternalProcessRef => isRef(value) || value.type === 'uploaded',
    (input) =>
      // The config's local check is loaded with the first Create Model (an app that only follows
      // trainings never loads it).
      defer(configChecks).pipe(
        switchMap((checks: typeof ConfigChecks) => {
          // Sent as written: `cv: "2"` (the vendor's only wire example) stays a string, `cv: 2` a number.
          const config = options.config;
          checks.assertTrainingConfig(config);
          const id = input.externalProcessId;
          const name = typeof options.name === 'function' ? options.name(id) : options.name;
          if (!name.trim()) throw new ValidationError('model name', ['name must not be empty']);
          return callApi$(
            client,
            { operation: 'createModel', trainingId: id, method: 'POST', path: '/v1/external/models', json: { external_process_id: id, name, config } },
            CreateModelResponse,
          ).pipe(
            map((res): TrainingEvent => ({ type: 'queued', externalProcessId: res.external_process_id, name, config })),
            catchError((err: unknown) => throwError(() => createModelError(err, id))),
          );
        }),
      ),
  );
}
