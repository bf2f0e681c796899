/** Batch reports. */
/**
 * Batch reports: {@link batchReport} writes one self-contained HTML page, {@link serveReport}
 * serves it live.
 *
 * @packageDocumentation
 */
export { batchReport, collectReportData, renderReportHtml, escapeHtml, reportClientScript } from './batchReport';
export type { BatchReportOptions } from './batchReport';
export { serveReport } from './reportServer';
export type { ReportServer } from './reportServer';
export { buildReportData, parseHistory, parseFailures, parseMetrics, parseConfusion, parseEvaluation, parseContributions, recoveryFor } from './reportData';
export type { ReportData, ReportModel, ResultFolderFiles, HistoryRecord, LoggedFailure } from './reportData';
