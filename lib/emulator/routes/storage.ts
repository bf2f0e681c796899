import type { Route, RouteRequest } from '../context';
import { signatureDoesNotMatch, storageDenied } from '../errors';
import type { EmulatorResponse } from '../http';
import { signatureMatches } from '../signing';

function download(bucket: string) {
  return ({ req, url, params, ctx }: RouteRequest): EmulatorResponse => {
    const object = ctx.store.objects.get(`${bucket}/${params.object_id}`);
    if (object === undefined) throw storageDenied('AccessDenied', 'Unknown object.');
    if (!signatureMatches(object.signature, url.searchParams.get('X-Amz-Signature'))) {
      throw signatureDoesNotMatch(req.method ?? 'GET', url, req.headers.host);
    }
    return {
      status: 200,
      headers: { 'content-type': object.contentType, 'content-length': String(object.body.byteLength) },
      body: object.body,
    };
  };
}

/**
 * `GET <result_url>`: the training result zip (`application/zip`); 403 (S3-style XML) on a wrong
 * or missing signature. The URL does not expire in the emulator.
 *
 * ## Example
 * ```ts
 * const zip = new Uint8Array(await (await fetch(status.result_url)).arrayBuffer());
 * ```
 * @internal
 */
export const resultDownloadRoute: Route = {
  method: 'GET',
  pattern: '/storage/result/{object_id}/{file_name}',
  key: 'GET /storage/result',
  auth: 'none',
  handle: download('result'),
};

/**
 * `GET <download_url>` of a data set: the uploaded learn file; 403 on a wrong signature.
 *
 * ## Example
 * ```ts
 * const csv = await (await fetch(dataSet.download_url)).text();
 * ```
 * @internal
 */
export const dataSetDownloadRoute: Route = {
  method: 'GET',
  pattern: '/storage/data-sets/{object_id}/{file_name}',
  key: 'GET /storage/data-sets',
  auth: 'none',
  handle: download('data-sets'),
};
