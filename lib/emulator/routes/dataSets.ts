/** Emulator routes: List and Delete Data Sets. */
import type { Route, RouteRequest } from '../context';
import { badRequest } from '../errors';
import { emptyResponse, jsonResponse, pagingParams, type EmulatorResponse } from '../http';

/**
 * List Data Sets: `GET /v1/external/data-sets?offset&limit` (defaults 0 and 30), oldest first.
 * A data set appears when a learn CSV is uploaded; `download_url` is a signed storage URL. A page
 * costs O(limit), so `syntheticDataSets: 300_000` lists as fast as an empty account.
 *
 * ## Example
 * ```ts
 * // { data_sets: [{ data_set_id: 1, … }], metadata: { offset: 0, limit: 30, total: 1 } }
 * ```
 * @internal
 */
export const listDataSetsRoute: Route = {
  method: 'GET',
  pattern: '/v1/external/data-sets',
  key: 'GET /v1/external/data-sets',
  auth: 'train',
  handle: ({ url, ctx }: RouteRequest): EmulatorResponse => {
    const { offset, limit } = pagingParams(url);
    const { dataSets } = ctx.store;
    return jsonResponse({ data_sets: dataSets.page(offset, limit), metadata: { offset, limit, total: dataSets.size } });
  },
};

/**
 * Delete Data Set: `DELETE /v1/external/data-sets/{data_set_id}`; 200 empty, 400 for an unknown
 * id. Later column-info or Create Model calls for that upload answer 400.
 *
 * ## Example
 * ```ts
 * // DELETE /v1/external/data-sets/1 -> 200 ''
 * ```
 * @internal
 */
export const deleteDataSetRoute: Route = {
  method: 'DELETE',
  pattern: '/v1/external/data-sets/{data_set_id}',
  key: 'DELETE /v1/external/data-sets/{data_set_id}',
  auth: 'train',
  handle: ({ params, ctx }: RouteRequest): EmulatorResponse => {
    const id = Number(params.data_set_id);
    if (!/^\d+$/.test(params.data_set_id) || !ctx.store.dataSets.delete(id)) {
      throw badRequest(`Data set ${params.data_set_id} does not exist (it may have been deleted).`);
    }
    return emptyResponse(200);
  },
};
