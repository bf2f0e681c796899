/** Specs: trainModel$ through the emulator. */
import { lastValueFrom, toArray } from 'rxjs';
import { trainModel$, type CompletedEvent, type TrainingEvent } from '../../lib';
import { seattleRain, seattleWeather, useEmulator } from '../helpers/emulator';

function completed(events: TrainingEvent[]): CompletedEvent {
  const last = events[events.length - 1];
  if (last.type !== 'completed') throw new Error(`pipeline ended with ${last.type}`);
  return last;
}

function metric(result: CompletedEvent['result'], name: string): number {
  const found = result.metrics.find((m) => m.name === name);
  if (typeof found?.value !== 'number') throw new Error(`no numeric metric ${name} in ${JSON.stringify(result.metrics)}`);
  return found.value;
}

describe('trainModel$ through the emulator', () => {
  const { emulator, client } = useEmulator();

  it('should train a multi-class model end to end and stream every stage', async () => {
    const events = await lastValueFrom(
      trainModel$(client(), {
        data: { train: seattleWeather(400) },
        name: 'weather',
        config: { tt: 'multi_classification', tc: 'weather', cv: 3 },
      }).pipe(toArray()),
    );
    const types = events.map((e) => e.type);
    expect(types.indexOf('uploaded')).toBeLessThan(types.indexOf('queued'));
    expect(types.indexOf('queued')).toBeLessThan(types.indexOf('status'));
    expect(types[types.length - 1]).toBe('completed');
    const statuses = events.flatMap((e) => (e.type === 'status' ? [e.status] : []));
    expect(statuses[statuses.length - 1]).toBe('finished');
    expect(new Set(statuses).size).toBe(statuses.length);

    const { result, externalProcessId } = completed(events);
    expect(Object.keys(result.files).sort()).toEqual(['analysis_summary.csv', 'confusion_matrix.csv', 'evaluation_raw_data.csv', 'metrics.csv'].sort());
    expect(metric(result, 'accuracy')).toBeGreaterThan(0.5);
    expect(metric(result, 'accuracy')).toBeLessThanOrEqual(1);
    expect(result.contributions.map((c) => c.column)).toContain('precipitation');
    expect(emulator().job(externalProcessId as string)?.modelsCreated).toBe(1);
  });

  it('should train a binary model with AUC', async () => {
    const result = completed(
      await lastValueFrom(
        trainModel$(client(), {
          data: { train: seattleRain(400) },
          name: 'rain',
          config: { tt: 'binary_classification', tc: 'rain', tv: 'yes' },
        }).pipe(toArray()),
      ),
    ).result;
    expect(metric(result, 'auc')).toBeGreaterThan(0.7);
    expect(metric(result, 'accuracy')).toBeGreaterThan(0.6);
  });

  it('should train a regression model with RMSE, MAE and R²', async () => {
    const result = completed(
      await lastValueFrom(
        trainModel$(client(), {
          data: {
            train: seattleWeather(400),
            columns: { date: 'ignore', precipitation: 'float', temp_max: 'float', temp_min: 'float', wind: 'float', weather: 'string' },
          },
          name: 'temp',
          config: { tt: 'regression', tc: 'temp_max' },
        }).pipe(toArray()),
      ),
    ).result;
    expect(metric(result, 'r2')).toBeGreaterThan(0.5);
    expect(metric(result, 'rmse')).toBeGreaterThan(0);
    expect(metric(result, 'mae')).toBeGreaterThan(0);
    expect(result.files['confusion_matrix.csv']).toBeUndefined();
  });
});
