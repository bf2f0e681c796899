import { VirtualTimeScheduler } from 'rxjs';
import { TimerQueue, type TimerEntry } from '../../lib/transport/timerQueue';

/** An entry that records when it rang, and can do something when it does. */
class Probe implements TimerEntry {
  dueAt = 0;
  seq = 0;
  slot = -1;
  constructor(
    readonly name: string,
    private readonly log: string[],
    private readonly scheduler: VirtualTimeScheduler,
    private readonly onRing: () => void = () => undefined,
  ) {}
  ring(): void {
    this.log.push(`${this.name}@${this.scheduler.now()}`);
    this.onRing();
  }
}

function setup() {
  const scheduler = new VirtualTimeScheduler();
  const timers = TimerQueue.of(scheduler);
  const log: string[] = [];
  const probe = (name: string, onRing?: () => void) => new Probe(name, log, scheduler, onRing);
  /** Scheduler actions still to run (an armed queue has exactly one; a rescheduled VirtualAction leaves an inactive copy behind). */
  const pending = () => scheduler.actions.filter((a) => !a.closed && (a as unknown as { active: boolean }).active).length;
  return { scheduler, timers, log, probe, pending };
}

describe('TimerQueue', () => {
  it('should be one queue per scheduler', () => {
    const scheduler = new VirtualTimeScheduler();
    expect(TimerQueue.of(scheduler)).toBe(TimerQueue.of(scheduler));
    expect(TimerQueue.of(new VirtualTimeScheduler())).not.toBe(TimerQueue.of(scheduler));
  });

  it('should ring each entry at its time, first come first served at equal times, with one scheduler action', () => {
    const { scheduler, timers, log, probe, pending } = setup();
    timers.add(probe('c'), 30);
    timers.add(probe('a'), 10);
    timers.add(probe('b1'), 20);
    timers.add(probe('b2'), 20);
    expect(pending()).toBe(1);
    scheduler.flush();
    expect(log).toEqual(['a@10', 'b1@20', 'b2@20', 'c@30']);
    expect(timers.size).toBe(0);
    expect(pending()).toBe(0);
  });

  it('should forget a removed entry and stop its timer with the last one', () => {
    const { scheduler, timers, log, probe, pending } = setup();
    const a = probe('a');
    const b = probe('b');
    timers.add(a, 10);
    timers.add(b, 20);
    timers.remove(a);
    timers.remove(a);
    expect(a.slot).toBe(-1);
    expect(timers.size).toBe(1);
    timers.remove(b);
    expect(timers.size).toBe(0);
    expect(pending()).toBe(0);
    scheduler.flush();
    expect(log).toEqual([]);
  });

  it('should move an entry added again to its new time', () => {
    const { scheduler, timers, log, probe } = setup();
    const a = probe('a');
    timers.add(a, 50);
    timers.add(probe('b'), 20);
    timers.add(a, 10);
    scheduler.flush();
    expect(log).toEqual(['a@10', 'b@20']);
  });

  it('should ring an entry re-added during a round in a later round, never in the same one', () => {
    const { scheduler, timers, log, probe } = setup();
    let rounds = 0;
    const again: Probe = probe('again', () => {
      if (++rounds < 3) timers.add(again, 0);
    });
    timers.add(again, 5);
    timers.add(probe('other'), 5);
    scheduler.flush();
    expect(log).toEqual(['again@5', 'other@5', 'again@5', 'again@5']);
  });

  it('should keep ringing the others when one entry throws, and rethrow its error', () => {
    const { scheduler, timers, log, probe } = setup();
    timers.add(
      probe('bad', () => {
        throw new Error('boom');
      }),
      10,
    );
    timers.add(probe('good'), 10);
    timers.add(probe('later'), 20);
    expect(() => scheduler.flush()).toThrow('boom');
    expect(log).toEqual(['bad@10', 'good@10']);
    // A VirtualTimeScheduler cancels every queued action when a flush fails (the queue's too):
    // the next add arms the queue again, and what was waiting rings.
    timers.add(probe('new'), 30);
    scheduler.flush();
    expect(log).toEqual(['bad@10', 'good@10', 'later@20', 'new@40']);
  });

  it('should ring thousands of entries in time order whatever the order of adds and removes', () => {
    const { scheduler, timers, log, probe } = setup();
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const entries = Array.from({ length: 3000 }, (_, i) => probe(`e${i}`));
    const due = new Map<string, number>();
    for (const e of entries) {
      const delay = Math.floor(random() * 1000);
      timers.add(e, delay);
      due.set(e.name, delay);
    }
    const removed = new Set<string>();
    for (const e of entries) {
      if (random() < 0.4) {
        timers.remove(e);
        removed.add(e.name);
      }
    }
    scheduler.flush();
    expect(log).toHaveLength(entries.length - removed.size);
    const times = log.map((l) => Number(l.split('@')[1]));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    for (const l of log) {
      const [name, at] = l.split('@');
      expect(removed.has(name)).toBe(false);
      expect(Number(at)).toBe(due.get(name));
    }
  });
});
