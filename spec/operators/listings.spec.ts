/** Specs: the listing and delete operators. */
import { firstValueFrom, lastValueFrom, of, take, toArray } from 'rxjs';
import { ApiError, ValidationError, train$, upload$ } from '../../lib';
import { dataSets$, deleteDataSet$, deleteModel$, models$ } from '../../lib/deploy';
import { useEmulator } from '../helpers/emulator';

const CSV = 'x,y\n' + Array.from({ length: 12 }, (_, i) => `${i},${i % 2 ? 'a' : 'b'}`).join('\n') + '\n';

describe('models$ / dataSets$ / deleteModel$ / deleteDataSet$', () => {
  const { emulator, client } = useEmulator({ manual: true });

  beforeAll(async () => {
    // 7 uploads -> 7 data sets and 7 models (manual mode: no training runs).
    for (let i = 0; i < 7; i++) {
      await lastValueFrom(of(CSV).pipe(upload$(client()), train$(client(), { name: `m${i}`, config: { tt: 'binary_classification', tc: 'y', tv: 'a' } })));
    }
  });

  it('should page through every model lazily, one request per page', async () => {
    emulator().clearLog();
    const all = await lastValueFrom(models$(client(), { pageSize: 3 }).pipe(toArray()));
    expect(all.map((m) => m.name)).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6']);
    expect(emulator().count('GET /v1/external/models')).toBe(3);
  });

  it('should send one page request for take(5) with pageSize 5', async () => {
    emulator().clearLog();
    const five = await lastValueFrom(models$(client(), { pageSize: 5 }).pipe(take(5), toArray()));
    expect(five).toHaveLength(5);
    expect(emulator().count('GET /v1/external/models')).toBe(1);
  });

  it('should start at an offset and stop at total', async () => {
    emulator().clearLog();
    const rest = await lastValueFrom(dataSets$(client(), { offset: 5, pageSize: 30 }).pipe(toArray()));
    expect(rest.map((d) => d.data_set_id)).toEqual([6, 7]);
    expect(emulator().count('GET /v1/external/data-sets')).toBe(1);
  });

  it('should refuse a bad page size before sending', async () => {
    await expect(firstValueFrom(models$(client(), { pageSize: 0 }))).rejects.toBeInstanceOf(ValidationError);
  });

  it('should delete models and data sets by id, and type the errors', async () => {
    const [first] = await lastValueFrom(models$(client()).pipe(take(1), toArray()));
    expect(await firstValueFrom(of(first.model_id).pipe(deleteModel$(client())))).toBe(first.model_id);
    expect((await lastValueFrom(models$(client()).pipe(toArray()))).map((m) => m.model_id)).not.toContain(first.model_id);
    const again = await firstValueFrom(of(first.model_id).pipe(deleteModel$(client()))).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(ApiError);
    expect((again as ApiError).httpStatus).toBe(400);

    expect(await firstValueFrom(of(1).pipe(deleteDataSet$(client())))).toBe(1);
    const gone = await firstValueFrom(of(1).pipe(deleteDataSet$(client()))).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(ApiError);
    await expect(firstValueFrom(of(1.5).pipe(deleteModel$(client())))).rejects.toBeInstanceOf(ValidationError);
  });
});
