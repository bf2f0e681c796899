/** OpenTelemetry traces and metrics for a client and its trainings, fed by the client's `onRequest` / `onCallEnd` hooks and by the TrainingEvents of a pipeline. */
/**
 * OpenTelemetry traces and metrics for a client and its trainings, fed by the client's
 * `onRequest` / `onCallEnd` hooks and by the {@link TrainingEvent}s of a pipeline.
 *
 * @packageDocumentation
 */
import { defer, tap, type MonoTypeOperatorFunction, type Observable } from 'rxjs';
import type { CallEndEvent, OperationName, RequestEvent } from '../core/operation';
import type { TrainingEvent } from '../core/events';
import type { CounterLike, HistogramLike, MeterLike, MeterProviderLike, OtelAttributes, SpanLike, TracerLike, TracerProviderLike } from './peerTypes';

/** OpenTelemetry's `SpanKind.CLIENT` and `SpanStatusCode.ERROR` (stable values of the API). */
const SPAN_KIND_CLIENT = 2;
const SPAN_STATUS_ERROR = 2;

/** The instrumentation scope: the tracer's and the meter's name. */
const SCOPE = 'prediction-one-rx';

/**
 * Most calls followed at once: a client given `onRequest` without `onCallEnd` never ends its
 * calls, and would otherwise keep them all; past it the oldest is ended (and marked).
 */
const MAX_OPEN_CALLS = 100_000;

/** Operations that are a poll of a job's status. */
const POLLS: ReadonlySet<OperationName> = new Set<OperationName>(['trainingStatus', 'retrainStatus']);

/**
 * Where {@link openTelemetry} reports. Without a provider, that signal is not recorded: with
 * neither, the hooks do nothing.
 *
 * ## Example
 * ```ts
 * import { metrics, trace } from '@opentelemetry/api';
 * const options: OpenTelemetryOptions = { tracerProvider: trace.getTracerProvider(), meterProvider: metrics.getMeterProvider() };
 * ```
 */
export interface OpenTelemetryOptions {
  /** Spans of API calls: `trace.getTracerProvider()` (the global one), or an SDK's provider. */
  readonly tracerProvider?: TracerProviderLike;
  /** Metrics: `metrics.getMeterProvider()` (the global one), or an SDK's `MeterProvider`. */
  readonly meterProvider?: MeterProviderLike;
  /** The clock of stage durations, in ms. Default `performance.now()`. */
  readonly now?: () => number;
}

/**
 * The hooks of a client: spread into `createClient`'s configuration.
 *
 * ## Example
 * ```ts
 * const client = createClient({ baseUrl, apiKey, ...otel.client });
 * ```
 */
export interface OpenTelemetryClientHooks {
  readonly onRequest?: (event: RequestEvent) => void;
  readonly onCallEnd?: (event: CallEndEvent) => void;
}

/**
 * What {@link openTelemetry} returns: the client hooks (spans per API call, request, retry and
 * poll counters) and an operator for a training pipeline (trainings in flight by stage, time per
 * stage, result bytes).
 *
 * ## Example
 * ```ts
 * const otel = openTelemetry({ tracerProvider, meterProvider });
 * const client = createClient({ baseUrl, apiKey, ...otel.client });
 * trainModel$(client, job).pipe(otel.training()).subscribe();
 * ```
 */
export interface OpenTelemetryHooks {
  /** `onRequest` and `onCallEnd` for `createClient` (empty without providers). */
  readonly client: OpenTelemetryClientHooks;
  /**
   * An operator over a pipeline's {@link TrainingEvent}s (`trainModel$`, `trainOrFollow$`, …)
   * that counts the training in its stage and records how long each stage took. It passes
   * every event through unchanged. Use it once per training.
   */
  training<E extends TrainingEvent>(): MonoTypeOperatorFunction<E>;
}

/**
 * Traces and metrics in OpenTelemetry for API calls and trainings, with nothing to install but
 * `@opentelemetry/api` and your SDK: this package never imports them, you hand it the providers.
 *
 * **Spans**: one per logical API call (every operation of the API and every pre-signed
 * transfer), named `prediction-one <operation>` (`prediction-one createModel`), kind `CLIENT`,
 * from its first request to its end, so a result download's span covers the whole body. A
 * retry is not a new span: it is an event `retry` on the call's span (with the attempt about to
 * be made and what ended the previous one). Attributes: `prediction_one.operation`,
 * `prediction_one.training_id` (the `external_process_id`, when the call has one),
 * `http.request.method`, `server.address` and `server.port` (never a URL: pre-signed URLs and
 * keys stay out), `http.response.status_code` (of the last response), `http.request.resend_count`
 * and `prediction_one.attempts`. A call that fails for good has status `ERROR` with the error's
 * name as message and `error.type`; a cancelled one has `prediction_one.cancelled`.
 *
 * **Metrics**: `prediction_one.client.requests` (HTTP requests by operation and outcome),
 * `prediction_one.client.calls` (logical calls by operation and outcome),
 * `prediction_one.client.retries`, `prediction_one.client.polls`, and through
 * {@link OpenTelemetryHooks.training}: `prediction_one.trainings.active` (in flight by stage),
 * `prediction_one.training.stage.duration` (seconds per stage) and
 * `prediction_one.result.bytes` (result archive bytes received). See docs/OBSERVABILITY.md.
 *
 * ## Example
 * ```ts
 * import { metrics, trace } from '@opentelemetry/api';
 * import { openTelemetry } from 'prediction-one-rx/otel';
 *
 * const otel = openTelemetry({ tracerProvider: trace.getTracerProvider(), meterProvider: metrics.getMeterProvider() });
 * const client = createClient({ baseUrl, apiKey, ...otel.client });
 * trainModel$(client, job).pipe(otel.training()).subscribe();
 * ```
 */
export function openTelemetry(options: OpenTelemetryOptions = {}): OpenTelemetryHooks {
  const meter = options.meterProvider?.getMeter(SCOPE);
  const tracer = options.tracerProvider?.getTracer(SCOPE);
  const calls = tracer === undefined && meter === undefined ? undefined : new Calls(tracer, meter === undefined ? undefined : new RequestMetrics(meter));
  const client: OpenTelemetryClientHooks = calls === undefined ? {} : { onRequest: (e) => calls.request(e), onCallEnd: (e) => calls.end(e) };
  const stages = meter === undefined ? undefined : new StageMetrics(meter, options.now ?? (() => performance.now()));
  return {
    client,
    training: <E extends TrainingEvent>(): MonoTypeOperatorFunction<E> =>
      stages === undefined ? (source: Observable<E>) => source : (source: Observable<E>) => defer(() => stages.follow(source)),
  };
}

/** A logical call in progress: its span, and what ended its last request. */
interface OpenCall {
  readonly span: SpanLike | undefined;
  /** The HTTP status of the last response, or the error's name when no response came. */
  status?: number | undefined;
  error?: string | undefined;
}

/** The calls in progress by number: their spans, and the request metrics. */
class Calls {
  private readonly open = new Map<number, OpenCall>();

  constructor(
    private readonly tracer: TracerLike | undefined,
    private readonly metrics: RequestMetrics | undefined,
  ) {}

  request(e: RequestEvent): void {
    if (e.call === undefined) return;
    let call = this.open.get(e.call);
    if (e.phase === 'start') {
      if (call === undefined) {
        if (this.open.size >= MAX_OPEN_CALLS) this.evictOldest();
        call = { span: this.tracer === undefined ? undefined : startSpan(this.tracer, e) };
        this.open.set(e.call, call);
      }
      // A redirect hop is a new request of the call too, but no retry.
      const redirected = call.status !== undefined && call.status >= 300 && call.status < 400;
      if (e.attempt > 1) {
        const attributes: Record<string, string | number> = { 'prediction_one.attempt': e.attempt };
        if (call.status !== undefined) attributes['http.response.status_code'] = call.status;
        if (call.error !== undefined) attributes['error.type'] = call.error;
        call.span?.addEvent(redirected ? 'redirect' : 'retry', attributes);
        call.span?.setAttribute('http.request.resend_count', e.attempt - 1);
      }
      this.metrics?.start(e, redirected);
      call.status = undefined;
      call.error = undefined;
      return;
    }
    this.metrics?.response(e);
    // The end of a request whose call already ended (aborted by a cancellation): nothing to add.
    if (call === undefined) return;
    if (e.phase === 'response' && e.status !== undefined) {
      call.status = e.status;
      call.span?.setAttribute('http.response.status_code', e.status);
    } else call.error = e.error ?? 'no_response';
  }

  private evictOldest(): void {
    const [number, oldest] = this.open.entries().next().value!;
    this.open.delete(number);
    oldest.span?.setAttribute('prediction_one.unended', true);
    oldest.span?.end();
  }

  end(e: CallEndEvent): void {
    this.metrics?.end(e);
    const call = this.open.get(e.call);
    if (call === undefined) return;
    this.open.delete(e.call);
    const { span } = call;
    if (span === undefined) return;
    span.setAttribute('prediction_one.attempts', e.attempts);
    if (e.outcome === 'error') {
      const name = e.error?.name ?? 'Error';
      span.setAttribute('error.type', name);
      span.setStatus({ code: SPAN_STATUS_ERROR, message: name });
    } else if (e.outcome === 'cancelled') span.setAttribute('prediction_one.cancelled', true);
    span.end();
  }
}

/** The span of the call whose first request `e` starts. */
function startSpan(tracer: TracerLike, e: RequestEvent): SpanLike {
  const attributes: Record<string, string | number> = { 'prediction_one.operation': e.operation, 'http.request.method': e.method };
  if (e.trainingId !== undefined) attributes['prediction_one.training_id'] = e.trainingId;
  Object.assign(attributes, serverAttributes(e.host));
  return tracer.startSpan(`prediction-one ${e.operation}`, { kind: SPAN_KIND_CLIENT, attributes });
}

/** `server.address` and `server.port` from `host[:port]` (an IPv6 address in brackets). */
function serverAttributes(host: string | undefined): Record<string, string | number> {
  if (host === undefined) return {};
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d+))?$/.exec(host);
  if (match === null) return {};
  const address = match[1].replace(/^\[|\]$/g, '');
  return match[2] === undefined ? { 'server.address': address } : { 'server.address': address, 'server.port': Number(match[2]) };
}

/** The outcome of one HTTP request, by its status class. */
function requestOutcome(e: RequestEvent): string {
  if (e.phase !== 'response' || e.status === undefined) return 'no_response';
  if (e.status < 300) return 'ok';
  if (e.status < 400) return 'redirect';
  return e.status < 500 ? 'client_error' : 'server_error';
}

/** Request, call, retry and poll counters. */
class RequestMetrics {
  private readonly requests: CounterLike;
  private readonly calls: CounterLike;
  private readonly retries: CounterLike;
  private readonly polls: CounterLike;

  constructor(meter: MeterLike) {
    this.requests = meter.createCounter('prediction_one.client.requests', {
      description: 'HTTP requests sent, by operation and outcome (ok, redirect, client_error, server_error, no_response)',
      unit: '{request}',
    });
    this.calls = meter.createCounter('prediction_one.client.calls', {
      description: 'Logical API calls (all their attempts) ended, by operation and outcome (ok, error, cancelled)',
      unit: '{call}',
    });
    this.retries = meter.createCounter('prediction_one.client.retries', {
      description: 'Requests sent again after a failure, by operation',
      unit: '{request}',
    });
    this.polls = meter.createCounter('prediction_one.client.polls', { description: 'Status polls of trainings and retraining jobs', unit: '{poll}' });
  }

  start(e: RequestEvent, redirected: boolean): void {
    const operation: OtelAttributes = { 'prediction_one.operation': e.operation };
    if (e.attempt > 1) {
      if (!redirected) this.retries.add(1, operation);
    } else if (POLLS.has(e.operation)) this.polls.add(1, operation);
  }

  response(e: RequestEvent): void {
    const attributes: Record<string, string | number> = { 'prediction_one.operation': e.operation, 'prediction_one.outcome': requestOutcome(e) };
    if (e.status !== undefined) attributes['http.response.status_code'] = e.status;
    this.requests.add(1, attributes);
  }

  end(e: CallEndEvent): void {
    this.calls.add(1, { 'prediction_one.operation': e.operation, 'prediction_one.outcome': e.outcome });
  }
}

/** A training's stage, as its events tell it. */
type Stage = 'uploading' | 'training' | 'downloading';

/** The stage an event puts a training in; `'done'` once the result is in. */
function stageOf(e: TrainingEvent): Stage | 'done' {
  switch (e.type) {
    case 'uploadProgress':
      return 'uploading';
    case 'uploaded':
    case 'queued':
      return 'training';
    case 'status':
      return e.terminal ? 'downloading' : 'training';
    case 'downloadProgress':
      return 'downloading';
    case 'completed':
      return 'done';
  }
}

/** Trainings in flight by stage, time per stage and result bytes, from each training's events. */
class StageMetrics {
  private readonly active: CounterLike;
  private readonly duration: HistogramLike;
  private readonly resultBytes: CounterLike;

  constructor(
    meter: MeterLike,
    private readonly now: () => number,
  ) {
    this.active = meter.createUpDownCounter('prediction_one.trainings.active', {
      description: 'Trainings in flight, by stage (uploading, training, downloading)',
      unit: '{training}',
    });
    this.duration = meter.createHistogram('prediction_one.training.stage.duration', {
      description: 'Time a training spent in a stage, by stage and outcome (ok, error, cancelled)',
      unit: 's',
    });
    this.resultBytes = meter.createCounter('prediction_one.result.bytes', { description: 'Bytes of result archives received', unit: 'By' });
  }

  /** `source` with its training followed from subscription to end. */
  follow<E extends TrainingEvent>(source: Observable<E>): Observable<E> {
    // The first stage starts at the subscription: the upload's first progress comes after its URL.
    let since = this.now();
    let stage: Stage | undefined;
    let received = 0;
    const leave = (outcome: 'ok' | 'error' | 'cancelled'): void => {
      if (stage === undefined) return;
      const at = this.now();
      this.active.add(-1, { 'prediction_one.stage': stage });
      this.duration.record(Math.max(0, at - since) / 1000, { 'prediction_one.stage': stage, 'prediction_one.outcome': outcome });
      stage = undefined;
      since = at;
    };
    return source.pipe(
      tap({
        next: (e) => {
          if (e.type === 'downloadProgress') {
            // A retried download starts again from 0: count only bytes beyond those already counted.
            if (e.loaded < received) received = 0;
            if (e.loaded > received) this.resultBytes.add(e.loaded - received);
            received = e.loaded;
          }
          const next = stageOf(e);
          if (next === stage) return;
          leave('ok');
          if (next === 'done') {
            stage = undefined;
            return;
          }
          stage = next;
          this.active.add(1, { 'prediction_one.stage': stage });
        },
        error: () => leave('error'),
        complete: () => leave('ok'),
        unsubscribe: () => leave('cancelled'),
      }),
    );
  }
}
