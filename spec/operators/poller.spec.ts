/** Specs: the poller's schedule, in virtual time. */
import { Observable, defer, of, take, throwError, type SchedulerAction, type SchedulerLike, type Subscription } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { PollTimeoutError } from '../../lib/core/errors';
import { DEFAULT_POLL_OPTIONS, resolveConsumerPoll, resolvePollOptions, type ResolvedPollOptions } from '../../lib/core/pollOptions';
import { testScheduler } from '../helpers/marbles';
import { StatusPolicy, pollerRun, sharedPoll$, statusRun$, type PollPolicy } from '../../lib/operators/poller';
// The plain composition (bench:scale's baseline), which no entry loads: the specs compare both runs.
import '../../lib/operators/pollerPlain';
import * as rules from '../../lib/core/trainingRules';

// The rules of lib/core/trainingRules.ts, called through (spied on), so a spec can show the
// poller applies them and not a copy of its own.
jest.mock('../../lib/core/trainingRules', () => {
  const actual = jest.requireActual<typeof import('../../lib/core/trainingRules')>('../../lib/core/trainingRules');
  return { ...actual, statusClassOf: jest.fn(actual.statusClassOf), pollWaitMs: jest.fn(actual.pollWaitMs) };
});
const actualRules = jest.requireActual<typeof import('../../lib/core/trainingRules')>('../../lib/core/trainingRules');

// Marble tests over the poller production runs (pollStatus$, retrainStatus$ and
// waitForClassifier$ all go through sharedPoll$ -> statusRun$). The TestScheduler
// has a frame limit (spec/helpers/marbles.ts): an endless loop fails instead of hanging.
const marbles = (): TestScheduler => testScheduler({ maxFrames: 10_000 });

const schedule = resolvePollOptions(DEFAULT_POLL_OPTIONS, {
  minDelayMs: 10,
  maxDelayMs: 40,
  maxWaitMs: Infinity,
  terminalStatuses: ['done'],
  failureStatuses: ['failed'],
});

/** A policy over plain status strings: what the training/retrain/classifier policies do, minus the HTTP. */
function policy(poll$: (id: string) => Observable<string>, options: ResolvedPollOptions = schedule): PollPolicy<string, string> {
  return {
    resource: 'training',
    options,
    poll$,
    toValue: (raw) => raw,
    statusOf: (v) => v,
    isDone: (v) => options.terminalStatuses.includes(v),
    failureOf: (v, id) => (options.failureStatuses.includes(v) ? new Error(`${id} ${v}`) : undefined),
    lastStatusOf: (v) => ({ status: v }),
  };
}

/** The run of `poll$` until `isDone` picks a value (distinct values, so every one is emitted). */
function pollUntil(poll$: Observable<string>, isDone: (v: string) => boolean, options: ResolvedPollOptions, t: TestScheduler): Observable<string> {
  return statusRun$({ ...policy(() => poll$, options), isDone }, 'id', t);
}

/** One poll per subscription, answering the next of `statuses` after one frame. */
function polls(t: TestScheduler, statuses: string[]): { poll$: Observable<string>; count: () => number } {
  let n = 0;
  const poll$ = defer(() => t.createColdObservable(`-(a|)`, { a: statuses[Math.min(n++, statuses.length - 1)] }));
  return { poll$, count: () => n };
}

describe('statusRun$: the schedule', () => {
  it('should poll at once, then wait minDelayMs doubling up to maxDelayMs, and complete on the done value', () => {
    const t = marbles();
    t.run(({ expectObservable }) => {
      const { poll$ } = polls(t, ['a', 'b', 'c', 'd', 'e']);
      // Each wait starts when the previous poll (one frame) completed.
      expectObservable(pollUntil(poll$, (v) => v === 'e', schedule, t)).toBe('-a 10ms b 20ms c 40ms d 40ms (e|)');
    });
  });

  it('should wait firstDelayMs before the first poll', () => {
    const t = marbles();
    t.run(({ expectObservable }) => {
      const { poll$ } = polls(t, ['a']);
      expectObservable(pollUntil(poll$, () => true, resolvePollOptions(schedule, { firstDelayMs: 7 }), t)).toBe('8ms (a|)');
    });
  });

  it('should use full jitter with the injected random', () => {
    const t = marbles();
    t.run(({ expectObservable }) => {
      const { poll$ } = polls(t, ['a', 'b', 'c']);
      const jittered = resolvePollOptions(schedule, { jitter: 'full', random: () => 0.5 });
      expectObservable(pollUntil(poll$, (v) => v === 'c', jittered, t)).toBe('-a 5ms b 10ms (c|)');
    });
  });

  it('should end with the error of a poll', () => {
    const t = marbles();
    t.run(({ cold, expectObservable }) => {
      expectObservable(pollUntil(cold('--#', undefined, new Error('boom')), () => false, schedule, t)).toBe('--#', undefined, new Error('boom'));
    });
  });

  it('should cancel the poll in flight and the timer when unsubscribed', () => {
    const t = marbles();
    t.run(({ cold, expectObservable, expectSubscriptions }) => {
      const poll$ = cold('-----(a|)');
      expectObservable(
        pollUntil(poll$, () => false, schedule, t),
        '^ 17ms !',
      ).toBe('-----a 9ms ---');
      // Polls at 0 and 15 (5 + 10); the second is cut at 18.
      expectSubscriptions(poll$.subscriptions).toBe(['^----!', '15ms ^--!']);
    });
  });

  it('should poll again from the start on resubscription', () => {
    const t = marbles();
    t.run(({ cold, expectObservable }) => {
      const poll$ = cold('-(a|)');
      const polled = pollUntil(poll$, (v) => v === 'a', schedule, t);
      expectObservable(polled).toBe('-(a|)');
      expectObservable(polled, '5ms ^').toBe('5ms -(a|)');
    });
  });
});

describe('statusRun$: requests that answer synchronously, throw, or are left early', () => {
  it('should wait between requests that answer synchronously (no recursion, no lost wait)', () => {
    const t = marbles();
    t.run(({ expectObservable }) => {
      let n = 0;
      const sync$ = defer(() => of(['a', 'b', 'c'][n++]));
      expectObservable(pollUntil(sync$, (v) => v === 'c', schedule, t)).toBe('a 9ms b 19ms (c|)');
    });
  });

  it('should fail with the error of a policy whose request cannot even be built', () => {
    const t = marbles();
    t.run(({ expectObservable }) => {
      const broken = policy(() => {
        throw new Error('no key');
      });
      expectObservable(statusRun$(broken, 'id', t)).toBe('#', undefined, new Error('no key'));
    });
  });

  it('should fail with the error toValue throws (a decode error), and poll no more', () => {
    const t = marbles();
    t.run(({ expectObservable }) => {
      const { poll$, count } = polls(t, ['w', 'bad', 'x']);
      const strict = {
        ...policy(() => poll$),
        toValue: (raw: string) => {
          if (raw === 'bad') throw new Error('decode');
          return raw;
        },
      };
      expectObservable(statusRun$(strict, 'id', t)).toBe('-w 10ms #', { w: 'w' }, new Error('decode'));
      t.flush();
      expect(count()).toBe(2);
    });
  });

  it('should stop the request and the schedule when the consumer leaves from its own next (take(1))', () => {
    const t = marbles();
    t.run(({ cold, expectObservable, expectSubscriptions }) => {
      const poll$ = cold('-(w|)');
      expectObservable(
        statusRun$(
          policy(() => poll$),
          'id',
          t,
        ).pipe(take(1)),
      ).toBe('-(w|)');
      expectSubscriptions(poll$.subscriptions).toBe(['^!']);
    });
  });

  it('should end with an error that a retried request gave up with', () => {
    const t = marbles();
    t.run(({ expectObservable }) => {
      expectObservable(
        statusRun$(
          policy(() => throwError(() => new Error('503'))),
          'id',
          t,
          5,
        ),
      ).toBe('5ms #', undefined, new Error('503'));
    });
  });
});

describe('sharedPoll$: first delays per consumer', () => {
  it('should start a run with the first delay of the consumer that starts it, and let others join it as it is', () => {
    const t = marbles();
    t.run(({ expectObservable }) => {
      const { poll$, count } = polls(t, ['w', 'r', 'done']);
      const owner = {};
      const p = policy(() => poll$);
      expectObservable(sharedPoll$(owner, p, 'id', t, { firstDelayMs: 4 })).toBe('5ms w 10ms r 20ms (d|)', { w: 'w', r: 'r', d: 'done' });
      // Joins at 2 with no first delay of its own: the run in progress, not a new one.
      expectObservable(sharedPoll$(owner, p, 'id', t, { firstDelayMs: 0 }), '2ms ^').toBe('5ms w 10ms r 20ms (d|)', { w: 'w', r: 'r', d: 'done' });
      t.flush();
      expect(count()).toBe(3);
    });
  });
});

describe('statusRun$', () => {
  it('should emit distinct statuses and end on the done one', () => {
    const t = marbles();
    t.run(({ expectObservable }) => {
      const { poll$ } = polls(t, ['w', 'w', 'r', 'r', 'done']);
      expectObservable(
        statusRun$(
          policy(() => poll$),
          'id',
          t,
        ),
      ).toBe('-w 10ms - 20ms r 40ms - 40ms (d|)', { w: 'w', r: 'r', d: 'done' });
    });
  });

  it('should fail with the failure of a status and poll no more', () => {
    const t = marbles();
    t.run(({ expectObservable }) => {
      const { poll$, count } = polls(t, ['w', 'failed', 'x']);
      expectObservable(
        statusRun$(
          policy(() => poll$),
          'id',
          t,
        ),
      ).toBe('-w 10ms #', { w: 'w' }, new Error('id failed'));
      t.flush();
      expect(count()).toBe(2);
    });
  });
});

describe('sharedPoll$', () => {
  it('should give every consumer of one id one poller, whatever each deadline, and end each deadline on its own', () => {
    const t = marbles();
    t.run(({ expectObservable }) => {
      const { poll$, count } = polls(t, ['w', 'w', 'r', 'r', 'r', 'done']);
      const owner = {};
      const long = resolvePollOptions(schedule, { maxWaitMs: 1_000 });
      const short = resolvePollOptions(schedule, { maxWaitMs: 25 });
      expectObservable(
        sharedPoll$(
          owner,
          policy(() => poll$, long),
          'id',
          t,
        ),
      ).toBe('-w 10ms - 20ms r 40ms - 40ms - 40ms (d|)', { w: 'w', r: 'r', d: 'done' });
      // Joins at 3 with the latest status replayed at once, sees `r` at 32, times out at 28 (3 + 25).
      expectObservable(
        sharedPoll$(
          owner,
          policy(() => poll$, short),
          'id',
          t,
        ),
        '3ms ^',
      ).toBe('3ms w 24ms #', { w: 'w' }, new PollTimeoutError('id', 25, { status: 'w' }, 'training'));
      t.flush();
      // One poller: 6 polls in all, not one set per consumer.
      expect(count()).toBe(6);
    });
  });

  it('should replay the latest status to a late subscriber at once', () => {
    const t = marbles();
    t.run(({ expectObservable }) => {
      const { poll$ } = polls(t, ['w', 'r', 'done']);
      const owner = {};
      expectObservable(
        sharedPoll$(
          owner,
          policy(() => poll$),
          'id',
          t,
        ),
      ).toBe('-w 10ms r 20ms (d|)', { w: 'w', r: 'r', d: 'done' });
      expectObservable(
        sharedPoll$(
          owner,
          policy(() => poll$),
          'id',
          t,
        ),
        '20ms ^',
      ).toBe('20ms r 12ms (d|)', { r: 'r', d: 'done' });
    });
  });

  it('should stop polling when the last consumer leaves, and start afresh for the next one', () => {
    const t = marbles();
    t.run(({ cold, expectObservable, expectSubscriptions }) => {
      const poll$ = cold('-(w|)');
      const owner = {};
      expectObservable(
        sharedPoll$(
          owner,
          policy(() => poll$),
          'id',
          t,
        ),
        '^ 5ms !',
      ).toBe('-w');
      expectObservable(
        sharedPoll$(
          owner,
          policy(() => poll$),
          'id',
          t,
        ),
        '3ms ^ 4ms !',
      ).toBe('3ms w');
      expectObservable(
        sharedPoll$(
          owner,
          policy(() => poll$),
          'id',
          t,
        ),
        '20ms ^ 4ms !',
      ).toBe('20ms -w');
      // One run from 0 until the second consumer left at 7 (one poll), a fresh one at 20.
      expectSubscriptions(poll$.subscriptions).toBe(['^!', '20ms ^!']);
    });
  });

  it('should keep separate pollers for separate ids and owners', () => {
    const t = marbles();
    t.run(({ cold, expectObservable, expectSubscriptions }) => {
      const a$ = cold('-(w|)');
      const b$ = cold('-(w|)');
      const owner = {};
      const byId = (id: string) => (id === 'a' ? a$ : b$);
      expectObservable(sharedPoll$(owner, policy(byId), 'a', t), '^ 3ms !').toBe('-w');
      expectObservable(sharedPoll$(owner, policy(byId), 'b', t), '^ 3ms !').toBe('-w');
      expectObservable(sharedPoll$({}, policy(byId), 'a', t), '^ 3ms !').toBe('-w');
      expectSubscriptions(a$.subscriptions).toBe(['^!', '^!']);
      expectSubscriptions(b$.subscriptions).toBe(['^!']);
    });
  });

  it('should fail every consumer with a failure status', () => {
    const t = marbles();
    t.run(({ expectObservable }) => {
      const { poll$ } = polls(t, ['w', 'failed']);
      const owner = {};
      expectObservable(
        sharedPoll$(
          owner,
          policy(() => poll$),
          'id',
          t,
        ),
      ).toBe('-w 10ms #', { w: 'w' }, new Error('id failed'));
      expectObservable(
        sharedPoll$(
          owner,
          policy(() => poll$),
          'id',
          t,
        ),
        '5ms ^',
      ).toBe('5ms w 6ms #', { w: 'w' }, new Error('id failed'));
    });
  });

  it('should time out during the first delay with no last status', () => {
    const t = marbles();
    t.run(({ cold, expectObservable }) => {
      const options = resolvePollOptions(schedule, { firstDelayMs: 20, maxWaitMs: 7 });
      expectObservable(
        sharedPoll$(
          {},
          policy(() => cold('-(w|)'), options),
          'id',
          t,
        ),
      ).toBe('7ms #', undefined, new PollTimeoutError('id', 7, undefined, 'training'));
    });
  });

  it('should start a new run for a consumer that resubscribes from the completion of the last one', () => {
    const t = marbles();
    t.run(({ cold, expectObservable, expectSubscriptions }) => {
      const poll$ = cold('-(d|)', { d: 'done' });
      const owner = {};
      const shared$ = sharedPoll$(
        owner,
        policy(() => poll$),
        'id',
        t,
      );
      expectObservable(shared$).toBe('-(d|)', { d: 'done' });
      expectObservable(shared$, '4ms ^').toBe('4ms -(d|)', { d: 'done' });
      expectSubscriptions(poll$.subscriptions).toBe(['^!', '4ms ^!']);
    });
  });
});

/** A status value, as the training, retrain and classifier policies make them. */
interface Status {
  readonly status: string;
}

/** The policy every real resource uses (StatusPolicy: statuses classed by the rules), over answers that are bare status strings. */
class RulesPolicy extends StatusPolicy<string, Status> {
  readonly resource = 'training';

  constructor(
    options: ResolvedPollOptions,
    private readonly answers: (id: string) => Observable<string>,
  ) {
    super(options);
  }

  poll$(id: string): Observable<string> {
    return this.answers(id);
  }

  toValue(raw: string): Status {
    return { status: raw };
  }

  protected failed(id: string, value: Status): Error {
    return new Error(`${id} ${value.status}`);
  }
}

/** Answers `statuses` in turn, one frame after each request, and notes the frame of each request. */
function answers(t: TestScheduler, statuses: string[]): { answers: () => Observable<string>; at: number[] } {
  const at: number[] = [];
  let n = 0;
  return {
    at,
    answers: () =>
      defer(() => {
        at.push(t.now());
        return t.createColdObservable('-(a|)', { a: statuses[Math.min(n++, statuses.length - 1)] });
      }),
  };
}

describe('the poller applies the rules of lib/core/trainingRules.ts', () => {
  const callThrough = (): void => {
    jest.mocked(rules.pollWaitMs).mockClear().mockImplementation(actualRules.pollWaitMs);
    jest.mocked(rules.statusClassOf).mockClear().mockImplementation(actualRules.statusClassOf);
  };
  beforeEach(callThrough);
  afterEach(callThrough);

  it('should class statuses with statusClassOf: a custom failure status fails the run, a default one is only a status', () => {
    const t = marbles();
    const options = resolvePollOptions(schedule, { terminalStatuses: ['ready'], failureStatuses: ['rejected'] });
    t.run(({ expectObservable }) => {
      const { answers: answer$ } = answers(t, ['queued', 'failed', 'failed', 'rejected', 'ready']);
      // 'failed' is not in this resource's failure statuses: running. 'rejected' is: the run fails, no more requests.
      expectObservable(statusRun$(new RulesPolicy(options, answer$), 'id', t)).toBe(
        '-q 10ms f 61ms #',
        { q: { status: 'queued' }, f: { status: 'failed' } },
        new Error('id rejected'),
      );
    });
    expect(jest.mocked(rules.statusClassOf).mock.calls.map(([status]) => status)).toEqual([
      'queued',
      'queued',
      'failed',
      'failed',
      'failed',
      'failed',
      'rejected',
    ]);
    // And whatever statusClassOf says is what the poller does: here every status is done.
    jest.mocked(rules.statusClassOf).mockImplementation(() => 'done');
    const t2 = marbles();
    t2.run(({ expectObservable }) => {
      const { answers: answer$ } = answers(t2, ['queued']);
      expectObservable(statusRun$(new RulesPolicy(options, answer$), 'id', t2)).toBe('-(q|)', { q: { status: 'queued' } });
    });
  });

  it('should wait what pollWaitMs says after each answer, counted from the end of the request, after the consumer first delay', () => {
    const t = marbles();
    const options = resolvePollOptions(schedule, { terminalStatuses: ['ready'] });
    t.run(({ expectObservable }) => {
      const { answers: answer$, at } = answers(t, ['a', 'b', 'c', 'ready']);
      // firstDelayMs 5, then 10, 20, 40 (minDelayMs 10 doubling up to 40), each after a one-frame request.
      expectObservable(sharedPoll$({}, new RulesPolicy(options, answer$), 'id', t, { firstDelayMs: 5 })).toBe('6ms a 10ms b 20ms c 40ms (r|)', {
        a: { status: 'a' },
        b: { status: 'b' },
        c: { status: 'c' },
        r: { status: 'ready' },
      });
      t.flush();
      let due = 5;
      const expected = [due];
      for (let answered = 1; answered < 4; answered++) expected.push((due += 1 + actualRules.pollWaitMs(answered, options)));
      expect(at).toEqual(expected);
    });
    expect(jest.mocked(rules.pollWaitMs).mock.calls.map(([answered]) => answered)).toEqual([1, 2, 3]);
    // Another rule, another schedule: the poller keeps no schedule of its own.
    jest.mocked(rules.pollWaitMs).mockImplementation((answered) => 3 * answered);
    const t2 = marbles();
    t2.run(({ expectObservable }) => {
      const { answers: answer$ } = answers(t2, ['a', 'b', 'ready']);
      expectObservable(statusRun$(new RulesPolicy(options, answer$), 'id', t2)).toBe('-a 3ms b 6ms (r|)', {
        a: { status: 'a' },
        b: { status: 'b' },
        r: { status: 'ready' },
      });
    });
  });

  it('should end a consumer when deadlinePassed says its wait is over, from its own subscription, naming the last status it saw', () => {
    const t = marbles();
    const options = resolvePollOptions(schedule, { terminalStatuses: ['ready'] });
    t.run(({ expectObservable }) => {
      const { answers: answer$ } = answers(t, ['queued', 'running']);
      const policy = new RulesPolicy(options, answer$);
      const owner = {};
      // One run (first delay 5); the late consumer subscribes at 8 with a deadline of 20: over at 28.
      expectObservable(sharedPoll$(owner, policy, 'id', t, { firstDelayMs: 5, maxWaitMs: 1_000 }), '^ 60ms !').toBe('6ms q 10ms r', {
        q: { status: 'queued' },
        r: { status: 'running' },
      });
      expectObservable(sharedPoll$(owner, policy, 'id', t, { maxWaitMs: 20 }), '8ms ^').toBe(
        '8ms q 8ms r 10ms #',
        { q: { status: 'queued' }, r: { status: 'running' } },
        new PollTimeoutError('id', 20, { status: 'running', updatedDatetime: undefined }, 'training'),
      );
    });
    expect([actualRules.deadlinePassed(8, 27, 20), actualRules.deadlinePassed(8, 28, 20)]).toEqual([false, true]);
  });
});

describe('the hand-written run (what bench:scale measures against the plain composition)', () => {
  /** `inner`, counting the actions created with `schedule` (not their reschedules). */
  const counting = (inner: SchedulerLike): SchedulerLike & { created: number } => {
    const counted = {
      created: 0,
      now: () => inner.now(),
      schedule<S>(work: (this: SchedulerAction<S>, state?: S) => void, delay?: number, state?: S): Subscription {
        counted.created++;
        return inner.schedule(work, delay, state);
      },
    };
    return counted;
  };

  /** The actions one run creates over a first delay and four waits, with the poller's run in `mode`. */
  const actionsOfOneRun = (mode: (typeof pollerRun)['mode']): number => {
    const before = pollerRun.mode;
    pollerRun.mode = mode;
    try {
      const t = marbles();
      const scheduler = counting(t);
      t.run(({ expectObservable }) => {
        const { poll$ } = polls(t, ['a', 'b', 'c', 'd', 'done']);
        // First delay 5, then 10, 20, 40, 40 after one-frame requests.
        expectObservable(
          statusRun$(
            policy(() => poll$),
            'id',
            scheduler,
            5,
          ),
        ).toBe('6ms a 10ms b 20ms c 40ms d 40ms (e|)', { a: 'a', b: 'b', c: 'c', d: 'd', e: 'done' });
      });
      return scheduler.created;
    } finally {
      pollerRun.mode = before;
    }
  };

  it('should keep ONE scheduled action per run, rescheduled for every wait (the plain composition creates one per wait)', () => {
    expect(actionsOfOneRun('hand-written')).toBe(1);
    expect(actionsOfOneRun('plain')).toBe(5);
  });
});

describe('the frame limit', () => {
  it('should fail a poll that never ends instead of hanging', () => {
    const t = marbles();
    expect(() =>
      t.run(({ cold, expectObservable }) => {
        expectObservable(pollUntil(cold('-(w|)'), () => false, schedule, t)).toBe('-w');
      }),
    ).toThrow(/maxFrames/);
  });
});

describe('resolveConsumerPoll', () => {
  it('should give trainings with random first delays and their own deadlines one schedule object', () => {
    const a = resolveConsumerPoll(DEFAULT_POLL_OPTIONS, { firstDelayMs: 123.4, minDelayMs: 5000, multiplier: 1, maxWaitMs: 60_000 });
    const b = resolveConsumerPoll(DEFAULT_POLL_OPTIONS, { firstDelayMs: 4321, minDelayMs: 5000, multiplier: 1, maxWaitMs: Infinity });
    expect(a.schedule).toBe(b.schedule);
    expect(a.schedule.firstDelayMs).toBe(DEFAULT_POLL_OPTIONS.firstDelayMs);
    expect([a.firstDelayMs, a.maxWaitMs, b.firstDelayMs, b.maxWaitMs]).toEqual([123.4, 60_000, 4321, Infinity]);
    expect(resolveConsumerPoll(DEFAULT_POLL_OPTIONS, undefined).schedule).toBe(DEFAULT_POLL_OPTIONS);
  });

  it('should refuse a first delay or deadline that makes no sense', () => {
    expect(() => resolveConsumerPoll(DEFAULT_POLL_OPTIONS, { firstDelayMs: -1 })).toThrow(/firstDelayMs must be a number >= 0/);
    expect(() => resolveConsumerPoll(DEFAULT_POLL_OPTIONS, { maxWaitMs: Number.NaN })).toThrow(/maxWaitMs/);
  });
});

describe('resolvePollOptions', () => {
  it('should return the base itself when nothing changes, and a frozen copy otherwise', () => {
    expect(resolvePollOptions(DEFAULT_POLL_OPTIONS, undefined)).toBe(DEFAULT_POLL_OPTIONS);
    expect(resolvePollOptions(DEFAULT_POLL_OPTIONS, { minDelayMs: DEFAULT_POLL_OPTIONS.minDelayMs })).toBe(DEFAULT_POLL_OPTIONS);
    const resolved = resolvePollOptions(DEFAULT_POLL_OPTIONS, { minDelayMs: 5, maxWaitMs: undefined });
    expect(resolved).toMatchObject({ minDelayMs: 5, maxWaitMs: DEFAULT_POLL_OPTIONS.maxWaitMs });
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(Object.isFrozen(resolved.terminalStatuses)).toBe(true);
  });

  it('should refuse options that make no sense', () => {
    expect(() => resolvePollOptions(DEFAULT_POLL_OPTIONS, { minDelayMs: -1 })).toThrow(/minDelayMs must be a number >= 0/);
    expect(() => resolvePollOptions(DEFAULT_POLL_OPTIONS, { multiplier: 0.5 })).toThrow(/multiplier must be a number >= 1/);
    expect(() => resolvePollOptions(DEFAULT_POLL_OPTIONS, { maxWaitMs: Number.NaN })).toThrow(/maxWaitMs/);
  });
});
