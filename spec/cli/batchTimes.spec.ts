/** Stage times and failures a batch driver adds to its records. */
import { AuthError, asExternalProcessId, type StatusEvent } from '../../lib';
import type { JobRecord } from '../../lib/engine';
import { StageClock, failureOf } from '../../lib/cli/batchTimes';

const status = (s: string, extra: Partial<StatusEvent> = {}): StatusEvent => ({
  type: 'status',
  externalProcessId: asExternalProcessId('id'),
  status: s,
  terminal: false,
  ...extra,
});
const record = (stage: JobRecord['stage'], extra: Partial<JobRecord> = {}): JobRecord => ({ key: 'a', stage, polls: 0, externalProcessId: 'id', ...extra });

describe('StageClock: the stage times a driver stamps on records', () => {
  it('notes each stage from the records persisted and the events seen, and every record carries all times known', () => {
    let now = 100;
    const clock = new StageClock(() => now);
    expect(clock.stamp(record('uploading')).times).toEqual({ uploadStart: 100 });
    now = 110;
    expect(clock.stamp(record('uploaded')).times).toEqual({ uploadStart: 100, uploadEnd: 110 });
    now = 120;
    clock.stamp(record('creating'));
    now = 130;
    expect(clock.stamp(record('training')).times).toMatchObject({ queued: 130 });
    now = 140;
    clock.see(status('waiting'));
    expect(clock.times.trainingStart).toBeUndefined();
    now = 150;
    clock.see(status('running'));
    now = 160;
    clock.see(status('running'));
    now = 190;
    clock.see(status('finished', { terminal: true, updatedDatetime: new Date(170).toISOString() }));
    now = 200;
    const done = clock.stamp(record('downloaded', { failure: { name: 'X', message: 'earlier' } }));
    expect(done.times).toEqual({
      uploadStart: 100,
      uploadEnd: 110,
      queued: 130,
      trainingStart: 150,
      trainingEnd: 190,
      finishedAtService: 170,
      downloadStart: 190,
      downloadEnd: 200,
    });
    // A record written for a new run carries no earlier failure.
    expect(done.failure).toBeUndefined();
  });

  it('starts over at a new upload session, and keeps only known finite times read from disk', () => {
    const clock = new StageClock(() => 500, { uploadStart: 1, queued: Number.NaN, bogus: 3, trainingEnd: '4' } as unknown as JobRecord['times']);
    expect(clock.times).toEqual({ uploadStart: 1 });
    expect(clock.stamp(record('uploading')).times).toEqual({ uploadStart: 500 });
  });

  it('ignores a service time that does not parse', () => {
    const clock = new StageClock(() => 9);
    clock.see(status('finished', { terminal: true, updatedDatetime: 'yesterday-ish' }));
    expect(clock.times).toEqual({ trainingEnd: 9, downloadStart: 9 });
  });
});

describe('failureOf: a failure as a record keeps it', () => {
  it('keeps the type, drops URLs and secrets from the message, and bounds it', () => {
    const err = new Error(`GET https://bucket.s3/x?X-Amz-Signature=abc failed; api_key=k-123 ${'x'.repeat(3000)}`);
    err.name = 'ApiError';
    const f = failureOf(err, { stage: 'uploading', externalProcessId: 'id', resultDir: 'out/a' });
    expect(f.name).toBe('ApiError');
    expect(f.message).toMatch(/^GET \[URL\] failed; api_key=\[REDACTED\] x/);
    expect(f.message).not.toContain('k-123');
    expect(f.message.length).toBeLessThanOrEqual(1000);
    expect(f.hint).toBeUndefined();
  });

  it('says which key was refused, and how to fetch a training the service accepted', () => {
    const auth = new AuthError({ httpStatus: 401, method: 'GET', url: 'http://127.0.0.1/v1/external/models/results' });
    const f = failureOf(auth, { stage: 'training', externalProcessId: 'id-1', resultDir: 'out/a' });
    expect(f.hint).toContain('the API key was refused');
    expect(f.hint).toContain('p1rx download id-1 --wait --out out/a');
  });

  it("unwraps a fleet job's error to the worker's typed error: a failed training is not 'going on at the service'", () => {
    const err = Object.assign(new Error("TrainingFailedError: Training id-2 ended with status 'failed'"), { name: 'FleetJobError' });
    const f = failureOf(err, { stage: 'training', externalProcessId: 'id-2', resultDir: 'out/b' });
    expect(f).toEqual({ name: 'TrainingFailedError', message: "Training id-2 ended with status 'failed'" });
  });
});
