/** Specs: headlineMetric. */
import { headlineMetric } from '../../lib/data';

const m = (name: string, value: number) => ({ name, value, raw: String(value) });

describe('headlineMetric', () => {
  it('should pick accuracy for a classification, whatever line it is on', () => {
    expect(headlineMetric([m('auc', 0.9), m('accuracy', 0.8)])?.name).toBe('accuracy');
  });

  it('should pick r2 for a regression, not the first line (rmse)', () => {
    expect(headlineMetric([m('rmse', 3.2), m('mae', 2.1), m('r2', 0.71)])?.name).toBe('r2');
  });

  it('should fall back to the first line, and to undefined without metrics', () => {
    expect(headlineMetric([m('mape', 0.1), m('rmse', 2)])?.name).toBe('mape');
    expect(headlineMetric([])).toBeUndefined();
  });
});
