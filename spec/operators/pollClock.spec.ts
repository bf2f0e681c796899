import { VirtualTimeScheduler } from 'rxjs';
import { PollClock, type ClockEntry } from '../../lib/operators/pollClock';

/** An entry that records when it rang, and can do something when it does. */
class Probe implements ClockEntry {
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
  const clock = PollClock.of(scheduler);
  const log: string[] = [];
  const probe = (name: string, onRing?: () => void) => new Probe(name, log, scheduler, onRing);
  /** Scheduler actions still to run (an armed clock has exactly one; a rescheduled VirtualAction leaves an inactive copy behind). */
  const pending = () => scheduler.actions.filter((a) => !a.closed && (a as unknown as { active: boolean }).active).length;
  return { scheduler, clock, log, probe, pending };
}

describe('PollClock', () => {
  it('should be one clock per scheduler', () => {
    const scheduler = new VirtualTimeScheduler();
    expect(PollClock.of(scheduler)).toBe(PollClock.of(scheduler));
    expect(PollClock.of(new VirtualTimeScheduler())).not.toBe(PollClock.of(scheduler));
  });

  it('should ring each entry at its time, first come first served at equal times, with one scheduler action', () => {
    const { scheduler, clock, log, probe, pending } = setup();
    clock.add(probe('c'), 30);
    clock.add(probe('a'), 10);
    clock.add(probe('b1'), 20);
    clock.add(probe('b2'), 20);
    expect(pending()).toBe(1);
    scheduler.flush();
    expect(log).toEqual(['a@10', 'b1@20', 'b2@20', 'c@30']);
    expect(clock.size).toBe(0);
    expect(pending()).toBe(0);
  });

  it('should forget a removed entry and stop its timer with the last one', () => {
    const { scheduler, clock, log, probe, pending } = setup();
    const a = probe('a');
    const b = probe('b');
    clock.add(a, 10);
    clock.add(b, 20);
    clock.remove(a);
    clock.remove(a);
    expect(a.slot).toBe(-1);
    expect(clock.size).toBe(1);
    clock.remove(b);
    expect(clock.size).toBe(0);
    expect(pending()).toBe(0);
    scheduler.flush();
    expect(log).toEqual([]);
  });

  it('should move an entry added again to its new time', () => {
    const { scheduler, clock, log, probe } = setup();
    const a = probe('a');
    clock.add(a, 50);
    clock.add(probe('b'), 20);
    clock.add(a, 10);
    scheduler.flush();
    expect(log).toEqual(['a@10', 'b@20']);
  });

  it('should ring an entry re-added during a round in a later round, never in the same one', () => {
    const { scheduler, clock, log, probe } = setup();
    let rounds = 0;
    const again: Probe = probe('again', () => {
      if (++rounds < 3) clock.add(again, 0);
    });
    clock.add(again, 5);
    clock.add(probe('other'), 5);
    scheduler.flush();
    expect(log).toEqual(['again@5', 'other@5', 'again@5', 'again@5']);
  });

  it('should keep ringing the others when one entry throws, and rethrow its error', () => {
    const { scheduler, clock, log, probe } = setup();
    clock.add(
      probe('bad', () => {
        throw new Error('boom');
      }),
      10,
    );
    clock.add(probe('good'), 10);
    clock.add(probe('later'), 20);
    expect(() => scheduler.flush()).toThrow('boom');
    expect(log).toEqual(['bad@10', 'good@10']);
    // A VirtualTimeScheduler cancels every queued action when a flush fails (the clock's too):
    // the next add arms the clock again, and what was waiting rings.
    clock.add(probe('new'), 30);
    scheduler.flush();
    expect(log).toEqual(['bad@10', 'good@10', 'later@20', 'new@40']);
  });

  it('should ring thousands of entries in time order whatever the order of adds and removes', () => {
    const { scheduler, clock, log, probe } = setup();
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const entries = Array.from({ length: 3000 }, (_, i) => probe(`e${i}`));
    const due = new Map<string, number>();
    for (const e of entries) {
      const delay = Math.floor(random() * 1000);
      clock.add(e, delay);
      due.set(e.name, delay);
    }
    const removed = new Set<string>();
    for (const e of entries) {
      if (random() < 0.4) {
        clock.remove(e);
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
