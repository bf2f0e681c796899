import { parseCsv } from '../csv';
import type { EmulatorContext, Route, RouteRequest } from '../context';
import { badRequest, payloadTooLarge, storageDenied } from '../errors';
import { emptyResponse, jsonResponse, type EmulatorResponse } from '../http';
import { signatureMatches } from '../signing';
import type { UploadSlot } from '../store';

/** Extensions the emulator can read (it parses uploads as CSV). */
const EXTENSIONS = ['csv'];

/**
 * Train Data Upload: `GET /v1/external/data-sets/upload-url?extension=csv`. Opens an upload
 * session and answers its three pre-signed, single-use upload URLs and `external_process_id`.
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
  auth: 'api',
  handle: ({ url, ctx }: RouteRequest): EmulatorResponse => {
    const extension = (url.searchParams.get('extension') ?? 'csv').toLowerCase();
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
 * `PUT <pre-signed upload URL>`: stores the raw bytes (any content type). The signature must
 * match and each URL takes one successful upload; otherwise 403 with an S3-style XML body. Bodies
 * over `maxUploadBytes` answer 413 as soon as the limit is crossed (by `content-length` or while
 * streaming) and are not stored. A learn file creates the upload's data set.
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
  const slot = ctx.store.slots.get(params.slot_id);
  if (slot === undefined || slot.fileName !== params.file_name) throw storageDenied('AccessDenied', 'Unknown upload URL.');
  if (!signatureMatches(slot.signature, url.searchParams.get('X-Amz-Signature'))) {
    throw storageDenied('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
  }
  if (slot.used) throw storageDenied('AccessDenied', 'This pre-signed upload URL has already been used.');
  const limit = ctx.options.maxUploadBytes;
  if (Number(req.headers['content-length'] ?? 0) > limit) throw payloadTooLarge(limit);

  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // Stop buffering at once; Node discards the rest of the body after the 413 is sent.
    if (size > limit) throw payloadTooLarge(limit);
    chunks.push(chunk as Buffer);
  }
  if (slot.used) throw storageDenied('AccessDenied', 'This pre-signed upload URL has already been used.');
  slot.used = true;
  storeUpload(slot, new Uint8Array(Buffer.concat(chunks)), ctx);
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
