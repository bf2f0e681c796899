/** Specs: upload$. */
import { firstValueFrom, lastValueFrom, of, toArray } from 'rxjs';
import { upload$, ValidationError, type FetchLike, type TrainingEvent, type UploadedEvent } from '../../lib';
import { datasetInfo$ } from '../../lib/deploy';
import { createNodeFetch } from '../../lib/node';
import { seattleWeather, useEmulator } from '../helpers/emulator';
import { until } from '../helpers/wait';

const uploaded = (events: TrainingEvent[]) => events.find((e): e is UploadedEvent => e.type === 'uploaded')!;

async function* chunks(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('upload$', () => {
  const { emulator, client } = useEmulator();
  beforeEach(() => emulator().clearLog());

  it('should upload text, infer the column types, and emit the external process id', async () => {
    const events = await lastValueFrom(of(seattleWeather(50)).pipe(upload$(client()), toArray()));
    const done = uploaded(events);
    expect(done.externalProcessId).toMatch(/.+/);
    expect(done.columns).toEqual([
      { name: 'date', type: 'date' },
      { name: 'precipitation', type: 'float' },
      { name: 'temp_max', type: 'float' },
      { name: 'temp_min', type: 'float' },
      { name: 'wind', type: 'float' },
      { name: 'weather', type: 'string' },
    ]);
    expect(emulator().count('GET /v1/external/data-sets/upload-url')).toBe(1);
    expect(emulator().count('PUT /storage/upload')).toBe(2);
    const progress = events.filter((e) => e.type === 'uploadProgress');
    expect(progress).toContainEqual(expect.objectContaining({ file: 'learn', loaded: new TextEncoder().encode(seattleWeather(50)).byteLength }));

    const info = await firstValueFrom(of(done).pipe(datasetInfo$(client())));
    expect(info.trainingdata_row_count).toBe(50);
    expect(info.raw_column_names).toEqual(['date', 'precipitation', 'temp_max', 'temp_min', 'wind', 'weather']);
    const weather = info.training_data_columns.find((c) => c.name === 'weather')!;
    expect(weather.missing_count).toBe(0);
    expect(weather.unique_count).toBeGreaterThan(1);
  });

  it('should send given column types and the evaluation data', async () => {
    const csv = seattleWeather(40);
    const input = {
      train: new TextEncoder().encode(csv),
      evaluation: new Blob([seattleWeather(20)]),
      columns: { date: 'ignore', precipitation: 'float', temp_max: 'float', temp_min: 'float', wind: 'float', weather: 'string' } as const,
    };
    const done = uploaded(await lastValueFrom(of(input).pipe(upload$(client()), toArray())));
    expect(done.columns[0]).toEqual({ name: 'date', type: 'ignore' });
    expect(emulator().count('PUT /storage/upload')).toBe(3);
  });

  it('should upload from an async iterable (a stream)', async () => {
    const done = uploaded(await lastValueFrom(of(chunks(seattleWeather(100), 333)).pipe(upload$(client()), toArray())));
    const info = await firstValueFrom(of(done).pipe(datasetInfo$(client())));
    expect(info.trainingdata_row_count).toBe(100);
  });

  it('should reject bad column types before sending anything', async () => {
    const input = { train: 'a,b\n1,2\n', columns: { a: 'float' } as const };
    await expect(lastValueFrom(of(input).pipe(upload$(client())))).rejects.toThrow(ValidationError);
    await expect(lastValueFrom(of('a,a\n1,2\n').pipe(upload$(client())))).rejects.toThrow("column name 'a' appears twice");
    expect(emulator().requests).toHaveLength(0);
  });

  /** A fetch that notes when each PUT is sent and answered, by file (learn, eval, column_info). */
  function notingPuts(failColumnInfo = false): { fetch: FetchLike; log: string[] } {
    const base = createNodeFetch();
    const log: string[] = [];
    const fileOf = (url: string) => /\/storage\/upload\/[^/]+\/([a-z_]+)\./.exec(url)?.[1] ?? 'other';
    const fetch: FetchLike = async (url, init) => {
      if (init.method !== 'PUT') return base(url, init);
      log.push(`send ${fileOf(url)}`);
      if (failColumnInfo && fileOf(url) === 'column_info') {
        // Let the training data get going first.
        await new Promise((r) => setTimeout(r, 20));
        throw new TypeError('connection refused');
      }
      const res = await base(url, init);
      log.push(`done ${fileOf(url)}`);
      return res;
    };
    return { fetch, log };
  }

  it('should send the training data last, once the column information and the evaluation data are stored', async () => {
    const { fetch, log } = notingPuts();
    const input = { train: seattleWeather(40), evaluation: seattleWeather(20) };
    const events = await lastValueFrom(of(input).pipe(upload$(client({ fetch })), toArray()));
    // The column information goes beside the evaluation data...
    expect(log.indexOf('send column_info')).toBeLessThan(log.indexOf('done eval'));
    // ...and the training data only once both are stored: Train Data Set Info knowing the upload
    // (it needs the training data) then proves the whole upload arrived. The two data sets never
    // share the connection's bandwidth.
    expect(log.indexOf('send learn')).toBeGreaterThan(log.indexOf('done eval'));
    expect(log.indexOf('send learn')).toBeGreaterThan(log.indexOf('done column_info'));
    expect(log.filter((l) => l.startsWith('done'))).toHaveLength(3);
    // `uploaded` comes last, once all three files are stored.
    expect(events[events.length - 1].type).toBe('uploaded');
    const progressFiles = new Set(events.filter((e) => e.type === 'uploadProgress').map((e) => (e as { file: string }).file));
    expect(progressFiles).toEqual(new Set(['learn', 'eval', 'columnInfo']));
    const info = await firstValueFrom(of(uploaded(events)).pipe(datasetInfo$(client())));
    expect(info.trainingdata_row_count).toBe(40);
  });

  it('should not send the training data when the column information is refused', async () => {
    const { fetch, log } = notingPuts(true);
    const err = await lastValueFrom(of(seattleWeather(40)).pipe(upload$(client({ fetch, retry: { maxAttempts: 1 } })))).catch((e: unknown) => e);
    expect((err as Error).name).toBe('NetworkError');
    expect(log).toContain('send column_info');
    expect(log).not.toContain('send learn');
    expect(emulator().requests.some((r) => r.path.includes('/learn.'))).toBe(false);
  });

  it('should call beforeSend with the session id before the first PUT, and wait for it', async () => {
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const uploading = lastValueFrom(
      of(seattleWeather(20)).pipe(
        upload$(client(), {
          beforeSend: (id) => {
            seen.push(`${id} puts=${emulator().count('PUT /storage/upload')}`);
            return gate;
          },
        }),
        toArray(),
      ),
    );
    await until(() => seen.length === 1, 'beforeSend');
    expect(emulator().count('PUT /storage/upload')).toBe(0);
    release();
    const done = uploaded(await uploading);
    expect(seen).toEqual([`${done.externalProcessId} puts=0`]);
    expect(emulator().count('PUT /storage/upload')).toBe(2);
  });

  it('should fail the upload, sending nothing, when beforeSend fails', async () => {
    const err = await lastValueFrom(of(seattleWeather(20)).pipe(upload$(client(), { beforeSend: () => Promise.reject(new Error('disk full')) }))).catch(
      (e: unknown) => e,
    );
    expect((err as Error).message).toBe('disk full');
    expect(emulator().count('PUT /storage/upload')).toBe(0);
  });

  it('should start a new upload session when a single-use URL was spent by an interrupted attempt', async () => {
    emulator().clearLog();
    emulator().injectNext('PUT /storage/upload', 'resetAfter');
    const events = await lastValueFrom(of(seattleWeather(20)).pipe(upload$(client()), toArray()));
    expect(events[events.length - 1].type).toBe('uploaded');
    expect(emulator().count('GET /v1/external/data-sets/upload-url')).toBe(2);
    // The first session's column information PUT, sent beside the reset one, may still be on its
    // way (it was cancelled with its session): let it arrive before the next test queues a fault.
    // (If it was cancelled before it left, it never arrives: hence the bounded, silent wait.)
    await until(() => emulator().count('PUT /storage/upload') >= 5, 'the cancelled PUT', 1000).catch(() => undefined);
  });

  it('should report a spent URL of a streamed source, which cannot be sent again', async () => {
    emulator().injectNext('PUT /storage/upload', 'resetAfter');
    // Spooled to a temporary file (its length must be known): still a one-shot stream, not re-readable.
    const { createNodeFetch: nodeFetch, tempFileSpool } = await import('../../lib/node');
    const streaming = client({ streamUploads: true, fetch: nodeFetch(), spool: tempFileSpool() });
    const big = seattleWeather(1400).repeat(30); // more than the 1 MiB head, so it stays a stream
    const err = await lastValueFrom(of(chunks(big, 64 * 1024)).pipe(upload$(streaming))).catch((e: unknown) => e);
    expect((err as Error).name).toMatch(/NetworkError|UploadUrlSpentError/);
  });

  it('should start a new upload session for a file (re-read from disk) when its URL was spent', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const os = await import('node:os');
    const path = await import('node:path');
    const { fileSource } = await import('../../lib/node');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'p1rx-upload-'));
    try {
      const file = path.join(dir, 'big.csv');
      // Past the 1 MiB head, so the upload streams it from disk (no bytes kept to resend).
      const big = seattleWeather(1400);
      await writeFile(file, big + big.split('\n').slice(1).join('\n').repeat(30));
      const ids: string[] = [];
      const streaming = client({ streamUploads: true, fetch: createNodeFetch() });
      // The learn PUT (the last one) is reset after the storage took it: its URL is spent.
      emulator().injectNext('PUT /storage/upload', 'resetAfter');
      emulator().injectNext('PUT /storage/upload', 'resetAfter');
      const events = await lastValueFrom(of({ train: fileSource(file) }).pipe(upload$(streaming, { beforeSend: (id) => (ids.push(id), []) }), toArray()));
      expect(events[events.length - 1].type).toBe('uploaded');
      expect(ids.length).toBeGreaterThanOrEqual(2);
      expect(uploaded(events).externalProcessId).toBe(ids[ids.length - 1]);
      const info = await firstValueFrom(of(uploaded(events)).pipe(datasetInfo$(client())));
      expect(info.trainingdata_row_count).toBeGreaterThan(1400);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
