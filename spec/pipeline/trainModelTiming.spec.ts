/** The in-memory driver's timing in virtual time: resume, ambiguous Create Model, deadlines. */
import { of, type Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import {
  PollTimeoutError,
  TrainingFailedError,
  JobRecordVersionError,
  createClient,
  trainModel$,
  type JobRecord,
  type PredictionOneClient,
  type TrainingEvent,
} from '../../lib';
import { runJobSteps$, trainOrFollow$ } from '../../lib/engine';
import type { FetchLike, FetchResponse } from '../../lib/transport/fetchLike';
import { testScheduler } from '../helpers/marbles';

// The in-memory driver's timing (resume at each stage, the recovery of an ambiguous Create
// Model, the deadline from trainingSinceMs) in virtual time: the client runs on a TestScheduler
// with a frame limit, and a scripted service answers each request (its answers are Promises, so
// the scheduler is moved one scheduled action at a time, letting the answers land in between).

const ID = 'ep-0001';
const CREATE = 'POST /v1/external/models';
const STATUS = 'GET /v1/external/models/results';
const MAX_FRAMES = 3_600_000;

interface Service {
  readonly fetch: FetchLike;
  /** Each request as `route@virtual ms`. */
  readonly log: string[];
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): FetchResponse {
  const bytes = new TextEncoder().encode(JSON.stringify(body));
  const all: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(bytes.byteLength), ...headers };
  return { status, headers: { get: (name) => all[name.toLowerCase()] ?? null }, body: null, arrayBuffer: async () => bytes.buffer.slice(0) as ArrayBuffer };
}

/** A service whose Train Status Check answers `statuses` in turn (the last one repeats; `unknown` is a 404) and whose Create Model answers `creates` in turn. */
function service(t: TestScheduler, script: { statuses: string[]; creates?: FetchResponse[] }): Service {
  const log: string[] = [];
  let polls = 0;
  let creates = 0;
  const fetch: FetchLike = async (url, init) => {
    const route = `${init.method} ${new URL(url).pathname}`;
    log.push(`${route}@${t.now()}`);
    if (route === STATUS) {
      const status = script.statuses[Math.min(polls++, script.statuses.length - 1)];
      if (status === 'unknown') return json(404, { code: 4001000201, error: 'PREDA_EXTERNAL_NOT_FOUND', message: 'not found.' });
      return json(200, { status, created_datetime: '2026-12-06T00:00:00Z', updated_datetime: '2026-12-06T00:00:00Z' });
    }
    if (route === CREATE) return script.creates?.[creates++] ?? json(200, { external_process_id: ID });
    return json(500, { message: `unexpected ${route}` });
  };
  return { fetch, log };
}

function clientOn(t: TestScheduler, fetch: FetchLike, random = () => 0.5): PredictionOneClient {
  return createClient({
    baseUrl: 'http://127.0.0.1:9',
    apiKey: 'test-api-key-0123456789',
    fetch,
    scheduler: t,
    poll: { firstDelayMs: 0, minDelayMs: 1000, maxDelayMs: 8000, multiplier: 2, maxWaitMs: 60_000 },
    retry: { maxAttempts: 3, baseDelayMs: 1000, maxDelayMs: 30_000, random },
  });
}

/** Moves virtual time one scheduled action at a time (answers land in between) until the run ends; fails past the frame limit. */
async function drive(t: TestScheduler, run: Observable<TrainingEvent>): Promise<{ events: string[]; error?: unknown; endedAt: number }> {
  const events: string[] = [];
  let ended: { error?: unknown } | undefined;
  const subscription = run.subscribe({
    next: (e) => events.push(e.type === 'status' ? `status:${e.status}@${t.now()}` : `${e.type}@${t.now()}`),
    error: (error: unknown) => (ended = { error }),
    complete: () => (ended = {}),
  });
  try {
    for (let idle = 0; ended === undefined;) {
      await new Promise((resolve) => setImmediate(resolve));
      const next = t.actions[0];
      if (next === undefined) {
        if (++idle > 50) throw new Error('the run neither ended nor scheduled anything');
        continue;
      }
      idle = 0;
      if (next.delay > MAX_FRAMES) throw new Error(`past the frame limit (${MAX_FRAMES} virtual ms): the run does not end`);
      t.maxFrames = next.delay;
      t.flush();
    }
  } finally {
    subscription.unsubscribe();
  }
  return { events, error: ended.error, endedAt: t.now() };
}

const job = { data: { train: '' }, name: 'timing', config: { tt: 'regression', tc: 'y' } } as const;
const record = (fields: Partial<JobRecord>): JobRecord => ({ v: 1, key: 'timing', stage: 'new', externalProcessId: ID, polls: 0, ...fields });

describe('trainModel$ resumed from a record, in virtual time', () => {
  it('`training`: follows by id on the poll schedule, never Create Model, and times out maxWaitMs after trainingSinceMs', async () => {
    const t = testScheduler();
    const { fetch, log } = service(t, { statuses: ['running'] });
    const client = clientOn(t, fetch);
    // Accepted 50 s (virtual) before this run started: 10 s of the 60 s deadline are left.
    t.frame = 100_000;
    const resume = record({ stage: 'training', trainingSinceMs: 50_000, lastStatus: 'running' });
    const { events, error, endedAt } = await drive(t, trainModel$(client, job, { resume }));
    expect(log).toEqual([`${STATUS}@100000`, `${STATUS}@101000`, `${STATUS}@103000`, `${STATUS}@107000`]);
    expect(events).toEqual(['status:running@100000']);
    expect(error).toBeInstanceOf(PollTimeoutError);
    expect(endedAt).toBe(110_000);
  });

  it('`training` already past its deadline: PollTimeoutError at once, nothing sent', async () => {
    const t = testScheduler();
    const { fetch, log } = service(t, { statuses: ['running'] });
    t.frame = 100_000;
    const { error, endedAt } = await drive(t, trainModel$(clientOn(t, fetch), job, { resume: record({ stage: 'training', trainingSinceMs: 40_000 }) }));
    expect(error).toBeInstanceOf(PollTimeoutError);
    expect(endedAt).toBe(100_000);
    expect(log).toEqual([]);
  });

  it('`creating`: asks by id first; an unknown id sends Create Model again (counted), then polls at once', async () => {
    const t = testScheduler();
    const { fetch, log } = service(t, { statuses: ['unknown', 'waiting', 'failed'] });
    const records: JobRecord[] = [];
    const { error } = await drive(
      t,
      trainModel$(clientOn(t, fetch), job, { resume: record({ stage: 'creating', createAttempts: 1 }), onRecord: (r) => void records.push(r) }),
    );
    expect(log).toEqual([`${STATUS}@0`, `${CREATE}@0`, `${STATUS}@0`, `${STATUS}@1000`]);
    expect(records.map((r) => `${r.stage}:${r.createAttempts}`)).toEqual(['creating:2', 'training:2', 'training:2']);
    expect(error).toBeInstanceOf(TrainingFailedError);
  });

  it('`creating` with the Create Model budget spent: TrainingStartUnknownError after one status check', async () => {
    const t = testScheduler();
    const { fetch, log } = service(t, { statuses: ['unknown'] });
    const { error } = await drive(t, trainModel$(clientOn(t, fetch), job, { resume: record({ stage: 'creating', createAttempts: 3 }) }));
    expect(log).toEqual([`${STATUS}@0`]);
    expect((error as Error).name).toBe('TrainingStartUnknownError');
  });

  it('an ambiguous Create Model (gateway 504 with Retry-After): asks by id after Retry-After, then follows it', async () => {
    const t = testScheduler();
    const { fetch, log } = service(t, {
      statuses: ['running', 'running', 'failed'],
      creates: [json(504, { message: 'gateway timeout' }, { 'retry-after': '7' })],
    });
    const records: JobRecord[] = [];
    const { error } = await drive(t, trainModel$(clientOn(t, fetch), job, { resume: record({ stage: 'uploaded' }), onRecord: (r) => void records.push(r) }));
    expect(log).toEqual([`${CREATE}@0`, `${STATUS}@7000`, `${STATUS}@7000`, `${STATUS}@8000`]);
    expect(records.map((r) => r.stage)).toEqual(['creating', 'training', 'training']);
    // The deadline counts from when the training was first seen accepted.
    expect(records[1].trainingSinceMs).toBe(7000);
    expect(error).toBeInstanceOf(TrainingFailedError);
  });

  it('an ambiguous Create Model without Retry-After: waits the backoff with full jitter from retry.random', async () => {
    const t = testScheduler();
    const { fetch, log } = service(t, { statuses: ['failed'], creates: [json(504, { message: 'gateway timeout' })] });
    await drive(
      t,
      trainModel$(
        clientOn(t, fetch, () => 0.25),
        job,
        { resume: record({ stage: 'uploaded' }) },
      ),
    );
    // Attempt 1: ceiling baseDelayMs 1000, × 0.25.
    expect(log.slice(0, 2)).toEqual([`${CREATE}@0`, `${STATUS}@250`]);
  });
});

describe('maxWaitMs: one meaning in every driver', () => {
  it('should end trainModel$ and the durable step alike, maxWaitMs after Create Model was accepted', async () => {
    const ends: number[] = [];
    for (const driver of ['trainModel$', 'runJobSteps$'] as const) {
      const t = testScheduler();
      const { fetch, log } = service(t, { statuses: ['running'] });
      const client = clientOn(t, fetch);
      t.frame = 5000;
      const start = record({ stage: 'uploaded' });
      const run =
        driver === 'trainModel$'
          ? trainModel$(client, job, { resume: start })
          : runJobSteps$(client, start, { job: { ...job }, persist: () => Promise.resolve() });
      const { error, endedAt } = await drive(t, run);
      expect(error).toBeInstanceOf(PollTimeoutError);
      expect(log[0]).toBe(`${CREATE}@5000`);
      ends.push(endedAt);
    }
    expect(ends).toEqual([65_000, 65_000]);
  });
});

describe('a record of a future version', () => {
  it('should be refused by the durable step before any request', async () => {
    const t = testScheduler();
    const { fetch, log } = service(t, { statuses: ['running'] });
    const future = { ...record({ stage: 'training', trainingSinceMs: 0 }), v: 2 } as unknown as JobRecord;
    const { error } = await drive(t, runJobSteps$(clientOn(t, fetch), future, { job, persist: () => Promise.resolve() }));
    expect(error).toBeInstanceOf(JobRecordVersionError);
    expect(log).toEqual([]);
  });
});

describe('trainOrFollow$ after an ambiguous Create Model, in virtual time (the rule of the durable step)', () => {
  it('should ask by id after Retry-After', async () => {
    const t = testScheduler();
    const { fetch, log } = service(t, { statuses: ['failed'], creates: [json(504, { message: 'gateway timeout' }, { 'retry-after': '7' })] });
    const { error } = await drive(t, of({ externalProcessId: ID }).pipe(trainOrFollow$(clientOn(t, fetch), { name: job.name, config: job.config })));
    expect(log).toEqual([`${CREATE}@0`, `${STATUS}@7000`]);
    expect(error).toBeInstanceOf(TrainingFailedError);
  });

  it('should wait the backoff with full jitter from retry.random without Retry-After', async () => {
    const t = testScheduler();
    const { fetch, log } = service(t, { statuses: ['failed'], creates: [json(504, { message: 'gateway timeout' })] });
    await drive(
      t,
      of({ externalProcessId: ID }).pipe(
        trainOrFollow$(
          clientOn(t, fetch, () => 0.25),
          { name: job.name, config: job.config },
        ),
      ),
    );
    expect(log).toEqual([`${CREATE}@0`, `${STATUS}@250`]);
  });
});
