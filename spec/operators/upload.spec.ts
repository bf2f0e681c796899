import { firstValueFrom, lastValueFrom, of, toArray } from 'rxjs';
import { datasetInfo$, upload$, ValidationError, type TrainingEvent, type UploadedEvent } from '../../lib';
import { seattleWeather, useEmulator } from '../helpers/emulator';

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

  it('should start a new upload session when a single-use URL was spent by an interrupted attempt', async () => {
    emulator().clearLog();
    emulator().injectNext('PUT /storage/upload', 'resetAfter');
    const events = await lastValueFrom(of(seattleWeather(20)).pipe(upload$(client()), toArray()));
    expect(events[events.length - 1].type).toBe('uploaded');
    expect(emulator().count('GET /v1/external/data-sets/upload-url')).toBe(2);
  });

  it('should report a spent URL of a streamed source, which cannot be sent again', async () => {
    emulator().injectNext('PUT /storage/upload', 'resetAfter');
    const streaming = client({ streamUploads: true, fetch: (await import('../../lib/node')).createNodeFetch() });
    const big = seattleWeather(1400).repeat(30); // more than the 1 MiB head, so it stays a stream
    const err = await lastValueFrom(of(chunks(big, 64 * 1024)).pipe(upload$(streaming))).catch((e: unknown) => e);
    expect((err as Error).name).toMatch(/NetworkError|UploadUrlSpentError/);
  });
});
