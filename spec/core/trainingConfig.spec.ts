/** Specs: validation of the Create Model config. */
import { assertTrainingConfig, trainingConfigIssues } from '../../lib/core/trainingConfig';
import { booleanValue, integerValue } from '../../lib/core/configValues';
import { ValidationError } from '../../lib/core/errors';

describe('trainingConfigIssues', () => {
  it('should accept each documented task shape', () => {
    expect(trainingConfigIssues({ tt: 'binary_classification', tc: 'y', tv: 'yes', cv: 5, im: true })).toEqual([]);
    expect(trainingConfigIssues({ tt: 'multi_classification', tc: 'y', cv: -1 })).toEqual([]);
    expect(trainingConfigIssues({ tt: 'regression', tc: 'y', cv: 1 })).toEqual([]);
    expect(
      trainingConfigIssues({ tt: 'regression', tc: 'y', tsm: true, tsc: 'date', tsf: 1, tst: 7, tsu: 'day', tss: 'shop', tsin: true, tsine: ['price'] }),
    ).toEqual([]);
  });

  it.each([
    [{ tt: 'binary_classification', tc: 'y' }, 'tv is required for binary_classification'],
    [{ tt: 'clustering', tc: 'y' }, 'tt must be one of binary_classification, multi_classification, regression, got "clustering"'],
    [{ tt: 'regression' }, 'tc (target column) is required'],
    [{ tt: 'regression', tc: 'y', cv: 2.5 }, 'cv must be an integer: 0 (auto), -1, 1 or k >= 2'],
    [{ tt: 'regression', tc: 'y', im: true }, 'im is a boolean, for classification only'],
    [{ tt: 'multi_classification', tc: 'y', tv: 'a' }, 'tv is only for binary_classification'],
    [{ tt: 'multi_classification', tc: 'y', tsm: true, tsc: 'd', tsf: 1, tst: 2 }, 'tsm (time-series mode) is for regression only'],
    [{ tt: 'regression', tc: 'y', tsm: true, tsf: 1, tst: 2 }, 'tsc (time column) is required with tsm'],
    [{ tt: 'regression', tc: 'y', tsm: true, tsc: 'd', tsf: 3, tst: 2 }, 'tst must be an integer >= tsf'],
    [{ tt: 'regression', tc: 'y', tsm: true, tsc: 'd', tsf: 0, tst: 2 }, 'tsf must be an integer >= 1'],
    [{ tt: 'regression', tc: 'y', tsm: true, tsc: 'd', tsf: 1, tst: 2, tsu: 'week' }, 'tsu must be one of year, month, day, hour, minute, eom'],
    [{ tt: 'regression', tc: 'y', tsc: 'd' }, 'tsc need tsm: true'],
  ])('should reject %j', (config, issue) => {
    expect(trainingConfigIssues(config)).toContain(issue);
  });

  it('should throw a ValidationError listing every issue', () => {
    expect(() => assertTrainingConfig({ tt: 'x' })).toThrow(ValidationError);
    expect(() => assertTrainingConfig(null)).toThrow('config must be an object');
  });
});

describe('config values as the vendor examples send them', () => {
  it('should accept the Train page\'s body, cv "2" included, and leave it as written', () => {
    const config = { tc: 'プレミアムサービス(予測対象)', tt: 'binary_classification', tv: '購入あり', cv: '2' };
    const copy = { ...config };
    expect(trainingConfigIssues(config)).toEqual([]);
    expect(() => assertTrainingConfig(config)).not.toThrow();
    expect(config).toEqual(copy);
  });

  it('should accept boolean and integer strings everywhere the page documents a boolean or an integer', () => {
    const ts = { tt: 'regression', tc: 'y', tsm: 'true', tsc: 'd', tsf: '1', tst: '3', tsi: '0', tsin: 'False', cv: '-1' };
    expect(trainingConfigIssues(ts)).toEqual([]);
    expect(trainingConfigIssues({ tt: 'multi_classification', tc: 'y', im: 'true' })).toEqual([]);
  });

  it.each([
    [{ tt: 'regression', tc: 'y', cv: 'two' }, 'cv must be an integer: 0 (auto), -1, 1 or k >= 2'],
    [{ tt: 'regression', tc: 'y', cv: '2.5' }, 'cv must be an integer: 0 (auto), -1, 1 or k >= 2'],
    [{ tt: 'multi_classification', tc: 'y', im: 'yes' }, 'im is a boolean, for classification only'],
    [{ tt: 'regression', tc: 'y', tsm: 'maybe' }, 'tsm must be a boolean'],
  ])('should still reject strings that are not integers or booleans: %j', (config, issue) => {
    expect(trainingConfigIssues(config)).toContain(issue);
    expect(() => assertTrainingConfig(config)).toThrow(ValidationError);
  });

  it('should read integer and boolean strings strictly', () => {
    expect([integerValue('2'), integerValue(' -1 '), integerValue(3), integerValue('2.0'), integerValue(''), integerValue(true)]).toEqual([
      2,
      -1,
      3,
      undefined,
      undefined,
      undefined,
    ]);
    expect([booleanValue('true'), booleanValue('False'), booleanValue(false), booleanValue('yes'), booleanValue(1)]).toEqual([
      true,
      false,
      false,
      undefined,
      undefined,
    ]);
  });
});
