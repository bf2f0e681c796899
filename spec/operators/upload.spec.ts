import { firstValueFrom, lastValueFrom, of, toArray } from 'rxjs';
import { datasetInfo$, upload$, ValidationError, type FetchLike, type TrainingEvent, type UploadedEvent } from '../../lib';
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

  it('should send the column information beside the data sets, and the evaluation data only after the training data', async () => {
    const { fetch, log } = notingPuts();
    const input = { train: seattleWeather(40), evaluation: seattleWeather(20) };
    const events = await lastValueFrom(of(input).pipe(upload$(client({ fetch })), toArray()));
    // The column information is on its way before the training data is answered...
    expect(log.indexOf('send column_info')).toBeLessThan(log.indexOf('done learn'));
    // ...while the two data sets never share the connection's bandwidth.
    expect(log.indexOf('send eval')).toBeGreaterThan(log.indexOf('done learn'));
    expect(log.filter((l) => l.startsWith('done'))).toHaveLength(3);
    // `uploaded` comes last, once all three files are stored.
    expect(events[events.length - 1].type).toBe('uploaded');
    const progressFiles = new Set(events.filter((e) => e.type === 'uploadProgress').map((e) => (e as { file: string }).file));
    expect(progressFiles).toEqual(new Set(['learn', 'eval', 'columnInfo']));
    const info = await firstValueFrom(of(uploaded(events)).pipe(datasetInfo$(client())));
    expect(info.trainingdata_row_count).toBe(40);
  });

  it('should abort the training data upload when the column information is refused', async () => {
    const { fetch, log } = notingPuts(true);
    // Several MiB from a slow stream: still in flight when the small PUT fails.
    async function* slow(): AsyncGenerator<Uint8Array> {
      for await (const chunk of chunks(seattleWeather(1400).repeat(30), 64 * 1024)) {
        await new Promise((r) => setTimeout(r, 5));
        yield chunk;
      }
    }
    const streaming = client({ streamUploads: true, fetch, retry: { maxAttempts: 1 } });
    const err = await lastValueFrom(of(slow()).pipe(upload$(streaming))).catch((e: unknown) => e);
    expect((err as Error).name).toBe('NetworkError');
    expect(log).toContain('send column_info');
    expect(log).not.toContain('done learn');
    await until(() => emulator().requests.some((r) => r.path.includes('/learn.') && r.aborted), 'the learn PUT aborted');
    const learn = emulator().requests.find((r) => r.route === 'PUT /storage/upload' && r.path.includes('/learn.'));
    expect(learn?.aborted).toBe(true);
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
    const streaming = client({ streamUploads: true, fetch: (await import('../../lib/node')).createNodeFetch() });
    const big = seattleWeather(1400).repeat(30); // more than the 1 MiB head, so it stays a stream
    const err = await lastValueFrom(of(chunks(big, 64 * 1024)).pipe(upload$(streaming))).catch((e: unknown) => e);
    expect((err as Error).name).toMatch(/NetworkError|UploadUrlSpentError/);
  });
});
