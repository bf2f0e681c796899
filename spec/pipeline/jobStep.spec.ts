/** Specs: jobStep$, one step per activation. */
import { DEFAULT_POLL_OPTIONS, resolvePollOptions } from '../../lib/core/pollOptions';
import { lastValueFrom, toArray, type Observable } from 'rxjs';
import { TrainingFailedError, TrainingStartUnknownError, type TrainingJob } from '../../lib';
import { jobStep$, jobStepper, newJobRecord, runJobSteps$, type JobRecord, type JobStepOutput, type JobStepped } from '../../lib/engine';
import { stepPollDelayMs } from '../../lib/pipeline/jobStep';
import { seattleWeather, useEmulator } from '../helpers/emulator';
import { until } from '../helpers/wait';

const CREATE = 'POST /v1/external/models';
const PUT = 'PUT /storage/upload';

describe('jobStep$ (one activation = one step, write-ahead)', () => {
  const { emulator, client } = useEmulator({ manual: true });
  const job: TrainingJob = { data: { train: seattleWeather(60) }, name: 'w', config: { tt: 'multi_classification', tc: 'weather', cv: 1 } };
  beforeEach(() => emulator().clearLog());

  /** A store that notes each persisted record with what the emulator had seen at that moment. */
  function store() {
    const saved: { record: JobRecord; puts: number; creates: number }[] = [];
    return {
      saved,
      persist: (record: JobRecord) => {
        saved.push({ record, puts: emulator().count(PUT), creates: emulator().count(CREATE) });
        return Promise.resolve();
      },
    };
  }
  const step = async (record: JobRecord, persist: (r: JobRecord) => Promise<void>, extra: Partial<Parameters<typeof jobStep$>[2]> = {}) => {
    const out = await lastValueFrom(jobStep$(client(), record, { job, persist, ...extra }).pipe(toArray()));
    const last = out[out.length - 1] as JobStepped;
    expect(last.type).toBe('stepped');
    return { events: out.slice(0, -1) as Exclude<JobStepOutput, JobStepped>[], stepped: last };
  };

  it('new: should record uploading with the id before the first PUT, then uploaded', async () => {
    const s = store();
    const { events, stepped } = await step(newJobRecord('a'), s.persist);
    expect(s.saved.map((x) => [x.record.stage, x.puts])).toEqual([
      ['uploading', 0],
      ['uploaded', 2],
    ]);
    expect(s.saved[0].record.externalProcessId).toBe(stepped.record.externalProcessId);
    expect(stepped.record).toMatchObject({ key: 'a', stage: 'uploaded', uploadSessions: 1, polls: 0 });
    expect(events.at(-1)?.type).toBe('uploaded');
  });

  it('uploaded: should record creating before Create Model, then training; training: one poll per activation; finished: download', async () => {
    const s = store();
    let { stepped } = await step(newJobRecord('b'), s.persist);
    ({ stepped } = await step(stepped.record, s.persist));
    expect(s.saved.slice(2).map((x) => [x.record.stage, x.creates])).toEqual([
      ['creating', 0],
      ['training', 1],
    ]);
    expect(stepped.record).toMatchObject({ stage: 'training', createAttempts: 1, polls: 0 });
    const id = stepped.record.externalProcessId!;

    emulator().clearLog();
    let polled = await step(stepped.record, s.persist);
    expect(emulator().count('GET /v1/external/models/results')).toBe(1);
    expect(polled.stepped.record).toMatchObject({ stage: 'training', polls: 1, lastStatus: 'waiting' });
    expect(polled.stepped.delayMs).toBe(stepPollDelayMs(1, client().poll));
    expect(polled.events.map((e) => e.type)).toEqual(['status']);
    // Nothing changed: not persisted (the record carries the count to the caller).
    const persistedBefore = s.saved.length;
    polled = await step(polled.stepped.record, s.persist);
    expect(polled.events).toEqual([]);
    expect(s.saved.length).toBe(persistedBefore);

    await emulator().advance(id, 'finished');
    let saved: unknown;
    const last = await step(polled.stepped.record, s.persist, { saveResult: (result) => ((saved = result), Promise.resolve({ resultDir: '/r' })) });
    expect(last.stepped).toMatchObject({ done: true, record: { stage: 'downloaded', resultDir: '/r', polls: 3 } });
    expect(last.events.map((e) => e.type)).toContain('completed');
    expect(saved).toBeDefined();
    expect(emulator().job(id)?.modelsCreated).toBe(1);
  });

  it('uploading whose upload the service has: should ask Train Data Set Info and not upload again', async () => {
    const first = await step(newJobRecord('c'), () => Promise.resolve());
    const s = store();
    emulator().clearLog();
    const { stepped } = await step({ ...first.stepped.record, stage: 'uploading' }, s.persist);
    expect(emulator().count('GET /v1/external/data-sets/column-info')).toBe(1);
    expect(emulator().count(PUT)).toBe(0);
    expect(stepped.record.stage).toBe('uploaded');
  });

  it('uploading whose upload never arrived: should upload again in a new session', async () => {
    const res = await fetch(`${emulator().url}/v1/external/data-sets/upload-url?extension=csv`, { headers: { 'x-api-key': 'test-api-key-0123456789' } });
    const { external_process_id: id } = (await res.json()) as { external_process_id: string };
    const { stepped } = await step({ key: 'd', stage: 'uploading', externalProcessId: id, polls: 0, uploadSessions: 1 }, () => Promise.resolve());
    expect(stepped.record).toMatchObject({ stage: 'uploaded', uploadSessions: 2 });
    expect(stepped.record.externalProcessId).not.toBe(id);
  });

  it('creating whose Create Model took effect: should follow it by id, not send it again', async () => {
    const up = await step(newJobRecord('e'), () => Promise.resolve());
    const created = await step(up.stepped.record, () => Promise.resolve());
    emulator().clearLog();
    const { stepped } = await step({ ...created.stepped.record, stage: 'creating' }, () => Promise.resolve());
    expect(emulator().count(CREATE)).toBe(0);
    expect(stepped.record.stage).toBe('training');
  });

  it('an ambiguous Create Model: stays creating, then a status check proving it unknown sends it again (once)', async () => {
    const up = await step(newJobRecord('f'), () => Promise.resolve());
    emulator().injectNext(CREATE, 'resetBefore');
    const s = store();
    const ambiguous = await step(up.stepped.record, s.persist);
    expect(ambiguous.stepped.record).toMatchObject({ stage: 'creating', createAttempts: 1 });
    const again = await step(ambiguous.stepped.record, s.persist);
    expect(again.stepped.record).toMatchObject({ stage: 'training', createAttempts: 2 });
    expect(emulator().job(up.stepped.record.externalProcessId!)?.modelsCreated).toBe(1);
  });

  it('creating with the Create Model budget spent and the training unknown: TrainingStartUnknownError', async () => {
    const up = await step(newJobRecord('g'), () => Promise.resolve());
    const record: JobRecord = { ...up.stepped.record, stage: 'creating', createAttempts: 4 };
    const err = await lastValueFrom(jobStep$(client({ retry: { maxAttempts: 4 } }), record, { job, persist: () => Promise.resolve() })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TrainingStartUnknownError);
    expect(emulator().count(CREATE)).toBe(0);
  });

  it("claim not granted: should not send Create Model, and wait the claim's time", async () => {
    const up = await step(newJobRecord('h'), () => Promise.resolve());
    const { stepped } = await step(up.stepped.record, () => Promise.resolve(), { claim: () => Promise.resolve({ granted: false, retryAfterMs: 1234 }) });
    expect(emulator().count(CREATE)).toBe(0);
    expect(stepped).toMatchObject({ delayMs: 1234, record: { stage: 'creating' } });
  });

  it('a failed training: the poll step fails with TrainingFailedError', async () => {
    const up = await step(newJobRecord('i'), () => Promise.resolve());
    const created = await step(up.stepped.record, () => Promise.resolve());
    await emulator().advance(created.stepped.record.externalProcessId!, 'failed');
    const err = await lastValueFrom(jobStep$(client(), created.stepped.record, { job, persist: () => Promise.resolve() })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrainingFailedError);
  });

  it('a persist failure fails the step before the request it announces', async () => {
    const up = await step(newJobRecord('j'), () => Promise.resolve());
    emulator().clearLog();
    const err = await lastValueFrom(jobStep$(client(), up.stepped.record, { job, persist: () => Promise.reject(new Error('disk full')) })).catch(
      (e: unknown) => e,
    );
    expect((err as Error).message).toBe('disk full');
    expect(emulator().count(CREATE)).toBe(0);
  });

  it('runJobSteps$: should loop the steps in-process to the result', async () => {
    const s = store();
    const events$ = runJobSteps$(client(), newJobRecord('k'), { job, persist: s.persist });
    const done = lastValueFrom(events$.pipe(toArray()));
    await until(() => s.saved.some((x) => x.record.stage === 'training'), 'the training recorded');
    const training = s.saved.find((x) => x.record.stage === 'training')!.record.externalProcessId!;
    await emulator().advance(training, 'finished');
    const events = await done;
    expect(events.at(-1)?.type).toBe('completed');
    expect(s.saved.map((x) => x.record.stage)).toEqual(['uploading', 'uploaded', 'creating', 'training', 'downloaded']);
  });

  it("jobStepper: should step a job exactly as jobStep$ does, the job's own poll options included", async () => {
    const own: TrainingJob = { ...job, poll: { minDelayMs: 7000, maxDelayMs: 9000, multiplier: 1.5 } };
    /** A job driven to the end, each step by `run`: what was persisted and what each step gave. */
    const drive = async (key: string, run: (record: JobRecord, context: Parameters<typeof jobStep$>[2]) => Observable<JobStepOutput>) => {
      const s = store();
      const context = { job: own, persist: s.persist, saveResult: () => Promise.resolve({ resultDir: `/r/${key}` }) };
      const steps: { events: string[]; stage: string; delayMs: number; done: boolean; polls: number }[] = [];
      let record = newJobRecord(key);
      for (let i = 0; i < 8; i++) {
        const out = await lastValueFrom(run(record, context).pipe(toArray()));
        const last = out[out.length - 1] as JobStepped;
        steps.push({ events: out.slice(0, -1).map((e) => e.type), stage: last.record.stage, delayMs: last.delayMs, done: last.done, polls: last.record.polls });
        if (last.done) break;
        record = last.record;
        // Three polls while waiting, then the training finishes.
        if (record.stage === 'training' && record.polls === 3) await emulator().advance(record.externalProcessId!, 'finished');
      }
      return { steps, saved: s.saved.map((x) => x.record.stage) };
    };
    const general = await drive('s1', (record, context) => jobStep$(client(), record, context));
    let reused: ReturnType<typeof jobStepper> | undefined;
    const reusedOnce = await drive('s2', (record, context) => (reused ??= jobStepper(client(), context))(record));
    expect(reusedOnce).toEqual(general);
    // The job's schedule, not the client's: the second and third waits grow by its multiplier.
    const waits = general.steps.filter((x) => x.stage === 'training' && !x.done).map((x) => x.delayMs);
    expect(waits.slice(1, 3)).toEqual([
      stepPollDelayMs(1, resolvePollOptions(client().poll, own.poll)),
      stepPollDelayMs(2, resolvePollOptions(client().poll, own.poll)),
    ]);
    expect(waits[2]).not.toBe(stepPollDelayMs(2, client().poll));
    expect(general.steps.at(-1)).toMatchObject({ stage: 'downloaded', done: true });
  });
});

describe('stepPollDelayMs', () => {
  it('should follow the poll schedule from the count kept in the record', () => {
    const options = resolvePollOptions(DEFAULT_POLL_OPTIONS, { firstDelayMs: 0, minDelayMs: 1000, maxDelayMs: 5000, multiplier: 2 });
    expect([0, 1, 2, 3, 4, 5].map((n) => stepPollDelayMs(n, options))).toEqual([0, 1000, 2000, 4000, 5000, 5000]);
    expect(stepPollDelayMs(3, resolvePollOptions(options, { jitter: 'full', random: () => 0.5 }))).toBe(2000);
  });
});
