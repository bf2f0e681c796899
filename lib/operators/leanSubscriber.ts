/**
 * A `Subscriber` that keeps its first plain finalizer in a field.
 *
 * @packageDocumentation
 */
import { Subscriber, Subscription, type TeardownLogic, type Unsubscribable } from 'rxjs';

/**
 * A `Subscriber` that keeps its first finalizer that is not a `Subscription` (the teardown an
 * Observable's subscribe function returns, e.g. a poller's state object) in a field instead of
 * RxJS's finalizer array, which `push` grows to 17 slots at once (about 150 bytes). The
 * subscribers of a status stream live as long as the training they watch, thousands at a
 * time (see docs/PERFORMANCE.md); everything else falls through to `Subscription.add`, and
 * unsubscribing runs the kept finalizer after RxJS's own, as a finalizer array would.
 *
 * @internal
 */
export class LeanSubscriber<T> extends Subscriber<T> {
  private kept: Unsubscribable | (() => void) | undefined;

  override add(teardown: TeardownLogic): void {
    if (this.kept === undefined && !this.closed && teardown && !(teardown instanceof Subscription)) {
      this.kept = teardown as Unsubscribable | (() => void);
      return;
    }
    super.add(teardown);
  }

  override remove(teardown: Exclude<TeardownLogic, void>): void {
    if (teardown === this.kept) this.kept = undefined;
    else super.remove(teardown);
  }

  override unsubscribe(): void {
    if (this.closed) return;
    const kept = this.kept;
    this.kept = undefined;
    let failure: unknown;
    try {
      super.unsubscribe();
    } catch (err) {
      failure = err;
    }
    if (kept !== undefined) {
      if (typeof kept === 'function') kept();
      else kept.unsubscribe();
    }
    if (failure !== undefined) throw failure;
  }
}
