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
export { DATA_TYPE_IDS } from './dataTypes';
export type { ColumnType } from './dataTypes';
