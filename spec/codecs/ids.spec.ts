/** Specs: branded id factories. */
import { isLeft, isRight } from 'fp-ts/Either';
import type { Decoder } from 'io-ts';
import { ClassifierId, DataSetId, ExternalProcessId, ModelId, RetrainJobId } from '../../lib/codecs/ids';
import { asClassifierId, asDataSetId, asExternalProcessId, asModelId, asRetrainJobId, StatusFailedError, TrainingFailedError } from '../../lib';
import { ClassifierFailedError, RetrainFailedError } from '../../lib/deploy';

describe('branded ids: one factory for text ids, one for integer ids', () => {
  it('should decode text ids from non-empty strings and numbers, integer ids from integers and integer strings', () => {
    for (const codec of [ExternalProcessId, RetrainJobId, ClassifierId]) {
      expect(codec.decode('a1')).toEqual({ _tag: 'Right', right: 'a1' });
      expect(codec.decode(42)).toEqual({ _tag: 'Right', right: '42' });
      expect(isLeft(codec.decode(''))).toBe(true);
      expect(isLeft(codec.decode(null))).toBe(true);
    }
    for (const codec of [ModelId, DataSetId] as readonly Decoder<unknown, number>[]) {
      expect(codec.decode(12)).toEqual({ _tag: 'Right', right: 12 });
      expect(codec.decode('12')).toEqual({ _tag: 'Right', right: 12 });
      expect(isLeft(codec.decode(1.5))).toBe(true);
      expect(isRight(codec.decode('7'))).toBe(true);
    }
  });

  it('should brand valid values and throw a TypeError naming the field for invalid ones', () => {
    expect(asExternalProcessId('x')).toBe('x');
    expect(asRetrainJobId('r')).toBe('r');
    expect(asClassifierId('c')).toBe('c');
    expect(asModelId(3)).toBe(3);
    expect(asDataSetId(4)).toBe(4);
    expect(() => asExternalProcessId('')).toThrow(new TypeError('externalProcessId must be a non-empty string, got ""'));
    expect(() => asClassifierId(undefined as unknown as string)).toThrow(/classifierId must be a non-empty string, got undefined/);
    expect(() => asModelId(1.5)).toThrow(new TypeError('modelId must be an integer, got 1.5'));
    expect(() => asDataSetId(Number.NaN)).toThrow(/dataSetId must be an integer/);
    expect(() => asRetrainJobId(7 as unknown as string)).toThrow(/retrainJobId/);
  });
});

describe('StatusFailedError: one base for the three failure statuses', () => {
  it('should let code handle a failed training, retraining or prediction API alike', () => {
    const errors = [
      new TrainingFailedError('t-1', 'failed'),
      new RetrainFailedError('r-1', 'job_failed', 'bad data'),
      new ClassifierFailedError('c-1', 'missing'),
    ];
    expect(errors.map((e) => e instanceof StatusFailedError && [e.name, e.resource, e.id, e.status])).toEqual([
      ['TrainingFailedError', 'training', 't-1', 'failed'],
      ['RetrainFailedError', 'retrainJob', 'r-1', 'job_failed'],
      ['ClassifierFailedError', 'classifier', 'c-1', 'missing'],
    ]);
    expect([errors[0].message, errors[1].message, errors[2].message]).toEqual([
      "Training t-1 ended with status 'failed'",
      "Retraining r-1 ended with status 'job_failed': bad data",
      'Classifier c-1 is not in the list of classifiers (deleted?)',
    ]);
    expect(errors.every((e) => !e.retryable)).toBe(true);
  });
});
