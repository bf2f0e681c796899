/**
 * Plain-text output of the CLI and the demo: tables and event lines. No secrets are printed.
 *
 * @packageDocumentation
 */
import type { Metric, TrainingEvent } from 'prediction-one-rx';

/**
 * Renders rows as an aligned text table.
 *
 * @internal
 */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? formatNumber(c) : c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const line = (r: readonly (string | number)[]) => r.map((c, i) => String(c ?? '').padEnd(widths[i])).join('  ').trimEnd();
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** @internal */
export function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(4);
}

/** @internal */
export function metricsTable(metrics: readonly Metric[]): string {
  return table(['metric', 'value'], metrics.map((m) => [m.name, Number.isNaN(m.value) ? m.raw : m.value]));
}

function bytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * One human line per event worth a line (progress events only at their ends).
 *
 * @internal
 */
export function describeEvent(e: TrainingEvent): string | undefined {
  switch (e.type) {
    case 'uploadProgress':
      return e.total !== undefined && e.loaded === e.total ? `uploaded ${e.file} (${bytes(e.total)})` : undefined;
    case 'uploaded':
      return `upload ${e.externalProcessId} ready: ${e.columns.map((c) => `${c.name}:${c.type}`).join(', ')}`;
    case 'queued':
      return `training '${e.name}' queued (${e.config.tt}, target ${e.config.tc})`;
    case 'status':
      return `status ${e.status.padEnd(9)} updated ${e.updatedDatetime ?? '?'}`;
    case 'downloadProgress':
      return e.total !== undefined && e.loaded === e.total ? `downloaded result (${bytes(e.total)})` : undefined;
    case 'completed':
      return `result unzipped: ${Object.keys(e.result.files).join(', ')}`;
  }
}
