import { Subscription, firstValueFrom, lastValueFrom, of, toArray } from 'rxjs';
import { pollStatus$, sharedStatus$, train$, upload$, type StatusEvent } from '../../lib';
import { shareLatest } from '../../lib/operators/shareLatest';
import { seattleWeather, useEmulator } from '../helpers/emulator';
import { testScheduler } from '../helpers/marbles';

describe('shareLatest', () => {
  it('should subscribe upstream once and replay the latest value to a late subscriber', () => {
    testScheduler().run(({ cold, hot, expectObservable, expectSubscriptions }) => {
      const source = cold('-a---b---c|');
      const shared = source.pipe(shareLatest());
      expectObservable(shared).toBe('-a---b---c|');
      // Late subscriber at frame 3 gets 'a' at once, then the rest.
      expectObservable(hot('---x').pipe(() => shared), '---^').toBe('---a-b---c|');
      expectSubscriptions(source.subscriptions).toBe('^---------!');
    });
  });

  it('should stop upstream when the last subscriber leaves, and start over afterwards', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a---b---c|');
      const shared = source.pipe(shareLatest());
      expectObservable(shared, '^--!').toBe('-a-');
      expectObservable(shared, '^----!').toBe('-a---');
      expectObservable(shared, '------^').toBe('------ -a---b---c|');
      expectSubscriptions(source.subscriptions).toBe(['^----!', '------^---------!']);
    });
  });
});

describe('shareLatest with one, then several, then one subscriber', () => {
  it('should stop upstream when its only subscriber leaves, and start over for the next', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-c|');
      const shared = source.pipe(shareLatest());
      expectObservable(shared, '^--!').toBe('-a-');
      expectObservable(shared, '----^').toBe('-----a-b-c|');
      expectSubscriptions(source.subscriptions).toBe(['^--!', '----^-----!']);
    });
  });

  it('should keep serving the subscriber left when the first one leaves, and stop when it leaves too', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a-b-c-d-e-f|');
      const shared = source.pipe(shareLatest());
      expectObservable(shared, '^----!').toBe('-a-b-');
      expectObservable(shared, '--^-------!').toBe('--ab-c-d-e');
      expectObservable(shared, '----^!').toBe('----b');
      expectSubscriptions(source.subscriptions).toBe('^---------!');
    });
  });

  it('should deliver an error to every subscriber and start over for the next one', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-a--#');
      const shared = source.pipe(shareLatest());
      expectObservable(shared).toBe('-a--#');
      expectObservable(shared, '--^').toBe('--a-#');
      expectObservable(shared, '---^').toBe('---a#');
      expectObservable(shared, '------^').toBe('------ -a--#');
      expectSubscriptions(source.subscriptions).toBe(['^---!', '------^---!']);
    });
  });
});

describe('sharedStatus$ through the emulator', () => {
  const { emulator, client } = useEmulator({ manual: true });

  async function queuedId(c = client()): Promise<string> {
    const events = await lastValueFrom(
      of(seattleWeather(40)).pipe(upload$(c), train$(c, { name: 's', config: { tt: 'multi_classification', tc: 'weather' } }), toArray()),
    );
    return (events[events.length - 1] as { externalProcessId: string }).externalProcessId;
  }

  it('should give two subscribers one poller and the late one the latest status at once', async () => {
    const c = client({ poll: { minDelayMs: 20, multiplier: 1 } });
    const id = await queuedId(c);
    emulator().clearLog();
    const first: StatusEvent[] = [];
    const second: StatusEvent[] = [];
    const a: Subscription = sharedStatus$(c, id).subscribe((s) => first.push(s));
    await firstValueFrom(sharedStatus$(c, id)); // 'waiting' has arrived
    const b: Subscription = of({ externalProcessId: id })
      .pipe(pollStatus$(c))
      .subscribe((e) => e.type === 'status' && second.push(e));
    expect(second.map((s) => s.status)).toEqual(['waiting']); // replayed synchronously
    expect(sharedStatus$(c, id)).toBe(sharedStatus$(c, id));
    await emulator().waitForRequest('GET /v1/external/models/results');
    await emulator().waitForRequest('GET /v1/external/models/results');
    await emulator().waitForRequest('GET /v1/external/models/results');
    // One poller: requests never overlap, each starts after the previous answered.
    const starts = emulator().requests.filter((r) => r.route === 'GET /v1/external/models/results').map((r) => r.startedAt);
    expect(starts).toEqual([...starts].sort((x, y) => x - y));
    a.unsubscribe();
    b.unsubscribe();
    const polls = emulator().count('GET /v1/external/models/results');
    await new Promise((r) => setTimeout(r, 100));
    expect(emulator().count('GET /v1/external/models/results')).toBe(polls);
    expect(first.map((s) => s.status)).toEqual(['waiting']);
  });

  it('should start a fresh run for a subscriber that joins as the run ends, and poll no more for the ended one', async () => {
    const c = client({ poll: { minDelayMs: 20, multiplier: 1 } });
    const id = await queuedId(c);
    await emulator().advance(id, 'finished');
    emulator().clearLog();
    const again = await new Promise<StatusEvent[]>((resolve, reject) => {
      of({ externalProcessId: id })
        .pipe(pollStatus$(c))
        .subscribe({
          error: reject,
          // Joins synchronously from the ended run's completion.
          complete: () => lastValueFrom(sharedStatus$(c, id).pipe(toArray())).then(resolve, reject),
        });
    });
    expect(again.map((s) => s.status)).toEqual(['finished']);
    await new Promise((r) => setTimeout(r, 100));
    expect(emulator().count('GET /v1/external/models/results')).toBe(2);
  });

  it('should stop the run its only subscriber leaves on a value, and serve one who joins there with a fresh run', async () => {
    const c = client({ poll: { minDelayMs: 20, multiplier: 1 } });
    const id = await queuedId(c);
    emulator().clearLog();
    const late = await new Promise<StatusEvent>((resolve, reject) => {
      const first: Subscription = sharedStatus$(c, id).subscribe({
        next: () => {
          first.unsubscribe();
          // The left run's entry is gone: this one starts afresh (no replayed value) and polls.
          const late = sharedStatus$(c, id).subscribe({ next: (e) => (late.unsubscribe(), resolve(e)), error: reject });
        },
        error: reject,
      });
    });
    expect(late.status).toBe('waiting');
    await new Promise((r) => setTimeout(r, 100));
    // One poll per run, none after: the left run did not schedule another.
    expect(emulator().count('GET /v1/external/models/results')).toBe(2);
  });

  describe('an Observable kept after its run stopped, subscribed again', () => {
    // One poll per run, then a minute's wait: every request below is a run starting.
    const slow = { minDelayMs: 60_000, multiplier: 1 };
    const polls = () => emulator().count('GET /v1/external/models/results');

    async function stoppedEntry(c: ReturnType<typeof client>, id: string) {
      const kept$ = sharedStatus$(c, id, slow);
      const first = kept$.subscribe();
      await firstValueFrom(kept$);
      first.unsubscribe(); // its last subscriber left: the run stops and the registry lets it go
      return kept$;
    }

    it('should join the entry registered since, with its latest status at once and no second poller', async () => {
      const c = client();
      const id = await queuedId(c);
      emulator().clearLog();
      const kept$ = await stoppedEntry(c, id);
      const current$ = sharedStatus$(c, id, slow);
      expect(current$).not.toBe(kept$);
      const b = current$.subscribe();
      await firstValueFrom(current$);
      expect(polls()).toBe(2);
      const again: string[] = [];
      const k = kept$.subscribe((s) => again.push(s.status));
      expect(again).toEqual(['waiting']); // replayed by the running entry, synchronously
      b.unsubscribe();
      await new Promise((r) => setTimeout(r, 100));
      expect(polls()).toBe(2);
      k.unsubscribe();
    });

    it('should register the run it starts when none is, so that later callers share it', async () => {
      const c = client();
      const id = await queuedId(c);
      emulator().clearLog();
      const kept$ = await stoppedEntry(c, id);
      const first: string[] = [];
      const k = kept$.subscribe((s) => first.push(s.status));
      await emulator().waitForRequest('GET /v1/external/models/results');
      await firstValueFrom(kept$);
      const later: string[] = [];
      const l = sharedStatus$(c, id, slow).subscribe((s) => later.push(s.status));
      expect(later).toEqual(['waiting']);
      await new Promise((r) => setTimeout(r, 100));
      expect(polls()).toBe(2);
      k.unsubscribe();
      l.unsubscribe();
    });
  });

  it('should poll once per tick whatever the number of subscribers', async () => {
    const c = client({ poll: { minDelayMs: 20, multiplier: 1 } });
    const id = await queuedId(c);
    await emulator().advance(id, 'running');
    emulator().clearLog();
    const subscriptions = Array.from({ length: 10 }, () => sharedStatus$(c, id).subscribe());
    for (let i = 0; i < 3; i++) await emulator().waitForRequest('GET /v1/external/models/results');
    await emulator().advance(id, 'finished');
    await lastValueFrom(sharedStatus$(c, id));
    subscriptions.forEach((s) => s.unsubscribe());
    // 10 independent pollers would have sent at least 10 requests for the first tick alone.
    expect(emulator().count('GET /v1/external/models/results')).toBeLessThan(10);
  });
});
