import { Observable, Subscription } from 'rxjs';
import { LeanSubscriber } from '../../lib/operators/leanSubscriber';

describe('LeanSubscriber', () => {
  it('should run the teardown of the Observable it subscribed to when unsubscribed', () => {
    const calls: string[] = [];
    const source = new Observable<number>(() => ({ unsubscribe: () => calls.push('teardown') }));
    const subscriber = new LeanSubscriber<number>();
    source.subscribe(subscriber);
    expect(calls).toEqual([]);
    subscriber.unsubscribe();
    subscriber.unsubscribe();
    expect(calls).toEqual(['teardown']);
  });

  it('should run the teardown when the source completes', () => {
    const calls: string[] = [];
    const source = new Observable<number>((s) => {
      queueMicrotask(() => s.complete());
      return () => calls.push('teardown');
    });
    const subscriber = new LeanSubscriber<number>();
    source.subscribe(subscriber);
    return Promise.resolve().then(() => {
      expect(subscriber.closed).toBe(true);
      expect(calls).toEqual(['teardown']);
    });
  });

  it('should keep every finalizer beyond the first, Subscriptions included, and run each once', () => {
    const calls: string[] = [];
    const subscriber = new LeanSubscriber<number>();
    subscriber.add(() => calls.push('first'));
    subscriber.add(() => calls.push('second'));
    subscriber.add(new Subscription(() => calls.push('child')));
    subscriber.unsubscribe();
    expect(calls.sort()).toEqual(['child', 'first', 'second']);
  });

  it('should run a finalizer added after it closed at once', () => {
    const calls: string[] = [];
    const subscriber = new LeanSubscriber<number>();
    subscriber.unsubscribe();
    subscriber.add(() => calls.push('late'));
    expect(calls).toEqual(['late']);
  });

  it('should forget a kept finalizer that is removed', () => {
    const calls: string[] = [];
    const subscriber = new LeanSubscriber<number>();
    const finalizer = { unsubscribe: () => calls.push('removed') };
    subscriber.add(finalizer);
    subscriber.remove(finalizer);
    subscriber.unsubscribe();
    expect(calls).toEqual([]);
  });

  it('should still run the kept finalizer when another one throws, then rethrow', () => {
    const calls: string[] = [];
    const subscriber = new LeanSubscriber<number>();
    subscriber.add(() => calls.push('kept'));
    subscriber.add(() => {
      throw new Error('boom');
    });
    expect(() => subscriber.unsubscribe()).toThrow();
    expect(calls).toEqual(['kept']);
  });
});
