/** The library's one error hierarchy. */
/**
 * One error hierarchy for the whole library. Every error the library emits is an instance of
 * {@link PredictionOneError}; callers branch with `instanceof` or on `name`.
 *
 * Messages never contain API keys, secret keys or pre-signed URL query strings: URLs are
 * passed through {@link redactUrl} before they are stored.
 *
 * @packageDocumentation
 */
import { redactBody, redactError, redactText, redactUrl } from './redact';

/**
 * Base class of every error the library emits.
 *
 * ## Example
 * ```ts
 * pipeline$.subscribe({ error: (e) => { if (e instanceof PredictionOneError) console.error(e.name, e.message); } });
 * ```
 */
export class PredictionOneError extends Error {
  override readonly name: string = 'PredictionOneError';
  /** Whether retrying the same request may succeed (network failures, 5xx, 429). */
  readonly retryable: boolean = false;

  constructor(message: string, options?: { cause?: unknown }) {
    // A cause from outside the library (a fetch TypeError quoting a pre-signed URL, a gateway's
    // text) is kept as a redacted copy; the library's own errors were redacted when made.
    super(redactText(message), options === undefined ? undefined : { cause: keptCause(options.cause) });
  }

  /**
   * The error as `JSON.stringify` writes it: `name`, `message`, the class's own fields (all
   * redacted when the error was made) and the cause, likewise. Never a key or a signature.
   *
   * ## Example
   * ```ts
   * JSON.stringify(err); // '{"name":"ServerError","message":"GET https://…?[REDACTED] failed with HTTP 503",…}'
   * ```
   *
   * @returns A plain object.
   */
  toJSON(): Record<string, unknown> {
    return errorJson(this, 0);
  }
}

function keptCause(cause: unknown): unknown {
  return cause instanceof PredictionOneError ? cause : redactError(cause);
}

function errorJson(err: Error, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = { name: err.name, message: err.message };
  for (const [key, value] of Object.entries(err)) if (key !== 'cause' && value !== undefined) out[key] = value;
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error && depth < 5) out.cause = errorJson(cause, depth + 1);
  else if (cause !== undefined) out.cause = redactError(cause);
  return out;
}

/** How much of a raw error body an error keeps, so a huge HTML page does not bloat logs. */
const MAX_KEPT_BODY = 2_000;

/**
 * Fields of an API error.
 *
 * ## Example
 * ```ts
 * new ApiError({ httpStatus: 400, code: 4001000204, method: 'GET', url });
 * ```
 */
export interface ApiErrorInit {
  /** HTTP status of the response. */
  readonly httpStatus: number;
  /** The service's numeric error code (e.g. `4001000204`), when the body had one. */
  readonly code?: number;
  /** The service's error name (e.g. `PREDA_EXTERNAL_BAD_REQUEST`), when the body had one. */
  readonly error?: string;
  /** The service's message (e.g. `invalid_api_key.`), when the body had one. */
  readonly apiMessage?: string;
  /** HTTP method of the failed request. */
  readonly method: string;
  /** URL of the failed request; redacted before it is stored. */
  readonly url: string;
  /** Raw response body (truncated, redacted). */
  readonly body?: string;
  /** Value of a `Retry-After` header, in milliseconds, when the response had one. */
  readonly retryAfterMs?: number;
}

/**
 * The service answered with an error status. Carries the documented `{ code, error, message }`
 * fields (each may be missing: the body shape is undocumented) and the HTTP status.
 *
 * ## Example
 * ```ts
 * if (err instanceof ApiError && err.code === 4001000204) console.log(err.apiMessage);
 * ```
 */
// The fields are ApiErrorInit's (declaration merging: one list, not two).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface ApiError extends ApiErrorInit {}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class ApiError extends PredictionOneError {
  override readonly name: string = 'ApiError';

  constructor(init: ApiErrorInit, secrets: readonly (string | undefined)[] = []) {
    const url = redactUrl(init.url);
    const detail = [init.code, init.error, init.apiMessage].filter((x) => x !== undefined && x !== '').join(' ');
    super(redactText(`${init.method} ${url} failed with HTTP ${init.httpStatus}${detail ? `: ${detail}` : ''}`, secrets));
    // Every field of the init, with the network's text redacted (and the body cut).
    const fields: ApiErrorInit = {
      httpStatus: init.httpStatus,
      code: init.code,
      error: init.error,
      apiMessage: init.apiMessage === undefined ? undefined : redactText(init.apiMessage, secrets),
      method: init.method,
      url,
      body: init.body === undefined ? undefined : redactBody(init.body.slice(0, MAX_KEPT_BODY), secrets),
      retryAfterMs: init.retryAfterMs,
    };
    Object.assign(this, fields);
  }

  /**
   * The HTTP status, by the name openai-node's `APIError` and Angular's `HttpErrorResponse`
   * use: the same value as {@link ApiError.httpStatus}.
   *
   * ## Example
   * ```ts
   * if (err instanceof ApiError && err.status === 404) console.log('no such training');
   * ```
   */
  get status(): number {
    return this.httpStatus;
  }
}

/**
 * The key was refused (documented code `4001000204` with `invalid_api_key.`,
 * `Inactive_credential.`, `Not_found_credential.` or `This user may be deleted.`). Never retried.
 *
 * ## Example
 * ```ts
 * if (err instanceof AuthError && err.apiMessage === 'Inactive_credential.') refreshKey();
 * ```
 */
export class AuthError extends ApiError {
  override readonly name = 'AuthError';
}

/**
 * HTTP 429: the service asks the client to slow down. Retryable; `retryAfterMs` holds the
 * server's `Retry-After` when it sent one.
 *
 * ## Example
 * ```ts
 * if (err instanceof RateLimitError) console.log(`retry in ${err.retryAfterMs ?? '?'} ms`);
 * ```
 */
export class RateLimitError extends ApiError {
  override readonly name = 'RateLimitError';
  override readonly retryable = true;
}

/**
 * HTTP 5xx from the service. Retryable for idempotent requests.
 *
 * ## Example
 * ```ts
 * if (err instanceof ServerError) console.log(err.httpStatus); // 503
 * ```
 */
export class ServerError extends ApiError {
  override readonly name = 'ServerError';
  override readonly retryable = true;
}

/**
 * What a {@link ResourceGoneError} says is gone.
 *
 * ## Example
 * ```ts
 * const what: GoneResource = 'retrainJob';
 * ```
 */
export type GoneResource = 'model' | 'job' | 'retrainJob' | 'classifier' | 'configurationFile';

/**
 * The service says a resource the call needs is gone: `This model may be deleted.` (`model`),
 * `This job may be deleted.` (`job`), `Not found retrain job.` (`retrainJob`), `Not found
 * classifier.` (`classifier`: the model's prediction API was deleted) — code 4001000204 — or
 * HTTP 500 `5001000201 Not found configuration_file.` (`configurationFile`). Never retried:
 * asking again does not bring it back; start over (train, deploy or retrain anew).
 *
 * ## Example
 * ```ts
 * if (err instanceof ResourceGoneError && err.resource === 'classifier') redeploy();
 * ```
 */
export class ResourceGoneError extends ApiError {
  override readonly name = 'ResourceGoneError';
  /** What is gone. */
  readonly resource: GoneResource;

  constructor(resource: GoneResource, init: ApiErrorInit, secrets: readonly (string | undefined)[] = []) {
    super(init, secrets);
    this.resource = resource;
  }
}

/**
 * The request did not produce an HTTP response: connection refused, DNS failure, reset, or a
 * body that broke off. `sent` tells whether the request may have reached the server.
 *
 * ## Example
 * ```ts
 * if (err instanceof NetworkError) console.log(err.method, err.url, err.cause);
 * ```
 */
export class NetworkError extends PredictionOneError {
  override readonly name: string = 'NetworkError';
  override readonly retryable = true;
  readonly method: string;
  readonly url: string;
  /** `false` only when the failure proves the request never left (connection refused, DNS). */
  readonly sent: boolean;

  constructor(method: string, url: string, cause: unknown, secrets: readonly (string | undefined)[] = []) {
    const redacted = redactUrl(url);
    // The URL once: node-fetch's `request to <url> failed, reason: <why>` says it again.
    const why = (cause instanceof Error ? cause.message : String(cause))
      .replace(/^request to \S+ failed,? reason: /, '')
      .split(url)
      .join('it');
    // The transport's own error often quotes the full URL (a pre-signed query string): it is
    // kept as a redacted copy, so logging the error with its cause chain leaks nothing.
    super(redactText(`${method} ${redacted} failed: ${why}`, secrets), { cause: redactError(cause, secrets) });
    this.method = method;
    this.url = redacted;
    this.sent = !isNeverSent(cause);
  }
}

/**
 * No complete response (headers and body) within `ClientConfig.requestTimeoutMs`, or a
 * transfer that stalled for `ClientConfig.transferIdleTimeoutMs`. The request may have reached
 * the server (`sent` is true), so a non-idempotent request is not resent.
 *
 * ## Example
 * ```ts
 * if (err instanceof RequestTimeoutError) console.log(`gave up after ${err.timeoutMs} ms`);
 * ```
 */
export class RequestTimeoutError extends NetworkError {
  override readonly name = 'RequestTimeoutError';
  readonly timeoutMs: number;
  /** True for the idle timeout of a transfer (nothing moved), false for the total time limit. */
  readonly idle: boolean;

  constructor(method: string, url: string, timeoutMs: number, idle = false) {
    super(method, url, new Error(idle ? `nothing received or sent for ${timeoutMs} ms` : `no complete response within ${timeoutMs} ms`));
    this.timeoutMs = timeoutMs;
    this.idle = idle;
  }
}

/** Error codes that prove the TCP connection was never made, so nothing was sent. */
const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function isNeverSent(cause: unknown): boolean {
  let current: unknown = cause;
  for (let depth = 0; depth < 5 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NEVER_SENT_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * A response body did not match the documented shape. `issues` name each failing field path,
 * what was expected and what came.
 *
 * ## Example
 * ```ts
 * if (err instanceof DecodeError) console.log(err.codecName, err.issues); // ['status: expected string, got 42']
 * ```
 */
export class DecodeError extends PredictionOneError {
  override readonly name = 'DecodeError';
  readonly codecName: string;
  readonly issues: readonly string[];
  /** The raw body (truncated to 2,000 characters, redacted). */
  readonly body: string;

  constructor(codecName: string, issues: readonly string[], body: string, secrets: readonly (string | undefined)[] = []) {
    const safeIssues = issues.map((i) => redactBody(i, secrets));
    super(`Response did not match ${codecName}: ${safeIssues.slice(0, 5).join('; ')}`);
    this.codecName = codecName;
    this.issues = safeIssues;
    this.body = redactBody(body.slice(0, MAX_KEPT_BODY), secrets);
  }
}

/**
 * A response (or a result archive) was larger than the configured limit. Reading stopped at
 * the limit.
 *
 * ## Example
 * ```ts
 * if (err instanceof ResponseTooLargeError) console.log(err.limitBytes);
 * ```
 */
export class ResponseTooLargeError extends PredictionOneError {
  override readonly name = 'ResponseTooLargeError';
  readonly limitBytes: number;

  constructor(what: string, limitBytes: number) {
    super(`${what} exceeds the ${limitBytes}-byte limit`);
    this.limitBytes = limitBytes;
  }
}

/**
 * A value given to the library was invalid (a training `config`, an upload without data...).
 * Raised before anything is sent. `issues` lists every problem found.
 *
 * ## Example
 * ```ts
 * if (err instanceof ValidationError) err.issues.forEach((i) => console.log(i));
 * ```
 */
export class ValidationError extends PredictionOneError {
  override readonly name = 'ValidationError';
  readonly issues: readonly string[];

  constructor(what: string, issues: readonly string[]) {
    // An issue may quote the value it refuses (a baseUrl with a key in it).
    const safeIssues = issues.map((i) => redactText(i));
    super(`Invalid ${what}: ${safeIssues.join('; ')}`);
    this.issues = safeIssues;
  }
}

/**
 * The caller's `AbortSignal` fired: the work was stopped and what was in flight aborted. Named
 * `'AbortError'` like the platform's own, so `err.name === 'AbortError'` checks written for
 * `fetch` work unchanged; `cause` is the signal's `reason`.
 *
 * Aborting stops local work only: a training already started goes on at the service.
 *
 * ## Example
 * ```ts
 * try { await trainModel(client, job, { signal }); } catch (err) { if (err instanceof AbortError) console.log('stopped'); }
 * ```
 */
export class AbortError extends PredictionOneError {
  override readonly name = 'AbortError';

  constructor(reason?: unknown) {
    const why = reason instanceof Error && reason.name !== 'AbortError' ? `: ${reason.message}` : typeof reason === 'string' ? `: ${reason}` : '';
    // The reason is the caller's, but may quote a URL: kept redacted like every other cause.
    super(redactText(`Aborted${why}`), reason === undefined ? undefined : { cause: redactError(reason) });
  }
}

/**
 * What a poll waited for: a training, a retraining job or a prediction API (classifier).
 *
 * ## Example
 * ```ts
 * const resource: PollResource = 'retrainJob';
 * ```
 */
export type PollResource = 'training' | 'retrainJob' | 'classifier';

/**
 * A training, a retraining job or a prediction API ended with a failure status: the common
 * base of {@link TrainingFailedError}, {@link RetrainFailedError} and
 * {@link ClassifierFailedError}, for code that handles all three alike (`resource` says which).
 * Never retried: the resource itself failed.
 *
 * ## Example
 * ```ts
 * if (err instanceof StatusFailedError) console.log(`${err.resource} ${err.id} ended ${err.status}`);
 * ```
 */
export class StatusFailedError extends PredictionOneError {
  override readonly name: string = 'StatusFailedError';
  /** What failed. */
  readonly resource: PollResource;
  /** Its id: an `externalProcessId`, a `retrainJobId` or a `classifierId`. */
  readonly id: string;
  /** The status it ended with. */
  readonly status: string;

  constructor(resource: PollResource, id: string, status: string, message: string) {
    super(message);
    this.resource = resource;
    this.id = id;
    this.status = status;
  }
}

/**
 * The training ended with a failure status (the emulator's `failed`, or a status the caller
 * named in `failureStatuses`).
 *
 * ## Example
 * ```ts
 * if (err instanceof TrainingFailedError) console.log(err.externalProcessId, err.status);
 * ```
 */
export class TrainingFailedError extends StatusFailedError {
  override readonly name = 'TrainingFailedError';
  readonly externalProcessId: string;

  constructor(externalProcessId: string, status: string) {
    super('training', externalProcessId, status, `Training ${externalProcessId} ended with status '${status}'`);
    this.externalProcessId = externalProcessId;
  }
}

/**
 * Polling gave up after `maxWaitMs`: the one timeout error of {@link pollStatus$},
 * {@link deploy!retrainStatus$} and {@link deploy!waitForClassifier$} (`resource` says which). Carries the
 * last status this caller saw (if any), so it can resume polling later with the same `id`.
 *
 * ## Example
 * ```ts
 * if (err instanceof PollTimeoutError) console.log(err.resource, err.id, err.lastStatus?.status);
 * ```
 */
export class PollTimeoutError extends PredictionOneError {
  override readonly name = 'PollTimeoutError';
  /** What was polled. */
  readonly resource: PollResource;
  /** The id of what was polled: an `externalProcessId`, a `retrainJobId` or a `classifierId`. */
  readonly id: string;
  /** The same as {@link PollTimeoutError.id} (the name from when only trainings were polled). */
  readonly externalProcessId: string;
  readonly waitedMs: number;
  readonly lastStatus?: { readonly status: string; readonly updatedDatetime?: string };

  constructor(id: string, waitedMs: number, lastStatus?: { status: string; updatedDatetime?: string }, resource: PollResource = 'training') {
    const what = resource === 'training' ? 'Training' : resource === 'retrainJob' ? 'Retraining' : 'Classifier';
    const goal = resource === 'training' ? 'finish' : 'reach its goal';
    super(`${what} ${id} did not ${goal} within ${waitedMs} ms (last status: ${lastStatus?.status ?? 'none'})`);
    this.resource = resource;
    this.id = id;
    this.externalProcessId = id;
    this.waitedMs = waitedMs;
    this.lastStatus = lastStatus;
  }
}

/**
 * A result archive could not be read: truncated, corrupt (CRC mismatch), not a zip, or an
 * entry larger than allowed.
 *
 * ## Example
 * ```ts
 * if (err instanceof ResultArchiveError) console.log(err.message);
 * ```
 */
export class ResultArchiveError extends PredictionOneError {
  override readonly name = 'ResultArchiveError';
}

/**
 * Create Model failed in a way that does not tell whether the service received it (a timeout
 * or a reset after the request was sent). The client does not resend (that could train twice):
 * resume by polling the status of `externalProcessId`, e.g.
 * `of({ externalProcessId: err.externalProcessId }).pipe(pollStatus$(client))`.
 *
 * ## Example
 * ```ts
 * if (err instanceof TrainingStartUnknownError) resumeLater(err.externalProcessId);
 * ```
 */
export class TrainingStartUnknownError extends PredictionOneError {
  override readonly name = 'TrainingStartUnknownError';
  readonly externalProcessId: string;
  /**
   * True when the service answered (an HTTP 5xx other than 502/504): it has finished handling
   * the request, so if it does not know the training now, it never will and sending Create
   * Model again is safe. False after a timeout or a reset, or a gateway's 502/504, where the
   * request may still be acted on later.
   */
  readonly answered: boolean;

  constructor(externalProcessId: string, cause: unknown) {
    super(`Create Model for ${externalProcessId} may or may not have reached the service; not resent. ` + 'Poll its status to find out.', { cause });
    this.externalProcessId = externalProcessId;
    this.answered = cause instanceof ApiError && cause.httpStatus !== 502 && cause.httpStatus !== 504;
  }
}

/**
 * A retraining job ended with a failure status (the emulator's `failed`, or a status the caller
 * named in `failureStatuses`). `apiMessage` holds the service's `message` when it gave one.
 *
 * ## Example
 * ```ts
 * if (err instanceof RetrainFailedError) console.log(err.retrainJobId, err.status, err.apiMessage);
 * ```
 */
export class RetrainFailedError extends StatusFailedError {
  override readonly name = 'RetrainFailedError';
  readonly retrainJobId: string;
  readonly apiMessage?: string;

  constructor(retrainJobId: string, status: string, apiMessage?: string) {
    super('retrainJob', retrainJobId, status, `Retraining ${retrainJobId} ended with status '${status}'${apiMessage ? `: ${apiMessage}` : ''}`);
    this.retrainJobId = retrainJobId;
    // The service's message is network text: scrubbed like every kept body.
    this.apiMessage = apiMessage === undefined ? undefined : redactText(apiMessage);
  }
}

/**
 * A prediction API (classifier) will not run: its status is `failed`, `terminating` or
 * `terminated` (or a status the caller named), or it is no longer listed (`status: 'missing'`).
 *
 * ## Example
 * ```ts
 * if (err instanceof ClassifierFailedError) console.log(err.classifierId, err.status);
 * ```
 */
export class ClassifierFailedError extends StatusFailedError {
  override readonly name = 'ClassifierFailedError';
  readonly classifierId: string;

  constructor(classifierId: string, status: string) {
    super(
      'classifier',
      classifierId,
      status,
      status === 'missing'
        ? `Classifier ${classifierId} is not in the list of classifiers (deleted?)`
        : `Classifier ${classifierId} ended with status '${status}'`,
    );
    this.classifierId = classifierId;
  }
}

/**
 * Why the inference endpoint refused a request, from its documented codes:
 * `notFound` (4001030101, unknown classifier), `badRequest` (4001030104, schema error),
 * `accessDenied` (4031030201: wrong API key, wrong classifier id or a source IP the rules
 * deny), `unavailable` (5031030101: the classifier is not running).
 *
 * ## Example
 * ```ts
 * const reason: InferenceErrorReason = 'accessDenied';
 * ```
 */
export type InferenceErrorReason = 'notFound' | 'badRequest' | 'accessDenied' | 'unavailable';

/**
 * The inference endpoint answered one of its documented errors; `reason` says which (see
 * {@link InferenceErrorReason}). Never retried: `unavailable` means the classifier is stopped
 * or still building, which a quick retry does not change. Other inference failures stay plain
 * {@link ApiError}s.
 *
 * ## Example
 * ```ts
 * if (err instanceof InferenceError && err.reason === 'accessDenied') console.log(err.apiMessage); // 'Not allowed source ip'
 * ```
 */
export class InferenceError extends ApiError {
  override readonly name = 'InferenceError';
  override readonly retryable = false;
  readonly reason: InferenceErrorReason;

  constructor(init: ApiErrorInit & { readonly reason: InferenceErrorReason }, secrets: readonly (string | undefined)[] = []) {
    super(init, secrets);
    this.reason = init.reason;
  }
}

/**
 * An upload URL was refused (HTTP 403) after an earlier attempt on it broke off mid-way: the
 * storage probably received that attempt and spent the single-use URL. {@link upload$} starts
 * a new upload session when the data can be sent again; this error reaches the caller only
 * when it cannot (a streamed source) or when new sessions failed the same way.
 *
 * ## Example
 * ```ts
 * if (err instanceof UploadUrlSpentError) console.log('upload again from the start');
 * ```
 */
export class UploadUrlSpentError extends PredictionOneError {
  override readonly name = 'UploadUrlSpentError';

  constructor(cause: unknown) {
    super('The upload URL was refused after an interrupted attempt (already used); the upload must start over', { cause });
  }
}

/**
 * Object storage behind a pre-signed URL (an upload or a result download) refused the request
 * with its own XML error, S3's `<Error><Code>…</Code><Message>…</Message></Error>`:
 * {@link StorageError.storageCode} is S3's code and `apiMessage` its message. Among them:
 * `NotImplemented` (501: a chunked upload without `Content-Length`), `MissingContentLength`
 * (411), `IncompleteBody` (400: fewer bytes than declared), `AccessDenied` (403; "Request has
 * expired" sets {@link StorageError.expired}) and `SignatureDoesNotMatch` (403: the URL was
 * changed). Never retried: the same request gets the same answer (storage 5xx other than 501
 * stay a retried {@link ServerError}). The URL's query, the signing details S3 quotes in its body
 * and any key are redacted.
 *
 * ## Example
 * ```ts
 * if (err instanceof StorageError && err.expired) console.log('the pre-signed URL expired: upload again');
 * if (err instanceof StorageError) console.log(err.httpStatus, err.storageCode); // 501 'NotImplemented'
 * ```
 */
export class StorageError extends ApiError {
  override readonly name = 'StorageError';
  override readonly retryable = false;
  /** S3's error code, e.g. `'NotImplemented'`, `'AccessDenied'`. */
  readonly storageCode: string;
  /** True for S3's `AccessDenied` "Request has expired": the pre-signed URL is past its `X-Amz-Expires`. */
  readonly expired: boolean;

  constructor(init: ApiErrorInit & { readonly error: string }, secrets: readonly (string | undefined)[] = []) {
    super(init, secrets);
    this.storageCode = init.error;
    this.expired = init.error === 'AccessDenied' && init.apiMessage === 'Request has expired';
  }
}

/**
 * A CSV source of unknown length (a stream or an async iterable without a size) is larger than
 * the client may hold in memory to measure it. Object storage needs an upload's length before
 * its first byte (`Content-Length`; S3 refuses chunked uploads), so such a source is spooled
 * first: to a temporary file with the Node entry's client, else into memory up to
 * `ClientConfig.maxSpoolBytes`. Give a `Blob`/`File`, bytes, `fileSource(path)` from the Node
 * entry, or raise the limit. Nothing was sent.
 *
 * ## Example
 * ```ts
 * if (err instanceof SpoolLimitError) console.log(`stream larger than ${err.limitBytes} bytes: pass the File itself`);
 * ```
 */
export class SpoolLimitError extends PredictionOneError {
  override readonly name = 'SpoolLimitError';
  /** The limit that was passed, in bytes. */
  readonly limitBytes: number;

  constructor(limitBytes: number) {
    super(`A CSV stream of unknown length passed maxSpoolBytes (${limitBytes}); nothing was sent`);
    this.limitBytes = limitBytes;
  }
}

/**
 * A logical call (one API call with all its retries, `retry.deadlineMs`) or a whole pipeline
 * (`TrainingJob.deadlineMs`) ran out of time. `cause` is the last failure seen, if any. Not
 * retryable: the time budget is spent. The work may still go on at the service (a training
 * keeps running); resume it by id.
 *
 * ## Example
 * ```ts
 * if (err instanceof DeadlineExceededError) console.log(`gave up after ${err.deadlineMs} ms (${err.what})`);
 * ```
 */
export class DeadlineExceededError extends PredictionOneError {
  override readonly name = 'DeadlineExceededError';
  /** What ran out of time: `'GET /v1/…'` (redacted) for a call, `'pipeline'` for a pipeline. */
  readonly what: string;
  readonly deadlineMs: number;
  /** Attempts started before the deadline (0 when unknown, as for a pipeline). */
  readonly attempts: number;

  constructor(what: string, deadlineMs: number, attempts: number, cause?: unknown) {
    const why = cause instanceof Error ? `; last failure: ${cause.message}` : '';
    super(`${what} did not finish within its deadline of ${deadlineMs} ms${attempts > 0 ? ` (${attempts} attempt${attempts === 1 ? '' : 's'})` : ''}${why}`, {
      cause,
    });
    this.what = redactText(what);
    this.deadlineMs = deadlineMs;
    this.attempts = attempts;
  }
}

/**
 * The server answered a redirect (HTTP 3xx) that the client does not follow. API calls never
 * follow one: the request carries `x-api-key` (during a key exchange, the secret key), and a key
 * must never reach another host. Pre-signed transfers follow a few, without any key, only when
 * the body can be sent again; otherwise they end here. Not retryable: the same request gets the
 * same answer.
 *
 * `target` is the origin (`scheme://host:port`) the redirect pointed to, never its path or
 * query (a pre-signed URL's signature), or `undefined` when the transport hides it (a browser's
 * opaque redirect). `followed` is true when the transport had already followed the redirect
 * before the client could stop it (XHR, a fetch that ignores `redirect: 'manual'`): the request
 * may then have reached `target`.
 *
 * ## Example
 * ```ts
 * if (err instanceof RedirectError) console.log(`${err.url} redirects to ${err.target ?? 'an undisclosed origin'}`);
 * ```
 */
export class RedirectError extends PredictionOneError {
  override readonly name = 'RedirectError';
  readonly method: string;
  /** The request's URL, redacted. */
  readonly url: string;
  /** The redirect's status (301, 302, 303, 307, 308...), or 0 for an opaque redirect. */
  readonly httpStatus: number;
  /** The origin the redirect points to, when known. */
  readonly target: string | undefined;
  /** Whether the transport followed the redirect before the client saw it. */
  readonly followed: boolean;

  constructor(init: { method: string; url: string; httpStatus: number; target: string | undefined; followed: boolean; why: string }) {
    const redacted = redactUrl(init.url);
    super(`${init.method} ${redacted} redirected (HTTP ${init.httpStatus}) to ${init.target ?? 'an undisclosed origin'}: ${init.why}`);
    this.method = init.method;
    this.url = redacted;
    this.httpStatus = init.httpStatus;
    this.target = init.target;
    this.followed = init.followed;
  }
}
