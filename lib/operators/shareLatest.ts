/**
 * One upstream subscription shared by every subscriber, the latest value replayed.
 *
 * @packageDocumentation
 */
import { Observable, type Subscriber, type Unsubscribable } from 'rxjs';
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
  return (source) => new SharedOrigin(source, onReset);
}

/**
 * One receiver of a {@link SharedLatest}'s values: a plain subscriber's {@link ShareMember},
 * or an operator's own subscriber joining directly ({@link SharedLatest.join}), which saves an
 * object per training in flight.
 *
 * @internal
 */
export interface ShareReceiver<T> {
  /** A value (the replayed latest one on joining, then each new one). */
  receive(value: T): void;
  /** The shared run failed: the receiver is already out of the share. */
  fail(err: unknown): void;
  /** The shared run completed: the receiver is already out of the share. */
  done(): void;
}

/**
 * One run of a {@link SharedLatest}, started once.
 *
 * @internal
 */
export interface ShareRun extends Unsubscribable {
  start(): void;
}

/** No value yet (a value of the source may be `undefined`). */
const NONE: unique symbol = Symbol('none');

/**
 * The state of a share as one object with prototype methods (closures would cost a function and
 * a context each, per training in flight). A subclass says how a run starts ({@link open}); it
 * hands the run's values to {@link emit} and its end to {@link end}.
 *
 * @internal
 */
export abstract class SharedLatest<T> extends Observable<T> {
  /** One receiver (the usual case) or several: an array only when a second one joins. */
  private receivers: ShareReceiver<T> | ShareReceiver<T>[] | undefined;
  /** The run, `undefined` when there is none. */
  private connection: ShareRun | undefined;
  private latest: T | typeof NONE = NONE;

  constructor() {
    super(subscribeShared);
  }

  /**
   * A new run, not started yet: {@link ShareRun.start} starts it (it may deliver at once);
   * unsubscribing it stops it, with no value or end after that. A run that ends (through
   * {@link end}) is stopped already.
   */
  protected abstract open(): ShareRun;

  /** Called whenever a run ends (last receiver left, error or completion). */
  protected onReset(): void {
    // Nothing by default.
  }

  /**
   * The share a new plain subscriber joins: this one. A subclass kept in a registry may hand
   * subscribers to the entry now registered in its place.
   *
   * @internal
   */
  target(): SharedLatest<T> {
    return this;
  }

  /** True while a run is on (or starting). */
  protected get running(): boolean {
    return this.connection !== undefined;
  }

  /**
   * Adds `receiver` (replaying the latest value) and starts a run if none is on. It stays in
   * until it {@link leave}s or the run ends.
   */
  join(receiver: ShareReceiver<T>): void {
    const receivers = this.receivers;
    if (receivers === undefined) this.receivers = receiver;
    else if (Array.isArray(receivers)) receivers.push(receiver);
    else this.receivers = [receivers, receiver];
    const latest = this.latest;
    if (latest !== NONE) receiver.receive(latest);
    if (this.connection === undefined) this.connect();
  }

  /** Takes `receiver` out (nothing if it already is); the run stops when no receiver is left. */
  leave(receiver: ShareReceiver<T>): void {
    const receivers = this.receivers;
    if (receivers === receiver) this.receivers = undefined;
    else if (Array.isArray(receivers)) {
      const i = receivers.indexOf(receiver);
      if (i < 0) return;
      receivers.splice(i, 1);
      if (receivers.length === 0) this.receivers = undefined;
    } else return;
    if (this.receivers === undefined && this.connection !== undefined) {
      const upstream = this.connection;
      this.reset();
      upstream.unsubscribe();
    }
  }

  /** A value of the current run. @internal */
  emit(value: T): void {
    this.latest = value;
    const receivers = this.receivers;
    if (receivers === undefined) return;
    if (!Array.isArray(receivers)) receivers.receive(value);
    else for (const r of receivers.slice()) r.receive(value);
  }

  /** The current run ended: it is over for every receiver, the next one starts afresh. @internal */
  end(failed: boolean, err: unknown): void {
    const left = this.reset();
    for (const r of left === undefined ? [] : Array.isArray(left) ? left : [left]) {
      if (failed) r.fail(err);
      else r.done();
    }
  }

  private reset(): ShareReceiver<T> | ShareReceiver<T>[] | undefined {
    const left = this.receivers;
    this.receivers = undefined;
    this.connection = undefined;
    this.latest = NONE;
    this.onReset();
    return left;
  }

  private connect(): void {
    // The run is the connection before it starts: a receiver joining while it starts does not
    // start a second one, and everyone leaving while it starts stops it.
    const run = this.open();
    this.connection = run;
    run.start();
  }
}

function subscribeShared(this: Observable<unknown>, subscriber: Subscriber<unknown>): ShareMember<unknown> {
  const shared = (this as SharedLatest<unknown>).target();
  const member = new ShareMember(shared, subscriber);
  shared.join(member);
  return member;
}

/** A plain subscriber's place in a {@link SharedLatest}; unsubscribing leaves it. */
class ShareMember<T> implements ShareReceiver<T> {
  constructor(
    private readonly shared: SharedLatest<T>,
    private readonly subscriber: Subscriber<T>,
  ) {}

  receive(value: T): void {
    this.subscriber.next(value);
  }

  fail(err: unknown): void {
    this.subscriber.error(err);
  }

  done(): void {
    this.subscriber.complete();
  }

  unsubscribe(): void {
    this.shared.leave(this);
  }
}

/** {@link shareLatest}: a run is a subscription to `origin`. */
class SharedOrigin<T> extends SharedLatest<T> {
  constructor(
    readonly origin: Observable<T>,
    private readonly resetHook?: () => void,
  ) {
    super();
  }

  protected open(): OriginConnection<T> {
    return new OriginConnection(this);
  }

  protected override onReset(): void {
    this.resetHook?.();
  }
}

/** One run of a {@link SharedOrigin}: its subscriber to the origin (closed, it delivers nothing). */
class OriginConnection<T> extends LeanSubscriber<T> implements ShareRun {
  constructor(private readonly shared: SharedOrigin<T>) {
    super();
  }

  start(): void {
    this.shared.origin.subscribe(this);
  }

  protected override _next(value: T): void {
    this.shared.emit(value);
  }

  protected override _error(err: unknown): void {
    this.unsubscribe();
    this.shared.end(true, err);
  }

  protected override _complete(): void {
    this.unsubscribe();
    this.shared.end(false, undefined);
  }
}
