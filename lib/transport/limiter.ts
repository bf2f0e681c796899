/** A client-wide gate on requests: how many at once and how many per second. */
/**
 * A client-wide gate for requests: at most `maxInFlight` at once and at most
 * `maxPerSecond` started per second (token bucket). Waiting requests start in arrival order.
 *
 * @packageDocumentation
 */
import { Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { RequestLimits } from '../core/requestLimits';
export type { RequestLimits };

interface Waiter {
  start: () => void;
  cancelled: boolean;
}

/** @internal */
export class RequestLimiter {
  private inFlight = 0;
  private tokens: number;
  private lastRefill: number;
  private readonly queue: Waiter[] = [];
  private head = 0;
  private wakeUp?: Subscription;

  constructor(
    private readonly limits: RequestLimits,
    private readonly scheduler: SchedulerLike,
  ) {
    this.tokens = limits.maxPerSecond ?? Number.POSITIVE_INFINITY;
    this.lastRefill = scheduler.now();
  }

  /** Whether the gate does anything; when not, requests skip it entirely. */
  get active(): boolean {
    return this.limits.maxInFlight !== undefined || this.limits.maxPerSecond !== undefined;
  }

  /** Subscribes to `source` when a slot and a token are free; frees the slot when it ends. */
  run<T>(source: Observable<T>): Observable<T> {
    if (!this.active) return source;
    return new Observable<T>((subscriber) => {
      let inner: Subscription | undefined;
      let holding = false;
      const waiter: Waiter = {
        cancelled: false,
        start: () => {
          holding = true;
          inner = source.subscribe(subscriber);
          inner.add(() => this.release());
        },
      };
      this.queue.push(waiter);
      this.drain();
      return () => {
        waiter.cancelled = true;
        if (holding) inner?.unsubscribe();
      };
    });
  }

  private release(): void {
    this.inFlight--;
    this.drain();
  }

  private refill(): void {
    const rate = this.limits.maxPerSecond;
    if (rate === undefined) return;
    const now = this.scheduler.now();
    this.tokens = Math.min(rate, this.tokens + ((now - this.lastRefill) * rate) / 1000);
    this.lastRefill = now;
  }

  private drain(): void {
    const maxInFlight = this.limits.maxInFlight ?? Number.POSITIVE_INFINITY;
    this.refill();
    while (this.head < this.queue.length && this.inFlight < maxInFlight) {
      const waiter = this.queue[this.head];
      if (waiter.cancelled) {
        this.head++;
        continue;
      }
      if (this.tokens < 1) {
        this.scheduleWakeUp();
        break;
      }
      this.head++;
      this.tokens--;
      this.inFlight++;
      waiter.start();
    }
    // Compact now and then so a long run does not keep every finished waiter.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }

  private scheduleWakeUp(): void {
    if (this.wakeUp && !this.wakeUp.closed) return;
    const rate = this.limits.maxPerSecond ?? 1;
    const waitMs = Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / rate));
    this.wakeUp = this.scheduler.schedule(() => {
      this.wakeUp = undefined;
      this.drain();
    }, waitMs);
  }
}
