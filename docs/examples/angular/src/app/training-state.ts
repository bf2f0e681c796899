/** Example app: the state of the current training as the page shows it. */
import type { Contribution, Metric, TrainingEvent, TrainingJob } from 'prediction-one-rx';

export type Phase = 'idle' | 'uploading' | 'training' | 'downloading' | 'done' | 'cancelled' | 'failed';

/** What the page shows about the current (or last) training. */
export interface TrainingState {
  readonly phase: Phase;
  readonly name?: string;
  readonly target?: string;
  readonly sentBytes: number;
  readonly totalBytes?: number;
  readonly externalProcessId?: string;
  readonly statuses: readonly { readonly status: string; readonly at?: string }[];
  readonly receivedBytes: number;
  readonly metrics: readonly Metric[];
  readonly contributions: readonly Contribution[];
  readonly error?: string;
}

export const IDLE: TrainingState = { phase: 'idle', sentBytes: 0, statuses: [], receivedBytes: 0, metrics: [], contributions: [] };

/** Start, training events, an error, or Cancel: everything that moves the state. */
export type Action =
  | { readonly kind: 'start'; readonly job: TrainingJob }
  | { readonly kind: 'event'; readonly event: TrainingEvent }
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'cancel' };

export const ACTIVE: readonly Phase[] = ['uploading', 'training', 'downloading'];

export function reduce(state: TrainingState, action: Action): TrainingState {
  switch (action.kind) {
    case 'start':
      return { ...IDLE, phase: 'uploading', name: action.job.name, target: action.job.config.tc };
    case 'cancel':
      return ACTIVE.includes(state.phase) ? { ...state, phase: 'cancelled' } : state;
    case 'error': {
      const err = action.error instanceof Error ? action.error : new Error(String(action.error));
      return { ...state, phase: 'failed', error: `${err.name}: ${err.message}` };
    }
    case 'event':
      return onEvent(state, action.event);
  }
}

function onEvent(state: TrainingState, e: TrainingEvent): TrainingState {
  switch (e.type) {
    case 'uploadProgress':
      return e.file === 'learn' ? { ...state, sentBytes: e.loaded, totalBytes: e.total } : state;
    case 'uploaded':
      return { ...state, externalProcessId: e.externalProcessId };
    case 'queued':
      return { ...state, phase: 'training', externalProcessId: e.externalProcessId };
    case 'status':
      return { ...state, statuses: [...state.statuses, { status: e.status, at: e.updatedDatetime }] };
    case 'downloadProgress':
      return { ...state, phase: 'downloading', receivedBytes: e.loaded };
    case 'completed':
      return {
        ...state,
        phase: 'done',
        metrics: e.result.metrics,
        contributions: [...e.result.contributions].sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution)),
      };
  }
}
