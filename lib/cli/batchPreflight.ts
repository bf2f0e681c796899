/** `p1rx batch`'s one check of the connection before the first upload. */
/**
 * `p1rx batch`'s one check of the connection before the first upload: a wrong key or base URL
 * is one message naming the flag to fix, not one failure per job.
 *
 * @packageDocumentation
 */
import { defaultIfEmpty, lastValueFrom, take } from 'rxjs';
import { ApiError, AuthError, DecodeError, NetworkError, type PredictionOneClient } from 'prediction-one-rx';
import { models$ } from 'prediction-one-rx/deploy';
import type { ConnectionOptions } from './options';

/**
 * What the preflight found wrong: `usage` (exit 2: a flag or variable to fix) or `service`
 * (the service did not answer well; try again later).
 *
 * @internal
 */
export interface PreflightProblem {
  readonly kind: 'usage' | 'service';
  readonly message: string;
}

/**
 * One authenticated read (List models, one item) with the batch's client: it proves the base
 * URL reaches Prediction One and the key (or the key made from the secret key) is accepted.
 * Never prints a key.
 *
 * @internal
 */
export async function batchPreflight(client: PredictionOneClient, flags: ConnectionOptions): Promise<PreflightProblem | undefined> {
  try {
    await lastValueFrom(models$(client, { pageSize: 1 }).pipe(take(1), defaultIfEmpty(undefined)));
    return undefined;
  } catch (err) {
    return problemOf(err, client.baseUrl, flags);
  }
}

function problemOf(err: unknown, baseUrl: string, flags: ConnectionOptions): PreflightProblem {
  const secret = (flags.apiKey ?? process.env.P1RX_API_KEY) ? undefined : '--secret-key (or P1RX_SECRET_KEY)';
  const key = secret ?? '--api-key (or P1RX_API_KEY)';
  const url = '--base-url (or P1RX_BASE_URL)';
  const detail = err instanceof Error ? err.message : String(err);
  if (err instanceof AuthError || (err instanceof ApiError && (err.httpStatus === 401 || err.httpStatus === 403))) {
    return { kind: 'usage', message: `the service refused the ${secret ? 'secret key' : 'API key'} (${detail}): check ${key}` };
  }
  if (err instanceof ApiError && (err.httpStatus === 404 || err.httpStatus === 405)) {
    return {
      kind: 'usage',
      message: `${baseUrl} does not serve the Prediction One API (${detail}): check ${url}; it is the service's root (https://developer-api.predictionone.sony.biz, or the emulator's URL), without /v1/external`,
    };
  }
  if (err instanceof NetworkError) return { kind: 'usage', message: `the service cannot be reached (${detail}): check ${url} and the network` };
  if (err instanceof DecodeError) return { kind: 'usage', message: `${baseUrl} answered, but not as Prediction One does: check ${url}` };
  return { kind: 'service', message: `the service did not answer the connection check (${detail}): try again later` };
}
