/** Specs: the shared rules of a training's life, tested once for every driver. */
import { ApiError, AuthError, TrainingStartUnknownError } from '../../lib/core/errors';
import { DEFAULT_POLL_OPTIONS, resolvePollOptions } from '../../lib/core/pollOptions';
import {
  backoffMs,
  createRecoveryWaitMs,
  deadlinePassed,
  isStatusChange,
  isUnknownTraining,
  mayResendCreate,
  pollWaitMs,
  statusClassOf,
} from '../../lib/core/trainingRules';

const apiError = (httpStatus: number, retryAfterMs?: number) => new ApiError({ httpStatus, method: 'GET', url: 'http://127.0.0.1/x', retryAfterMs });

describe('training rules', () => {
  it('classifies statuses: failure first, then terminal, else running', () => {
    expect(statusClassOf('finished', DEFAULT_POLL_OPTIONS)).toBe('done');
    expect(statusClassOf('failed', DEFAULT_POLL_OPTIONS)).toBe('failed');
    expect(statusClassOf('error', DEFAULT_POLL_OPTIONS)).toBe('failed');
    expect(statusClassOf('running', DEFAULT_POLL_OPTIONS)).toBe('running');
    const custom = resolvePollOptions(DEFAULT_POLL_OPTIONS, { terminalStatuses: ['finished', 'cancelled'], failureStatuses: ['cancelled'] });
    expect(statusClassOf('cancelled', custom)).toBe('failed');
  });

  it('reports a status only when it changes', () => {
    expect(isStatusChange(undefined, 'queued')).toBe(true);
    expect(isStatusChange('queued', 'queued')).toBe(false);
    expect(isStatusChange('queued', 'running')).toBe(true);
  });

  it('waits firstDelayMs before the first check, then the doubling schedule up to maxDelayMs', () => {
    const o = resolvePollOptions(DEFAULT_POLL_OPTIONS, { firstDelayMs: 7, minDelayMs: 100, multiplier: 2, maxDelayMs: 500, jitter: 'none' });
    expect([0, 1, 2, 3, 4, 5].map((n) => pollWaitMs(n, o))).toEqual([7, 100, 200, 400, 500, 500]);
  });

  it('ends a wait at maxWaitMs after its start, never with Infinity', () => {
    expect(deadlinePassed(1000, 1999, 1000)).toBe(false);
    expect(deadlinePassed(1000, 2000, 1000)).toBe(true);
    expect(deadlinePassed(0, Number.MAX_SAFE_INTEGER, Infinity)).toBe(false);
  });

  it('knows an unknown id: 400/404 that is not a key error', () => {
    expect(isUnknownTraining(apiError(404))).toBe(true);
    expect(isUnknownTraining(apiError(400))).toBe(true);
    expect(isUnknownTraining(apiError(500))).toBe(false);
    expect(isUnknownTraining(new AuthError({ httpStatus: 401, method: 'GET', url: 'http://127.0.0.1/x' }))).toBe(false);
    expect(isUnknownTraining(new Error('x'))).toBe(false);
  });

  it('backs off with full jitter, or the server Retry-After capped at maxDelayMs', () => {
    const retry = { baseDelayMs: 100, maxDelayMs: 1000, random: () => 0.5 };
    expect([1, 2, 3, 5].map((a) => backoffMs(a, undefined, retry))).toEqual([50, 100, 200, 500]);
    expect(backoffMs(1, 300, retry)).toBe(300);
    expect(backoffMs(1, 60_000, retry)).toBe(1000);
  });

  it('recovers an ambiguous Create Model at once when the service answered, else after the backoff', () => {
    const retry = { baseDelayMs: 100, maxDelayMs: 1000, random: () => 1 };
    expect(createRecoveryWaitMs(2, new TrainingStartUnknownError('p', apiError(500)), retry)).toBe(0);
    expect(createRecoveryWaitMs(2, new TrainingStartUnknownError('p', apiError(503, 700)), retry)).toBe(0);
    expect(createRecoveryWaitMs(2, new TrainingStartUnknownError('p', apiError(502)), retry)).toBe(200);
    expect(createRecoveryWaitMs(1, new TrainingStartUnknownError('p', apiError(504, 300)), retry)).toBe(300);
    expect(createRecoveryWaitMs(1, new TrainingStartUnknownError('p', new TypeError('reset')), retry)).toBe(100);
  });

  it('resends Create Model only within retry.maxAttempts sends', () => {
    expect(mayResendCreate(1, { maxAttempts: 3 })).toBe(true);
    expect(mayResendCreate(3, { maxAttempts: 3 })).toBe(false);
  });
});
