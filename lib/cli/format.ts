/** Plain-text tables and event lines of the CLI and the demo. */
/**
 * Plain-text output of the CLI and the demo: tables and event lines. No secrets are printed.
 *
 * @packageDocumentation
 */
import type { Metric, TrainingEvent } from 'prediction-one-rx';

/**
 * A string from the service or a file (a model's name, a status, a column) made safe for a
 * terminal: control characters (ESC sequences, CR, LF, TAB, DEL, C1 controls) and the Unicode
 * line and bidirectional-override characters are shown as escapes (`\x1b`, `\r`, `\n`,
 * `\u202e`), so a name cannot move the cursor, rewrite a line or fake another row.
 *
 * ## Example
 * ```ts
 * printable('churn\x1b[2J\r\nfake row'); // 'churn\\x1b[2J\\r\\nfake row'
 * ```
 * @internal
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what it escapes
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const named: Record<string, string> = { '\r': '\\r', '\n': '\\n', '\t': '\\t' };
    const code = c.charCodeAt(0);
    return named[c] ?? (code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
  });
}

/**
 * Splits `text` into lines of at most `width` characters, at spaces when it can.
 *
 * @internal
 */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    let rest = word;
    // A word longer than the column (an id, a path) is cut.
    while (rest.length > width) {
      if (line) lines.push(line);
      line = '';
      lines.push(rest.slice(0, width));
      rest = rest.slice(width);
    }
    if (!line) line = rest;
    else if (line.length + 1 + rest.length <= width) line += ` ${rest}`;
    else {
      lines.push(line);
      line = rest;
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/**
 * Renders rows as an aligned text table. With `maxWidth`, the `wrap` column (by index) is
 * narrowed so the table fits, its cells wrapped over several lines.
 *
 * @internal
 */
export function table(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
  fit?: { readonly maxWidth: number; readonly wrap: number },
): string {
  // Cells hold service strings (names, statuses): escaped, so none can drive the terminal.
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? formatNumber(c) : printable(String(c ?? '')))))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  if (fit) {
    const others = widths.reduce((sum, w, i) => (i === fit.wrap ? sum : sum + w), 0) + 2 * (widths.length - 1);
    widths[fit.wrap] = Math.max(header[fit.wrap]!.length, Math.min(widths[fit.wrap]!, fit.maxWidth - others));
  }
  const line = (r: readonly (string | number)[]) =>
    r
      .map((c, i) => String(c ?? '').padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const render = (r: readonly (string | number)[]) => {
    if (!fit) return [line(r)];
    const wrapped = wrapText(String(r[fit.wrap] ?? ''), widths[fit.wrap]!);
    return wrapped.map((part, n) => line(r.map((c, i) => (i === fit.wrap ? part : n === 0 ? c : ''))));
  };
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).flatMap(render)].join('\n');
}

/** @internal */
export function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(4);
}

/** @internal */
export function metricsTable(metrics: readonly Metric[]): string {
  return table(
    ['metric', 'value'],
    metrics.map((m) => [m.name, Number.isNaN(m.value) ? m.raw : m.value]),
  );
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
      return printable(`upload ${e.externalProcessId} ready: ${e.columns.map((c) => `${c.name}:${c.type}`).join(', ')}`);
    case 'queued':
      return printable(`training '${e.name}' queued (${e.config.tt}, target ${e.config.tc})`);
    case 'status':
      return printable(`status ${e.status.padEnd(9)} updated ${e.updatedDatetime ?? '?'}`);
    case 'downloadProgress':
      return e.total !== undefined && e.loaded === e.total ? `downloaded result (${bytes(e.total)})` : undefined;
    case 'completed':
      return `result unzipped: ${Object.keys(e.result.files).join(', ')}`;
  }
}
