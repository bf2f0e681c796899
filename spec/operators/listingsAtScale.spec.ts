/** Specs: listings at scale over real HTTP. */
import { lastValueFrom, count, of, firstValueFrom } from 'rxjs';
import { dataSets$, dataSets, deleteDataSet$ } from '../../lib/deploy';
import { useEmulator } from '../helpers/emulator';

// 300,000 data sets held by the emulator for the price of a few kilobytes (syntheticDataSets).
// The 10,000-page run over real HTTP is `npm run bench:listings` (docs/PERFORMANCE.md); these stay fast.
describe('listings at scale, over real HTTP', () => {
  const { emulator, client } = useEmulator({ syntheticDataSets: 300_000 });

  it('should page the last 200 pages of 300,000 data sets to the end, one request per page, and complete', async () => {
    emulator().clearLog();
    let last = 0;
    const n = await lastValueFrom(
      dataSets$(client(), { offset: 294_000, pageSize: 30 }).pipe(
        count((d) => {
          last = d.data_set_id;
          return true;
        }),
      ),
    );
    expect({ n, last, requests: emulator().count('GET /v1/external/data-sets') }).toEqual({ n: 6_000, last: 300_000, requests: 200 });
  });

  it('should unsubscribe cleanly from outside after 1,900 pages, with the next page in flight', async () => {
    emulator().clearLog();
    let seen = 0;
    let failure: unknown;
    const thrown = await new Promise<unknown>((resolve) => {
      const subscription = dataSets$(client(), { pageSize: 1 }).subscribe({
        next: () => {
          // Leave once page 1,900 was delivered: page 1,901 is asked synchronously after it.
          if (++seen === 1_900)
            setImmediate(() => {
              try {
                subscription.unsubscribe();
                resolve(undefined);
              } catch (e) {
                resolve(e);
              }
            });
        },
        error: (e: unknown) => (failure = e),
      });
    });
    expect({ seen, thrown, failure }).toEqual({ seen: 1_900, thrown: undefined, failure: undefined });
    // At most the page in flight was sent after the last one delivered; a fresh listing still works.
    expect(emulator().count('GET /v1/external/data-sets')).toBeLessThanOrEqual(1_901);
    expect((await firstValueFrom(dataSets$(client(), { pageSize: 1 }))).data_set_id).toBe(1);
  });

  it('should list through the async iterable and see a deleted synthetic data set gone', async () => {
    expect(await firstValueFrom(of(299_990).pipe(deleteDataSet$(client())))).toBe(299_990);
    const ids: number[] = [];
    for await (const d of dataSets(client(), { offset: 299_985, pageSize: 4 })) ids.push(d.data_set_id);
    expect(ids).toEqual([299_986, 299_987, 299_988, 299_989, 299_991, 299_992, 299_993, 299_994, 299_995, 299_996, 299_997, 299_998, 299_999, 300_000]);
    const first = await firstValueFrom(dataSets$(client(), { pageSize: 1 }));
    const csv = await (await fetch(first.download_url ?? '')).text();
    expect(csv).toBe('x,y\n1,a\n2,b\n');
  });
});
