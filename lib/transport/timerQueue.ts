/**
 * One timer for every poll, deadline and request timeout waiting on a scheduler.
 *
 * @packageDocumentation
 */
import type { SchedulerAction, SchedulerLike, Subscription } from 'rxjs';

/**
 * Something the {@link TimerQueue} wakes at a time: a poll loop's next poll, a run's deadline,
 * a request's timeout. The queue owns the three fields while the entry waits.
 *
 * @internal
 */
export interface TimerEntry {
  /** When to ring, on the scheduler's clock. */
  dueAt: number;
  /** Arrival order, so entries due at the same time ring first come, first served. */
  seq: number;
  /** Position in the queue, `-1` when not waiting. */
  slot: number;
  ring(): void;
}

const queues = new WeakMap<SchedulerLike, TimerQueue>();

/**
 * A priority queue of {@link TimerEntry} (a binary heap on `dueAt`, then `seq`) with one
 * scheduler action, armed for the earliest entry. Thousands of trainings in flight each wait
 * for their next poll and for their deadline: a scheduler action per wait costs an
 * `AsyncAction`, its bound callback and a Node `Timeout` (about 300 bytes), an entry here one
 * slot. The action is cancelled when the queue empties, so an idle queue keeps no timer (a
 * process with nothing to poll can exit).
 *
 * Timing is the scheduler's, so marble tests see every entry ring at its exact frame.
 *
 * @internal
 */
export class TimerQueue {
  private readonly queue: TimerEntry[] = [];
  private action: (Subscription & Partial<SchedulerAction<TimerQueue>>) | undefined;
  /** When the action rings, `Infinity` when it is not armed. */
  private armedFor = Number.POSITIVE_INFINITY;
  private nextSeq = 0;

  private constructor(private readonly scheduler: SchedulerLike) {}

  /** The queue of `scheduler` (one per scheduler). */
  static of(scheduler: SchedulerLike): TimerQueue {
    let queue = queues.get(scheduler);
    if (queue === undefined) queues.set(scheduler, (queue = new TimerQueue(scheduler)));
    return queue;
  }

  /** How many entries wait (for tests and diagnostics). */
  get size(): number {
    return this.queue.length;
  }

  /** Rings `entry` in `delayMs` (replacing its earlier time if it was waiting). */
  add(entry: TimerEntry, delayMs: number): void {
    if (entry.slot >= 0) this.remove(entry);
    entry.dueAt = this.scheduler.now() + Math.max(0, delayMs);
    entry.seq = this.nextSeq++;
    entry.slot = this.queue.length;
    this.queue.push(entry);
    this.up(entry.slot);
    // Re-armed also when the action was cancelled from outside (a scheduler that failed a flush
    // cancels what it had queued).
    if (entry.dueAt < this.armedFor || this.action === undefined || this.action.closed) this.arm();
  }

  /** Forgets `entry` if it waits; the timer stops with the last entry. */
  remove(entry: TimerEntry): void {
    const slot = entry.slot;
    if (slot < 0 || this.queue[slot] !== entry) return;
    entry.slot = -1;
    const last = this.queue.pop() as TimerEntry;
    if (slot < this.queue.length) {
      this.queue[slot] = last;
      last.slot = slot;
      this.down(slot);
      this.up(last.slot);
    }
    if (this.queue.length === 0) this.disarm();
  }

  /** Rings every entry due now (those added while ringing wait for the next round), then re-arms. */
  fire(): void {
    this.armedFor = Number.POSITIVE_INFINITY;
    const now = this.scheduler.now();
    const lastSeq = this.nextSeq;
    const queue = this.queue;
    let failure: { err: unknown } | undefined;
    while (queue.length > 0 && queue[0].dueAt <= now && queue[0].seq < lastSeq) {
      const entry = queue[0];
      this.remove(entry);
      try {
        entry.ring();
      } catch (err) {
        // One entry's failure must not stop the others; it is rethrown after the round.
        failure ??= { err };
      }
    }
    if (queue.length > 0) this.arm();
    else this.disarm();
    // Thrown from a scheduler action of its own: thrown from this one, it would cancel the
    // action the queue just re-armed, and every waiting entry with it.
    if (failure) this.scheduler.schedule(rethrow, 0, failure.err);
  }

  private arm(): void {
    const dueAt = this.queue[0].dueAt;
    this.armedFor = dueAt;
    const delay = Math.max(0, dueAt - this.scheduler.now());
    const action = this.action;
    // Reuse the action (an AsyncAction reschedules itself; a VirtualAction
    // returns a fresh one, which is why the result is kept).
    this.action =
      action && !action.closed && typeof action.schedule === 'function'
        ? action.schedule(this, delay)
        : this.scheduler.schedule<TimerQueue>(ringQueue, delay, this);
  }

  private disarm(): void {
    this.armedFor = Number.POSITIVE_INFINITY;
    this.action?.unsubscribe();
    this.action = undefined;
  }

  private before(a: TimerEntry, b: TimerEntry): boolean {
    return a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.seq < b.seq);
  }

  private up(slot: number): void {
    const queue = this.queue;
    const entry = queue[slot];
    while (slot > 0) {
      const parent = (slot - 1) >> 1;
      if (!this.before(entry, queue[parent])) break;
      queue[slot] = queue[parent];
      queue[slot].slot = slot;
      slot = parent;
    }
    queue[slot] = entry;
    entry.slot = slot;
  }

  private down(slot: number): void {
    const queue = this.queue;
    const entry = queue[slot];
    const n = queue.length;
    for (;;) {
      let child = 2 * slot + 1;
      if (child >= n) break;
      if (child + 1 < n && this.before(queue[child + 1], queue[child])) child++;
      if (!this.before(queue[child], entry)) break;
      queue[slot] = queue[child];
      queue[slot].slot = slot;
      slot = child;
    }
    queue[slot] = entry;
    entry.slot = slot;
  }
}

function rethrow(this: SchedulerAction<unknown>, err?: unknown): void {
  throw err;
}

function ringQueue(this: SchedulerAction<TimerQueue>, queue?: TimerQueue): void {
  queue?.fire();
}
