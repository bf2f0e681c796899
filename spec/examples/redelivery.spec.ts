/** Specs: the redelivery recipe of docs/EVENT_PROCESSORS.md. */
import { lastValueFrom, toArray, concatMap, from } from 'rxjs';
import { trainModel$ } from '../../lib';
import { trainEachFrom$, type JobRecord, type JobStage, type KeyedTrainingJob } from '../../lib/engine';
import { seattleWeather, useEmulator } from '../helpers/emulator';

const CREATE = 'POST /v1/external/models';
const PUT = 'PUT /storage/upload';

// docs/EVENT_PROCESSORS.md, "Redelivery after a crash": the recipe's code, run for real.
describe('EVENT_PROCESSORS.md redelivery recipe', () => {
  const { emulator, client } = useEmulator();
  beforeEach(() => emulator().clearLog());
  const job: KeyedTrainingJob = { key: 'w', name: 'w', data: { train: seattleWeather(60) }, config: { tt: 'multi_classification', tc: 'weather', cv: 1 } };

  it.each<JobStage>(['uploaded', 'creating', 'training'])(
    'a message redelivered after a crash once %s was durable is followed to its end: one upload, one Create Model',
    async (crashAt) => {
      const records = new Map<string, JobRecord>();
      const put = async (record: JobRecord) => void records.set(record.key, record);
      // First delivery: the process dies right after the record reached `crashAt` (it is durable).
      const crash = new Error('crash');
      await expect(
        lastValueFrom(
          trainModel$(client(), job, {
            onRecord: async (record) => {
              await put(record);
              if (record.stage === crashAt) throw crash;
            },
          }),
        ),
      ).rejects.toBe(crash);
      expect(records.get('w')?.stage).toBe(crashAt);
      const createsBefore = emulator().count(CREATE);

      // Redelivery: the recipe's `run`, resuming from the saved record.
      const acked: string[] = [];
      const events = await lastValueFrom(
        trainEachFrom$(client(), [job], {
          run: (c, j) =>
            from(Promise.resolve(records.get(j.name))).pipe(
              concatMap((saved) =>
                trainModel$(c, j, { resume: saved, onRecord: put, saveResult: async (_result, record) => ({ resultDir: `results/${record.key}` }) }),
              ),
            ),
          onResult: async (_result, j) => void acked.push(j.key),
        }).pipe(toArray()),
      );
      expect(events.filter((e) => e.type !== 'progress').map((e) => e.type)).toEqual(['succeeded']);
      expect(acked).toEqual(['w']);
      expect(records.get('w')).toMatchObject({ stage: 'downloaded', resultDir: 'results/w' });
      expect(emulator().count(PUT)).toBe(2); // the training and column files, once
      expect(emulator().count(CREATE)).toBe(1);
      expect(createsBefore).toBe(crashAt === 'training' ? 1 : 0);
    },
  );
});
