/** Emulator routes: Train Data Upload and the pre-signed uploads. */
import { parseCsv } from '../csv';
import type { EmulatorContext, Route, RouteRequest } from '../context';
import { badRequest } from '../errors';
import { emptyResponse, jsonResponse, requiredParam, type EmulatorResponse } from '../http';
import { readSignedUpload } from './signedUpload';
import type { UploadSlot } from '../store';

/** Extensions the emulator can read (it parses uploads as CSV). */
const EXTENSIONS = ['csv'];

/**
 * Train Data Upload: `GET /v1/external/data-sets/upload-url?extension=csv`. Opens an upload
 * session and answers its three pre-signed, single-use upload URLs and `external_process_id`.
 * `extension` is the page's documented query parameter: without it the answer is 400, unless the
 * emulator runs with the `allowMissingExtension` leniency (then it is `csv`).
 *
 * ## Example
 * ```ts
 * // { learn_data_set_upload_url, eval_data_set_upload_url, column_info_upload_url, external_process_id }
 * ```
 * @internal
 */
export const uploadUrlRoute: Route = {
  method: 'GET',
  pattern: '/v1/external/data-sets/upload-url',
  key: 'GET /v1/external/data-sets/upload-url',
  auth: 'train',
  handle: ({ url, ctx }: RouteRequest): EmulatorResponse => {
    const given = ctx.options.allowMissingExtension && !url.searchParams.get('extension') ? 'csv' : requiredParam(url, 'extension');
    const extension = given.toLowerCase();
    if (!EXTENSIONS.includes(extension)) {
      throw badRequest(`Query parameter 'extension' must be one of ${EXTENSIONS.join(', ')} (got '${extension}').`);
    }
    const { session, urls } = ctx.store.createSession(extension);
    return jsonResponse({
      learn_data_set_upload_url: urls.learn,
      eval_data_set_upload_url: urls.eval,
      column_info_upload_url: urls.columnInfo,
      external_process_id: session.externalProcessId,
    });
  },
};

/**
 * `PUT <pre-signed upload URL>`: stores the raw bytes (any content type). As S3 does, it needs a
 * `Content-Length` (chunked: 501 `NotImplemented`; none: 411 `MissingContentLength`; fewer bytes
 * than declared: 400 `IncompleteBody`), an unexpired URL (403 `AccessDenied` "Request has
 * expired") whose query is unchanged (403 `SignatureDoesNotMatch`), and each URL takes one
 * successful upload (else 403 `AccessDenied`); every error body is S3's XML. Bodies over
 * `maxUploadBytes` (at most S3's 5 GiB for one PUT) answer 400 `EntityTooLarge` as soon as the
 * limit is crossed (by `content-length` or while streaming) and are not stored. A learn file creates the upload's data set.
 *
 * ## Example
 * ```ts
 * await fetch(urls.learn_data_set_upload_url, { method: 'PUT', body: csvText });
 * ```
 * @internal
 */
export const putUploadRoute: Route = {
  method: 'PUT',
  pattern: '/storage/upload/{slot_id}/{file_name}',
  key: 'PUT /storage/upload',
  auth: 'none',
  handle: putUpload,
};

async function putUpload({ req, url, params, ctx }: RouteRequest): Promise<EmulatorResponse> {
  const found = ctx.store.slots.get(params.slot_id);
  const { target: slot, bytes } = await readSignedUpload(req, url, found?.fileName === params.file_name ? found : undefined, (s) => s.used, ctx);
  slot.used = true;
  storeUpload(slot, bytes, ctx);
  return emptyResponse(200);
}

function storeUpload(slot: UploadSlot, bytes: Uint8Array, ctx: EmulatorContext): void {
  const session = ctx.store.session(slot.externalProcessId);
  session.files[slot.kind] = bytes;
  if (slot.kind !== 'learn') return;
  const table = parseCsv(bytes);
  const dataSet = ctx.store.addDataSet({
    name: slot.fileName,
    extension: session.extension,
    column_count: table.columns.length,
    data_count: table.rows.length,
    data_size: bytes.byteLength,
    download_url: ctx.store.putObject('data-sets', slot.fileName, 'text/csv; charset=utf-8', bytes),
  });
  session.dataSetId = dataSet.data_set_id;
}
