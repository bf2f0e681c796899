/** trainModel$ resumes a saved JobRecord against the emulator, with no second training. */
import { from, lastValueFrom, toArray } from 'rxjs';
import { JobRecordVersionError, trainModel$, type JobRecord, type TrainingEvent } from '../../lib';
import { trainEach$, type JobEvent } from '../../lib/engine';
import { seattleWeather, useEmulator } from '../helpers/emulator';

const CREATE = 'POST /v1/external/models';
const STATUS = 'GET /v1/external/models/results';
const UPLOAD_URL = 'GET /v1/external/data-sets/upload-url';
const DATASET_INFO = 'GET /v1/external/data-sets/column-info';
const config = { tt: 'multi_classification', tc: 'weather', cv: 2 } as const;

/** Runs trainModel$ with `onRecord` saving to `store` until `stop(record)` says so (the "crash": the subscription is dropped). */
function runUntil(run: () => ReturnType<typeof trainModel$>, stop: (record: JobRecord) => boolean): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let crashed = false;
    const subscription = run().subscribe({ error: reject, complete: () => reject(new Error('finished before the crash')) });
    stopper.current = (record) => {
      if (crashed || !stop(record)) return;
      crashed = true;
      // Unsubscribed once the record is saved: the process "died" with the training under way.
      queueMicrotask(() => {
        subscription.unsubscribe();
        resolve();
      });
    };
  });
}
const stopper: { current: (record: JobRecord) => void } = { current: () => undefined };

describe('trainModel$ with resume and onRecord (a redelivered message after a crash)', () => {
  const { emulator, client } = useEmulator({ trainingDelayMs: 200 });

  it('should follow the training of a redelivered message to its end, with one Create Model', async () => {
    emulator().clearLog();
    const store = new Map<string, JobRecord>();
    const job = { data: { train: seattleWeather(40) }, name: 'redelivered', config };
    const onRecord = (record: JobRecord) => {
      store.set(record.key, record);
      stopper.current(record);
    };
    // First delivery: the worker dies once the `training` record is saved.
    await runUntil(
      () => trainModel$(client(), job, { onRecord }),
      (r) => r.stage === 'training',
    );
    const saved = store.get('redelivered')!;
    expect(saved).toMatchObject({ v: 1, stage: 'training', createAttempts: 1, polls: 0 });
    expect(typeof saved.trainingSinceMs).toBe('number');
    expect(emulator().count(CREATE)).toBe(1);

    // Redelivery: the same job, resumed from the saved record, followed to its result.
    stopper.current = () => undefined;
    const events = await lastValueFrom(trainModel$(client(), job, { resume: saved, onRecord }).pipe(toArray()));
    expect(events[events.length - 1].type).toBe('completed');
    expect(events.some((e) => e.type === 'uploaded' || e.type === 'queued')).toBe(false);
    expect(emulator().count(CREATE)).toBe(1);
    expect(emulator().count(UPLOAD_URL)).toBe(1);
    expect(emulator().stats().uploadsWithMultipleModels).toBe(0);
    expect(store.get('redelivered')).toMatchObject({ stage: 'downloaded', lastStatus: 'finished', createAttempts: 1 });
  });

  it('should hand every stage to onRecord before the request it announces, and wait for it', async () => {
    emulator().clearLog();
    const seen: string[] = [];
    const onRecord = async (record: JobRecord) => {
      seen.push(`${record.stage}${record.lastStatus ? `:${record.lastStatus}` : ''}`);
      // A slow database write: Create Model must not go before `creating` is stored.
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (record.stage === 'creating') expect(emulator().count(CREATE)).toBe(0);
      if (record.stage === 'uploading') expect(emulator().requests.some((r) => r.route.startsWith('PUT'))).toBe(false);
    };
    const events = await lastValueFrom(trainModel$(client(), { data: { train: seattleWeather(40) }, name: 'ordered', config }, { onRecord }).pipe(toArray()));
    expect(events[events.length - 1].type).toBe('completed');
    expect(seen.slice(0, 4)).toEqual(['uploading', 'uploaded', 'creating', 'training']);
    expect(seen[seen.length - 1]).toBe('downloaded:finished');
    expect(seen).toContain('training:finished');
  });

  it('should ask by id first when resumed at `creating` (Create Model sent, answer lost), and not send it again', async () => {
    const store = new Map<string, JobRecord>();
    const job = { data: { train: seattleWeather(40) }, name: 'was-creating', config };
    await runUntil(
      () => trainModel$(client(), job, { onRecord: (r) => (store.set(r.key, r), stopper.current(r)) }),
      (r) => r.stage === 'training',
    );
    // The record the crash would have left had it come while Create Model was in flight.
    const creating: JobRecord = { ...store.get('was-creating')!, stage: 'creating', trainingSinceMs: undefined };
    emulator().clearLog();
    stopper.current = () => undefined;
    const events = await lastValueFrom(trainModel$(client(), job, { resume: creating }).pipe(toArray()));
    expect(events[events.length - 1].type).toBe('completed');
    expect(emulator().count(CREATE)).toBe(0);
    expect(emulator().requests[0].route).toBe(STATUS);
  });

  it('should ask Train Data Set Info when resumed at `uploading`, and not upload again when the upload is known', async () => {
    const store = new Map<string, JobRecord>();
    const job = { data: { train: seattleWeather(40) }, name: 'was-uploading', config };
    await runUntil(
      () => trainModel$(client(), job, { onRecord: (r) => (store.set(r.key, r), stopper.current(r)) }),
      (r) => r.stage === 'uploaded',
    );
    const uploading: JobRecord = { ...store.get('was-uploading')!, stage: 'uploading' };
    emulator().clearLog();
    stopper.current = () => undefined;
    const events = await lastValueFrom(trainModel$(client(), job, { resume: uploading }).pipe(toArray()));
    expect(events[events.length - 1].type).toBe('completed');
    expect(emulator().requests[0].route).toBe(DATASET_INFO);
    expect(emulator().count(UPLOAD_URL)).toBe(0);
    expect(emulator().count(CREATE)).toBe(1);
  });

  it('should complete at once, sending nothing, when resumed at `downloaded`', async () => {
    emulator().clearLog();
    const events: TrainingEvent[] = await lastValueFrom(
      trainModel$(
        client(),
        { data: { train: '' }, name: 'done', config },
        { resume: { v: 1, key: 'done', stage: 'downloaded', externalProcessId: 'x', polls: 3 } },
      ).pipe(toArray()),
    );
    expect(events).toEqual([]);
    expect(emulator().requests).toHaveLength(0);
  });

  it('should refuse a record of a future version before any request', async () => {
    emulator().clearLog();
    const future = { v: 2, key: 'f', stage: 'training', externalProcessId: 'x', polls: 0 } as unknown as JobRecord;
    await expect(lastValueFrom(trainModel$(client(), { data: { train: '' }, name: 'f', config }, { resume: future }))).rejects.toBeInstanceOf(
      JobRecordVersionError,
    );
    expect(emulator().requests).toHaveLength(0);
  });

  it('trainEach$: should resume every job from its record after a crash, training none twice', async () => {
    emulator().clearLog();
    const store = new Map<string, JobRecord>();
    const jobs = ['each-a', 'each-b'].map((key) => ({ key, name: key, data: { train: seattleWeather(40) }, config }));
    let crash: () => void = () => undefined;
    const onRecord = (record: JobRecord, job: { key: string }) => {
      store.set(job.key, record);
      // The process dies once both trainings are recorded as started.
      if ([...store.values()].filter((r) => r.stage === 'training').length === 2) queueMicrotask(crash);
    };
    await new Promise<void>((resolve, reject) => {
      const subscription = from(jobs)
        .pipe(trainEach$(client(), { concurrency: 2, onRecord }))
        .subscribe({ error: reject, complete: () => reject(new Error('finished before the crash')) });
      crash = () => {
        crash = () => undefined;
        subscription.unsubscribe();
        resolve();
      };
    });
    expect(emulator().count(CREATE)).toBe(2);
    const resumed = jobs.map((job) => ({ ...job, record: store.get(job.key) }));
    const events: JobEvent[] = await lastValueFrom(from(resumed).pipe(trainEach$(client(), { concurrency: 2, onRecord }), toArray()));
    expect(
      events
        .filter((e) => e.type === 'succeeded')
        .map((e) => e.key)
        .sort(),
    ).toEqual(['each-a', 'each-b']);
    expect(emulator().count(CREATE)).toBe(2);
    expect(emulator().count(UPLOAD_URL)).toBe(2);
    expect([...store.values()].map((r) => r.stage)).toEqual(['downloaded', 'downloaded']);
  });
});
