import { defer, type Observable } from 'rxjs';
import type { ExternalProcessId } from '../../lib/codecs/ids';
import { asyncScheduler } from 'rxjs';
import { PollTimeoutError, TrainingFailedError } from '../../lib/core/errors';
import type { StatusEvent } from '../../lib/core/events';
import { watchStatus } from '../../lib/operators/watchStatus';
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
});
