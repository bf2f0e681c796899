/** batchReport: the self-contained HTML report of a batch, from its results and records. */
/**
 * `batchReport`: one self-contained HTML file (data, script and styles inline; works offline,
 * no server) from a batch's out folder.
 *
 * The page's script (Observable Plot and the d3 modules it uses, plus our rendering code) is
 * bundled at build time into `dist/report/client.js` (scripts/build-report-client.mjs), so
 * neither Plot nor d3 is a dependency of the package: a browser app installing
 * prediction-one-rx never installs them.
 *
 * @packageDocumentation
 */
import { existsSync } from 'node:fs';
import { open, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildReportData, type ReportData, type ResultFolderFiles } from './reportData';

/** The checkpoint `p1rx batch` writes in its out folder. */
const CHECKPOINT_FILE = '.p1rx-checkpoint.jsonl';
/** The journal a fleet batch (`p1rx batch --queue`) writes in `<out>/<batchId>/`. */
const JOURNAL_FILE = '.p1rx-fleet-journal.jsonl';
/** Largest file read (a bigger evaluation is read up to this many bytes; its last row is dropped). */
const MAX_FILE_BYTES = 32 * 1024 * 1024;

/**
 * Options of {@link batchReport} (and of the report data it collects from a batch's out folder).
 *
 * ## Example
 * ```ts
 * const options: BatchReportOptions = { file: 'report.html', events: 'out/events.jsonl' };
 * ```
 */
export interface BatchReportOptions {
  /** Where to write the page (default `<outDir>/report.html`). */
  readonly file?: string;
  /**
   * The checkpoint or fleet journal (default `<outDir>/.p1rx-checkpoint.jsonl`, else the fleet
   * journal `<outDir>/.p1rx-fleet-journal.jsonl`; a fleet's `--out` holding one batch folder is
   * read as that batch).
   */
  readonly checkpoint?: string;
  /** A `p1rx batch --json` event log, for failures' typed errors (default `<outDir>/events.jsonl` if present). */
  readonly events?: string;
  /** The page's title. */
  readonly title?: string;
  /** Regression points kept per model (default 400). */
  readonly maxPoints?: number;
}

async function readBounded(file: string): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = (await handle.stat()).size;
    const buffer = Buffer.alloc(Math.min(size, MAX_FILE_BYTES));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    let text = buffer.subarray(0, bytesRead).toString('utf8');
    if (size > MAX_FILE_BYTES) text = text.slice(0, text.lastIndexOf('\n') + 1);
    return text;
  } finally {
    await handle.close();
  }
}

/**
 * Reads a batch's out folder: its checkpoint, event log and every result folder (a sub-folder
 * holding `metrics.csv` or `evaluation_raw_data.csv`). A folder that itself holds `metrics.csv`
 * is the result of one training: a report of one model.
 *
 * **Errors**: none for missing or malformed files (they are skipped); file-system errors of
 * the out folder itself as they come.
 *
 * ## Example
 * ```ts
 * const data = await collectReportData('p1rx-batch');
 * console.log(data.models.map((m) => `${m.key} ${m.status}`));
 * ```
 *
 * @param outDir - The batch's `--out` folder.
 * @param options - Where the checkpoint and event log are.
 * @returns The report's data.
 */
export async function collectReportData(outDir: string, options: BatchReportOptions = {}): Promise<ReportData> {
  if (options.checkpoint === undefined) {
    const batchDir = await fleetBatchDir(outDir);
    if (batchDir !== undefined) outDir = batchDir;
  }
  const checkpointText =
    options.checkpoint !== undefined
      ? await readBounded(options.checkpoint)
      : ((await readBounded(path.join(outDir, CHECKPOINT_FILE))) ?? (await readBounded(path.join(outDir, JOURNAL_FILE))));
  const eventsFile = options.events ?? path.join(outDir, 'events.jsonl');
  const eventsText = await readBounded(eventsFile);
  const folders = new Map<string, ResultFolderFiles>();
  // A single result folder (`p1rx train --out`, the demo) is a report of one model.
  const dirs = existsSync(path.join(outDir, 'metrics.csv'))
    ? [[path.basename(path.resolve(outDir)), outDir]]
    : (await readdir(outDir, { withFileTypes: true }))
        .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
        .map((e) => [e.name, path.join(outDir, e.name)]);
  for (const [name, dir] of dirs) {
    const [metrics, confusion, evaluation, contributions] = await Promise.all(
      ['metrics.csv', 'confusion_matrix.csv', 'evaluation_raw_data.csv', 'analysis_summary.csv'].map((f) => readBounded(path.join(dir, f))),
    );
    if (metrics === undefined && evaluation === undefined) continue;
    folders.set(name, { dir, metrics, confusion, evaluation, contributions });
  }
  return buildReportData({ outDir, title: options.title, checkpointText, eventsText, folders, now: new Date(), maxPoints: options.maxPoints });
}

/**
 * A fleet's `--out` folder holding exactly one batch folder (`<out>/<batchId>/` with a journal)
 * and no records of its own: that batch folder. `undefined` otherwise.
 */
async function fleetBatchDir(outDir: string): Promise<string | undefined> {
  if (existsSync(path.join(outDir, CHECKPOINT_FILE)) || existsSync(path.join(outDir, JOURNAL_FILE))) return undefined;
  const batches = (await readdir(outDir, { withFileTypes: true })).filter((e) => e.isDirectory() && existsSync(path.join(outDir, e.name, JOURNAL_FILE)));
  return batches.length === 1 ? path.join(outDir, batches[0].name) : undefined;
}

/**
 * Escapes text for HTML (element content and quoted attributes).
 *
 * ## Example
 * ```ts
 * escapeHtml('<b>"x"</b>'); // '&lt;b&gt;&quot;x&quot;&lt;/b&gt;'
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]);
}

const HTML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * JSON that can sit inside a `<script>` element: `<`, `>`, `&` and the line separators are
 * escaped, so no data can close the element or open a comment.
 *
 * @internal
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

let clientCache: string | undefined;

/**
 * The page's script: `dist/report/client.js` (built with the package); from a source checkout
 * without a build, bundled on the spot with esbuild (a devDependency).
 *
 * @internal
 */
export async function reportClientScript(): Promise<string> {
  if (clientCache !== undefined) return clientCache;
  const candidates = [path.join(__dirname, '..', 'report', 'client.js'), path.join(__dirname, '..', '..', '..', 'dist', 'report', 'client.js')];
  for (const file of candidates) {
    if (existsSync(file)) return (clientCache = await readFile(file, 'utf8'));
  }
  const source = path.join(__dirname, 'page.client.ts');
  if (!existsSync(source)) throw new Error(`the report's script is missing (looked for ${candidates.join(', ')}): rebuild the package`);
  const { bundleReportClient } = (await import(path.join(__dirname, '..', '..', '..', 'scripts', 'report-client.cjs'))) as {
    bundleReportClient(entry: string): Promise<string>;
  };
  return (clientCache = await bundleReportClient(source));
}

/** Styles of the page. */
const CSS = `
:root{font-family:system-ui,sans-serif;color:#1d2330;background:#fafbfc}
body{margin:0 auto;max-width:1200px;padding:16px}
h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.15em;margin:1.4em 0 .4em;border-bottom:1px solid #dde}
.meta{color:#667;font-size:.9em}
table{border-collapse:collapse;font-size:.85em;width:100%}
th,td{border-bottom:1px solid #e3e5ea;padding:3px 6px;text-align:left;white-space:nowrap}
th{cursor:pointer;background:#eef0f4;position:sticky;top:0;user-select:none}
th[aria-sort=ascending]::after{content:" \\25B2"}th[aria-sort=descending]::after{content:" \\25BC"}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.s-succeeded{color:#176e2f}.s-failed{color:#b3261e;font-weight:600}.s-incomplete{color:#8a5a00}
.scroll{overflow-x:auto;max-height:70vh}
#filter{font-size:1em;padding:4px 8px;width:320px;margin:6px 0}
.grid{display:flex;flex-wrap:wrap;gap:12px}
.plot{background:#fff;border:1px solid #e3e5ea;border-radius:4px;padding:6px}
details.model{background:#fff;border:1px solid #e3e5ea;border-radius:4px;margin:6px 0;padding:4px 8px}
details.model summary{cursor:pointer;font-weight:600}
.failure{background:#fff4f2;border-left:4px solid #b3261e;padding:6px 10px;margin:6px 0}
.failure code{white-space:pre-wrap}
#live{font-size:.8em;color:#176e2f}
`;

/**
 * The page's HTML for `data`. Every string from the data reaches the page only as JSON inside
 * a `<script type="application/json">` element (with `<` escaped) and is put in the document
 * with `textContent` by the script; the title is escaped.
 *
 * ## Example
 * ```ts
 * const script = readFileSync(path.join(packageDir, 'dist/report/client.js'), 'utf8'); // packageDir: where prediction-one-rx is installed
 * const html = renderReportHtml(await collectReportData('out'), script);
 * ```
 *
 * @param data - What to show.
 * @param script - The page's script (`dist/report/client.js`).
 * @param options - `live`: the page polls `data.json` (set by the `--serve` server).
 * @returns A complete HTML document.
 */
export function renderReportHtml(data: ReportData, script: string, options: { live?: boolean } = {}): string {
  const config = { live: options.live === true };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'">
<title>${escapeHtml(data.title)}</title>
<style>${CSS}</style></head>
<body><div id="app"><h1>${escapeHtml(data.title)}</h1><noscript>This report needs JavaScript.</noscript></div>
<script type="application/json" id="p1rx-data">${scriptJson(data)}</script>
<script type="application/json" id="p1rx-config">${scriptJson(config)}</script>
<script>${script.replace(/<\/script/gi, '<\\/script')}</script>
</body></html>
`;
}

/**
 * Writes the report of a batch: one self-contained HTML file (leaderboard, metric
 * distributions, per-model confusion matrix / actual vs predicted / contributions, timeline,
 * failures) that opens offline from the disk.
 *
 * **Errors**: file-system errors of the out folder and the target file as they come.
 *
 * ## Example
 * ```ts
 * import { batchReport } from 'prediction-one-rx/node';
 * const file = await batchReport('p1rx-batch');
 * console.log(`open ${file}`);
 * ```
 *
 * @param outDir - The batch's `--out` folder.
 * @param options - Target file, checkpoint, event log, title.
 * @returns The path of the file written.
 */
export async function batchReport(outDir: string, options: BatchReportOptions = {}): Promise<string> {
  if (!(await stat(outDir)).isDirectory()) throw new Error(`${outDir} is not a folder`);
  const data = await collectReportData(outDir, options);
  const file = options.file ?? path.join(outDir, 'report.html');
  await writeFile(file, renderReportHtml(data, await reportClientScript()));
  return file;
}
