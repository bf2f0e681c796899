/** The shape shared by the pipeline operators: work on the events they handle, pass the others, in order. */
import { Observable, OperatorFunction, type Observer, type Subscriber, type Subscription, type Unsubscribable } from 'rxjs';
import { plainBaseline, pollerRun } from './poller';

/**
 * Acts on the values `handles` picks and passes every event through unchanged, in order: a
 * handled event is passed on before the work it starts, so the end of a pipeline sees every
 * stage (`uploaded`, `queued`, the final `status`); a bare reference (no `type`) is not an
 * event and is not passed on. Values that arrive while one is at work wait their turn: what
 * `concatMap` does, with one object per subscription for the source, the queue and the work in
 * progress (a training waiting for its next poll holds it and the work's subscription, not
 * `concatMap`'s closures: docs/PERFORMANCE.md, "One engine: the in-memory poller"). With
 * `pollerRun.mode` `'plain'` (the benches' baseline), it is `concatMap` itself.
 *
 * @internal
 */
export function passOrHandle<In, H extends In, Out>(
  handles: (value: In) => value is H,
  handle: (value: H) => Observable<Out>,
): OperatorFunction<In, Out | Exclude<In, { readonly type?: undefined }>> {
  type Passed = Exclude<In, { readonly type?: undefined }>;
  return (source) =>
    pollerRun.mode === 'plain'
      ? source.pipe(plainBaseline().passOrHandle(handles, handle))
      : new Observable<Out | Passed>((subscriber) => new InOrder<In, H, Out | Passed>(handles, handle, subscriber).start(source));
}

/** {@link InOrder}'s state bits: a work is subscribed and has not ended... */
const BUSY = 1;
/** ...the loop that starts queued values is running (a work that ends synchronously does not start another loop)... */
const DRAINING = 2;
/** ...the source completed... */
const SOURCE_DONE = 4;
/** ...the stream ended (completed, failed, or its subscriber left). */
const ENDED = 8;

/**
 * One subscription of {@link passOrHandle}: the observer of the work in progress, the queue of
 * values waiting their turn, and the teardown. The source's values reach it through a
 * {@link SourceObserver}, dropped when the source completes.
 */
class InOrder<In, H extends In, Out> implements Observer<Out>, Unsubscribable {
  private queue: In[] | undefined;
  private source: Subscription | undefined;
  private work: Subscription | undefined;
  /** {@link BUSY}, {@link DRAINING}, {@link SOURCE_DONE} and {@link ENDED} in one field: the object keeps every field in itself. */
  private state = 0;

  constructor(
    private readonly handles: (value: In) => value is H,
    private readonly handle: (value: H) => Observable<Out>,
    private readonly subscriber: Subscriber<Out>,
  ) {}

  /** Subscribes to `source`; returns the teardown (this object). */
  start(source: Observable<In>): Unsubscribable {
    const subscription = source.subscribe(new SourceObserver(this));
    // A source that ended synchronously is done with; one still going is kept for the teardown.
    if (this.is(ENDED)) subscription.unsubscribe();
    else if (!this.is(SOURCE_DONE)) this.source = subscription;
    return this;
  }

  /** A value of the source: now, or after the values before it. */
  push(value: In): void {
    if (this.stopped()) return;
    if (this.is(BUSY | DRAINING)) (this.queue ??= []).push(value);
    else this.drain(true, value);
  }

  sourceComplete(): void {
    this.state |= SOURCE_DONE;
    this.source = undefined;
    if (!this.is(BUSY | DRAINING) && this.queue === undefined) this.finish();
  }

  /** The work's value (an `Observer` method: the work is subscribed with this object). */
  next(value: Out): void {
    if (!this.is(ENDED)) this.subscriber.next(value);
  }

  /** An error of the work or of the source ends the stream. */
  error(err: unknown): void {
    if (this.is(ENDED)) return;
    this.end();
    this.subscriber.error(err);
  }

  /** The work ended: the next value's turn. */
  complete(): void {
    this.state &= ~BUSY;
    this.work = undefined;
    if (!this.is(DRAINING)) this.drain(false);
  }

  /** The teardown: the subscriber left. */
  unsubscribe(): void {
    this.end();
  }

  /**
   * Ended, or the subscriber left while the source was emitting synchronously (before the
   * teardown was handed back): nothing more is started.
   */
  private stopped(): boolean {
    return this.is(ENDED) || this.subscriber.closed;
  }

  /** Whether any of `bits` is set. */
  private is(bits: number): boolean {
    return (this.state & bits) !== 0;
  }

  /** Starts `first` (when `withFirst`), then the queued values in order, until one starts a work that goes on (or none is left). */
  private drain(withFirst: boolean, first?: In): void {
    this.state |= DRAINING;
    try {
      if (withFirst) this.take(first as In);
      let queue: In[] | undefined;
      while (!this.is(BUSY) && !this.stopped() && (queue = this.queue) !== undefined && queue.length > 0) this.take(queue.shift() as In);
      // A queue is only needed while values wait: a long-lived subscription does not keep one.
      if (this.queue?.length === 0) this.queue = undefined;
    } finally {
      this.state &= ~DRAINING;
    }
    if (!this.is(ENDED | BUSY) && this.is(SOURCE_DONE) && this.queue === undefined) this.finish();
  }

  /** One value's turn: passed on, or handled (a typed event passed on first). */
  private take(value: In): void {
    let work$: Observable<Out>;
    try {
      if (!this.handles(value)) {
        this.subscriber.next(value as unknown as Out);
        return;
      }
      if ((value as { type?: unknown }).type !== undefined) this.subscriber.next(value as unknown as Out);
      if (this.stopped()) return;
      work$ = this.handle(value);
    } catch (err) {
      this.error(err);
      return;
    }
    this.state |= BUSY;
    const work = work$.subscribe(this);
    // A work that ended synchronously has called complete (or error) already.
    if (this.is(ENDED)) work.unsubscribe();
    else if (this.is(BUSY)) this.work = work;
  }

  private finish(): void {
    if (this.is(ENDED)) return;
    this.state |= ENDED;
    this.queue = undefined;
    this.subscriber.complete();
  }

  /** Stops the source and the work in progress (idempotent). */
  private end(): void {
    if (this.is(ENDED)) return;
    this.state |= ENDED;
    const { source, work } = this;
    this.source = this.work = this.queue = undefined;
    source?.unsubscribe();
    work?.unsubscribe();
  }
}

/** The source's observer: hands its values and end to the {@link InOrder} (one small object, not three closures). */
class SourceObserver<In> implements Observer<In> {
  constructor(private readonly owner: { push(value: In): void; error(err: unknown): void; sourceComplete(): void }) {}

  next(value: In): void {
    this.owner.push(value);
  }

  error(err: unknown): void {
    this.owner.error(err);
  }

  complete(): void {
    this.owner.sourceComplete();
  }
}

/**
 * A bare reference to an upload/training, for using an operator on its own:
 * `of({ externalProcessId }).pipe(pollStatus$(client))`.
 *
 * ## Example
 * ```ts
 * const ref: ExternalProcessRef = { externalProcessId: savedId };
 * ```
 */
export interface ExternalProcessRef {
  readonly externalProcessId: string;
  readonly type?: undefined;
}

/**
 * Whether `value` is a bare reference (no `type`) whose `key` is a string id.
 *
 * @internal
 */
export function isBareRef(value: unknown, key: string): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === undefined &&
    typeof (value as Record<string, unknown>)[key] === 'string'
  );
}

/** @internal */
export function isRef(value: unknown): value is ExternalProcessRef {
  return isBareRef(value, 'externalProcessId');
}
