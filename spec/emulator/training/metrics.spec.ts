/** Specs: the emulator's training metrics and folds. */
import { classificationMetrics, confusionMatrix, regressionMetrics, rocAuc } from '../../../lib/emulator/training/metrics';
import { planEvaluation, oversample } from '../../../lib/emulator/training/crossValidation';
import { parseCsv } from '../../../lib/emulator/csv';
import { inferColumnType, parseDate } from '../../../lib/emulator/dataTypes';

describe('training metrics', () => {
  it('should compute ROC AUC with ties sharing their rank', () => {
    expect(rocAuc([false, true], [0.1, 0.9])).toBe(1);
    expect(rocAuc([true, false], [0.1, 0.9])).toBe(0);
    expect(rocAuc([true, false], [0.5, 0.5])).toBe(0.5);
    expect(rocAuc([true, true], [0.5, 0.6])).toBeNaN();
  });

  it('should compute binary metrics for the positive class', () => {
    const m = Object.fromEntries(
      classificationMetrics(
        [0, 1, 1, 0],
        [0, 1, 0, 1],
        [
          [0.9, 0.1],
          [0.2, 0.8],
          [0.6, 0.4],
          [0.3, 0.7],
        ],
        2,
        1,
      ),
    );
    expect(m).toEqual({ accuracy: 0.5, auc: 0.75, log_loss: expect.any(Number), precision: 0.5, recall: 0.5, f1: 0.5 });
    expect(m.log_loss).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8) + Math.log(0.4) + Math.log(0.3)) / 4, 10);
  });

  it('should macro-average multi-class precision, recall and f1', () => {
    const m = Object.fromEntries(
      classificationMetrics(
        [0, 1, 2],
        [0, 1, 1],
        [
          [1, 0, 0],
          [0, 1, 0],
          [0, 1, 0],
        ],
        3,
      ),
    );
    expect(m.precision_macro).toBeCloseTo((1 + 0.5 + 0) / 3);
    expect(m.recall_macro).toBeCloseTo((1 + 1 + 0) / 3);
  });

  it('should compute rmse, mae and r2, and a confusion matrix', () => {
    expect(regressionMetrics([1, 2, 3], [1, 2, 5])).toEqual([
      ['rmse', Math.sqrt(4 / 3)],
      ['mae', 2 / 3],
      ['r2', 1 - 4 / 2],
    ]);
    expect(confusionMatrix([0, 0, 1], [0, 1, 1], 2)).toEqual([
      [1, 1],
      [0, 1],
    ]);
  });
});

describe('evaluation plans', () => {
  it('should follow cv: 0 auto, -1 auto k, 1 holdout, k folds', () => {
    expect(planEvaluation(100, 0, 1).scheme).toBe('5-fold cross-validation');
    expect(planEvaluation(10_001, 0, 1).scheme).toBe('holdout 80/20');
    expect(planEvaluation(3, -1, 1).splits).toHaveLength(3);
    expect(planEvaluation(100, 1, 1).splits[0].test).toHaveLength(20);
    const folds = planEvaluation(10, 3, 1).splits;
    expect(folds).toHaveLength(3);
    expect(folds.flatMap((s) => s.test).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('should stratify folds so each fold holds each class', () => {
    const labels = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1];
    for (const split of planEvaluation(10, 2, 7, labels).splits) expect(split.test.filter((i) => labels[i] === 1)).toHaveLength(1);
  });

  it('should oversample minority classes up to the majority', () => {
    const labels = [0, 0, 0, 1];
    const out = oversample([0, 1, 2, 3], labels, 1);
    expect(out.filter((i) => labels[i] === 1)).toHaveLength(3);
  });
});

describe('CSV and types', () => {
  it('should strip a BOM, pad ragged rows and skip blank lines', () => {
    expect(parseCsv(Buffer.from('\uFEFFa, b\r\n1\r\n\r\n"x,y",2\r\n'))).toEqual({
      columns: ['a', 'b'],
      rows: [
        ['1', ''],
        ['x,y', '2'],
      ],
    });
  });

  it('should infer types and read dates as UTC', () => {
    expect(inferColumnType(['1', '', '3'])).toBe('integer');
    expect(inferColumnType(['1.5', '2'])).toBe('float');
    expect(inferColumnType(['2020/01/02 10:00', '2020-01-03'])).toBe('date');
    expect(inferColumnType(['a', '1'])).toBe('string');
    expect(parseDate('2012-01-02')).toBe(Date.UTC(2012, 0, 2));
    expect(parseDate('2012-13-02')).toBeUndefined();
  });
});
