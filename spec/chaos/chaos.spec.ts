import { runChaos } from '../../bench/chaos';

/**
 * 200 pipelines through an emulator faulting about 20% of requests (5xx, 429, resets before
 * and after processing, truncated bodies, corrupt zips, failed trainings, latency).
 */
describe('chaos', () => {
  it('should finish every pipeline or fail it with an expected typed error: no hang, no double training, no lost result', async () => {
    const report = await runChaos({ pipelines: 200, concurrency: 50, seed: 11, timeLimitMs: 100_000 });
    expect(report.unexpected).toEqual([]);
    expect(report.hung).toBe(0);
    expect(report.duplicateTrainings).toBe(0);
    expect(report.lostResults).toBe(0);
    expect(report.finished + report.expectedFailures.trainingFailed + report.expectedFailures.startUnknown).toBe(200);
    // The faults really happened.
    expect(report.retries).toBeGreaterThan(50);
    expect(Object.keys(report.faults).length).toBeGreaterThanOrEqual(6);
    expect(report.finished).toBeGreaterThan(150);
  }, 120_000);
});
