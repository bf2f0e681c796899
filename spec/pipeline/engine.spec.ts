/** The pure training engine (nextAction/advance) as a table. */
import { ApiError, NetworkError, PollTimeoutError, TrainingFailedError, TrainingStartUnknownError } from '../../lib/core/errors';
import type { StatusEvent } from '../../lib/core/events';
import { DEFAULT_POLL_OPTIONS, resolvePollOptions } from '../../lib/core/pollOptions';
import {
  JobRecordVersionError,
  advance,
  newJobRecord,
  nextAction,
  readJobRecord,
  type EngineAnswer,
  type EngineOutcome,
  type EngineRules,
  type JobRecord,
} from '../../lib/pipeline/engine';

// The engine is pure: each row is (record, answer, now) -> outcome, with no client, no clock and
// no IO. Randomness comes only from the rules' `random`.
const rules: EngineRules = {
  poll: resolvePollOptions(DEFAULT_POLL_OPTIONS, { firstDelayMs: 0, minDelayMs: 1000, maxDelayMs: 8000, maxWaitMs: 60_000 }),
  retry: { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 30_000, random: () => 0.5 },
};
const ID = 'ep-1';
const at = (stage: JobRecord['stage'], fields: Partial<JobRecord> = {}): JobRecord => ({ ...newJobRecord('k'), stage, externalProcessId: ID, ...fields });
const status = (s: string): StatusEvent => ({
  type: 'status',
  externalProcessId: ID as never,
  status: s,
  terminal: s === 'finished',
  resultUrl: s === 'finished' ? 'u' : undefined,
});
const unknown = new ApiError({ httpStatus: 404, method: 'GET', url: 'http://x/v1/external/models/results' });
/** An ambiguous Create Model: the gateway timed out (504, the service may still act) with Retry-After. */
const ambiguous = (retryAfterMs?: number) =>
  new TrainingStartUnknownError(ID, new ApiError({ httpStatus: 504, method: 'POST', url: 'http://x/v1/external/models', retryAfterMs }));

describe('engine: the action a record asks for', () => {
  it.each<[string, JobRecord, string]>([
    ['new: upload', newJobRecord('k'), 'upload'],
    ['uploading: ask Data Set Info', at('uploading'), 'checkUpload'],
    ['uploaded: Create Model', at('uploaded'), 'create'],
    ['creating: ask by id first', at('creating', { createAttempts: 1 }), 'followCreate'],
    ['training: poll', at('training', { trainingSinceMs: 0 }), 'poll'],
    ['downloaded: nothing', at('downloaded'), 'done'],
  ])('%s', (_, record, kind) => {
    expect(nextAction(record, rules, 1000).kind).toBe(kind);
  });

  it('should announce Create Model with a `creating` record that counts the send', () => {
    expect(nextAction(at('uploaded', { createAttempts: 1 }), rules, 0)).toEqual({
      kind: 'create',
      id: ID,
      announce: at('creating', { createAttempts: 2 }),
    });
  });

  it('should count maxWaitMs from trainingSinceMs, not from when the driver started', () => {
    const record = at('training', { trainingSinceMs: 1_000_000, lastStatus: 'running' });
    expect(nextAction(record, rules, 1_000_000 + 59_999).kind).toBe('poll');
    const late = nextAction(record, rules, 1_000_000 + 60_000);
    expect(late.kind).toBe('fail');
    expect(late.kind === 'fail' && late.error).toBeInstanceOf(PollTimeoutError);
    expect(late.kind === 'fail' && late.error).toMatchObject({ id: ID, lastStatus: { status: 'running' } });
  });
});

describe('engine: record + answer -> next record, events, wait, error', () => {
  type Row = [string, JobRecord, EngineAnswer, Partial<EngineOutcome> & { stage?: JobRecord['stage'] }];
  const rows: Row[] = [
    [
      'upload session opened: uploading, persisted before the first PUT',
      newJobRecord('k'),
      { type: 'uploadOpened', externalProcessId: ID },
      { stage: 'uploading', persist: true, delayMs: 0 },
    ],
    ['upload finished: uploaded, persisted', at('uploading'), { type: 'uploaded', externalProcessId: ID }, { stage: 'uploaded', persist: true }],
    ['upload known: uploaded, persisted', at('uploading'), { type: 'uploadKnown' }, { stage: 'uploaded', persist: true }],
    ['upload unknown: upload again now', at('uploading'), { type: 'uploadUnknown' }, { stage: 'new', persist: false, then: { kind: 'upload' } }],
    [
      'create accepted: training, first poll after firstDelayMs',
      at('creating', { createAttempts: 1 }),
      { type: 'createAccepted' },
      { stage: 'training', persist: true, delayMs: 0 },
    ],
    [
      'claim refused: creating, follow after retryAfterMs',
      at('uploaded'),
      { type: 'claimRefused', retryAfterMs: 1234 },
      { stage: 'creating', persist: true, delayMs: 1234 },
    ],
    [
      'claim refused without a wait: the second poll wait',
      at('creating', { createAttempts: 1 }),
      { type: 'claimRefused' },
      { stage: 'creating', persist: false, delayMs: 1000 },
    ],
    [
      'creating, the service knows it: training',
      at('creating', { createAttempts: 1 }),
      { type: 'status', status: status('running') },
      { stage: 'training', persist: true, delayMs: 0 },
    ],
    [
      'creating, unknown id within the budget: Create Model again now',
      at('creating', { createAttempts: 2 }),
      { type: 'unknownId', error: unknown },
      { stage: 'creating', persist: false, then: { kind: 'create', id: ID, announce: at('creating', { createAttempts: 3 }) } },
    ],
    [
      'download stored: downloaded, done',
      at('training', { polls: 3 }),
      { type: 'downloaded', where: { resultDir: '/r' } },
      { stage: 'downloaded', persist: true, done: true },
    ],
  ];
  it.each(rows)('%s', (_, record, answer, expected) => {
    const out = advance(record, answer, rules, 5000);
    const { stage, ...fields } = expected;
    if (stage !== undefined) expect(out.record.stage).toBe(stage);
    expect(out).toMatchObject(fields);
    expect(out.error).toBeUndefined();
  });

  it('should start the deadline when Create Model is accepted, and keep it when following a creating record', () => {
    expect(advance(at('creating', { createAttempts: 1 }), { type: 'createAccepted' }, rules, 5000).record).toMatchObject({ trainingSinceMs: 5000, polls: 0 });
    const followed = advance(at('creating', { createAttempts: 1, trainingSinceMs: 42 }), { type: 'status', status: status('running') }, rules, 5000);
    expect(followed.record).toMatchObject({ trainingSinceMs: 42, lastStatus: 'running' });
  });

  it('should end with TrainingStartUnknownError once the Create Model budget (retry.maxAttempts) is spent', () => {
    const out = advance(at('creating', { createAttempts: 3 }), { type: 'unknownId', error: unknown }, rules, 0);
    expect(out.error).toBeInstanceOf(TrainingStartUnknownError);
    expect(out.then).toBeUndefined();
  });

  it('should wait Retry-After (capped) before asking about an ambiguous Create Model', () => {
    expect(advance(at('creating', { createAttempts: 1 }), { type: 'createAmbiguous', error: ambiguous(7000) }, rules, 0)).toMatchObject({
      delayMs: 7000,
      persist: false,
    });
    expect(advance(at('creating', { createAttempts: 1 }), { type: 'createAmbiguous', error: ambiguous(90_000) }, rules, 0).delayMs).toBe(30_000);
  });

  it('should wait the attempt backoff with full jitter (from `random`) without Retry-After, and not at all when the service answered', () => {
    // Attempt 2: ceiling 500 × 2 = 1000, × random 0.5.
    expect(advance(at('creating', { createAttempts: 2 }), { type: 'createAmbiguous', error: ambiguous() }, rules, 0).delayMs).toBe(500);
    const jittered: EngineRules = { ...rules, retry: { ...rules.retry, random: () => 0.1 } };
    expect(advance(at('creating', { createAttempts: 2 }), { type: 'createAmbiguous', error: ambiguous() }, jittered, 0).delayMs).toBe(100);
    const reset = new TrainingStartUnknownError(ID, new NetworkError('POST', 'http://x', new Error('reset')));
    expect(advance(at('creating', { createAttempts: 1 }), { type: 'createAmbiguous', error: reset }, rules, 0).delayMs).toBe(250);
    const answered = new TrainingStartUnknownError(ID, new ApiError({ httpStatus: 503, method: 'POST', url: 'http://x/v1/external/models' }));
    expect(advance(at('creating', { createAttempts: 1 }), { type: 'createAmbiguous', error: answered }, rules, 0).delayMs).toBe(0);
  });

  it('should emit a status only when it changes, and wait the poll schedule from the count in the record', () => {
    const first = advance(at('training', { polls: 0 }), { type: 'status', status: status('waiting') }, rules, 0);
    expect(first).toMatchObject({ events: [status('waiting')], delayMs: 1000, record: { polls: 1, lastStatus: 'waiting' } });
    const same = advance(first.record, { type: 'status', status: status('waiting') }, rules, 0);
    expect(same).toMatchObject({ events: [], delayMs: 2000, record: { polls: 2 } });
    const changed = advance(at('training', { polls: 5, lastStatus: 'waiting' }), { type: 'status', status: status('running') }, rules, 0);
    expect(changed).toMatchObject({ events: [status('running')], delayMs: 8000 });
  });

  it('should not wait past the deadline: the next activation ends the job at maxWaitMs after trainingSinceMs', () => {
    const out = advance(at('training', { polls: 5, lastStatus: 'running', trainingSinceMs: 0 }), { type: 'status', status: status('running') }, rules, 57_000);
    expect(out.delayMs).toBe(3000);
    expect(nextAction(out.record, rules, 57_000 + out.delayMs).kind).toBe('fail');
  });

  it('should download at once after a terminal status, and fail on a failure status (the failure statuses of the rules)', () => {
    const done = advance(at('training', { polls: 2, lastStatus: 'running' }), { type: 'status', status: status('finished') }, rules, 0);
    expect(done.then).toEqual({ kind: 'download', id: ID, status: status('finished') });
    expect(done.events).toEqual([status('finished')]);
    const failed = advance(at('training', { polls: 2 }), { type: 'status', status: status('error') }, rules, 0);
    expect(failed.error).toBeInstanceOf(TrainingFailedError);
    expect(failed.events).toEqual([]);
    const custom: EngineRules = { ...rules, poll: resolvePollOptions(rules.poll, { failureStatuses: ['broken'] }) };
    expect(advance(at('training'), { type: 'status', status: status('error') }, custom, 0).error).toBeUndefined();
    expect(advance(at('training'), { type: 'status', status: status('broken') }, custom, 0).error).toBeInstanceOf(TrainingFailedError);
  });

  it('should be pure: the same inputs give the same outcome and leave the record as it was', () => {
    const record = Object.freeze(at('training', { polls: 1, lastStatus: 'waiting' }));
    const a = advance(record, { type: 'status', status: status('running') }, rules, 10);
    const b = advance(record, { type: 'status', status: status('running') }, rules, 10);
    expect(a).toEqual(b);
    expect(record).toEqual(at('training', { polls: 1, lastStatus: 'waiting' }));
  });
});

describe('engine: record versions', () => {
  it('should write version 1, read a record without `v` as version 1 and refuse a future version', () => {
    expect(newJobRecord('k').v).toBe(1);
    expect(readJobRecord({ key: 'k', stage: 'training', polls: 2 })).toEqual({ v: 1, key: 'k', stage: 'training', polls: 2 });
    const future = { v: 2, key: 'k', stage: 'training', polls: 2 } as unknown as JobRecord;
    expect(() => readJobRecord(future)).toThrow(JobRecordVersionError);
    expect(() => readJobRecord(future)).toThrow("Job record 'k' has version 2; this library reads version 1");
  });
});
