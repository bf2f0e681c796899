/** Emulator routes: the retraining endpoints. */
import type { IncomingMessage } from 'node:http';
import type { Route, RouteRequest } from '../context';
import { badRequest, configurationFileNotFound } from '../errors';
import { emptyResponse, jsonResponse, type EmulatorResponse } from '../http';
import type { RetrainJob } from '../retrainJobs';
import { readSignedUpload } from './signedUpload';

function apiKeyOf(req: IncomingMessage): string | undefined {
  const header = req.headers['x-api-key'];
  return Array.isArray(header) ? header[0] : header;
}

/** The job a retrain key may see: its own model's jobs only; others do not exist for it. */
function jobFor({ req, params, ctx }: RouteRequest): RetrainJob {
  const modelId = ctx.keys.checkRetrainKey(apiKeyOf(req));
  const job = ctx.deployments.retrain.jobs.get(params.retrain_job_id);
  if (job === undefined || job.modelId !== modelId) throw badRequest('Not found retrain job.');
  if (job.deleted) throw badRequest('This job may be deleted.');
  if (!ctx.store.models.has(job.modelId)) throw badRequest('This model may be deleted.');
  return job;
}

/**
 * Retrain Data Upload: `GET /v1/external/retrain_jobs/upload_url?filename=<name>.csv|.zip`, opened
 * by a retrain API key (`credential_type=retrain&model_id=…`). Opens a job for the key's model
 * and answers `{ retrain_job_id, upload_url }`; the single-use pre-signed URL takes a CSV or a zip
 * with `train_src/<file>.csv` (and optionally `eval_src/<file>.csv`). The job starts when the PUT
 * completes. A train key answers `Not_found_credential.`; a deleted model `This model may be deleted.`;
 * a model whose training job was deleted `This job may be deleted.` (emulator control `deleteJob`);
 * a model whose configuration file is gone HTTP 500 `5001000201 Not found configuration_file.`
 * (control `deleteModelConfiguration`).
 *
 * ## Example
 * ```ts
 * // { retrain_job_id: '6f1…', upload_url: 'http://127.0.0.1:…/storage/retrain/6f1…/new.csv?X-Amz-…' }
 * ```
 * @internal
 */
export const retrainUploadUrlRoute: Route = {
  method: 'GET',
  pattern: '/v1/external/retrain_jobs/upload_url',
  key: 'GET /v1/external/retrain_jobs/upload_url',
  auth: 'retrain',
  handle: ({ req, url, ctx }: RouteRequest): EmulatorResponse => {
    const modelId = ctx.keys.checkRetrainKey(apiKeyOf(req));
    if (!ctx.store.models.has(modelId)) throw badRequest('This model may be deleted.');
    if (ctx.deployments.retrain.trainingJobDeleted.has(modelId)) throw badRequest('This job may be deleted.');
    if (ctx.deployments.retrain.configurationMissing.has(modelId)) throw configurationFileNotFound();
    const filename = url.searchParams.get('filename');
    if (filename === null || filename.trim() === '') throw badRequest("Query parameter 'filename' is required.");
    if (!/^[^/\\]+\.(csv|zip)$/i.test(filename)) throw badRequest(`Query parameter 'filename' must name a .csv or .zip file (got '${filename}').`);
    const { job, uploadUrl } = ctx.deployments.retrain.create(modelId, filename);
    return jsonResponse({ retrain_job_id: job.id, upload_url: uploadUrl });
  },
};

/**
 * Retrain Status Check: `GET /v1/external/retrain_jobs/{retrain_job_id}` with the job's retrain
 * key. Answers `{ status, model_id, metadata: { retrain_job_id } }` plus `download_url` once
 * `job_finished` and `message` when `failed`. Statuses: `upload_waiting`, `waiting`, `running`,
 * `job_finished`, `failed`. Unknown (or another model's) job: `Not found retrain job.`; a job
 * deleted with the `deleteJob` control: `This job may be deleted.`
 *
 * ## Example
 * ```ts
 * // { status: 'job_finished', model_id: 1, download_url: 'http://…', metadata: { retrain_job_id: '6f1…' } }
 * ```
 * @internal
 */
export const retrainStatusRoute: Route = {
  method: 'GET',
  pattern: '/v1/external/retrain_jobs/{retrain_job_id}',
  key: 'GET /v1/external/retrain_jobs/{retrain_job_id}',
  auth: 'retrain',
  handle: (r: RouteRequest): EmulatorResponse => {
    const job = jobFor(r);
    return jsonResponse({
      status: job.status,
      model_id: job.modelId,
      ...(job.message !== undefined ? { message: job.message } : {}),
      // Signed anew with each answer, as a service pre-signs on request: a URL read later has its full lifetime.
      ...(job.status === 'job_finished' && job.downloadUrl !== undefined ? { download_url: r.ctx.store.resign(job.downloadUrl) } : {}),
      metadata: { retrain_job_id: job.id },
    });
  },
};

/**
 * Retrain Model Switch: `PUT /v1/external/retrain_jobs/{retrain_job_id}/update_model`. The model
 * serves the retrained version from now on (its `version` goes up by one, running classifiers of
 * the model answer with it at once). `Not found classifier.` when the model's prediction API was
 * deleted; `Retrain job is not finished.` before `job_finished`;
 * switching the same job again is accepted and changes nothing.
 *
 * ## Example
 * ```ts
 * // { metadata: { retrain_job_id: '6f1…' } }
 * ```
 * @internal
 */
export const switchModelRoute: Route = {
  method: 'PUT',
  pattern: '/v1/external/retrain_jobs/{retrain_job_id}/update_model',
  key: 'PUT /v1/external/retrain_jobs/{retrain_job_id}/update_model',
  auth: 'retrain',
  handle: (r: RouteRequest): EmulatorResponse => {
    const job = jobFor(r);
    const { ctx } = r;
    // Gap choice (docs/CONTRACT.md): a model whose prediction API was deleted (and not created
    // again) answers the page's 'Not found classifier.'; one that never had one may still switch.
    if (ctx.deployments.classifiers.deletedForModel(job.modelId)) throw badRequest('Not found classifier.');
    if (job.status !== 'job_finished') throw badRequest('Retrain job is not finished.');
    const model = ctx.store.models.get(job.modelId);
    if (model !== undefined && !job.switched) {
      job.switched = true;
      const version = String((Number(model.version) || 1) + 1);
      model.version = version;
      model.updated_date = new Date().toISOString();
      if (job.model) ctx.deployments.serving.replace(job.modelId, version, job.model);
      for (const c of ctx.deployments.classifiers.classifiers.values()) {
        if (c.model_id === job.modelId && c.status === 'running') ctx.deployments.classifiers.touch(c, { version });
      }
    }
    return jsonResponse({ metadata: { retrain_job_id: job.id } });
  },
};

/**
 * `PUT <retrain upload_url>`: stores the retraining file and starts the job. Checked as S3
 * checks a pre-signed PUT, like the training uploads (`Content-Length`, expiry, signature,
 * single use, at most `maxUploadBytes`; S3's XML errors).
 *
 * ## Example
 * ```ts
 * await fetch(uploadUrl, { method: 'PUT', body: zipBytes });
 * ```
 * @internal
 */
export const retrainPutRoute: Route = {
  method: 'PUT',
  pattern: '/storage/retrain/{retrain_job_id}/{file_name}',
  key: 'PUT /storage/retrain',
  auth: 'none',
  handle: async ({ req, url, params, ctx, injectTrainingFailure }: RouteRequest): Promise<EmulatorResponse> => {
    const found = ctx.deployments.retrain.jobs.get(params.retrain_job_id);
    const { target: job, bytes } = await readSignedUpload(
      req,
      url,
      found?.fileName === params.file_name ? found : undefined,
      (j) => j.uploaded !== undefined,
      ctx,
    );
    ctx.deployments.retrain.upload(job, bytes, { injectedFailure: injectTrainingFailure });
    return emptyResponse(200);
  },
};
