/** Node-only local emulator of the Prediction One developer API, for tests and demos. */
/**
 * Node-only local emulator of the Prediction One developer API, for tests and demos.
 * Imported as `prediction-one-rx/emulator`.
 *
 * ## Example
 * ```ts
 * import { startEmulator } from 'prediction-one-rx/emulator';
 * const emulator = await startEmulator({ trainingDelayMs: 0 });
 * ```
 * @packageDocumentation
 */
export { startEmulator } from './server';
export type { Emulator, EmulatorJobStatus, EmulatorOptions, RecordedRequest } from './types';
export type { CredentialType, RecordedKeyType } from './auth';
export { DATA_TYPE_IDS } from './dataTypes';
export type { ColumnType } from './dataTypes';
export type { DeploymentControls } from './deployments';
export type { EmulatorRetrainStatus } from './retrainJobs';
export type { EmulatorClassifierStatus } from './classifiers';
export { FAULT_KINDS } from './faultPlan';
export type { FaultKind, FaultPlan, FaultRule, FaultSettings } from './faultPlan';
export { parseFaultSpec } from './faultSpec';
export type { EmulatorStats } from './stats';
