/** Specs: trainEach$. */
import { Subject, lastValueFrom, of, toArray, type Observable } from 'rxjs';
import { ApiError, ValidationError, type TrainingEvent, type TrainingResult } from '../../lib';
import { trainEach$, trainEachFrom$, type JobEvent, type KeyedTrainingJob } from '../../lib/engine';
import { seattleWeather, useEmulator } from '../helpers/emulator';
import { testScheduler } from '../helpers/marbles';

const result: TrainingResult = { files: {}, metrics: [{ name: 'accuracy', value: 1, raw: '1' }], contributions: [] };
const status = (s: string): TrainingEvent => ({ type: 'status', externalProcessId: 'id' as never, status: s, terminal: false });
const completed: TrainingEvent = { type: 'completed', result };
const job = (key: string): KeyedTrainingJob => ({ key, name: key, data: { train: '' }, config: { tt: 'regression', tc: 'y' } });

describe('trainEach$', () => {
  it('should run at most `concurrency` jobs and tag every event with its key', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const runs: Record<string, ReturnType<typeof cold<TrainingEvent>>> = {
        a: cold('-s--(c|)', { s: status('running'), c: completed }),
        b: cold('--(c|)', { c: completed }),
        c: cold('-(c|)', { c: completed }),
      };
      const events$ = of(job('a'), job('b'), job('c')).pipe(trainEach$(undefined as never, { concurrency: 2, run: (_, j) => runs[j.name] }));
      expectObservable(events$).toBe('-pbc(a|)', {
        p: { type: 'progress', key: 'a', event: status('running') },
        b: { type: 'succeeded', key: 'b', externalProcessId: undefined, result },
        c: { type: 'succeeded', key: 'c', externalProcessId: undefined, result },
        a: { type: 'succeeded', key: 'a', externalProcessId: 'id', result },
      } as Record<string, JobEvent>);
      expectSubscriptions(runs.c.subscriptions).toBe('--^!');
    });
  });

  it('should refuse a concurrency that is not an integer >= 1, in both forms, and default to 4', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const run = () => cold<TrainingEvent>('10ms (c|)', { c: completed });
      const refused = new ValidationError('trainEach options', ['concurrency must be an integer >= 1, got 0']);
      expectObservable(of(job('a')).pipe(trainEach$(undefined as never, { concurrency: 0, run }))).toBe('#', undefined, refused);
      expectObservable(trainEachFrom$(undefined as never, [job('a')], { concurrency: 0, run })).toBe('#', undefined, refused);
      // Five jobs, four at once: the fifth starts when the first four end.
      const five = of(...['a', 'b', 'c', 'd', 'e'].map(job)).pipe(trainEach$(undefined as never, { run }));
      expectObservable(five).toBe('10ms (abcd) 4ms (e|)', {
        ...Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((k) => [k, { type: 'succeeded', key: k, externalProcessId: undefined, result }])),
      } as Record<string, JobEvent>);
    });
  });

  it("should make a job's failure a value and go on with the others", () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const error = new Error('boom');
      const runs: Record<string, Observable<TrainingEvent>> = { a: cold('-#', undefined, error), b: cold('--(c|)', { c: completed }) };
      const events$ = of(job('a'), job('b')).pipe(trainEach$(undefined as never, { concurrency: 2, run: (_, j) => runs[j.name] }));
      expectObservable(events$).toBe('-f(s|)', {
        f: { type: 'failed', key: 'a', externalProcessId: undefined, error },
        s: { type: 'succeeded', key: 'b', externalProcessId: undefined, result },
      });
    });
  });

  it('should end everything at the first failure with failFast', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const error = new Error('boom');
      const b = cold('----(c|)', { c: completed });
      const runs: Record<string, Observable<TrainingEvent>> = { a: cold('-#', undefined, error), b };
      const events$ = of(job('a'), job('b')).pipe(trainEach$(undefined as never, { concurrency: 2, failFast: true, run: (_, j) => runs[j.name] }));
      expectObservable(events$).toBe('-(f#)', { f: { type: 'failed', key: 'a', externalProcessId: undefined, error } }, error);
      expectSubscriptions(b.subscriptions).toBe('^!');
    });
  });
});

describe('trainEachFrom$', () => {
  it('should never pull more jobs than it can run', async () => {
    let pulled = 0;
    async function* jobs() {
      for (const key of ['a', 'b', 'c', 'd', 'e']) {
        pulled++;
        yield job(key);
      }
    }
    const running = new Map<string, Subject<TrainingEvent>>();
    const seen: JobEvent[] = [];
    const done = lastValueFrom(
      trainEachFrom$(undefined as never, jobs(), {
        concurrency: 2,
        run: (_, j) => {
          const s = new Subject<TrainingEvent>();
          running.set(j.name, s);
          return s;
        },
      }).pipe(toArray()),
    ).then((events) => seen.push(...events));
    const settle = () => new Promise((r) => setImmediate(r));
    await settle();
    expect(pulled).toBe(2);
    expect([...running.keys()]).toEqual(['a', 'b']);
    running.get('a')!.next(completed);
    running.get('a')!.complete();
    await settle();
    expect(pulled).toBe(3);
    for (const key of ['b', 'c', 'd', 'e']) {
      await settle();
      running.get(key)!.next(completed);
      running.get(key)!.complete();
    }
    await done;
    expect(pulled).toBe(5);
    expect(seen.map((e) => `${e.type}:${e.key}`)).toEqual(['succeeded:a', 'succeeded:b', 'succeeded:c', 'succeeded:d', 'succeeded:e']);
  });

  it('should release the source when unsubscribed', async () => {
    let released = false;
    function* jobs() {
      try {
        for (let i = 0; ; i++) yield job(String(i));
      } finally {
        released = true;
      }
    }
    const subscription = trainEachFrom$(undefined as never, jobs(), { concurrency: 1, run: () => new Subject<TrainingEvent>() }).subscribe();
    await new Promise((r) => setImmediate(r));
    subscription.unsubscribe();
    await new Promise((r) => setImmediate(r));
    expect(released).toBe(true);
  });
});

describe('trainEach$ through the emulator', () => {
  const { emulator, client } = useEmulator();

  it('should train many jobs, report the bad one as failed, and create one model per upload', async () => {
    const jobs: KeyedTrainingJob[] = ['a', 'b', 'c', 'd', 'e'].map((key, i) => ({
      key,
      name: key,
      data: { train: seattleWeather(40 + i * 5) },
      // c asks for more folds than it has rows: only the service knows the row count, so it fails there.
      config: { tt: 'multi_classification', tc: 'weather', cv: key === 'c' ? 1000 : 2 },
    }));
    const events = await lastValueFrom(trainEachFrom$(client(), jobs, { concurrency: 3 }).pipe(toArray()));
    const outcome = Object.fromEntries(events.filter((e) => e.type !== 'progress').map((e) => [e.key, e.type]));
    expect(outcome).toEqual({ a: 'succeeded', b: 'succeeded', c: 'failed', d: 'succeeded', e: 'succeeded' });
    const failed = events.find((e) => e.type === 'failed');
    expect(failed?.type === 'failed' && failed.error).toBeInstanceOf(ApiError);
    for (const e of events) if (e.type === 'succeeded') expect(emulator().job(e.externalProcessId!)?.modelsCreated).toBe(1);
  });
});
