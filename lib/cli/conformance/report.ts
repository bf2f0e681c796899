/**
 * The report of `p1rx conformance`: a table (endpoint -> ok, or each difference as field,
 * expected, got) or JSON, with every secret redacted, fit to paste into a bug report.
 *
 * @packageDocumentation
 */
import { REDACTED, redactUrl } from '../../core/redact';
import { table } from '../format';
import type { ConformanceReport } from './run';

/**
 * Replaces every known secret (keys, URLs met on the way) and every URL query (pre-signed
 * signatures) in `text`.
 *
 * @internal
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first, so a URL goes before a key it may contain.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length >= 6) out = out.split(secret).join(REDACTED);
  }
  return out.replace(/\bhttps?:\/\/[^\s"'<>]+/gi, (url) => redactUrl(url));
}

/**
 * The report as an aligned table: one row per check, a row per difference under a failed one.
 *
 * @internal
 */
export function formatReport(report: ConformanceReport): string {
  const rows: string[][] = [];
  for (const c of report.checks) {
    const result = c.result === 'fail' ? 'FAIL' : c.result;
    const note = c.note ?? '';
    if (c.differences.length === 0) {
      rows.push([c.endpoint, result, note, '', '']);
      continue;
    }
    c.differences.forEach((d, i) => rows.push([i === 0 ? c.endpoint : '', i === 0 ? result : '', d.field, d.expected, d.got]));
    if (note) rows.push(['', '', note, '', '']);
  }
  const { ok, failed, skipped } = report.summary;
  const head = `p1rx conformance against ${redactUrl(report.service)}${report.train ? ' (with --train)' : ''}`;
  return `${head}\n\n${table(['endpoint', 'result', 'field / note', 'expected', 'got'], rows)}\n\n${ok} ok, ${failed} failed, ${skipped} skipped\n`;
}

/**
 * The report as JSON (one object), for `--json` and bug reports.
 *
 * @internal
 */
export function reportJson(report: ConformanceReport): string {
  const { service, train, checks, summary } = report;
  return `${JSON.stringify({ service: redactUrl(service), train, summary, checks }, null, 2)}\n`;
}
