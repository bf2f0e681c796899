import { VirtualTimeScheduler, defer, type Observable } from 'rxjs';
import type { ExternalProcessId } from '../../lib/codecs/ids';
import { asyncScheduler } from 'rxjs';
import { PollTimeoutError, TrainingFailedError } from '../../lib/core/errors';
import type { StatusEvent } from '../../lib/core/events';
import { watchStatus } from '../../lib/operators/watchStatus';
import { TimerQueue } from '../../lib/transport/timerQueue';
import { testScheduler } from '../helpers/marbles';

const id = 'job-1' as ExternalProcessId;
const schedule = { minDelayMs: 10, maxDelayMs: 10, multiplier: 1 };

function status(name: string, terminal = name === 'finished'): StatusEvent {
  return { type: 'status', externalProcessId: id, status: name, terminal, resultUrl: terminal ? 'http://x/r.zip' : undefined };
}

/** Each subscription answers the next status one frame later. */
function statuses(cold: (m: string, v: Record<string, StatusEvent>) => Observable<StatusEvent>, names: string[]) {
  let i = 0;
  return defer(() => cold('-(x|)', { x: status(names[Math.min(i++, names.length - 1)]) }));
}

describe('watchStatus', () => {
  it('should emit each distinct status once and complete after finished', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const poll$ = statuses(cold, ['waiting', 'waiting', 'running', 'running', 'running', 'finished']);
      expectObservable(watchStatus(poll$, id, schedule, asyncScheduler)).toBe('-w 21ms r 32ms (f|)', {
        w: status('waiting'),
        r: status('running'),
        f: status('finished'),
      });
    });
  });

  it('should treat unknown statuses as still running', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const poll$ = statuses(cold, ['preprocessing', 'evaluating', 'finished']);
      expectObservable(watchStatus(poll$, id, schedule, asyncScheduler)).toBe('-p 10ms e 10ms (f|)', {
        p: status('preprocessing'),
        e: status('evaluating'),
        f: status('finished'),
      });
    });
  });

  it('should end with TrainingFailedError on failed', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const poll$ = statuses(cold, ['running', 'failed']);
      expectObservable(watchStatus(poll$, id, schedule, asyncScheduler)).toBe(
        '-r 10ms #',
        { r: status('running') },
        new TrainingFailedError(id, 'failed'),
      );
    });
  });

  it('should end with TrainingFailedError on a caller-named failure status', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const poll$ = statuses(cold, ['running', 'aborted']);
      const options = { ...schedule, failureStatuses: ['aborted'] };
      expectObservable(watchStatus(poll$, id, options, asyncScheduler)).toBe(
        '-r 10ms #',
        { r: status('running') },
        new TrainingFailedError(id, 'aborted'),
      );
    });
  });

  it('should complete on a caller-named terminal status', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      let i = 0;
      const names = ['running', 'done'];
      const poll$ = defer(() => cold('-(x|)', { x: status(names[i], names[i++] === 'done') }));
      expectObservable(watchStatus(poll$, id, schedule, asyncScheduler)).toBe('-r 10ms (d|)', {
        r: status('running'),
        d: status('done', true),
      });
    });
  });

  it('should give up after maxWaitMs with the last status seen, and stop polling', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const poll$ = cold('-(r|)', { r: status('running') });
      const error = new PollTimeoutError(id, 25, { status: 'running', updatedDatetime: undefined });
      expectObservable(watchStatus(poll$, id, { ...schedule, maxWaitMs: 25 }, asyncScheduler)).toBe(
        '-r 23ms #',
        { r: status('running') },
        error,
      );
      expectSubscriptions(poll$.subscriptions).toBe(['^!', '11ms ^!', '22ms ^!']);
    });
  });

  it('should carry the last status on PollTimeoutError', () => {
    testScheduler().run(({ cold }) => {
      const poll$ = cold('-(r|)', { r: status('running') });
      let caught: unknown;
      watchStatus(poll$, id, { ...schedule, maxWaitMs: 5 }, asyncScheduler).subscribe({ error: (e) => (caught = e) });
      cold('------|').subscribe({
        complete: () => {
          expect(caught).toBeInstanceOf(PollTimeoutError);
          expect((caught as PollTimeoutError).lastStatus?.status).toBe('running');
          expect((caught as PollTimeoutError).externalProcessId).toBe(id);
        },
      });
    });
  });

  it('should clear the deadline when the training finishes in time', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      const poll$ = statuses(cold, ['finished']);
      expectObservable(watchStatus(poll$, id, { ...schedule, maxWaitMs: 1000 }, asyncScheduler)).toBe('-(f|)', {
        f: status('finished'),
      });
    });
  });

  // The deadline shares the run's one timer-queue entry: it waits for the next poll or the
  // deadline, whichever comes first, and for the deadline while a poll is in flight.
  it('should time out during the first delay without polling', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const poll$ = cold('-(r|)', { r: status('running') });
      const error = new PollTimeoutError(id, 7, undefined);
      expectObservable(watchStatus(poll$, id, { ...schedule, firstDelayMs: 20, maxWaitMs: 7 }, asyncScheduler)).toBe('7ms #', {}, error);
      expectSubscriptions(poll$.subscriptions).toBe([]);
    });
  });

  it('should cancel a poll still in flight at the deadline', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const poll$ = cold('-(r|)', { r: status('running') });
      const slow$ = cold('----------(r|)', { r: status('running') });
      let n = 0;
      const polls = defer(() => (n++ === 0 ? poll$ : slow$));
      const error = new PollTimeoutError(id, 15, { status: 'running', updatedDatetime: undefined });
      // polls at 0 (answers at 1) and 11 (would answer at 21): the deadline at 15 cancels it.
      expectObservable(watchStatus(polls, id, { ...schedule, maxWaitMs: 15 }, asyncScheduler)).toBe('-r 13ms #', { r: status('running') }, error);
      expectSubscriptions(slow$.subscriptions).toBe(['11ms ^---!']);
    });
  });

  it('should time out rather than poll when the next poll falls on the deadline', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const poll$ = cold('-(r|)', { r: status('running') });
      const error = new PollTimeoutError(id, 11, { status: 'running', updatedDatetime: undefined });
      // the second poll would start at 1 + 10 = 11, the deadline's frame.
      expectObservable(watchStatus(poll$, id, { ...schedule, maxWaitMs: 11 }, asyncScheduler)).toBe('-r 9ms #', { r: status('running') }, error);
      expectSubscriptions(poll$.subscriptions).toBe(['^!']);
    });
  });

  it('should keep one timer entry per run, deadline included', () => {
    const scheduler = new VirtualTimeScheduler();
    const subscriptions = [0, 1, 2].map(() =>
      watchStatus(cold$(), id, { ...schedule, firstDelayMs: 5, maxWaitMs: 100 }, scheduler).subscribe(),
    );
    expect(TimerQueue.of(scheduler).size).toBe(3);
    subscriptions.forEach((s) => s.unsubscribe());
    expect(TimerQueue.of(scheduler).size).toBe(0);

    function cold$(): Observable<StatusEvent> {
      return defer(() => [status('running')]);
    }
  });
});
