/** Jest's test order: the longest spec files first, from the last run's times or, on a clean clone, the list below. */
/**
 * Jest's own sequencer runs the files that took longest in the previous run first, so the two
 * workers finish together; it reads those times from its cache, and a clean clone has none (it
 * then orders by file size, and a short file can be a slow one). This one uses the cached time when there is one, else the time in KNOWN (seconds, measured with two
 * workers; see docs/PERFORMANCE.md "Test suite"), else orders by file size after the timed files.
 * Files that failed in the last run still go first. Refresh KNOWN when a spec's time changes much.
 */
const Sequencer = require('@jest/test-sequencer').default;
const path = require('node:path');

const root = path.resolve(__dirname, '../..');

/** Wall seconds per spec file (relative to the repository), the files over 1.5 s. */
const KNOWN = new Map([
  ['spec/packaging/install.spec.ts', 58.2],
  ['spec/results/boundedMemory.spec.ts', 31.4],
  ['spec/bullmq/crash.spec.ts', 21.2],
  ['spec/emulator/training.spec.ts', 17.4],
  ['spec/chaos/chaos.spec.ts', 12.1],
  ['spec/bullmq/zombie.spec.ts', 11.5],
  ['spec/packaging/exports.spec.ts', 11.4],
  ['spec/bullmq/workerHealth.spec.ts', 10.3],
  ['spec/bullmq/redisLoss.spec.ts', 10.0],
  ['spec/types/types.spec.ts', 8.3],
  ['spec/examples/ndjsonTrainer.spec.ts', 8.1],
  ['spec/cli/checkpointProcesses.spec.ts', 7.4],
  ['spec/cli/japanese.spec.ts', 7.2],
  ['spec/node/downloadResultToDir.spec.ts', 7.0],
  ['spec/cli/recoveryHint.spec.ts', 6.6],
  ['spec/bullmq/backoff.spec.ts', 6.6],
  ['spec/bullmq/workerStart.spec.ts', 6.4],
  ['spec/emulator/faults.spec.ts', 6.2],
  ['spec/helpers/openHandlesEnvironment.spec.ts', 6.0],
  ['spec/bullmq/fleetFollow.spec.ts', 5.1],
  ['spec/docs/tsdoc.spec.ts', 4.5],
  ['spec/operators/s3Upload.spec.ts', 4.5],
  ['spec/emulator/retrainJobs.spec.ts', 4.3],
  ['spec/results/webInflate.spec.ts', 4.3],
  ['spec/cli/killBoundaries.spec.ts', 4.3],
  ['spec/cli/uploadLength.spec.ts', 4.3],
  ['spec/cli/listings.spec.ts', 4.3],
  ['spec/cli/batchScreen.spec.ts', 4.0],
  ['spec/operators/listingsAtScale.spec.ts', 4.0],
  ['spec/angular/docsSnippets.spec.ts', 3.9],
  ['spec/cli/crash.spec.ts', 3.8],
  ['spec/operators/upload.spec.ts', 3.6],
  ['spec/results/webInflateHttp.spec.ts', 3.5],
  ['spec/bullmq/hold.spec.ts', 3.2],
  ['spec/pipeline/trainModel.spec.ts', 3.1],
  ['spec/codecs/structTypes.spec.ts', 3.0],
  ['spec/transport/operation.spec.ts', 3.0],
  ['spec/contract/documentedErrors.spec.ts', 2.9],
  ['spec/operators/retrain.spec.ts', 2.7],
  ['spec/node/report.spec.ts', 2.7],
  ['spec/cli/checkpointTrust.spec.ts', 2.7],
  ['spec/core/redaction.spec.ts', 2.6],
  ['spec/packaging/rxjsPublicApi.spec.ts', 2.4],
  ['spec/contract/modelApi.spec.ts', 2.4],
  ['spec/emulator/classifiers.spec.ts', 2.3],
  ['spec/otel/openTelemetry.spec.ts', 2.3],
  ['spec/cli/conformance.spec.ts', 2.1],
  ['spec/pipeline/abort.spec.ts', 2.1],
  ['spec/pipeline/trainModelResume.spec.ts', 2.1],
  ['spec/cli/resume.spec.ts', 1.9],
  ['spec/pipeline/japaneseData.spec.ts', 1.8],
  ['spec/cli/batch.spec.ts', 1.8],
  ['spec/bullmq/cli.spec.ts', 1.8],
  ['spec/bullmq/worker.spec.ts', 1.7],
  ['spec/contract/trainApi.spec.ts', 1.6],
  ['spec/angular/httpClient.spec.ts', 1.6],
  ['spec/core/serviceTime.spec.ts', 1.6],
  ['spec/operators/downloadResult.spec.ts', 1.5],
  ['spec/packaging/browserSafe.spec.ts', 1.5],
]);

class LongestFirstSequencer extends Sequencer {
  sort(tests) {
    const size = new Map();
    const sizeOf = (test) => {
      if (!size.has(test.path)) size.set(test.path, test.context.hasteFS.getSize(test.path) ?? 0);
      return size.get(test.path);
    };
    const known = (test) => {
      const seconds = KNOWN.get(path.relative(root, test.path).split(path.sep).join('/'));
      return seconds === undefined ? undefined : seconds * 1000;
    };
    for (const test of tests) test.duration = this.time(test) ?? known(test);
    return tests.sort((a, b) => {
      const failedA = this.hasFailed(a);
      if (failedA !== this.hasFailed(b)) return failedA ? -1 : 1;
      const timeA = a.duration ?? -1;
      const timeB = b.duration ?? -1;
      if (timeA !== timeB) return timeB - timeA;
      return sizeOf(b) - sizeOf(a);
    });
  }
}

module.exports = LongestFirstSequencer;
