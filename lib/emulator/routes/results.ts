/** Emulator route: Train Status Check. */
import type { Route, RouteRequest } from '../context';
import { badRequest } from '../errors';
import { jsonResponse, requiredParam, type EmulatorResponse } from '../http';

/**
 * Train Status Check: `GET /v1/external/models/results?external_process_id=…`. Answers
 * `{ status, created_datetime, updated_datetime }` plus `result_url` once `finished`; `failed`
 * has no `result_url` (the emulator adds a non-contract `message` saying why).
 *
 * ## Example
 * ```ts
 * // { status: 'finished', created_datetime: '…', updated_datetime: '…', result_url: 'http://…/storage/result/…' }
 * ```
 * @internal
 */
export const trainingStatusRoute: Route = {
  method: 'GET',
  pattern: '/v1/external/models/results',
  key: 'GET /v1/external/models/results',
  auth: 'train',
  handle: ({ url, ctx }: RouteRequest): EmulatorResponse => {
    const id = requiredParam(url, 'external_process_id');
    ctx.store.session(id);
    const job = ctx.jobs.get(id);
    if (job === undefined) throw badRequest(`No model has been created for external_process_id '${id}' yet.`);
    return jsonResponse({
      status: job.status,
      created_datetime: job.createdAt,
      updated_datetime: job.updatedAt,
      // Signed anew with each answer, as a service pre-signs on request: a URL read later has its full lifetime.
      ...(job.status === 'finished' && job.resultUrl !== undefined ? { result_url: ctx.store.resign(job.resultUrl) } : {}),
      ...(job.status === 'failed' && job.failure !== undefined ? { message: job.failure } : {}),
    });
  },
};
