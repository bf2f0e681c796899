/**
 * One upstream subscription shared by every subscriber, the latest value replayed.
 *
 * @packageDocumentation
 */
import { Observable, Subscription, type Subscriber } from 'rxjs';
import { LeanSubscriber } from './leanSubscriber';

/**
 * Shares one source among every subscriber: one subscription upstream, the latest value
 * replayed to late subscribers, and a fresh start once everyone left or the source ended.
 * What `share({ connector: () => new ReplaySubject(1), resetOnError, resetOnComplete,
 * resetOnRefCountZero })` does, with one object of fields per source instead of a subject and
 * its subscriptions (it is kept by every training in flight).
 *
 * @internal
 */
export function shareLatest<T>(onReset?: () => void): (source: Observable<T>) => Observable<T> {
  return (source) => new SharedLatest(source, onReset);
}

/**
 * The state of {@link shareLatest} as one object with prototype methods (closures would cost
 * a function and a context each, per training in flight).
 *
 * @internal
 */
export class SharedLatest<T> extends Observable<T> {
  /** One subscriber (the usual case) or several: an array only when a second one joins. */
  private subscribers: Subscriber<T> | Subscriber<T>[] | undefined;
  private connection: Subscription | undefined;
  private generation = 0;
  private hasLatest = false;
  private latest: T | undefined;

  constructor(
    private readonly origin?: Observable<T>,
    private readonly resetHook?: () => void,
  ) {
    super(subscribeShared);
  }

  /** Starts the shared run for `connection` (subscribes the origin; a subclass may run it itself). */
  protected open(connection: Subscriber<T>): Subscription {
    return (this.origin as Observable<T>).subscribe(connection);
  }

  /** Called whenever the shared run ends (last subscriber left, error or completion). */
  protected onReset(): void {
    this.resetHook?.();
  }

  join(subscriber: Subscriber<T>): ShareMember<T> {
    const subscribers = this.subscribers;
    if (subscribers === undefined) this.subscribers = subscriber;
    else if (Array.isArray(subscribers)) subscribers.push(subscriber);
    else this.subscribers = [subscribers, subscriber];
    if (this.hasLatest) subscriber.next(this.latest as T);
    if (this.connection === undefined) this.connect();
    return new ShareMember(this, subscriber, this.generation);
  }

  leave(subscriber: Subscriber<T>, joined: number): void {
    if (joined !== this.generation) return;
    const subscribers = this.subscribers;
    if (subscribers === subscriber) this.subscribers = undefined;
    else if (Array.isArray(subscribers)) {
      const i = subscribers.indexOf(subscriber);
      if (i >= 0) subscribers.splice(i, 1);
      if (subscribers.length === 0) this.subscribers = undefined;
    }
    if (this.subscribers === undefined && this.connection !== undefined) {
      const upstream = this.connection;
      this.reset();
      upstream.unsubscribe();
    }
  }

  emit(generation: number, value: T): void {
    if (generation !== this.generation) return;
    this.latest = value;
    this.hasLatest = true;
    const subscribers = this.subscribers;
    if (subscribers === undefined) return;
    if (!Array.isArray(subscribers)) subscribers.next(value);
    else for (const s of subscribers.slice()) s.next(value);
  }

  end(generation: number, failed: boolean, err: unknown): void {
    if (generation !== this.generation) return;
    const left = this.reset();
    for (const s of left === undefined ? [] : Array.isArray(left) ? left : [left]) {
      if (failed) s.error(err);
      else s.complete();
    }
  }

  private reset(): Subscriber<T> | Subscriber<T>[] | undefined {
    const left = this.subscribers;
    this.subscribers = undefined;
    this.connection = undefined;
    this.generation++;
    this.hasLatest = false;
    this.latest = undefined;
    this.onReset();
    return left;
  }

  private connect(): void {
    const current = ++this.generation;
    // Marks the connection as pending, so a subscriber joining synchronously does not connect twice.
    this.connection = Subscription.EMPTY;
    const upstream = this.open(new ShareConnection(this, current));
    if (current === this.generation) this.connection = upstream;
    else upstream.unsubscribe();
  }
}

function subscribeShared(this: Observable<unknown>, subscriber: Subscriber<unknown>): ShareMember<unknown> {
  return (this as SharedLatest<unknown>).join(subscriber);
}

/** One subscriber's place in a {@link SharedLatest}; unsubscribing leaves it. */
class ShareMember<T> {
  constructor(
    private readonly shared: SharedLatest<T>,
    private readonly subscriber: Subscriber<T>,
    private readonly joined: number,
  ) {}

  unsubscribe(): void {
    this.shared.leave(this.subscriber, this.joined);
  }
}

/** The one upstream subscriber of a {@link SharedLatest} run. */
class ShareConnection<T> extends LeanSubscriber<T> {
  constructor(
    private readonly shared: SharedLatest<T>,
    private readonly generation: number,
  ) {
    super();
  }

  protected override _next(value: T): void {
    this.shared.emit(this.generation, value);
  }

  protected override _error(err: unknown): void {
    this.unsubscribe();
    this.shared.end(this.generation, true, err);
  }

  protected override _complete(): void {
    this.unsubscribe();
    this.shared.end(this.generation, false, undefined);
  }
}

/** Per client: by training id, the shared status streams (more than one only if watched with different options). */
