/** Emulator routes: the pre-signed storage downloads. */
import type { Route, RouteRequest } from '../context';
import { storageDenied } from '../errors';
import type { EmulatorResponse } from '../http';

function download(bucket: string) {
  return ({ req, url, params, ctx }: RouteRequest): EmulatorResponse => {
    ctx.store.signer.verify('GET', url, req.headers.host);
    const object = ctx.store.objects.get(`${bucket}/${params.object_id}`);
    if (object === undefined) throw storageDenied('AccessDenied', 'Unknown object.');
    return {
      status: 200,
      headers: { 'content-type': object.contentType, 'content-length': String(object.body.byteLength) },
      body: object.body,
    };
  };
}

/**
 * `GET <result_url>`: the training result zip (`application/zip`); S3's XML 403 for an expired
 * URL (`AccessDenied` "Request has expired") or a changed one (`SignatureDoesNotMatch`).
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
 * `GET <download_url>` of a data set: the uploaded learn file; S3's XML 403 when expired or changed.
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
