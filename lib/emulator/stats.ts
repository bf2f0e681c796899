/** Counters of what the emulator did. */
import type { FaultKind } from './faultPlan';
import { FAULT_KINDS } from './faultPlan';
import type { FaultInjector } from './faultInjector';
import type { JobStore } from './jobs';
import type { EmulatorStore } from './store';
import type { EmulatorJobStatus } from './types';

/**
 * What the emulator did since it started (a snapshot; nothing here is reset by `clearLog()`).
 * The model counters let a chaos test assert that no upload was trained twice:
 * `expect(emulator.stats().uploadsWithMultipleModels).toBe(0)`.
 *
 * ## Example
 * ```ts
 * const s = emulator.stats();
 * console.log(s.requests, s.byRoute['POST /v1/external/models'], s.faults.resetAfter, s.modelsCreated);
 * ```
 */
export interface EmulatorStats {
  /** Every request received (including ones answered by a fault or reset). */
  requests: number;
  /** Requests per route key, e.g. `{ 'GET /v1/external/models/results': 12 }`. */
  byRoute: Record<string, number>;
  /** Requests whose client closed the connection before the answer was finished. */
  aborted: number;
  /** Faults actually applied, per kind (`failNext` answers are not counted here). */
  faults: Record<FaultKind, number>;
  /** Upload sessions opened (successful `GET /v1/external/data-sets/upload-url`). */
  uploadSessions: number;
  /** Successful Create Model calls in total. */
  modelsCreated: number;
  /** Successful Create Model calls per `external_process_id` (uploads with none are left out). */
  modelsCreatedByUpload: Record<string, number>;
  /** Uploads trained more than once: a client retried a Create Model it should not have. */
  uploadsWithMultipleModels: number;
  /** Jobs by current status. */
  jobs: Record<EmulatorJobStatus, number>;
}

/**
 * Request counters kept by the handler (the request log can be cleared; these cannot).
 * @internal
 */
export class RequestCounters {
  requests = 0;
  aborted = 0;
  readonly byRoute = new Map<string, number>();

  /** Counts one request on `route`. */
  add(route: string): void {
    this.requests++;
    this.byRoute.set(route, (this.byRoute.get(route) ?? 0) + 1);
  }
}

/**
 * Builds the {@link EmulatorStats} snapshot from the counters and the current state.
 *
 * ## Example
 * ```ts
 * collectStats(counters, injector, jobs, store).modelsCreated; // 0
 * ```
 * @internal
 */
export function collectStats(counters: RequestCounters, injector: FaultInjector, jobs: JobStore, store: EmulatorStore): EmulatorStats {
  const modelsCreatedByUpload: Record<string, number> = {};
  const byStatus: Record<EmulatorJobStatus, number> = { waiting: 0, running: 0, finished: 0, failed: 0 };
  let modelsCreated = 0;
  for (const job of jobs.all()) {
    modelsCreatedByUpload[job.externalProcessId] = job.modelsCreated;
    modelsCreated += job.modelsCreated;
    byStatus[job.status]++;
  }
  return {
    requests: counters.requests,
    byRoute: Object.fromEntries(counters.byRoute),
    aborted: counters.aborted,
    faults: Object.fromEntries(FAULT_KINDS.map((k) => [k, injector.counts[k]])) as Record<FaultKind, number>,
    uploadSessions: store.sessions.size,
    modelsCreated,
    modelsCreatedByUpload,
    uploadsWithMultipleModels: Object.values(modelsCreatedByUpload).filter((n) => n > 1).length,
    jobs: byStatus,
  };
}
