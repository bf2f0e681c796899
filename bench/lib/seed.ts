/** Seeds an emulator with trainings in flight for the polling benchmarks. */
/**
 * Creates trainings in an emulator through the API (upload a tiny CSV, Create Model), with
 * concurrency. Used to give the polling benchmarks thousands of jobs that stay in flight
 * (the emulator runs in manual mode, so they stay `waiting`).
 */
import { filter, lastValueFrom, map, mergeMap, of, range, toArray } from 'rxjs';
import { train$, upload$, type TrainingEvent } from 'prediction-one-rx';
import { createNodeClient } from 'prediction-one-rx/node';

/** 20 rows of `x,y`: the smallest data set a regression accepts. */
export const TINY_CSV = `x,y\n${Array.from({ length: 20 }, (_, i) => `${i},${2 * i + (i % 3)}`).join('\n')}\n`;
export const TINY_CONFIG = { tt: 'regression', tc: 'y' } as const;

export async function seedTrainings(baseUrl: string, apiKey: string, count: number, concurrency = 64): Promise<string[]> {
  const client = createNodeClient({ baseUrl, apiKey });
  const ids$ = range(0, count).pipe(
    mergeMap(
      (i) =>
        of({ train: TINY_CSV, columns: { x: 'integer', y: 'integer' } as const }).pipe(
          upload$(client),
          train$(client, { name: `bench-${i}`, config: TINY_CONFIG }),
          filter((e: TrainingEvent) => e.type === 'queued'),
          map((e) => (e as Extract<TrainingEvent, { type: 'queued' }>).externalProcessId as string),
        ),
      concurrency,
    ),
    toArray(),
  );
  return lastValueFrom(ids$);
}
