/**
 * One step of a training: the unit of work a queue worker (or a local loop) runs, then records.
 *
 * @packageDocumentation
 */
import { Observable, catchError, concat, defer, from, map, mergeMap, of, take, takeWhile, throwError } from 'rxjs';
import type { PollOptions } from '../core/config';
import type { TrainingEvent } from '../core/events';
import type { TrainingConfig } from '../core/trainingConfig';
import { downloadResult$ } from '../operators/downloadResult';
import { pollDelayMs as scheduleDelayMs, resolvePollOptions, type ResolvedPollOptions } from '../core/pollOptions';
import { pollStatus$ } from '../operators/pollStatus';
import { upload$, type UploadInput } from '../operators/upload';
import type { TrainingResult } from '../results/trainingResult';
import type { PredictionOneClient } from '../transport/client';
import { isUnknownTraining } from '../transport/errorFactory';
import { trainOrFollow$ } from './trainOrFollow';

/**
 * How far a training got, as a step record stores it:
 *
 * - `new`: nothing sent yet;
 * - `uploaded`: every file is stored; `externalProcessId` names the upload;
 * - `training-requested`: Create Model may be sent from now on (written *before* it is sent, so
 *   whoever resumes asks the service first);
 * - `training-started`: the service knows the training; polling;
 * - `downloaded`: the result was downloaded and handed to the caller.
 *
 * ## Example
 * ```ts
 * const stage: TrainingStepStage = 'training-started';
 * ```
 */
export type TrainingStepStage = 'new' | 'uploaded' | 'training-requested' | 'training-started' | 'downloaded';

/**
 * The durable state of one training between steps: the same fields as a `p1rx batch`
 * checkpoint entry. Plain JSON (a queue job's data, a checkpoint line); never a key or a
 * pre-signed URL.
 *
 * ## Example
 * ```ts
 * const state: TrainingStepState = { stage: 'training-started', externalProcessId: id, polls: 3, status: 'running' };
 * ```
 */
export interface TrainingStepState {
  /** How far the training got. */
  readonly stage: TrainingStepStage;
  /** The upload's id, once uploaded (it names the training too). */
  readonly externalProcessId?: string;
  /** Status polls made so far: the poll schedule continues from here. */
  readonly polls: number;
  /** The last status seen. */
  readonly status?: string;
}

/**
 * What a step works on: the model's name and config, and, for a job that starts from `new`,
 * where its data comes from.
 *
 * ## Example
 * ```ts
 * const job: TrainingStepJob = { name: 'w', config: { tt: 'multi_classification', tc: 'weather' }, data: () => ({ train: csv }) };
 * ```
 */
export interface TrainingStepJob {
  readonly name: string;
  readonly config: TrainingConfig;
  /** The data to upload (called only at stage `new`). */
  readonly data?: () => UploadInput | Promise<UploadInput>;
  /** Poll schedule (defaults: the client's, then the library's). */
  readonly poll?: PollOptions;
}

/**
 * The answer of {@link TrainingStepHooks.claim}: `true` to send Create Model; otherwise the
 * training is followed by status, and the step is retried after `retryAfterMs` if the service
 * does not know it yet.
 *
 * ## Example
 * ```ts
 * const held: ClaimAnswer = { granted: false, retryAfterMs: 5000 };
 * ```
 */
export interface ClaimAnswer {
  readonly granted: boolean;
  /** When not granted: how long until the claim may be free again. */
  readonly retryAfterMs?: number;
}

/**
 * Hooks a step calls at its decision points (a fleet takes a Redis claim here).
 *
 * ## Example
 * ```ts
 * const hooks: TrainingStepHooks = { claim: async (id) => ({ granted: await redis.set(`claim:${id}`, token, 'PX', 60_000, 'NX') === 'OK' }) };
 * ```
 */
export interface TrainingStepHooks {
  /**
   * Called right before Create Model may be sent for an upload. Default: always granted (one
   * process). Only the holder of the claim sends it; others follow the training by status.
   */
  readonly claim?: (externalProcessId: string) => Promise<ClaimAnswer>;
}

/**
 * One output of {@link trainingStep$}: the step's training events as they happen, then exactly
 * one `next` with the state to record and when to run the following step (`delayMs`; absent:
 * at once), or `done` with the downloaded result.
 *
 * ## Example
 * ```ts
 * if (out.kind === 'next') await save(out.state);
 * ```
 */
export type TrainingStepOutput =
  | { readonly kind: 'event'; readonly event: TrainingEvent }
  | { readonly kind: 'next'; readonly state: TrainingStepState; readonly delayMs?: number }
  | { readonly kind: 'done'; readonly state: TrainingStepState; readonly result: TrainingResult };

/** A training event as a step output. */
const event = (e: TrainingEvent): TrainingStepOutput => ({ kind: 'event', event: e });

/** Wait after `polls` polls (at least the first interval). */
function delayAfter(polls: number, poll: ResolvedPollOptions): number {
  return scheduleDelayMs(Math.max(0, polls - 1), poll);
}

/** The initial state of a job whose data is still to be uploaded. @internal */
export const NEW_TRAINING: TrainingStepState = { stage: 'new', polls: 0 };

/**
 * Advances one training by one step, from a recorded {@link TrainingStepState}, with the
 * existing operators unchanged:
 *
 * - `new`: {@link upload$} → `uploaded`;
 * - `uploaded`: nothing is sent → `training-requested` (record it before the next step: it is
 *   the write-ahead mark that Create Model may be in flight);
 * - `training-requested`: the claim hook; then one status call; only when the service does not
 *   know the training, and the claim is held, Create Model ({@link trainOrFollow$}) →
 *   `training-started`. Without the claim the training is followed by status (or the step is
 *   retried after the claim's time);
 * - `training-started`: one status poll: not terminal → the same stage with `polls + 1` and
 *   the delay of the poll schedule; `finished` → {@link downloadResult$} → `done`.
 *
 * The caller records each `next` state before running the next step; a crash between steps
 * therefore repeats at most the step in flight, and never sends Create Model twice for an
 * upload whose record says `training-started`. A local loop and a queue worker run the same
 * steps (the worker parks the job between polls).
 *
 * **Errors**: those of {@link upload$}, {@link trainOrFollow$}, {@link pollStatus$}
 * (including {@link TrainingFailedError}) and {@link downloadResult$}.
 *
 * **Cancellation**: unsubscribing aborts the request in flight.
 *
 * ## Example
 * ```ts
 * let state = NEW_TRAINING;
 * for (;;) {
 *   const out = await lastValueFrom(trainingStep$(client, job, state));
 *   if (out.kind === 'done') break;
 *   if (out.kind === 'next') ({ state } = out), await sleep(out.delayMs ?? 0);
 * }
 * ```
 *
 * @param client - The client.
 * @param job - Name, config and data of the training.
 * @param state - Where the training got to.
 * @param hooks - Decision hooks (the claim before Create Model).
 * @returns The step's events, then its outcome.
 */
export function trainingStep$(
  client: PredictionOneClient,
  job: TrainingStepJob,
  state: TrainingStepState,
  hooks: TrainingStepHooks = {},
): Observable<TrainingStepOutput> {
  const poll = resolvePollOptions(client.poll, job.poll);
  return defer((): Observable<TrainingStepOutput> => {
    const id = state.externalProcessId;
    if (state.stage !== 'new' && state.stage !== 'downloaded' && id === undefined) {
      return throwError(() => new TypeError(`training step: stage '${state.stage}' needs an externalProcessId`));
    }
    switch (state.stage) {
      case 'new':
        return defer(async () => {
          if (!job.data) throw new TypeError("training step: stage 'new' needs the job's data");
          return job.data();
        }).pipe(
          upload$(client),
          mergeMap((e) =>
            e.type === 'uploaded'
              ? of(event(e), { kind: 'next', state: { stage: 'uploaded', externalProcessId: e.externalProcessId, polls: 0 } } as const)
              : of(event(e)),
          ),
        );
      case 'uploaded':
        return of({ kind: 'next', state: { ...state, stage: 'training-requested' } } as const);
      case 'training-requested':
        return requestTraining$(client, job, state as TrainingStepState & { externalProcessId: string }, poll, hooks);
      case 'training-started':
        return pollOnce$(client, id!, poll).pipe(
          mergeMap((status): Observable<TrainingStepOutput> => {
            const polls = state.polls + 1;
            const next: TrainingStepState = { ...state, polls, status: status.type === 'status' ? status.status : state.status };
            if (status.type !== 'status' || !status.terminal) return of(event(status), { kind: 'next', state: next, delayMs: delayAfter(polls, poll) } as TrainingStepOutput);
            return concat(
              of(event(status)),
              of(status).pipe(
                downloadResult$(client),
                mergeMap((d): Observable<TrainingStepOutput> =>
                  d.type === 'completed' ? of(event(d), { kind: 'done', state: { ...next, stage: 'downloaded' }, result: d.result } as TrainingStepOutput) : of(event(d)),
                ),
              ),
            );
          }),
        );
      case 'downloaded':
        return throwError(() => new TypeError("training step: the training is 'downloaded' already; its result was handed out then"));
    }
  });
}

/** One immediate status poll: the first status the shared poller emits. */
function pollOnce$(client: PredictionOneClient, externalProcessId: string, poll: ResolvedPollOptions): Observable<TrainingEvent> {
  return of({ externalProcessId }).pipe(pollStatus$(client, { ...poll, firstDelayMs: 0 }), take(1));
}

/**
 * `training-requested`: ask first, then send Create Model only with the claim. A failed
 * training found here is reported as {@link TrainingFailedError} by the status poll.
 */
function requestTraining$(
  client: PredictionOneClient,
  job: TrainingStepJob,
  state: TrainingStepState & { externalProcessId: string },
  poll: ResolvedPollOptions,
  hooks: TrainingStepHooks,
): Observable<TrainingStepOutput> {
  const id = state.externalProcessId;
  const started = (polls: number): TrainingStepOutput => ({ kind: 'next', state: { ...state, stage: 'training-started', polls }, delayMs: delayAfter(polls, poll) });
  // Does the service know this training? A status (even failed) says yes; 400/404 says no.
  const known$ = pollOnce$(client, id, poll).pipe(
    map((e): TrainingEvent | undefined => e),
    catchError((err: unknown) => (isUnknownTraining(err) ? of(undefined) : throwError(() => err))),
  );
  const claim = hooks.claim ?? (async () => ({ granted: true }));
  return from(claim(id)).pipe(
    mergeMap((answer) =>
      known$.pipe(
        mergeMap((status): Observable<TrainingStepOutput> => {
          if (status !== undefined) return of({ kind: 'event', event: status } as const, started(1));
          if (!answer.granted) return of({ kind: 'next', state, delayMs: answer.retryAfterMs ?? delayAfter(1, poll) } as const);
          // Create Model, once. An ambiguous failure makes trainOrFollow$ follow by status: the
          // first status (or the `queued` answer) is all this step needs.
          return of({ externalProcessId: id }).pipe(
            trainOrFollow$(client, { name: job.name, config: job.config, poll }),
            takeWhile((e) => e.type !== 'queued' && e.type !== 'status', true),
            mergeMap((e) => (e.type === 'queued' || e.type === 'status' ? of(event(e), started(e.type === 'status' ? 1 : 0)) : of(event(e)))),
          );
        }),
      ),
    ),
  );
}
