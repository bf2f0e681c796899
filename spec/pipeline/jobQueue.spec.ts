/** Specs: the job queue. */
import { EventEmitter } from 'node:events';
import { lastValueFrom, of, Subject, toArray } from 'rxjs';
import { type TrainingEvent, type TrainingResult } from '../../lib';
import { createJobQueue, trainEachFrom$, type KeyedTrainingJob } from '../../lib/engine';

const result: TrainingResult = { files: {}, metrics: [], contributions: [] };
const job = (key: string): KeyedTrainingJob => ({ key, name: key, data: { train: '' }, config: { tt: 'regression', tc: 'y' } });
const tick = () => new Promise((r) => setImmediate(r));

/** A push source with flow control, like a message-queue consumer. */
class Producer extends EventEmitter {
  paused = false;
  maxQueued = 0;
  pause() {
    this.paused = true;
  }
  resume() {
    this.paused = false;
    this.emit('resumed');
  }
}

describe('createJobQueue', () => {
  it('should pause an EventEmitter source at the high-water mark and resume it as jobs drain', async () => {
    const producer = new Producer();
    const queue = createJobQueue<KeyedTrainingJob>({ highWaterMark: 4, pause: () => producer.pause(), resume: () => producer.resume() });
    producer.on('job', (j: KeyedTrainingJob) => {
      queue.push(j);
      producer.maxQueued = Math.max(producer.maxQueued, queue.size);
    });
    const running: Subject<TrainingEvent>[] = [];
    let finished = 0;
    const finishOldest = () => {
      const next = running[finished];
      if (!next) return;
      finished++;
      next.next({ type: 'completed', result });
      next.complete();
    };
    const acked: string[] = [];
    const written = new Set<string>();
    const done = lastValueFrom(
      trainEachFrom$(undefined as never, queue, {
        concurrency: 2,
        run: () => {
          const s = new Subject<TrainingEvent>();
          running.push(s);
          return s;
        },
        onResult: async (_, j) => {
          written.add(String(j.key));
          await tick();
          acked.push(String(j.key)); // acknowledged after the (simulated) write
        },
      }).pipe(toArray()),
    );
    // The producer sends 20 jobs, waiting whenever it is told to pause.
    for (let i = 0; i < 20; i++) {
      while (producer.paused) {
        // finish the oldest running job so the queue drains
        finishOldest();
        await tick();
      }
      producer.emit('job', job(String(i)));
      await tick();
    }
    queue.end();
    while (acked.length < 20) {
      finishOldest();
      await tick();
    }
    const events = await done;
    expect(producer.maxQueued).toBeLessThanOrEqual(4);
    expect(events.filter((e) => e.type === 'succeeded')).toHaveLength(20);
    expect(acked.every((k) => written.has(k))).toBe(true);
  });

  it('should keep every job pushed past the mark and end after the last one', async () => {
    const queue = createJobQueue<number>({ highWaterMark: 2 });
    expect([queue.push(1), queue.push(2), queue.push(3)]).toEqual([true, false, false]);
    queue.end();
    const seen: number[] = [];
    for await (const n of queue) seen.push(n);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('should end iteration with the source error', async () => {
    const queue = createJobQueue<number>();
    queue.fail(new Error('source broke'));
    await expect(lastValueFrom(trainEachFrom$(undefined as never, queue as never, { run: () => of() }))).rejects.toThrow('source broke');
  });
});
