/** The report of p1rx conformance, as a table or JSON, redacted. */
/**
 * The report of `p1rx conformance`: a table (endpoint -> ok, or each difference as field,
 * expected, got) or JSON, with every secret redacted, fit to paste into a bug report.
 *
 * @packageDocumentation
 */
import { REDACTED, redactUrl } from '../../core/redact';
import { table } from '../format';
import type { CheckReport, ConformanceReport } from './run';

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

/** How a result reads in the table. */
function resultText(result: CheckReport['result']): string {
  return result === 'fail' ? 'FAIL' : result === 'empty' ? 'not checked: empty' : result;
}

/**
 * The report as an aligned table: one row per check, a row per difference under a failed one,
 * each difference with whether the client still reads the answer ("client ok" or
 * "client breaks: ..."). Headed by the versions, for a bug report.
 *
 * @internal
 */
export function formatReport(report: ConformanceReport): string {
  const rows: string[][] = [];
  for (const c of report.checks) {
    const result = resultText(c.result);
    const note = c.note ?? '';
    if (c.differences.length === 0) {
      rows.push([c.endpoint, result, note, '', '', c.result === 'fail' ? (c.client ?? '') : '']);
      continue;
    }
    c.differences.forEach((d, i) => rows.push([i === 0 ? c.endpoint : '', i === 0 ? result : '', d.field, d.expected, d.got, i === 0 ? (c.client ?? '') : '']));
    if (note) rows.push(['', '', note, '', '', '']);
  }
  const { ok, failed, skipped, notChecked, rateLimited } = report.summary;
  const modes = [report.train ? '--train' : '', report.deploy ? '--deploy' : ''].filter((m) => m !== '').join(' ');
  const head = `p1rx conformance against ${redactUrl(report.service)}${modes ? ` (with ${modes})` : ''}`;
  const versions = report.versions ? `\n${report.versions.package}, node ${report.versions.node}, ${report.versions.platform}` : '';
  const waited = rateLimited > 0 ? `, ${rateLimited} rate-limited answers waited out` : '';
  return `${head}${versions}\n\n${table(['endpoint', 'result', 'field / note', 'expected', 'got', 'client'], rows)}\n\n${ok} ok, ${failed} failed, ${skipped} skipped, ${notChecked} not checked${waited}\n`;
}

/**
 * The report as JSON (one object), for `--json` and bug reports.
 *
 * @internal
 */
export function reportJson(report: ConformanceReport): string {
  const { service, train, deploy, versions, checks, summary } = report;
  return `${JSON.stringify({ service: redactUrl(service), train, deploy, versions, summary, checks }, null, 2)}\n`;
}
