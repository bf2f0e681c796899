/** The clean-up of p1rx conformance: deletes what the run created. */
/**
 * The clean-up of `p1rx conformance`: it deletes what the run created, and only that.
 *
 * @packageDocumentation
 */
import { PAGE } from './checks';
import type { Run } from './driver';

/**
 * Deletes what the run created: the models it named, and the data sets that appeared during
 * the run with its own column and row counts (3 columns; 3 or 40 rows). Anything ambiguous is
 * left alone and reported as skipped.
 *
 * @internal
 */
export async function cleanUp(
  run: Run,
  key: string,
  modelNames: readonly string[],
  dataSetsBefore: { offset: number; items: Record<string, unknown>[] } | undefined,
): Promise<void> {
  if (modelNames.length > 0) {
    const models = (await run.listTail('/v1/external/models', 'models', key))?.items;
    for (const name of modelNames) {
      const mine = models?.filter((m) => m.name === name) ?? [];
      if (mine.length !== 1 || !Number.isInteger(mine[0]!.model_id)) {
        run.skip(
          'DELETE /v1/external/models/{model_id}',
          PAGE.deleteModel,
          `the model '${name}' was found ${mine.length} times in the listing: nothing deleted`,
        );
        continue;
      }
      await run.noBody('DELETE /v1/external/models/{model_id}', PAGE.deleteModel, {
        method: 'DELETE',
        url: run.url(`/v1/external/models/${mine[0]!.model_id as number}`),
        key,
      });
    }
  }
  // From where the listing ended before the run: its data sets are after that.
  const dataSetsAfter =
    dataSetsBefore === undefined ? undefined : (await run.listTail('/v1/external/data-sets', 'data_sets', key, dataSetsBefore.offset))?.items;
  if (dataSetsBefore === undefined || dataSetsAfter === undefined) {
    run.skip('DELETE /v1/external/data-sets/{data_set_id}', PAGE.deleteDataSet, 'the data sets could not be listed: nothing deleted');
    return;
  }
  const before = new Set(dataSetsBefore.items.map((d) => d.data_set_id));
  const added = dataSetsAfter.filter(
    (d) => !before.has(d.data_set_id) && Number.isInteger(d.data_set_id) && d.column_count === 3 && (d.data_count === 3 || d.data_count === 40),
  );
  if (added.length === 0)
    run.skip('DELETE /v1/external/data-sets/{data_set_id}', PAGE.deleteDataSet, 'no data set of this run is in the listing: nothing deleted');
  for (const d of added) {
    await run.noBody(`DELETE /v1/external/data-sets/{data_set_id} (${String(d.data_count)} rows)`, PAGE.deleteDataSet, {
      method: 'DELETE',
      url: run.url(`/v1/external/data-sets/${d.data_set_id as number}`),
      key,
    });
  }
}

/** The id of the model named `name` in the listing, when exactly one has it. @internal */
export async function modelIdByName(run: Run, key: string, name: string): Promise<number | undefined> {
  const mine = (await run.listTail('/v1/external/models', 'models', key))?.items.filter((m) => m.name === name) ?? [];
  return mine.length === 1 && Number.isInteger(mine[0]!.model_id) ? (mine[0]!.model_id as number) : undefined;
}
