/** Emulator routes: the prediction API (classifier) endpoints. */
import { classifierRuleIssues } from '../../core/classifierRules';
import type { Route, RouteRequest } from '../context';
import { badRequest } from '../errors';
import { jsonResponse, readJsonBody, type EmulatorResponse } from '../http';
import type { IpRule } from '../ipRules';

const MAX_JSON_BYTES = 1024 * 1024;

function rulesOf(value: unknown): IpRule[] {
  const issues = classifierRuleIssues(value);
  if (issues.length > 0) throw badRequest(`Invalid rules: ${issues.join('; ')}.`);
  return (value as IpRule[]).map((r) => ({ source: r.source, order: r.order, priority: r.priority }));
}

function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('Request body must be a JSON object.');
  return body as Record<string, unknown>;
}

/**
 * Create Classifier: `POST /v1/external/classifiers` with `{ model_id, rules }`. Rules are
 * checked like the client checks them (CIDR `source`, `order` allow|deny, integer `priority`).
 * Answers `{ classifier_id, api_key, version }`; the classifier starts `building` and, once its
 * serving model is fitted, runs at `url` = `<emulator>/inference/<classifier_id>`. An unknown
 * model answers `This model may be deleted.`
 *
 * ## Example
 * ```ts
 * // POST { "model_id": 1, "rules": [{ "source": "127.0.0.1/32", "order": "allow", "priority": 1 }] }
 * ```
 * @internal
 */
export const createClassifierRoute: Route = {
  method: 'POST',
  pattern: '/v1/external/classifiers',
  key: 'POST /v1/external/classifiers',
  auth: 'deploy',
  handle: async ({ req, ctx }: RouteRequest): Promise<EmulatorResponse> => {
    const body = objectBody(await readJsonBody(req, MAX_JSON_BYTES));
    if (body.model_id === undefined || body.model_id === null) throw badRequest('Model id is required.');
    if (typeof body.model_id !== 'number' || !ctx.store.models.has(body.model_id)) throw badRequest('This model may be deleted.');
    const rules = rulesOf(body.rules ?? []);
    const record = ctx.deployments.classifiers.create(body.model_id, rules);
    return jsonResponse({ classifier_id: record.classifier_id, api_key: record.api_key, version: record.version });
  },
};

/**
 * List Classifiers: `GET /v1/external/classifiers`, oldest first, `{ classifiers: [...] }`.
 *
 * ## Example
 * ```ts
 * // { classifiers: [{ classifier_id, model_id, status: 'running', api_key, version, url, active, is_editable, … }] }
 * ```
 * @internal
 */
export const listClassifiersRoute: Route = {
  method: 'GET',
  pattern: '/v1/external/classifiers',
  key: 'GET /v1/external/classifiers',
  auth: 'deploy',
  handle: ({ ctx }: RouteRequest): EmulatorResponse => {
    const store = ctx.deployments.classifiers;
    return jsonResponse({ classifiers: [...store.classifiers.values()].map((c) => store.view(c)) });
  },
};

/**
 * Get Classifier by id: `GET /v1/external/classifiers/{classifier_id}` (the path of the Get
 * Classifier page's curl example). Answers `{ classifier: {...} }`, the element shape of the
 * listing, in Update Classifier's envelope (the page documents only the listing's body; a gap
 * choice). Unknown id: `Not found classifier.`
 *
 * ## Example
 * ```ts
 * // GET /v1/external/classifiers/6f1… -> { classifier: { classifier_id: '6f1…', status: 'running', … } }
 * ```
 * @internal
 */
export const getClassifierRoute: Route = {
  method: 'GET',
  pattern: '/v1/external/classifiers/{classifier_id}',
  key: 'GET /v1/external/classifiers/{classifier_id}',
  auth: 'deploy',
  handle: ({ params, ctx }: RouteRequest): EmulatorResponse => {
    const store = ctx.deployments.classifiers;
    const record = store.classifiers.get(params.classifier_id);
    if (record === undefined) throw badRequest('Not found classifier.');
    return jsonResponse({ classifier: store.view(record) });
  },
};

/**
 * Update Classifier: `PATCH /v1/external/classifiers/{classifier_id}` with any of `rules`,
 * `active`, `is_editable`; answers `{ classifier }`. `active: false` stops inference (5031030101
 * `status is not running (status: stopped)`). While `is_editable` is false only `is_editable`
 * may change (the emulator's reading of the undocumented flag). Unknown id: `Not found classifier.`
 *
 * ## Example
 * ```ts
 * // PATCH { "active": false } -> { classifier: { …, active: false } }
 * ```
 * @internal
 */
export const updateClassifierRoute: Route = {
  method: 'PATCH',
  pattern: '/v1/external/classifiers/{classifier_id}',
  key: 'PATCH /v1/external/classifiers/{classifier_id}',
  auth: 'deploy',
  handle: async ({ req, params, ctx }: RouteRequest): Promise<EmulatorResponse> => {
    const store = ctx.deployments.classifiers;
    const record = store.classifiers.get(params.classifier_id);
    if (record === undefined) throw badRequest('Not found classifier.');
    const body = objectBody(await readJsonBody(req, MAX_JSON_BYTES));
    const change: { rules?: IpRule[]; active?: boolean; is_editable?: boolean } = {};
    if (body.rules !== undefined) change.rules = rulesOf(body.rules);
    for (const key of ['active', 'is_editable'] as const) {
      if (body[key] === undefined) continue;
      if (typeof body[key] !== 'boolean') throw badRequest(`${key} must be true or false.`);
      change[key] = body[key] as boolean;
    }
    if (Object.keys(change).length === 0) throw badRequest('Give rules, active or is_editable.');
    if (!record.is_editable && (change.rules !== undefined || change.active !== undefined)) {
      throw badRequest('This classifier is not editable (set is_editable to true first).');
    }
    store.touch(record, change);
    return jsonResponse({ classifier: store.view(record) });
  },
};

/**
 * Delete Classifier: `DELETE /v1/external/classifiers/{classifier_id}`; 200 with `{}`. The page
 * documents no body, but its Python example calls `response.json()`, which an empty body would
 * break: `{}` satisfies both (a gap choice). Its inference URL answers 4001030101 from then on.
 * Unknown id: `Not found classifier.`
 *
 * ## Example
 * ```ts
 * // DELETE /v1/external/classifiers/6f1… -> 200 {}
 * ```
 * @internal
 */
export const deleteClassifierRoute: Route = {
  method: 'DELETE',
  pattern: '/v1/external/classifiers/{classifier_id}',
  key: 'DELETE /v1/external/classifiers/{classifier_id}',
  auth: 'deploy',
  handle: ({ params, ctx }: RouteRequest): EmulatorResponse => {
    if (!ctx.deployments.classifiers.delete(params.classifier_id)) throw badRequest('Not found classifier.');
    return jsonResponse({});
  },
};
