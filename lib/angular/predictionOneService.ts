/** The injectable service that exposes the client's streams to Angular components. */
/**
 * The injectable face of the client for Angular components: training, upload and status
 * streams as cold Observables, ready for the `async` pipe or `toSignal`.
 *
 * @packageDocumentation
 */
import { Observable, of } from 'rxjs';
import {
  downloadResult$,
  onlyResult,
  pollStatus$,
  sharedStatus$,
  trainModel$,
  upload$,
  type CsvSource,
  type PollOptions,
  type PredictionOneClient,
  type StatusEvent,
  type TrainingEvent,
  type TrainingJob,
  type TrainingResult,
  type UploadInput,
} from 'prediction-one-rx';

/**
 * Trains, uploads and watches trainings with the client that {@link providePredictionOne}
 * configured. Get it with `inject(PredictionOneService)`; it is provided by a factory (no
 * decorators), once per environment injector.
 *
 * Every method returns a cold Observable: nothing is sent until you subscribe, and
 * unsubscribing (the `async` pipe does when the view goes away) aborts the request in flight
 * and stops polling. The training itself goes on at the service: the API cannot cancel it.
 *
 * ## Example
 * ```ts
 * import { Component, inject } from '@angular/core';
 * import { AsyncPipe } from '@angular/common';
 * import { PredictionOneService } from 'prediction-one-rx/angular';
 *
 * @Component({ selector: 'app-train', imports: [AsyncPipe], template: `{{ (events$ | async)?.type }}` })
 * export class TrainComponent {
 *   private readonly p1 = inject(PredictionOneService);
 *   readonly events$ = this.p1.train({ data: { train: 'a,b\n1,x\n2,y\n' }, name: 'demo', config: { tt: 'multi_classification', tc: 'b' } });
 * }
 * // uploadProgress … uploaded, queued, status, …, completed
 * ```
 */
export class PredictionOneService {
  /**
   * @param client - The configured client, also available as {@link PredictionOneService.client}.
   */
  constructor(
    /** The underlying client, for the operators of `prediction-one-rx` (`apiKey$`, `datasetInfo$`, ...). */
    readonly client: PredictionOneClient,
  ) {}

  /**
   * Runs a training end to end (upload, Create Model, status polling, result download) and
   * streams its {@link TrainingEvent}s.
   *
   * **Errors**: those of `trainModel$`: `ValidationError`, `ApiError`, `AuthError`,
   * `NetworkError`, `DecodeError`, `TrainingFailedError`, `PollTimeoutError`, `ResultArchiveError`.
   *
   * **Cancellation**: unsubscribing aborts the request in flight and stops polling.
   *
   * ## Example
   * ```ts
   * this.p1.train({ data: { train: file }, name: 'weather', config: { tt: 'multi_classification', tc: 'weather' } })
   *   .subscribe((e) => console.log(e.type));
   * // uploadProgress, uploadProgress, uploaded, queued, status, status, status, downloadProgress, completed
   * ```
   *
   * @param job - Data (a `File` from an `<input type="file">` works), model name and config.
   * @returns The training's events.
   */
  train(job: TrainingJob): Observable<TrainingEvent> {
    return trainModel$(this.client, job);
  }

  /**
   * Uploads training data and emits `uploadProgress` events, then `uploaded` with the
   * `externalProcessId`.
   *
   * **Errors**: `ValidationError`, `ApiError`, `AuthError`, `NetworkError`, `DecodeError`.
   *
   * **Cancellation**: unsubscribing aborts the upload in flight.
   *
   * ## Example
   * ```ts
   * this.p1.upload({ train: csvText, columns: { date: 'date', weather: 'string' } }).subscribe((e) => {
   *   if (e.type === 'uploaded') console.log(e.externalProcessId);
   * });
   * ```
   *
   * @param input - CSV data, or an `UploadInput` with evaluation data and column types.
   * @returns The upload's events.
   */
  upload(input: CsvSource | UploadInput): Observable<TrainingEvent> {
    return of(input).pipe(upload$(this.client));
  }

  /**
   * The distinct statuses of a training, polled until it ends: the core's `sharedStatus$`.
   * Subscribers of the same id (and schedule) share one poller, whatever their `maxWaitMs`, with
   * the core's other subscribers of that training too; a late subscriber gets the latest
   * status at once; polling stops when the last one unsubscribes.
   *
   * **Errors**: `TrainingFailedError`, `PollTimeoutError`, `ApiError`, `AuthError`,
   * `NetworkError`, `DecodeError`.
   *
   * **Cancellation**: unsubscribing the last subscriber aborts the poll in flight and clears
   * the timer.
   *
   * ## Example
   * ```ts
   * this.p1.status$(savedId).subscribe((s) => console.log(s.status));
   * // waiting
   * // running
   * // finished
   * ```
   *
   * @param externalProcessId - The id from the `queued` (or `uploaded`) event.
   * @param poll - Poll schedule and this subscriber's deadline; the client's `poll` defaults otherwise.
   * @returns The training's status events.
   */
  status$(externalProcessId: string, poll?: PollOptions): Observable<StatusEvent> {
    return sharedStatus$(this.client, externalProcessId, poll);
  }

  /**
   * Waits for a training started earlier (for instance before a page reload) to finish and
   * downloads its result.
   *
   * **Errors**: those of {@link PredictionOneService.status$}, plus `ResultArchiveError`.
   *
   * **Cancellation**: unsubscribing aborts the poll or the download in flight.
   *
   * ## Example
   * ```ts
   * this.p1.result(savedId).subscribe((r) => console.table(r.metrics));
   * ```
   *
   * @param externalProcessId - The id from the `queued` event.
   * @param poll - Poll schedule; the client's `poll` defaults otherwise.
   * @returns The result, once.
   */
  result(externalProcessId: string, poll?: PollOptions): Observable<TrainingResult> {
    return of({ externalProcessId }).pipe(pollStatus$(this.client, poll), downloadResult$(this.client), onlyResult());
  }
}
