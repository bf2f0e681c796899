/** Specs: tolerant decoding over HTTP. */
import { lastValueFrom, of, toArray } from 'rxjs';
import { asClassifierId, asDataSetId, asModelId } from '../../lib/codecs/ids';
import { AuthError, DecodeError, pollStatus$, train$, upload$, type StatusEvent } from '../../lib';
import { classifiers$, dataSets$, deleteClassifier$, deleteDataSet$, deleteModel$, models$ } from '../../lib/deploy';
import { seattleWeather, useEmulator } from '../helpers/emulator';

/** What real services send, through the real client over HTTP (the emulator answers the scripted bodies). */
describe('tolerant decoding over HTTP', () => {
  const { emulator, client } = useEmulator({ manual: true });
  const STATUS = 'GET /v1/external/models/results';

  async function queuedId(): Promise<string> {
    const events = await lastValueFrom(
      of(seattleWeather(60)).pipe(upload$(client()), train$(client(), { name: 't', config: { tt: 'multi_classification', tc: 'weather', cv: 1 } }), toArray()),
    );
    return (events[events.length - 1] as { externalProcessId: string }).externalProcessId;
  }

  it('should keep polling through a null result_url (and null datetimes) while running, then finish', async () => {
    const id = await queuedId();
    const running = { status: 'running', created_datetime: null, updated_datetime: null, result_url: null };
    emulator().failNext(STATUS, 200, running);
    emulator().failNext(STATUS, 200, { ...running, status: 'preparing_gpu', extra: { note: 'new field' } });
    const statuses = lastValueFrom(of({ externalProcessId: id }).pipe(pollStatus$(client()), toArray()));
    // Two scripted answers, then the emulator's own: finish the job once they were served.
    await emulator().waitForRequest(STATUS);
    await emulator().waitForRequest(STATUS);
    await emulator().advance(id, 'finished');
    const events = (await statuses) as StatusEvent[];
    // The emulator may answer 'running' while it trains before 'finished'.
    expect(events.map((e) => e.status).slice(0, 2)).toEqual(['running', 'preparing_gpu']);
    expect(events[0]).toMatchObject({ status: 'running', terminal: false, createdDatetime: undefined, resultUrl: undefined });
    const last = events[events.length - 1];
    expect(last.status).toBe('finished');
    expect(last.resultUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  });

  it('should fail with DecodeError when finished comes without a result_url', async () => {
    const id = await queuedId();
    emulator().failNext(STATUS, 200, { status: 'finished', created_datetime: 'a', updated_datetime: 'b', result_url: null });
    const err = await lastValueFrom(of({ externalProcessId: id }).pipe(pollStatus$(client()))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as DecodeError).issues).toEqual(["result_url: expected string when status is 'finished', got undefined"]);
  });

  it('should read listings whose numbers are strings and ids numbers, nulls absent', async () => {
    emulator().failNext('GET /v1/external/models', 200, {
      models: [
        {
          model_id: '41',
          owner_user_id: 7,
          target_type: null,
          name: null,
          version: 2,
          config: { tc: 'y', cv: '2' },
          is_api_option: 'false',
          updated_date: 'u',
          created_date: 'c',
        },
      ],
      metadata: { offset: '0', limit: '30', total: '1' },
    });
    expect(await lastValueFrom(models$(client()).pipe(toArray()))).toStrictEqual([
      { model_id: 41, owner_user_id: '7', version: '2', config: { tc: 'y', cv: '2' }, is_api_option: false, updated_date: 'u', created_date: 'c' },
    ]);
    emulator().failNext('GET /v1/external/data-sets', 200, {
      data_sets: [{ data_set_id: '9', name: null, column_count: '3', data_count: '10', data_size: '1024', download_url: null }],
      metadata: { offset: 0, limit: 30, total: 1 },
    });
    expect(await lastValueFrom(dataSets$(client()).pipe(toArray()))).toStrictEqual([{ data_set_id: 9, column_count: 3, data_count: 10, data_size: 1024 }]);
  });

  it('should read classifiers with numeric ids and string booleans, and refuse a count that does not parse', async () => {
    emulator().failNext('GET /v1/external/classifiers', 200, {
      classifiers: [
        {
          classifier_id: 501,
          model_id: '12',
          status: 'building',
          api_key: 'k',
          version: 1,
          url: null,
          active: 'true',
          is_editable: 'false',
          rules: [{ source: '0.0.0.0/0', order: 'allow', priority: '0' }],
        },
      ],
    });
    expect(await lastValueFrom(classifiers$(client()).pipe(toArray()))).toStrictEqual([
      {
        classifier_id: '501',
        model_id: 12,
        status: 'building',
        api_key: 'k',
        version: '1',
        active: true,
        is_editable: false,
        rules: [{ source: '0.0.0.0/0', order: 'allow', priority: 0 }],
      },
    ]);
    emulator().failNext('GET /v1/external/models', 200, { models: [], metadata: { offset: 0, limit: 30, total: 'many' } });
    const err = await lastValueFrom(models$(client()).pipe(toArray())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as DecodeError).issues).toEqual(['metadata.total: expected integer, got "many"']);
  });
});

describe('tolerant decoding over HTTP: bodies the pages do not document', () => {
  const { emulator, client } = useEmulator();

  it('should ignore whatever body a delete answers (the pages document none)', async () => {
    for (const body of ['', 'ok', { deleted: true }, null]) {
      emulator().failNext('DELETE /v1/external/models/{model_id}', 200, body);
      emulator().failNext('DELETE /v1/external/data-sets/{data_set_id}', 200, body);
      emulator().failNext('DELETE /v1/external/classifiers/{classifier_id}', 200, body);
      await expect(lastValueFrom(of(asModelId(1)).pipe(deleteModel$(client()), toArray()))).resolves.toHaveLength(1);
      await expect(lastValueFrom(of(asDataSetId(1)).pipe(deleteDataSet$(client()), toArray()))).resolves.toHaveLength(1);
      await expect(lastValueFrom(of(asClassifierId('c1')).pipe(deleteClassifier$(client()), toArray()))).resolves.toHaveLength(1);
    }
  });

  it('should read an error body with null fields and a string code into the typed error', async () => {
    emulator().failNext('GET /v1/external/models', 400, { code: '4001000204', error: null, message: 'Inactive_credential.', trace: 'x' });
    const err = await lastValueFrom(models$(client({ retry: { maxAttempts: 1 } }))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(err).toMatchObject({ httpStatus: 400, code: 4001000204, apiMessage: 'Inactive_credential.' });
    expect((err as AuthError).error).toBeUndefined();
  });

  it('should keep the message of an error body whose code is not a number', async () => {
    emulator().failNext('GET /v1/external/models', 400, { code: 'E-bad', error: 'PREDA_EXTERNAL_BAD_REQUEST', message: 'Not_found_credential.' });
    const err = await lastValueFrom(models$(client({ retry: { maxAttempts: 1 } }))).catch((e: unknown) => e);
    expect(err).toMatchObject({ httpStatus: 400, code: undefined, error: 'PREDA_EXTERNAL_BAD_REQUEST', apiMessage: 'Not_found_credential.' });
  });
});
