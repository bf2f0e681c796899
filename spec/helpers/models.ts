/** Spec helper: trains a model through the emulator. */
import { lastValueFrom, of, toArray } from 'rxjs';
import { pollStatus$, train$, upload$, type PredictionOneClient, type TrainingConfig } from '../../lib';
import { models$ } from '../../lib/deploy';
import { seattleWeather } from './emulator';

/** Trains a model on `csv` (default: 120 Seattle weather rows, multi-class) through the client; returns its id. */
export async function trainedModel(
  client: PredictionOneClient,
  csv = seattleWeather(120),
  config: TrainingConfig = { tt: 'multi_classification', tc: 'weather', cv: 2 },
): Promise<number> {
  await lastValueFrom(of(csv).pipe(upload$(client), train$(client, { name: 'model', config }), pollStatus$(client), toArray()));
  const all = await lastValueFrom(models$(client, { pageSize: 100 }).pipe(toArray()));
  return all[all.length - 1].model_id;
}
