/** Specs: training pipelines complete through an emulator that injects faults. */
import { runChaos } from '../../bench/chaos';

/**
 * 200 pipelines through an emulator faulting about 20% of requests (503, an HTML 500, 429,
 * resets before and after the request took effect, truncated bodies, slow answers; corrupt
 * zips on downloads). `npm run bench:chaos` runs 1,000 and checks >= 99% finished.
 */
describe('chaos', () => {
  it('should finish nearly every pipeline and end the rest in typed errors: no hang, no double training, no lost result', async () => {
    // No overall time limit: a pipeline counts as hung only when nothing at all happens for 30 s.
    const report = await runChaos({ pipelines: 200, concurrency: 50, seed: 11, idleLimitMs: 30_000 });
    // One assertion on the whole picture, so a failure shows all of it.
    expect({
      unexpected: report.unexpected,
      hung: report.hung,
      hungAt: report.hungAt,
      duplicates: report.duplicateTrainings,
      lost: report.lostResults,
    }).toEqual({
      unexpected: [],
      hung: 0,
      hungAt: {},
      duplicates: 0,
      lost: 0,
    });
    const typed = Object.values(report.typedFailures).reduce((a, b) => a + b, 0);
    expect(report.finished + typed).toBe(200);
    // Resets before the service acted are recovered (Create Model sent again once a status
    // check proves the training unknown), so nearly all finish: 97.5% here leaves room for a
    // loaded machine; the bench asserts 99% of 1,000.
    expect({ finished: report.finished >= 195, failures: report.failureSamples }).toEqual({ finished: true, failures: report.failureSamples });
    // The faults really happened, resets on both sides of the request among them.
    expect(report.retries).toBeGreaterThan(50);
    expect(report.faults.resetBefore).toBeGreaterThan(0);
    expect(report.faults.resetAfter).toBeGreaterThan(0);
    expect(Object.keys(report.faults).length).toBeGreaterThanOrEqual(6);
  }, 900_000);
});
