/** The rules of a training's life that every driver shares: status classes, change detection, deadlines, the poll schedule and backoff, and the recovery of an ambiguous Create Model. */
import { ApiError, AuthError, TrainingStartUnknownError } from './errors';
import { pollDelayMs, type ResolvedPollOptions } from './pollOptions';
import type { ResolvedRetryOptions } from './settings';

/**
 * What a status says about a training: still `running`, `done` (a terminal status that is not a
 * failure) or `failed` (one of the failure statuses; checked first).
 *
 * @internal
 */
export type StatusClass = 'running' | 'done' | 'failed';

/**
 * The class of `status` under the resolved poll options (their `terminalStatuses` and
 * `failureStatuses`): the one rule the in-memory poller, the durable step, the fleet and
 * conformance use to tell a finished training from a failed or running one.
 *
 * @internal
 */
export function statusClassOf(status: string, options: Pick<ResolvedPollOptions, 'terminalStatuses' | 'failureStatuses'>): StatusClass {
  if (options.failureStatuses.includes(status)) return 'failed';
  return options.terminalStatuses.includes(status) ? 'done' : 'running';
}

/**
 * Whether an answer is news: its status differs from the last one reported (`undefined`: none
 * reported yet). Repeats are not emitted as events.
 *
 * @internal
 */
export function isStatusChange(previous: string | undefined, status: string): boolean {
  return previous !== status;
}

/**
 * The wait before status check number `answered + 1`: `firstDelayMs` before the first, then
 * `minDelayMs` × `multiplier`^(n-1) up to `maxDelayMs`, with full jitter when asked.
 *
 * @internal
 */
export function pollWaitMs(answered: number, options: ResolvedPollOptions): number {
  return answered <= 0 ? options.firstDelayMs : pollDelayMs(answered - 1, options);
}

/**
 * Whether a wait that began at `sinceMs` is over at `nowMs` (`maxWaitMs` after its start, on
 * the same clock: the client's scheduler). `Infinity` never ends.
 *
 * @internal
 */
export function deadlinePassed(sinceMs: number, nowMs: number, maxWaitMs: number): boolean {
  return nowMs - sinceMs >= maxWaitMs;
}

/**
 * True when a Train Status Check or Data Set Info error says "no such id" (HTTP 400 or 404 that
 * is not a key error): the service does not know the training or upload.
 *
 * ## Example
 * ```ts
 * pollStatus$(client)(of({ externalProcessId: id })).pipe(catchError((err) => (isUnknownTraining(err) ? startAgain() : throwError(() => err))));
 * ```
 *
 * @param err - An error of a status or info request.
 * @returns True when the service does not know the id.
 */
export function isUnknownTraining(err: unknown): boolean {
  return err instanceof ApiError && !(err instanceof AuthError) && (err.httpStatus === 400 || err.httpStatus === 404);
}

/**
 * The server's wish for a wait, from an error: its `Retry-After` (already parsed into
 * `retryAfterMs` by the transport), else `undefined`.
 *
 * @internal
 */
export function retryAfterOf(err: unknown): number | undefined {
  return err instanceof ApiError ? err.retryAfterMs : undefined;
}

/**
 * The wait before retry number `attempt` (1-based): the server's `Retry-After` when it gave
 * one (capped at `maxDelayMs`), else full-jitter exponential backoff from `baseDelayMs`.
 *
 * @internal
 */
export function backoffMs(
  attempt: number,
  retryAfterMs: number | undefined,
  options: Pick<ResolvedRetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'>,
): number {
  const { maxDelayMs } = options;
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, maxDelayMs);
  const ceiling = Math.min(maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling * options.random());
}

/**
 * The wait before asking the service whether an ambiguous Create Model (attempt `attempt`)
 * took effect: none when the service answered (it is done with the request), else the retry
 * backoff (Retry-After when given, full jitter otherwise), so a request still in flight there
 * has time to land.
 *
 * @internal
 */
export function createRecoveryWaitMs(
  attempt: number,
  err: TrainingStartUnknownError,
  retry: Pick<ResolvedRetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'random'>,
): number {
  return err.answered ? 0 : backoffMs(attempt, retryAfterOf(err.cause), retry);
}

/**
 * Whether Create Model may be sent again after `sent` sends proved not to take effect (the
 * status check answered "unknown id"): within the client's `retry.maxAttempts`.
 *
 * @internal
 */
export function mayResendCreate(sent: number, retry: Pick<ResolvedRetryOptions, 'maxAttempts'>): boolean {
  return sent < retry.maxAttempts;
}
