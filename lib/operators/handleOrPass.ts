import { Observable, OperatorFunction, Subscriber, type Observer } from 'rxjs';
import { LeanSubscriber } from './leanSubscriber';
import { SharedLatest, type ShareReceiver } from './shareLatest';

/**
 * The shape shared by the pipeline operators: act on the values `handles` picks, pass every
 * event through unchanged, in order. A handled event is passed on before the work it starts,
 * so the end of a pipeline sees every stage (`uploaded`, `queued`, the final `status`); a bare
 * reference (no `type`) is not an event and is not passed on.
 *
 * What `concatMap((v) => handles(v) ? concat(of(v), handle(v)) : of(v))` does (values that
 * arrive while a handled one is at work wait their turn), with one subscriber object for the
 * stream and one per handled value: every training in flight keeps this chain for its whole
 * run (see docs/PERFORMANCE.md).
 *
 * @internal
 */
export function handleOrPass<In, H extends In, Out>(
  handles: (value: In) => value is H,
  handle: (value: H) => Observable<Out>,
): OperatorFunction<In, Out | Exclude<In, { readonly type?: undefined }>> {
  return handleWith<In, H, Out>({ handles, handle });
}

/**
 * What {@link handleOrPass} needs, as one object: an operator kept per training in flight
 * (`pollStatus$`) passes a class instance instead of two closures and their context.
 *
 * @internal
 */
export interface Handler<In, H extends In, Out> {
  handles(value: In): value is H;
  handle(value: H): Observable<Out>;
}

/**
 * {@link handleOrPass} with the two functions as methods of `handler`.
 *
 * @internal
 */
export function handleWith<In, H extends In, Out>(
  handler: Handler<In, H, Out>,
): OperatorFunction<In, Out | Exclude<In, { readonly type?: undefined }>> {
  type Passed = Exclude<In, { readonly type?: undefined }>;
  return (source) =>
    new Observable<Out | Passed>((subscriber) => source.subscribe(new HandleOrPassSubscriber<In, H, Out | Passed>(subscriber, handler)));
}

/**
 * The outer subscriber of {@link handleOrPass}: the queue, the outer completion, the current
 * inner run. A shared inner run ({@link SharedLatest}, e.g. a training's status) is joined by
 * this subscriber itself, as a {@link ShareReceiver}: no inner subscriber, no membership object.
 */
class HandleOrPassSubscriber<In, H extends In, Out> extends Subscriber<In> implements InnerParent, ShareReceiver<unknown> {
  /** Values waiting for the current inner run to end (allocated only when one has to wait). */
  private queue: In[] | undefined;
  /** The current inner run: its subscriber, or the share joined (a field, not a finalizer: see {@link LeanSubscriber}). */
  private inner: PassInner | SharedLatest<unknown> | undefined;

  constructor(
    destination: Subscriber<Out | unknown>,
    private readonly handler: Handler<In, H, unknown>,
  ) {
    super(destination);
  }

  get downstream(): Observer<unknown> {
    return this.destination;
  }

  private get active(): boolean {
    return this.inner !== undefined;
  }

  override unsubscribe(): void {
    if (this.closed) return;
    const inner = this.inner;
    this.inner = undefined;
    super.unsubscribe();
    if (inner instanceof SharedLatest) inner.leave(this);
    else inner?.unsubscribe();
  }

  protected override _next(value: In): void {
    if (this.active) (this.queue ??= []).push(value);
    else this.start(value);
  }

  /** The outer completion (`isStopped`, set by `Subscriber.complete`, then says it: no field of ours). */
  protected override _complete(): void {
    if (!this.active) this.finish();
  }

  /** A value of the joined share. */
  receive(value: unknown): void {
    this.destination.next(value);
  }

  /** The joined share failed (this subscriber is out of it already). */
  fail(err: unknown): void {
    this.inner = undefined;
    this.destination.error(err);
    this.unsubscribe();
  }

  /** The joined share completed. */
  done(): void {
    this.innerDone(this.inner);
  }

  /** Called by the inner run when it completes. */
  innerDone(inner: unknown): void {
    if (inner !== this.inner) return;
    this.inner = undefined;
    while (!this.active && !this.closed) {
      const queue = this.queue;
      if (queue === undefined || queue.length === 0) {
        if (this.isStopped) this.finish();
        return;
      }
      this.start(queue.shift() as In);
    }
  }

  private start(value: In): void {
    const downstream = this.destination;
    let inner$: Observable<unknown>;
    try {
      if (!this.handler.handles(value)) {
        downstream.next(value as unknown as Out);
        return;
      }
      if ((value as { type?: unknown }).type !== undefined) downstream.next(value as unknown as Out);
      // The consumer may have stopped on that very value (take(1), a throwing tap, an abort):
      // then the handler must not run, or e.g. Create Model would be sent for nobody.
      if (this.closed) return;
      inner$ = this.handler.handle(value);
    } catch (err) {
      downstream.error(err);
      this.unsubscribe();
      return;
    }
    if (inner$ instanceof SharedLatest) {
      this.inner = inner$;
      inner$.join(this);
      return;
    }
    const inner = new PassInner(this);
    this.inner = inner;
    inner$.subscribe(inner);
  }

  private finish(): void {
    this.destination.complete();
    this.unsubscribe();
  }
}

/** What an inner run needs from its parent. */
interface InnerParent {
  readonly downstream: Observer<unknown>;
  innerDone(inner: unknown): void;
  unsubscribe(): void;
}

/** The subscriber of one handled value's run: values and errors go downstream, completion back to the parent. */
class PassInner extends LeanSubscriber<unknown> {
  constructor(private readonly parent: InnerParent) {
    super();
  }

  protected override _next(value: unknown): void {
    this.parent.downstream.next(value);
  }

  protected override _error(err: unknown): void {
    const parent = this.parent;
    this.unsubscribe();
    parent.downstream.error(err);
    parent.unsubscribe();
  }

  protected override _complete(): void {
    this.unsubscribe();
    this.parent.innerDone(this);
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

/** @internal */
export function isRef(value: unknown): value is ExternalProcessRef {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === undefined &&
    typeof (value as { externalProcessId?: unknown }).externalProcessId === 'string'
  );
}
