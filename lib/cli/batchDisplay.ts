/** How `p1rx batch` shows progress. */
/**
 * How `p1rx batch` shows progress: live bars on a terminal (cli-progress), JSON lines
 * otherwise. Neither ever prints a key, a secret or a pre-signed URL.
 *
 * @packageDocumentation
 */
import { MultiBar, type SingleBar } from 'cli-progress';
import type { TrainingEvent } from 'prediction-one-rx';
import type { CheckpointStage } from 'prediction-one-rx/node';
import { formatNumber } from './format';
import type { CliIo } from './batchIo';
import { LIBRARY_DEFAULTS } from '../core/defaults';

/**
 * How a job of the batch ended.
 *
 * @internal
 */
export type JobOutcome =
  | {
      readonly outcome: 'succeeded';
      readonly externalProcessId?: string;
      readonly resultDir: string;
      readonly score?: { name: string; value: number | string };
      readonly seconds: number;
    }
  | { readonly outcome: 'failed'; readonly externalProcessId?: string; readonly error: Error; readonly seconds: number }
  | { readonly outcome: 'skipped'; readonly externalProcessId?: string; readonly resultDir?: string; readonly score?: { name: string; value: number | string } }
  | { readonly outcome: 'interrupted'; readonly externalProcessId?: string; readonly seconds: number }
  | { readonly outcome: 'not started' };

/**
 * Receives the batch's progress.
 *
 * @internal
 */
export interface BatchDisplay {
  begin(info: { jobs: number; toRun: number; skipped: number; concurrency: number; checkpoint: string }): void;
  jobStarted(key: string, resumeFrom: CheckpointStage | undefined): void;
  jobEvent(key: string, event: TrainingEvent): void;
  jobEnded(key: string, outcome: JobOutcome): void;
  /**
   * A message for the user while the batch runs (Ctrl-C). On a terminal it goes through the live
   * display, so the bars are redrawn below it instead of being left behind; otherwise to stderr.
   */
  notice(text: string): void;
  /** Clears live output; the summary is printed after. */
  end(summary: {
    succeeded: number;
    failed: number;
    skipped: number;
    notRun: number;
    interrupted: boolean;
    exitCode: number;
    /** Jobs trained anew because they changed since the checkpoint. */
    replaced?: number;
    /** The signal that stopped the batch. */
    signal?: string;
    /** Why the batch stopped early other than a signal (a checkpoint that could not be written). */
    stopped?: string;
  }): void;
}

/**
 * A training event without anything that must not be printed: the pre-signed `resultUrl` of
 * a terminal status, and the result's file contents.
 *
 * @internal
 */
export function printableEvent(event: TrainingEvent): Record<string, unknown> {
  if (event.type === 'completed') {
    return { type: 'completed', externalProcessId: event.externalProcessId, metrics: event.result.metrics, files: Object.keys(event.result.files) };
  }
  if (event.type === 'status') {
    const { resultUrl: _secret, ...rest } = event;
    void _secret;
    return { ...rest };
  }
  return { ...event };
}

function errorJson(error: Error): { name: string; message: string } {
  return { name: error.name, message: error.message };
}

/**
 * One JSON object per line: `batch`, then per job `start`, its training events (with `key`),
 * `succeeded` / `failed` / `skipped` / `interrupted`, and a final `summary`.
 *
 * @internal
 */
export function jsonLinesDisplay(io: CliIo): BatchDisplay {
  const line = (value: Record<string, unknown>) => io.stdout.write(`${JSON.stringify(value)}\n`);
  return {
    begin: (info) => line({ type: 'batch', ...info }),
    jobStarted: (key, resumeFrom) => line({ type: 'start', key, resumeFrom: resumeFrom ?? null }),
    jobEvent: (key, event) => {
      // `succeeded` carries what `completed` would; the files themselves are never printed.
      if (event.type !== 'completed') line({ key, ...printableEvent(event) });
    },
    jobEnded: (key, o) => {
      switch (o.outcome) {
        case 'succeeded':
          return void line({ type: 'succeeded', key, externalProcessId: o.externalProcessId, resultDir: o.resultDir, score: o.score, seconds: o.seconds });
        case 'failed':
          return void line({ type: 'failed', key, externalProcessId: o.externalProcessId, error: errorJson(o.error), seconds: o.seconds });
        case 'skipped':
          return void line({ type: 'skipped', key, externalProcessId: o.externalProcessId, resultDir: o.resultDir, score: o.score });
        case 'interrupted':
          return void line({ type: 'interrupted', key, externalProcessId: o.externalProcessId, seconds: o.seconds });
        case 'not started':
          return;
      }
    },
    notice: (text) => io.stderr.write(`${text}\n`),
    end: (summary) => line({ type: 'summary', ...summary }),
  };
}

/** Where a job is, as a bar position (0–100) and a word. */
function progressOf(event: TrainingEvent): { value: number; stage: string } | undefined {
  switch (event.type) {
    case 'uploadProgress':
      return event.file === 'learn' && event.total ? { value: Math.round((event.loaded / event.total) * 20), stage: 'uploading' } : undefined;
    case 'uploaded':
      return { value: 20, stage: 'uploaded' };
    case 'queued':
      return { value: 30, stage: 'queued' };
    case 'status':
      return { value: event.terminal ? 80 : event.status === 'running' ? 55 : 40, stage: event.status };
    case 'downloadProgress':
      return { value: 80 + (event.total ? Math.round((event.loaded / event.total) * 19) : 0), stage: 'downloading' };
    case 'completed':
      return { value: 100, stage: 'writing' };
  }
}

const RESUME_STAGE: Record<CheckpointStage, string> = {
  new: 'starting',
  uploading: 'checking upload',
  uploaded: 'resuming after upload',
  creating: 'checking training',
  training: 'resuming training',
  downloaded: 'downloading again',
};

/**
 * Live bars for a terminal: one line per running job (key, bar, stage) and a total line; a
 * line is logged above the bars as each job ends.
 *
 * @internal
 */
export function terminalDisplay(io: CliIo, keyWidth: number): BatchDisplay {
  const width = Math.min(Math.max(keyWidth, 5), 32);
  const pad = (key: string) => (key.length > width ? `${key.slice(0, width - 1)}…` : key.padEnd(width));
  const multibar = new MultiBar({
    stream: io.stdout as NodeJS.WritableStream,
    format: ' {key} |{bar}| {stage}',
    barsize: 24,
    hideCursor: true,
    clearOnComplete: true,
    stopOnComplete: false,
    autopadding: true,
    // cli-progress redraws only a bar whose text changed: after a bar above it is removed (or a
    // line is logged above), an unchanged bar stays where it was drawn and the lines below are
    // cleared, so running jobs' bars vanished until they changed. Redraw every bar each frame.
    forceRedraw: true,
    // Ctrl-C is the batch's to handle: cli-progress's own SIGINT handler stopped the bars before
    // the batch had cleared them, and a later redraw drew them again (stale bars above the summary).
    gracefulExit: false,
  });
  let stopped = false;
  const bars = new Map<string, SingleBar>();
  let total: SingleBar | undefined;
  let done = 0;
  let failed = 0;
  let totalJobs = 0;
  const totalStage = () => `${done}/${totalJobs} done${failed > 0 ? `, ${failed} failed` : ''}`;
  return {
    begin: (info) => {
      totalJobs = info.toRun;
      if (info.skipped > 0) multibar.log(`skipping ${info.skipped} finished job(s) recorded in ${info.checkpoint}\n`);
      total = multibar.create(Math.max(1, info.toRun), 0, { key: pad('total'), stage: totalStage() });
    },
    jobStarted: (key, resumeFrom) => {
      bars.set(key, multibar.create(100, 0, { key: pad(key), stage: resumeFrom ? RESUME_STAGE[resumeFrom] : 'starting' }));
    },
    jobEvent: (key, event) => {
      const p = progressOf(event);
      if (p) bars.get(key)?.update(p.value, { stage: p.stage });
    },
    jobEnded: (key, o) => {
      const bar = bars.get(key);
      if (bar) multibar.remove(bar);
      bars.delete(key);
      if (o.outcome === 'succeeded' || o.outcome === 'failed') {
        done += 1;
        if (o.outcome === 'failed') failed += 1;
        total?.update(done, { stage: totalStage() });
        const what =
          o.outcome === 'succeeded'
            ? `ok      ${o.score ? `${o.score.name} ${typeof o.score.value === 'number' ? formatNumber(o.score.value) : o.score.value}` : ''}`
            : `FAILED  ${o.error.name}: ${o.error.message}`;
        // cli-progress turns the terminal's line wrapping off: cut a long error to the width.
        const text = `${pad(key)}  ${what}  (${o.seconds.toFixed(1)} s)`;
        const columns = io.stdout.columns ?? LIBRARY_DEFAULTS.cli.terminalColumns;
        multibar.log(`${text.length > columns ? `${text.slice(0, columns - 1)}…` : text}\n`);
      }
    },
    notice: (text) => {
      if (!stopped) multibar.log(`${text}\n`);
      else io.stderr.write(`${text}\n`);
      // Shown now, not at the next frame: the user just pressed Ctrl-C.
      if (!stopped) multibar.update();
    },
    end: () => {
      if (stopped) return;
      stopped = true;
      // log() lines are printed on the next redraw; draw once more so the last ones are not lost,
      // then clear every bar (clearOnComplete): only the log lines stay above the summary.
      multibar.update();
      multibar.stop();
    },
  };
}
