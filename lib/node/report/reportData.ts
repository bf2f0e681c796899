/** The data of a batch report, extracted from what a batch leaves on disk. */
/**
 * The data of a batch report, extracted from what a batch leaves on disk: the records of the
 * checkpoint or the fleet journal (each job's stage times and failure, and every line's time for
 * older files), each job's result folder (metrics, confusion matrix, evaluation rows,
 * contributions) and, when given, the `--json` event log (failures of older checkpoints). Pure
 * functions: no file system here (see batchReport.ts).
 *
 * Everything read is untrusted: lines that do not parse are skipped, numbers are checked, and
 * sizes are bounded (points per model, labels of a confusion matrix, contributions).
 *
 * @packageDocumentation
 */
import Papa from 'papaparse';

/**
 * One model (job) of a report.
 *
 * ## Example
 * ```ts
 * const m: ReportModel = { key: 'shop-1', status: 'succeeded', task: 'regression', metrics: { r2: 0.9 }, durations: {}, timeline: [], contributions: [] };
 * ```
 */
export interface ReportModel {
  /** The job's key (its result folder's name). */
  readonly key: string;
  /** `succeeded`: a result folder with metrics; `failed`: an error was logged; `incomplete`: neither (yet). */
  readonly status: 'succeeded' | 'failed' | 'incomplete';
  /** The last stage recorded in the checkpoint, if any. */
  readonly stage?: string;
  readonly task: 'classification' | 'regression' | 'unknown';
  /** Accuracy for classification, r2 for regression, else the first metric. */
  readonly headline?: { readonly name: string; readonly value: number };
  /** Every numeric metric of `metrics.csv`. */
  readonly metrics: Readonly<Record<string, number>>;
  /** The training id (upload session id, `externalProcessId`). */
  readonly trainingId?: string;
  readonly resultDir?: string;
  /**
   * Seconds per stage: from the record's stage times (`training` is the service's training up
   * to its finish, `pollLag` the time from that finish until a status check saw it), or for
   * records without them from the records' own times (`training` then holds the download).
   */
  readonly durations: {
    readonly upload?: number;
    readonly create?: number;
    readonly queue?: number;
    readonly training?: number;
    readonly pollLag?: number;
    readonly download?: number;
    readonly total?: number;
  };
  /** Stage intervals (ISO 8601 times) for the batch timeline: `waiting` (for a slot), `upload`, `create`, `queue`, `training`, `poll lag`, `download`. */
  readonly timeline: readonly { readonly stage: string; readonly start: string; readonly end: string }[];
  /** Classification: counts by actual (rows) and predicted (columns) label. */
  readonly confusion?: { readonly actual: readonly string[]; readonly predicted: readonly string[]; readonly counts: readonly (readonly number[])[] };
  /** Regression: a sample of [actual, predicted] pairs from `evaluation_raw_data.csv`. */
  readonly points?: readonly (readonly [number, number])[];
  /** How many rows the evaluation had (the points are a sample of them). */
  readonly pointsTotal?: number;
  readonly contributions: readonly { readonly column: string; readonly value: number }[];
  /** Why the job failed or stopped, and what to do. */
  readonly error?: { readonly name: string; readonly message: string; readonly hint?: string };
}

/**
 * The whole report: what the page renders.
 *
 * ## Example
 * ```ts
 * const data = buildReportData({ outDir: 'out', checkpointText: text, folders: new Map(), now: new Date() });
 * console.log(data.models.length);
 * ```
 */
export interface ReportData {
  readonly title: string;
  readonly outDir: string;
  readonly generatedAt: string;
  readonly models: readonly ReportModel[];
  /** Every metric name found, in first-seen order. */
  readonly metricNames: readonly string[];
}

/**
 * The CSV texts of one result folder (missing files are absent).
 *
 * ## Example
 * ```ts
 * const folder: ResultFolderFiles = { dir: 'out/a', metrics: 'metric,value\naccuracy,0.9\n' };
 * ```
 */
export interface ResultFolderFiles {
  readonly dir: string;
  readonly metrics?: string;
  readonly confusion?: string;
  readonly evaluation?: string;
  readonly contributions?: string;
}

/** A checkpoint (or fleet journal) line as the report reads it: key, stage, time, and whatever else it knows. */
export interface HistoryRecord {
  readonly key: string;
  readonly stage: string;
  readonly at?: number;
  readonly externalProcessId?: string;
  readonly resultDir?: string;
  readonly score?: { readonly name: string; readonly value: number };
  /** The job's stage times (ms since the epoch), as the driver recorded them. */
  readonly times?: Readonly<Partial<Record<StageTime, number>>>;
  /** The failure the driver recorded. */
  readonly failure?: { readonly name: string; readonly message: string; readonly hint?: string };
}

/** The stage times a record may carry (`times` of a checkpoint record or journal line). */
export type StageTime = 'uploadStart' | 'uploadEnd' | 'queued' | 'trainingStart' | 'trainingEnd' | 'finishedAtService' | 'downloadStart' | 'downloadEnd';

const STAGE_TIMES: readonly StageTime[] = [
  'uploadStart',
  'uploadEnd',
  'queued',
  'trainingStart',
  'trainingEnd',
  'finishedAtService',
  'downloadStart',
  'downloadEnd',
];

/** The stage times of a record, if any: finite numbers only. */
function timesOf(value: unknown): HistoryRecord['times'] {
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Record<string, unknown>;
  const times: Partial<Record<StageTime, number>> = {};
  for (const name of STAGE_TIMES) {
    const v = r[name];
    if (typeof v === 'number' && Number.isFinite(v)) times[name] = v;
  }
  return Object.keys(times).length > 0 ? times : undefined;
}

/**
 * A job's stage times from its records, oldest first: each record's times are added to what
 * is known (a checkpoint record carries them all, a journal line what was new), and a record
 * with another `uploadStart` (a new upload session) starts over.
 */
function mergedTimes(records: readonly HistoryRecord[]): HistoryRecord['times'] {
  let times: Partial<Record<StageTime, number>> | undefined;
  for (const r of records) {
    if (!r.times) continue;
    times = r.times.uploadStart !== undefined && r.times.uploadStart !== times?.uploadStart ? { ...r.times } : { ...times, ...r.times };
  }
  return times;
}

/** A gap this long with no job under way separates two runs of a batch (a resume later on). */
const RUN_GAP_MS = 5000;

/**
 * When the run a job started in began: jobs' spans (first to last time) that overlap, or follow
 * each other within {@link RUN_GAP_MS}, are one run. A job that started after its run began
 * waited for a slot; a job of a later run (`--resume`) did not wait for the earlier one.
 */
function runStarts(byKey: ReadonlyMap<string, readonly HistoryRecord[]>): (at: number) => number | undefined {
  const spans = [...byKey.values()]
    .map((records) => records.flatMap((r) => [...(r.at === undefined ? [] : [r.at]), ...localTimes(r.times)]))
    .filter((times) => times.length > 0)
    .map((times) => [Math.min(...times), Math.max(...times)] as const)
    .sort((a, b) => a[0] - b[0]);
  const runs: [number, number][] = [];
  for (const [start, end] of spans) {
    const last = runs.at(-1);
    if (last && start <= last[1] + RUN_GAP_MS) last[1] = Math.max(last[1], end);
    else runs.push([start, end]);
  }
  return (at) => (Number.isFinite(at) ? runs.find(([start, end]) => at >= start && at <= end)?.[0] : undefined);
}

/** The times of this machine's clock (not the service's `finishedAtService`). */
function localTimes(times: HistoryRecord['times']): number[] {
  return Object.entries(times ?? {}).flatMap(([name, v]) => (name === 'finishedAtService' || v === undefined ? [] : [v]));
}

/** The failure of a record, if any: bounded strings. */
function failureOf(value: unknown): HistoryRecord['failure'] {
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Record<string, unknown>;
  const name = str(r.name, 100);
  if (name === undefined) return undefined;
  const hint = str(r.hint);
  return { name, message: str(r.message) ?? '', ...(hint !== undefined ? { hint } : {}) };
}

/** A failure read from a `p1rx batch --json` event log. */
export interface LoggedFailure {
  readonly key: string;
  readonly name: string;
  readonly message: string;
  readonly externalProcessId?: string;
}

/** Points kept per regression model (a 100-model report stays well under 3 MB). */
export const MAX_POINTS = 400;
const MAX_LABELS = 50;
const MAX_CONTRIBUTIONS = 40;
const MAX_TEXT = 2000;

const str = (v: unknown, max = MAX_TEXT): string | undefined => (typeof v === 'string' ? v.slice(0, max) : undefined);

function rows(text: string | undefined): string[][] {
  if (text === undefined) return [];
  return Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: true }).data.filter(Array.isArray);
}

function num(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Every record of a checkpoint (or fleet journal) text, in order, read tolerantly: lines that
 * are not JSON objects with a string `key` and `stage` are skipped (a torn last line, a lock
 * line, a format this version does not know), unknown fields are ignored.
 *
 * ## Example
 * ```ts
 * parseHistory('{"v":2,"key":"a","stage":"uploading","at":"2026-01-01T00:00:00Z","polls":0}\n{"v":2,"ke');
 * // [{ key: 'a', stage: 'uploading', at: 1767225600000 }]
 * ```
 *
 * @param text - The file's text.
 * @returns The records, oldest first.
 */
export function parseHistory(text: string): HistoryRecord[] {
  const out: HistoryRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    const r = value as Record<string, unknown>;
    const key = str(r.key, 200);
    const stage = str(r.stage, 50);
    if (key === undefined || stage === undefined) continue;
    const at = typeof r.at === 'string' ? Date.parse(r.at) : Number.NaN;
    const score = r.score as Record<string, unknown> | undefined;
    const scoreValue = typeof score?.value === 'number' ? score.value : num(str(score?.value));
    const times = timesOf(r.times);
    const failure = failureOf(r.failure);
    out.push({
      key,
      stage,
      ...(Number.isFinite(at) ? { at } : {}),
      ...(str(r.externalProcessId, 200) !== undefined ? { externalProcessId: str(r.externalProcessId, 200) } : {}),
      ...(str(r.resultDir) !== undefined ? { resultDir: str(r.resultDir) } : {}),
      ...(typeof score?.name === 'string' && scoreValue !== undefined ? { score: { name: score.name.slice(0, 100), value: scoreValue } } : {}),
      ...(times ? { times } : {}),
      ...(failure ? { failure } : {}),
    });
  }
  return out;
}

/**
 * The failures of a `p1rx batch --json` event log (its `failed` lines), last one per key.
 *
 * ## Example
 * ```ts
 * parseFailures('{"type":"failed","key":"a","error":{"name":"TrainingFailedError","message":"…"}}\n');
 * // [{ key: 'a', name: 'TrainingFailedError', message: '…' }]
 * ```
 *
 * @param text - The log's text (JSON lines; other lines are skipped).
 * @returns One failure per key.
 */
export function parseFailures(text: string): LoggedFailure[] {
  const byKey = new Map<string, LoggedFailure>();
  for (const line of text.split('\n')) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    const r = value as Record<string, unknown>;
    const key = str(r.key, 200);
    if (key === undefined) continue;
    // A later success of the same key (a resumed batch) clears its failure.
    if (r.type === 'succeeded' || r.type === 'skipped') byKey.delete(key);
    if (r.type !== 'failed') continue;
    const error = (r.error ?? {}) as Record<string, unknown>;
    const id = str(r.externalProcessId, 200);
    byKey.set(key, { key, name: str(error.name, 100) ?? 'Error', message: str(error.message) ?? '', ...(id ? { externalProcessId: id } : {}) });
  }
  return [...byKey.values()];
}

/**
 * The metrics of a `metrics.csv` (first column the name, second the value; non-numbers dropped).
 *
 * ## Example
 * ```ts
 * parseMetrics('metric,value\naccuracy,0.9\n'); // { accuracy: 0.9 }
 * ```
 */
export function parseMetrics(text: string | undefined): Record<string, number> {
  const metrics: Record<string, number> = {};
  for (const [name, raw] of rows(text).slice(1)) {
    const value = num(raw);
    if (name !== undefined && name !== '' && value !== undefined && !(name in metrics)) metrics[name.slice(0, 100)] = value;
  }
  return metrics;
}

/**
 * A `confusion_matrix.csv` (header `actual\predicted,<labels…>`, one row per actual label).
 *
 * ## Example
 * ```ts
 * parseConfusion('actual\\predicted,a,b\na,3,1\nb,0,4\n');
 * // { actual: ['a', 'b'], predicted: ['a', 'b'], counts: [[3, 1], [0, 4]] }
 * ```
 */
export function parseConfusion(text: string | undefined): ReportModel['confusion'] {
  const [header, ...body] = rows(text);
  if (!header || header.length < 2 || body.length === 0) return undefined;
  const predicted = header.slice(1, MAX_LABELS + 1).map((l) => l.slice(0, 100));
  const kept = body.slice(0, MAX_LABELS);
  return {
    actual: kept.map((r) => (r[0] ?? '').slice(0, 100)),
    predicted,
    counts: kept.map((r) => predicted.map((_, i) => num(r[i + 1]) ?? 0)),
  };
}

/**
 * What `evaluation_raw_data.csv` shows: for numeric `actual`/`predicted` columns (regression) an
 * evenly spaced sample of pairs; for labels (classification) a confusion matrix counted from
 * the rows.
 *
 * ## Example
 * ```ts
 * parseEvaluation('actual,predicted\n1,1.5\n2,1.8\n').points; // [[1, 1.5], [2, 1.8]]
 * ```
 */
export function parseEvaluation(text: string | undefined, maxPoints = MAX_POINTS): Pick<ReportModel, 'points' | 'pointsTotal' | 'confusion'> {
  const [header, ...body] = rows(text);
  if (!header) return {};
  const a = header.indexOf('actual');
  const p = header.indexOf('predicted');
  if (a < 0 || p < 0 || body.length === 0) return {};
  const numeric = body.every((r) => num(r[a]) !== undefined && num(r[p]) !== undefined);
  if (numeric) {
    const step = Math.max(1, body.length / maxPoints);
    const points: [number, number][] = [];
    for (let i = 0; i < body.length && points.length < maxPoints; i += step) {
      const r = body[Math.floor(i)];
      points.push([round(num(r[a])!), round(num(r[p])!)]);
    }
    return { points, pointsTotal: body.length };
  }
  const labels = [...new Set(body.flatMap((r) => [r[a] ?? '', r[p] ?? '']))].sort().slice(0, MAX_LABELS);
  const index = new Map(labels.map((l, i) => [l, i]));
  const counts = labels.map(() => labels.map(() => 0));
  for (const r of body) {
    const i = index.get(r[a] ?? '');
    const j = index.get(r[p] ?? '');
    if (i !== undefined && j !== undefined) counts[i][j] += 1;
  }
  return { confusion: { actual: labels, predicted: labels, counts } };
}

/** An `analysis_summary.csv`: column and contribution, largest first. */
export function parseContributions(text: string | undefined): ReportModel['contributions'] {
  return rows(text)
    .slice(1)
    .flatMap(([column, raw]) => {
      const value = num(raw);
      return column === undefined || value === undefined ? [] : [{ column: column.slice(0, 100), value: round(value) }];
    })
    .sort((x, y) => Math.abs(y.value) - Math.abs(x.value))
    .slice(0, MAX_CONTRIBUTIONS);
}

function round(n: number): number {
  return Number(n.toPrecision(6));
}

type Segment = { stage: string; start: string; end: string };

/**
 * The timeline of a job from its recorded stage times: upload, create (Create Model), queue (the
 * service's, when a status said so), training (up to the service's finish), poll lag (until a
 * status check saw it) and download. A job still under way (`running`) has its current stage
 * drawn up to `now`.
 */
function stageSegments(t: NonNullable<HistoryRecord['times']>, running: boolean, now: number): { segments: Segment[]; seconds: Record<string, number> } {
  const segments: Segment[] = [];
  const seconds: Record<string, number> = {};
  const add = (stage: string, start: number | undefined, end: number | undefined) => {
    if (start === undefined || end === undefined || end < start) return;
    segments.push({ stage, start: iso(start), end: iso(end) });
    seconds[stage] = round((seconds[stage] ?? 0) + (end - start) / 1000);
  };
  const upTo = (end: number | undefined) => end ?? (running ? now : undefined);
  add('upload', t.uploadStart, upTo(t.uploadEnd));
  if (t.uploadEnd !== undefined) add('create', t.uploadEnd, upTo(t.queued));
  const trainingFrom = t.trainingStart ?? t.queued;
  if (t.trainingStart !== undefined) add('queue', t.queued, t.trainingStart);
  else if (t.trainingEnd === undefined && running && t.queued !== undefined) add('queue', t.queued, now);
  // The service's finish splits the wait when it falls inside it (a clock far off is not trusted).
  const service = t.finishedAtService;
  const lagFrom =
    service !== undefined && trainingFrom !== undefined && t.trainingEnd !== undefined && service >= trainingFrom && service <= t.trainingEnd
      ? service
      : undefined;
  if (t.trainingStart !== undefined || t.trainingEnd !== undefined) add('training', trainingFrom, lagFrom ?? upTo(t.trainingEnd));
  if (lagFrom !== undefined) add('poll lag', lagFrom, t.trainingEnd);
  add('download', t.downloadStart, upTo(t.downloadEnd));
  return { segments, seconds };
}

/** Timeline labels of the stage a record starts (records without stage times). */
const SEGMENT: Readonly<Record<string, string>> = {
  uploading: 'upload',
  uploaded: 'create',
  creating: 'create',
  training: 'training + download',
};

function headlineOf(metrics: Readonly<Record<string, number>>): ReportModel['headline'] {
  const name = ['accuracy', 'r2'].find((n) => n in metrics) ?? Object.keys(metrics)[0];
  return name === undefined ? undefined : { name, value: metrics[name] };
}

/** A word for the shell: quoted unless it is plainly safe. */
function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * What to do about a failed or unfinished job, by the error's type and how far it got.
 *
 * ## Example
 * ```ts
 * recoveryFor('AuthError', 'training', 'id-1', 'out/a'); // 'check the API key …'
 * ```
 */
export function recoveryFor(errorName: string | undefined, stage: string | undefined, trainingId: string | undefined, resultDir: string): string | undefined {
  if (errorName === 'TrainingFailedError')
    return 'the service could not train on this data: check the target column, the task type and the data, then run the job again';
  if (errorName === 'AuthError')
    return 'the API key or secret key was refused: check the key (p1rx conformance shows it), then run the batch again with --resume';
  if (errorName === 'ValidationError')
    return 'the data or the job was refused locally or by the service: fix what the message names, then run the batch again with --resume';
  if (errorName === 'PollTimeoutError' && trainingId)
    return `the training goes on at the service: p1rx download ${shellWord(trainingId)} --wait --out ${shellWord(resultDir)}`;
  if ((stage === 'training' || stage === 'creating') && trainingId) {
    return `the training was accepted and goes on at the service: p1rx status ${shellWord(trainingId)} --watch, or fetch it with p1rx download ${shellWord(trainingId)} --wait --out ${shellWord(resultDir)}`;
  }
  if (errorName !== undefined || stage !== undefined) return 'run the same batch again with --resume: nothing done is done twice';
  return undefined;
}

/**
 * Builds the report's data from what was read from disk.
 *
 * ## Example
 * ```ts
 * const data = buildReportData({ outDir: 'out', checkpointText: await readFile('out/.p1rx-checkpoint.jsonl', 'utf8'), folders, now: new Date() });
 * ```
 *
 * @param input - The out folder's name, the checkpoint text, the result folders by key, the event log's text.
 * @returns The data the page renders.
 */
export function buildReportData(input: {
  readonly outDir: string;
  readonly title?: string;
  readonly checkpointText?: string;
  readonly eventsText?: string;
  readonly folders: ReadonlyMap<string, ResultFolderFiles>;
  readonly now: Date;
  readonly maxPoints?: number;
}): ReportData {
  const history = parseHistory(input.checkpointText ?? '');
  const failures = new Map(parseFailures(input.eventsText ?? '').map((f) => [f.key, f]));
  const byKey = new Map<string, HistoryRecord[]>();
  for (const r of history) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
  const keys = [...new Set([...byKey.keys(), ...input.folders.keys(), ...failures.keys()])];
  const runStartOf = runStarts(byKey);
  const metricNames = new Set<string>();

  const models = keys.map((key): ReportModel => {
    const records = byKey.get(key) ?? [];
    const last = records.at(-1);
    const folder = input.folders.get(key);
    const metrics = parseMetrics(folder?.metrics);
    Object.keys(metrics).forEach((n) => metricNames.add(n));
    const hasResult = folder?.metrics !== undefined && Object.keys(metrics).length > 0;
    // The failure the last record carries (a later record means the job ran again), else the event log's.
    const recorded = last?.failure;
    const failure = recorded ? { key, ...recorded } : failures.get(key);
    const done = hasResult && (last === undefined || last.stage === 'downloaded');
    const status: ReportModel['status'] = done ? 'succeeded' : failure ? 'failed' : hasResult ? 'succeeded' : 'incomplete';
    const trainingId = [...records].reverse().find((r) => r.externalProcessId)?.externalProcessId ?? failure?.externalProcessId;
    const resultDir = folder?.dir ?? last?.resultDir ?? `${input.outDir}/${key}`;

    // Timeline: from its run's start to its own first time the job waited (for a slot), then its
    // stages from the times its records carry, or (older files) one segment per record.
    const timed = records.filter((r): r is HistoryRecord & { at: number } => r.at !== undefined);
    const times = mergedTimes(records);
    const timeline: Segment[] = [];
    const firstAt = Math.min(...localTimes(times), ...timed.map((r) => r.at));
    const runStart = runStartOf(firstAt);
    if (runStart !== undefined && firstAt > runStart) timeline.push({ stage: 'waiting', start: iso(runStart), end: iso(firstAt) });
    const running = status === 'incomplete' && !failure;
    let durations: ReportModel['durations'];
    if (times) {
      const { segments, seconds } = stageSegments(times, running, input.now.getTime());
      timeline.push(...segments);
      const all = [...localTimes(times), ...timed.map((r) => r.at)];
      durations = {
        ...(seconds.upload !== undefined ? { upload: seconds.upload } : {}),
        ...(seconds.create !== undefined ? { create: seconds.create } : {}),
        ...(seconds.queue !== undefined ? { queue: seconds.queue } : {}),
        ...(seconds.training !== undefined ? { training: seconds.training } : {}),
        ...(seconds['poll lag'] !== undefined ? { pollLag: seconds['poll lag'] } : {}),
        ...(seconds.download !== undefined ? { download: seconds.download } : {}),
        ...(all.length > 1 ? { total: round((Math.max(...all) - Math.min(...all)) / 1000) } : {}),
      };
    } else {
      const spent: Record<string, number> = {};
      for (let i = 0; i + 1 < timed.length; i++) {
        const label = SEGMENT[timed[i].stage] ?? timed[i].stage;
        if (timed[i + 1].at <= timed[i].at) continue;
        timeline.push({ stage: label, start: iso(timed[i].at), end: iso(timed[i + 1].at) });
        spent[label] = (spent[label] ?? 0) + (timed[i + 1].at - timed[i].at) / 1000;
      }
      // A job still under way (or stopped): its current stage runs up to now, so a live page shows it growing.
      const lastTimed = timed.at(-1);
      if (running && lastTimed && lastTimed.stage !== 'downloaded' && input.now.getTime() > lastTimed.at) {
        timeline.push({ stage: SEGMENT[lastTimed.stage] ?? lastTimed.stage, start: iso(lastTimed.at), end: input.now.toISOString() });
      }
      durations = {
        ...(spent.upload !== undefined ? { upload: round(spent.upload) } : {}),
        ...(spent.create !== undefined ? { create: round(spent.create) } : {}),
        ...(spent['training + download'] !== undefined ? { training: round(spent['training + download']) } : {}),
        ...(timed.length > 1 ? { total: round((timed.at(-1)!.at - timed[0].at) / 1000) } : {}),
      };
    }
    const evaluation = folder ? parseEvaluation(folder.evaluation, input.maxPoints) : {};
    const confusion = parseConfusion(folder?.confusion) ?? evaluation.confusion;
    const task: ReportModel['task'] =
      confusion !== undefined || 'accuracy' in metrics
        ? 'classification'
        : evaluation.points !== undefined || 'r2' in metrics || 'rmse' in metrics
          ? 'regression'
          : 'unknown';
    const fromRecord = last?.score;
    const headline = headlineOf(metrics) ?? fromRecord;
    const hint = status === 'succeeded' ? undefined : (recorded?.hint ?? recoveryFor(failure?.name, last?.stage, trainingId, resultDir));
    const error =
      status === 'failed' && failure
        ? { name: failure.name, message: failure.message, ...(hint ? { hint } : {}) }
        : status === 'incomplete'
          ? { name: 'Incomplete', message: last ? `stopped at stage '${last.stage}' (or still running)` : 'no record of this job', ...(hint ? { hint } : {}) }
          : undefined;
    return {
      key,
      status,
      ...(last ? { stage: last.stage } : {}),
      task,
      ...(headline ? { headline } : {}),
      metrics,
      ...(trainingId ? { trainingId } : {}),
      resultDir,
      durations,
      timeline,
      ...(confusion ? { confusion } : {}),
      ...(evaluation.points ? { points: evaluation.points, pointsTotal: evaluation.pointsTotal } : {}),
      contributions: parseContributions(folder?.contributions),
      ...(error ? { error } : {}),
    };
  });
  return {
    title: input.title ?? `Batch report: ${input.outDir}`,
    outDir: input.outDir,
    generatedAt: input.now.toISOString(),
    models,
    metricNames: [...metricNames],
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
