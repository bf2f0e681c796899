/** Specs: the emulator's real training and its result archive. */
import { startEmulator, type Emulator } from '../../lib/emulator';
import { createModel, downloadResult, metricsOf, pollUntilDone, rowsOf, seattle, seattleBinary, upload } from './support';

const KEY = 'api-key';

async function train(emulator: Emulator, files: { learn: string; eval?: string; columnInfo?: string }, config: Record<string, unknown>) {
  const { external_process_id: id } = await upload(emulator, KEY, files);
  const created = await createModel(emulator, KEY, id, config);
  expect(created.status).toBe(200);
  const { last } = await pollUntilDone(emulator, KEY, id);
  expect(last).toMatchObject({ status: 'finished' });
  return { files: await downloadResult(String(last.result_url)) };
}

describe('real training and the result zip', () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, trainingDelayMs: 0, apiKeys: [KEY] });
  });
  afterAll(() => emulator.close());

  it('should train multi-class on the whole Seattle data set (accuracy > 0.6)', async () => {
    const { files } = await train(emulator, { learn: seattle() }, { tc: 'weather', tt: 'multi_classification' });
    expect(Object.keys(files).sort()).toEqual(['analysis_summary.csv', 'confusion_matrix.csv', 'evaluation_raw_data.csv', 'metrics.csv']);
    const metrics = metricsOf(files['metrics.csv']);
    expect(Object.keys(metrics)).toEqual(['accuracy', 'log_loss', 'precision_macro', 'recall_macro', 'f1_macro']);
    expect(metrics.accuracy).toBeGreaterThan(0.6);
    expect(metrics.log_loss).toBeLessThan(1);

    const classes = ['drizzle', 'fog', 'rain', 'snow', 'sun'];
    const confusion = rowsOf(files['confusion_matrix.csv']);
    expect(files['confusion_matrix.csv'].split('\n')[0]).toBe(`actual\\predicted,${classes.join(',')}`);
    expect(confusion.map((r) => r['actual\\predicted'])).toEqual(classes);
    const total = confusion.reduce((s, r) => s + classes.reduce((t, c) => t + Number(r[c]), 0), 0);
    expect(total).toBe(1461); // 5-fold CV: every row is predicted once, out of fold

    const evaluation = rowsOf(files['evaluation_raw_data.csv']);
    expect(evaluation).toHaveLength(1461);
    expect(Object.keys(evaluation[0])).toEqual([
      'date',
      'precipitation',
      'temp_max',
      'temp_min',
      'wind',
      'weather',
      'actual',
      'predicted',
      ...classes.map((c) => `probability_${c}`),
    ]);
    expect(evaluation[0].actual).toBe(evaluation[0].weather);
    const p = classes.reduce((s, c) => s + Number(evaluation[0][`probability_${c}`]), 0);
    expect(p).toBeCloseTo(1, 4);

    const importance = rowsOf(files['analysis_summary.csv']);
    expect(importance.map((r) => r.column_name).sort()).toEqual(['date', 'precipitation', 'temp_max', 'temp_min', 'wind']);
    expect(importance[0].column_name).toBe('precipitation');
    const values = importance.map((r) => Number(r.contribution));
    expect([...values].sort((a, b) => b - a)).toEqual(values);
  });

  it('should train binary classification with auc, precision, recall and f1 of tv', async () => {
    const { files } = await train(emulator, { learn: seattleBinary(300) }, { tc: 'rain', tt: 'binary_classification', tv: 'yes', cv: 3 });
    const metrics = metricsOf(files['metrics.csv']);
    expect(Object.keys(metrics)).toEqual(['accuracy', 'auc', 'log_loss', 'precision', 'recall', 'f1']);
    expect(metrics.auc).toBeGreaterThan(0.8);
    expect(metrics.accuracy).toBeGreaterThan(0.7);
    expect(files['confusion_matrix.csv'].split('\n')[0]).toBe('actual\\predicted,no,yes');
    expect(Object.keys(rowsOf(files['evaluation_raw_data.csv'])[0])).toEqual(expect.arrayContaining(['probability_no', 'probability_yes']));
  });

  it('should train regression (r2 > 0.5) with rmse, mae and r2, and no confusion matrix', async () => {
    const { files } = await train(emulator, { learn: seattle(300) }, { tc: 'temp_max', tt: 'regression', cv: 1 });
    expect(Object.keys(files).sort()).toEqual(['analysis_summary.csv', 'evaluation_raw_data.csv', 'metrics.csv']);
    const metrics = metricsOf(files['metrics.csv']);
    expect(Object.keys(metrics)).toEqual(['rmse', 'mae', 'r2']);
    expect(metrics.r2).toBeGreaterThan(0.5);
    expect(rowsOf(files['evaluation_raw_data.csv'])).toHaveLength(60); // 80/20 holdout of 300 rows
    expect(rowsOf(files['analysis_summary.csv'])[0].column_name).toBe('temp_min');
  });

  it('should respect the column info file (ignored columns are not features)', async () => {
    const { files } = await train(
      emulator,
      { learn: seattle(200), columnInfo: '\uFEFFcolumn_name,column_type\ndate,ignore\nwind,ignore\n' },
      { tc: 'temp_max', tt: 'regression', cv: 2 },
    );
    expect(
      rowsOf(files['analysis_summary.csv'])
        .map((r) => r.column_name)
        .sort(),
    ).toEqual(['precipitation', 'temp_min', 'weather']);
  });

  it('should train on all learn rows and evaluate on an uploaded evaluation CSV', async () => {
    const all = seattle(400).trim().split('\n');
    const learn = all.slice(0, 301).join('\n');
    const evaluation = [all[0], ...all.slice(301)].join('\n');
    const { files } = await train(emulator, { learn, eval: evaluation }, { tc: 'weather', tt: 'multi_classification', im: true });
    const rows = rowsOf(files['evaluation_raw_data.csv']);
    expect(rows).toHaveLength(100);
    expect(rows[0].date).toBe(all[301].split(',')[0]);
  });

  it('should train time-series regression with lag features and a time-ordered holdout', async () => {
    const { files } = await train(emulator, { learn: seattle() }, { tc: 'temp_max', tt: 'regression', tsm: true, tsc: 'date', tsf: 1, tst: 2, tsu: 'day' });
    const metrics = metricsOf(files['metrics.csv']);
    expect(metrics.r2).toBeGreaterThan(0.5);
    const importance = rowsOf(files['analysis_summary.csv']).map((r) => r.column_name);
    expect(importance).toEqual(expect.arrayContaining(['temp_max (t-2)', 'temp_max (t-3)', 'temp_max (t-4)', 'temp_min (t-2)', 'date']));
    expect(importance).not.toContain('temp_min'); // not known in the forecast window (tsin false)
    const evaluated = rowsOf(files['evaluation_raw_data.csv']);
    const dates = evaluated.map((r) => r.date);
    expect(dates).toEqual([...dates].sort());
    expect(dates[0] > '2014-12-01').toBe(true); // only the last 20% of time is held out
  });

  it('should train fewer trees when trainingTrees says so: the same files and metrics, another model', async () => {
    const fast = await startEmulator({ port: 0, trainingDelayMs: 0, apiKeys: [KEY], trainingTrees: 1 });
    try {
      const config = { tc: 'weather', tt: 'multi_classification', cv: 2 };
      const a = await train(emulator, { learn: seattle(150) }, config);
      const b = await train(fast, { learn: seattle(150) }, config);
      expect(Object.keys(b.files).sort()).toEqual(Object.keys(a.files).sort());
      expect(Object.keys(metricsOf(b.files['metrics.csv']))).toEqual(Object.keys(metricsOf(a.files['metrics.csv'])));
      // Another forest: other class probabilities.
      expect(b.files['evaluation_raw_data.csv']).not.toBe(a.files['evaluation_raw_data.csv']);
    } finally {
      await fast.close();
    }
  });

  it('should refuse a trainingTrees that is not a whole number of trees', async () => {
    for (const trainingTrees of [0, 1.5, -1]) await expect(startEmulator({ port: 0, trainingTrees })).rejects.toThrow(RangeError);
  });

  it('should give the same result twice for the same seed', async () => {
    const config = { tc: 'weather', tt: 'multi_classification', cv: 2 };
    const a = await train(emulator, { learn: seattle(150) }, config);
    const b = await train(emulator, { learn: seattle(150) }, config);
    expect(a.files['metrics.csv']).toBe(b.files['metrics.csv']);
  });
});
