/** The typed dataset of an upload session, for the routes that read it. */
import type { EmulatorContext } from '../context';
import { loadDataset, type Dataset } from '../dataset';
import { badRequest } from '../errors';

/**
 * The typed dataset of an upload session, with a 400 for an unknown id, a missing learn file or
 * a learn file whose data set was deleted.
 *
 * ## Example
 * ```ts
 * uploadedDataset(ctx, externalProcessId).table.rows.length;
 * ```
 * @internal
 */
export function uploadedDataset(ctx: EmulatorContext, externalProcessId: string): Dataset {
  const session = ctx.store.session(externalProcessId);
  if (session.dataSetId !== undefined && !ctx.store.dataSets.has(session.dataSetId)) {
    throw badRequest(`The training data of external_process_id '${externalProcessId}' was deleted (data set ${session.dataSetId}).`);
  }
  return loadDataset(session.files, externalProcessId);
}
