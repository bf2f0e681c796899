/** Node-only helpers, imported as prediction-one-rx/node: files, checkpoints, results on disk, reports. */
/**
 * Node-only helpers: a keep-alive, streaming transport, file sources and writing results to
 * disk. Import from `prediction-one-rx/node`.
 *
 * @packageDocumentation
 */
export { createNodeFetch } from './nodeFetch';
export type { NodeFetchOptions } from './nodeFetch';
export { createUndiciFetch } from './undiciFetch';
export type { UndiciFetch, UndiciFetchOptions, UndiciDispatcherLike } from './undiciFetch';
export { NodeInflate, nodeZipCodec } from './nodeInflate';
export { WebInflate, webZipCodec } from '../results/webInflate';
export { createNodeClient } from './nodeClient';
export { fileSource } from './fileSource';
export { tempFileSpool } from './spool';
export type { TempFileSpoolOptions } from './spool';
export { writeResult } from './writeResult';
export { ndjsonLines } from './ndjson';
export { downloadResultToDir$ } from './downloadResultToDir';
export type { DownloadToDirOptions } from './downloadResultToDir';
export { openCheckpoint, loadCheckpoint, parseCheckpoint, checkpointIssue, CheckpointError, CheckpointWriteError } from './checkpoint';
export type {
  CheckpointRecord,
  CheckpointStage,
  CheckpointContents,
  CheckpointWriter,
  CheckpointFs,
  CheckpointFileHandle,
  OpenCheckpointOptions,
} from './checkpoint';
export { lockCheckpoint, CheckpointLockedError } from './checkpointLock';
export type { CheckpointLock, CheckpointLockHolder, LockCheckpointOptions } from './checkpointLock';
export { jobFingerprint, changedParts } from './jobFingerprint';
export type { FingerprintedJob, FingerprintPart } from './jobFingerprint';
export { batchReport, serveReport } from './report';
export type { BatchReportOptions, ReportServer, ReportData, ReportModel, ResultFolderFiles } from './report';
