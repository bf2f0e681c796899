/** Specs: NDJSON lines from a Node stream. */
import { Readable } from 'node:stream';
import { Subject } from 'rxjs';
import { type TrainingEvent } from '../../lib';
import { trainEachFrom$, type KeyedTrainingJob } from '../../lib/engine';
import { ndjsonLines } from '../../lib/node';

describe('ndjsonLines', () => {
  it('should parse lines split across chunks, skip blank lines, and read a last line without newline', async () => {
    const chunks = ['{"a":', '1}\n\n{"b"', ':2}\r\n', '{"c":3}'];
    const values: unknown[] = [];
    for await (const v of ndjsonLines(Readable.from(chunks))) values.push(v);
    expect(values).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
  });

  it('should leave a Readable source paused while the trainings are at their limit', async () => {
    let produced = 0;
    function* lines() {
      for (let i = 0; i < 1000; i++) {
        produced++;
        yield `${JSON.stringify({ key: String(i) })}\n`;
      }
    }
    const source = Readable.from(lines(), { highWaterMark: 4 });
    async function* jobs() {
      for await (const v of ndjsonLines(source))
        yield { ...(v as { key: string }), name: 'x', data: { train: '' }, config: { tt: 'regression', tc: 'y' } } as KeyedTrainingJob;
    }
    const subscription = trainEachFrom$(undefined as never, jobs(), { concurrency: 3, run: () => new Subject<TrainingEvent>() }).subscribe();
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    subscription.unsubscribe();
    // 3 running jobs, plus what the stream buffers (its highWaterMark) and one in hand.
    expect(produced).toBeLessThanOrEqual(3 + 4 + 2);
    expect(source.isPaused() || source.readableFlowing !== true).toBe(true);
  });
});
