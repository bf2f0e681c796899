/** Emulator routes: Create Model, List Models and Delete Model. */
import type { Route, RouteRequest } from '../context';
import { badRequest } from '../errors';
import { emptyResponse, jsonResponse, pagingParams, readJsonBody, type EmulatorResponse } from '../http';
import { validateConfig } from '../trainingConfig';
import { uploadedDataset } from './uploadedDataset';

/** Largest accepted Create Model body; configs are tiny. */
const MAX_JSON_BYTES = 1024 * 1024;

/**
 * Create Model (Train): `POST /v1/external/models` with JSON `{ external_process_id, name, config }`.
 * `name` is required. Validates the config against the uploaded data (400 with a precise message;
 * integer and boolean strings such as the vendor example's `"cv": "2"` are accepted), records the
 * model and starts its job. Answers `{ external_process_id }`. A second call for the same upload
 * is accepted and restarts the job; `emulator.job(id).modelsCreated` counts the calls.
 *
 * ## Example
 * ```ts
 * // POST { "external_process_id": "…", "name": "m", "config": { "tc": "weather", "tt": "multi_classification" } }
 * ```
 * @internal
 */
export const createModelRoute: Route = {
  method: 'POST',
  pattern: '/v1/external/models',
  key: 'POST /v1/external/models',
  auth: 'train',
  handle: async ({ req, ctx, injectTrainingFailure }: RouteRequest): Promise<EmulatorResponse> => {
    const body = await readJsonBody(req, MAX_JSON_BYTES);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('Request body must be a JSON object.');
    const { external_process_id: id, name, config } = body as Record<string, unknown>;
    if (typeof id !== 'string' || id === '') throw badRequest('external_process_id (string) is required.');
    // The Train page lists name (予測モデル名) among the body's fields, and its examples always send it.
    if (typeof name !== 'string' || name.trim() === '') throw badRequest('name (model name, a non-empty string) is required.');
    if (config === undefined || config === null) throw badRequest('config is required.');
    const dataset = uploadedDataset(ctx, id);
    const validated = validateConfig(config, dataset);
    const model = ctx.store.addModel({
      name,
      target_type: validated.tt,
      config: config as Record<string, unknown>,
    });
    ctx.jobs.start(id, model.model_id, validated, { injectedFailure: injectTrainingFailure });
    return jsonResponse({ external_process_id: id });
  },
};

/**
 * List Models: `GET /v1/external/models?offset&limit` (defaults 0 and 30), oldest first.
 *
 * ## Example
 * ```ts
 * // { models: [{ model_id: 1, … }], metadata: { offset: 0, limit: 30, total: 1 } }
 * ```
 * @internal
 */
export const listModelsRoute: Route = {
  method: 'GET',
  pattern: '/v1/external/models',
  key: 'GET /v1/external/models',
  auth: 'train',
  handle: ({ url, ctx }: RouteRequest): EmulatorResponse => {
    const { offset, limit } = pagingParams(url);
    const all = [...ctx.store.models.values()];
    return jsonResponse({ models: all.slice(offset, offset + limit), metadata: { offset, limit, total: all.length } });
  },
};

/**
 * Delete Model: `DELETE /v1/external/models/{model_id}`; 200 with an empty body, 400 for an
 * unknown id. Status polling of the upload keeps working (the job is not the model).
 *
 * ## Example
 * ```ts
 * // DELETE /v1/external/models/1 -> 200 ''
 * ```
 * @internal
 */
export const deleteModelRoute: Route = {
  method: 'DELETE',
  pattern: '/v1/external/models/{model_id}',
  key: 'DELETE /v1/external/models/{model_id}',
  auth: 'train',
  handle: ({ params, ctx }: RouteRequest): EmulatorResponse => {
    const id = Number(params.model_id);
    if (!/^\d+$/.test(params.model_id) || !ctx.store.models.delete(id)) {
      throw badRequest(`Model ${params.model_id} does not exist (This model may be deleted.).`);
    }
    return emptyResponse(200);
  },
};
