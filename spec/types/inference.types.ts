/** Type-level fixture: inference types, checked by the compiler. */
import { of } from 'rxjs';
import { ApiError, createClient, type Metric, type TrainingResult, trainModel } from '../../lib';
import { type ModelSummary, models } from '../../lib/deploy';
import { trainEach$, trainEachFrom$, type JobEvent, type KeyedTrainingJob } from '../../lib/engine';
import { expectType, type Equal, type Expect } from './typeCheck';

// Inference checks, compiled by spec/types/types.spec.ts (and `npm run typecheck`): each line
// fails to compile if the type it pins changes.
type ShopKey = { readonly shop: number; readonly region: 'eu' | 'us' };
const client = createClient({ baseUrl: 'http://127.0.0.1:1', apiKey: 'k' });
const jobs: KeyedTrainingJob<ShopKey>[] = [];
const seenKeys: ShopKey[] = [];
export { seenKeys };

export const fromIterable$ = trainEachFrom$(client, jobs, {
  onResult: async (result, job) => {
    // `job.key` is the jobs' key type, not `unknown`: no cast to read its fields.
    const region: 'eu' | 'us' = job.key.region;
    seenKeys.push(expectType<ShopKey>()(job.key));
    void region;
    void result;
  },
});
export const viaOperator$ = of(...jobs).pipe(trainEach$(client, { onResult: async (_r, job) => void seenKeys.push(expectType<ShopKey>()(job.key)) }));

export type Checks = [
  Expect<Equal<typeof fromIterable$, import('rxjs').Observable<JobEvent<ShopKey>>>>,
  Expect<Equal<typeof viaOperator$, import('rxjs').Observable<JobEvent<ShopKey>>>>,
  Expect<Equal<Metric['value'], number>>,
  Expect<Equal<Metric['raw'], string>>,
  Expect<Equal<ApiError['status'], number>>,
  // The Promise and async-iterable forms.
  Expect<Equal<ReturnType<typeof trainModel>, Promise<TrainingResult>>>,
  Expect<Equal<ReturnType<typeof models>, AsyncIterableIterator<ModelSummary>>>,
];

// `for await` over a listing compiles, with the item typed.
export async function names(): Promise<string[]> {
  const out: string[] = [];
  for await (const m of models(client, { signal: AbortSignal.timeout(1_000) })) out.push(expectType<ModelSummary>()(m).name ?? '');
  return out;
}

// Metric.value is a number: `.toFixed` compiles without a narrowing.
export const shown = (m: Metric): string => `${m.name} ${m.value.toFixed(3)} (${m.raw})`;
// ApiError.status is there for openai-node and Angular habits, and is the HTTP status.
export const statusOf = (e: ApiError): number => e.status;
