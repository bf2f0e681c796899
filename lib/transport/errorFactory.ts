/** The one place that maps an HTTP error response to an error class. */
/**
 * The one place that maps an HTTP error response to an error class. Operators never inspect
 * status codes.
 *
 * @packageDocumentation
 */
import {
  ApiError,
  AuthError,
  InferenceError,
  NetworkError,
  RateLimitError,
  RedirectError,
  ResourceGoneError,
  ServerError,
  StorageError,
  TrainingStartUnknownError,
  type GoneResource,
  type InferenceErrorReason,
} from '../core/errors';
import type { FetchResponse } from './fetchLike';
import { ApiErrorBody } from '../codecs/apiErrorBody';
import { storageErrorBody } from '../codecs/storageErrorBody';

/** Messages of the documented code 4001000204 that mean "this key is refused". */
const AUTH_MESSAGES = new Set(['invalid_api_key.', 'Inactive_credential.', 'Not_found_credential.', 'This user may be deleted.']);

/** The inference endpoint's documented error codes and what they mean. */
const INFERENCE_REASONS: ReadonlyMap<number, InferenceErrorReason> = new Map([
  [4001030101, 'notFound'],
  [4001030104, 'badRequest'],
  [4031030201, 'accessDenied'],
  [5031030101, 'unavailable'],
]);

/** The documented "bad request" code shared by key errors and other client errors. */
export const BAD_REQUEST_CODE = 4001000204;

/** Messages of the documented code 4001000204 that say a resource is gone (Get API Key, retraining pages). */
const GONE_MESSAGES: ReadonlyMap<string, GoneResource> = new Map([
  ['This model may be deleted.', 'model'],
  ['This job may be deleted.', 'job'],
  ['Not found retrain job.', 'retrainJob'],
  ['Not found classifier.', 'classifier'],
]);

/** Retrain Data Upload's HTTP 500 `Not found configuration_file.`: not transient, so not a (retried) ServerError. */
const CONFIGURATION_FILE_CODE = 5001000201;

function parseBody(text: string): ApiErrorBody {
  try {
    const json: unknown = JSON.parse(text);
    // Some gateways wrap the error: accept `{ error: { code, message } }` too.
    const candidate = json && typeof json === 'object' && 'error' in json && typeof json.error === 'object' && json.error !== null ? json.error : json;
    // Tolerant like every codec: null fields are absent, a numeric code may be a string.
    const decoded = ApiErrorBody.decode(candidate);
    if (decoded._tag === 'Right') return decoded.right;
    // A code that is not a number must not cost the message: read the rest without it.
    const rest = ApiErrorBody.decode(typeof candidate === 'object' && candidate !== null ? { ...candidate, code: undefined } : candidate);
    return rest._tag === 'Right' ? rest.right : {};
  } catch {
    return {};
  }
}

/**
 * Builds the typed error for an HTTP error response.
 *
 * @internal
 */
export function apiErrorFrom(
  response: { method: string; url: string; status: number; retryAfterMs?: number; body: string; endpoint?: 'api' | 'inference' },
  secrets: readonly (string | undefined)[],
): ApiError {
  const parsed = parseBody(response.body);
  const init = {
    httpStatus: response.status,
    code: parsed.code,
    error: parsed.error,
    apiMessage: parsed.message,
    method: response.method,
    url: response.url,
    body: response.body,
    retryAfterMs: response.retryAfterMs,
  };
  if (init.code === BAD_REQUEST_CODE && init.apiMessage !== undefined && AUTH_MESSAGES.has(init.apiMessage)) {
    return new AuthError(init, secrets);
  }
  const gone = init.code === BAD_REQUEST_CODE && init.apiMessage !== undefined ? GONE_MESSAGES.get(init.apiMessage) : undefined;
  if (gone !== undefined) return new ResourceGoneError(gone, init, secrets);
  // Only as documented, HTTP 500: a 503 with that code says "unavailable" and stays a retried ServerError.
  if (init.code === CONFIGURATION_FILE_CODE && response.status === 500) return new ResourceGoneError('configurationFile', init, secrets);
  // The inference endpoint's documented codes: never retried.
  const reason = response.endpoint !== 'inference' || init.code === undefined ? undefined : INFERENCE_REASONS.get(init.code);
  if (reason !== undefined) return new InferenceError({ ...init, reason }, secrets);
  // Object storage's XML error (a pre-signed URL): typed and not retried, but for its own 5xx (InternalError, SlowDown).
  const storage = storageErrorBody(response.body);
  if (storage !== undefined) {
    const storageInit = { ...init, error: storage.code, apiMessage: storage.message };
    if (response.status < 500 || response.status === 501) return new StorageError(storageInit, secrets);
    return new ServerError(storageInit, secrets);
  }
  if (response.status === 429) return new RateLimitError(init, secrets);
  if (response.status >= 500) return new ServerError(init, secrets);
  return new ApiError(init, secrets);
}

/** The absolute Location of each redirect error, kept out of the error itself (a pre-signed URL is a secret). */
const locations = new WeakMap<RedirectError, string>();

/**
 * The {@link RedirectError} of a response that is a redirect (a 3xx other than 304, or a
 * browser's opaque redirect), or that the transport reached by following one; else `undefined`.
 * A pre-signed transfer (`presigned`) is not refused for a redirect its transport followed: it
 * carries no key.
 *
 * @internal
 */
export function redirectErrorFrom(request: { method: string; url: string; presigned?: boolean }, response: FetchResponse): RedirectError | undefined {
  const { status } = response;
  const opaque = response.type === 'opaqueredirect';
  let location: string | undefined;
  let followed = false;
  if (opaque || (status >= 300 && status < 400 && status !== 304)) {
    location = parsed(response.headers.get('location') ?? '', request.url)?.href;
  } else if (request.presigned || !followedRedirect(request.url, response)) {
    return undefined;
  } else {
    followed = true;
    location = response.url;
  }
  const target = location === undefined ? undefined : parsed(location)?.origin;
  const err = new RedirectError({
    method: request.method,
    url: request.url,
    httpStatus: opaque ? 0 : status,
    target: target === 'null' ? undefined : target,
    followed,
    why: request.presigned
      ? 'not followed'
      : followed
        ? 'the transport ignored redirect: manual, so the key may have reached it'
        : 'API calls never follow redirects, so keys stay home',
  });
  if (location !== undefined && !followed) locations.set(err, location);
  return err;
}

/**
 * The same redirect, refused for `why` (a pre-signed transfer that may not follow it).
 *
 * @internal
 */
export function redirectRefused(err: RedirectError, why: string): RedirectError {
  const again = new RedirectError({ ...err, why });
  const location = locations.get(err);
  if (location !== undefined) locations.set(again, location);
  return again;
}

/**
 * Where a redirect points, absolute, when the response said: for the pre-signed layer that
 * follows it. Never put it in a message: it may be a pre-signed URL.
 *
 * @internal
 */
export function redirectLocation(err: RedirectError): string | undefined {
  return locations.get(err);
}

/** `url` (relative to `base`) parsed, or `undefined` when it is not a URL. */
function parsed(url: string, base?: string): URL | undefined {
  try {
    return url === '' ? undefined : new URL(url, base);
  } catch {
    return undefined;
  }
}

/** Whether the transport followed a redirect: fetch says so, or the final URL is not the one asked for (fragments aside). */
function followedRedirect(requested: string, response: FetchResponse): boolean {
  // The usual case costs a string comparison: the URL asked for is already normal.
  if (response.redirected === true) return true;
  if (!response.url || response.url === requested) return false;
  const got = parsed(response.url.replace(/#.*/, ''));
  return got !== undefined && got.href !== parsed(requested.replace(/#.*/, ''))?.href;
}

/**
 * The error of a failed Create Model for upload `externalProcessId`: an ambiguous failure (the
 * request was sent and the connection broke, or the service answered 5xx) becomes
 * {@link TrainingStartUnknownError}, since the training may exist; anything else stays.
 *
 * @internal
 */
export function createModelError(err: unknown, externalProcessId: string): unknown {
  return (err instanceof NetworkError && err.sent) || err instanceof ServerError ? new TrainingStartUnknownError(externalProcessId, err) : err;
}

export { isUnknownTraining } from '../core/trainingRules';
