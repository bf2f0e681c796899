/** Emulator route: Get API Key. */
import type { Route, RouteRequest } from '../context';
import { CREDENTIAL_TYPES, type CredentialType } from '../auth';
import { badRequest } from '../errors';
import { jsonResponse, type EmulatorResponse } from '../http';

/**
 * Get API Key: `GET /v1/external/api-key?credential_type=train|deploy|retrain[&model_id=N]`, opened
 * by a secret key. Answers `{ api_key, end_date }` with an ISO 8601 `end_date`. The key opens only
 * the endpoints of its type (train: training flow and listings; deploy: classifiers; retrain: the
 * model's retraining). A missing or unknown `credential_type` answers the documented 400.
 *
 * ## Example
 * ```ts
 * // curl -H 'x-api-key: <secret>' "$URL/v1/external/api-key?credential_type=train"
 * ```
 * @internal
 */
export const getApiKeyRoute: Route = {
  method: 'GET',
  pattern: '/v1/external/api-key',
  key: 'GET /v1/external/api-key',
  auth: 'secret',
  handle: getApiKey,
};

function getApiKey({ url, ctx }: RouteRequest): EmulatorResponse {
  const type = url.searchParams.get('credential_type');
  if (!CREDENTIAL_TYPES.includes(type as CredentialType)) {
    throw badRequest(`Query parameter 'credential_type' must be 'train', 'deploy' or 'retrain' (got ${JSON.stringify(type)}).`);
  }
  if (type !== 'retrain') return jsonResponse(ctx.keys.issue(type as CredentialType));
  const rawModelId = url.searchParams.get('model_id');
  if (rawModelId === null || rawModelId === '') throw badRequest('Model id is required.');
  const modelId = Number(rawModelId);
  if (!Number.isInteger(modelId) || !ctx.store.models.has(modelId)) throw badRequest('This model may be deleted.');
  return jsonResponse(ctx.keys.issue('retrain', modelId));
}
