/** Emulator route: Train Data Set Info. */
import { buildColumnInfo } from '../columnStats';
import type { Route, RouteRequest } from '../context';
import { jsonResponse, requiredParam, type EmulatorResponse } from '../http';
import { uploadedDataset } from './uploadedDataset';

/**
 * Train Data Set Info: `GET /v1/external/data-sets/column-info?external_process_id=…`. Column
 * statistics of the uploaded learn CSV, typed by the uploaded column information file (or
 * inferred). 400 when the id is unknown or the learn file is not uploaded yet.
 *
 * ## Example
 * ```ts
 * // { raw_column_names, raw_training_data, training_data_columns, useless_column_list, trainingdata_row_count }
 * ```
 * @internal
 */
export const columnInfoRoute: Route = {
  method: 'GET',
  pattern: '/v1/external/data-sets/column-info',
  key: 'GET /v1/external/data-sets/column-info',
  auth: 'train',
  handle: ({ url, ctx }: RouteRequest): EmulatorResponse => {
    const id = requiredParam(url, 'external_process_id');
    return jsonResponse(buildColumnInfo(uploadedDataset(ctx, id)));
  },
};
