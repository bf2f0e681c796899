/** Specs: withDeadline. */
import { asyncScheduler } from 'rxjs';
import { DeadlineExceededError } from '../../lib/core/errors';
import { withDeadline } from '../../lib/pipeline/deadline';
import { testScheduler } from '../helpers/marbles';

describe('withDeadline', () => {
  it('should end a pipeline still running at its deadline, values notwithstanding', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('a-b-c-d-e-f-g-h-i-j-k-|');
      expectObservable(source.pipe(withDeadline(9, asyncScheduler, 'pipeline'))).toBe(
        'a-b-c-d-e#',
        { a: 'a', b: 'b', c: 'c', d: 'd', e: 'e' },
        new DeadlineExceededError('pipeline', 9, 0),
      );
      expectSubscriptions(source.subscriptions).toBe('^--------!');
    });
  });

  it('should pass a pipeline that ends in time and clear its timer', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-|').pipe(withDeadline(9, asyncScheduler, 'pipeline'))).toBe('a-|');
      expectObservable(cold('a-#').pipe(withDeadline(9, asyncScheduler, 'pipeline'))).toBe('a-#');
    });
  });

  it('should stop the source and the timer when unsubscribed', () => {
    testScheduler().run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold('-----a|');
      expectObservable(source.pipe(withDeadline(9, asyncScheduler, 'pipeline')), '^--!').toBe('');
      expectSubscriptions(source.subscriptions).toBe('^--!');
    });
  });

  it('should leave the source as it is without a deadline', () => {
    testScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('---a|').pipe(withDeadline(undefined, asyncScheduler, 'pipeline'))).toBe('---a|');
    });
  });
});
