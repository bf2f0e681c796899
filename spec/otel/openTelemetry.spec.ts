/** Traces and metrics of a whole training in OpenTelemetry, read with the SDK's in-memory exporters. */
// Traces and metrics of a whole training in OpenTelemetry, read with the SDK's in-memory exporters.
import { lastValueFrom, toArray } from 'rxjs';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { metrics, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { models$ } from '../../lib/deploy';
import { PredictionOneError, trainModel$, type FetchLike, type TrainingEvent } from '../../lib';
import { openTelemetry, type MeterProviderLike, type TracerProviderLike } from '../../lib/otel';
import { API_KEY, seattleRain, useEmulator } from '../helpers/emulator';

describe('prediction-one-rx/otel', () => {
  // Long enough for a few polls at the spec's fast schedule.
  const { emulator, client } = useEmulator({ trainingDelayMs: 150 });
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const exported = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // Exports only when the spec flushes it (the interval is never reached).
  const reader = new PeriodicExportingMetricReader({ exporter: exported, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });

  afterAll(async () => {
    await meterProvider.shutdown();
    await tracerProvider.shutdown();
  });

  beforeEach(() => {
    spans.reset();
    exported.reset();
    emulator().clearLog();
  });

  /** Every metric exported so far, by name (the last export: cumulative). */
  async function collect(): Promise<Map<string, MetricData>> {
    await reader.forceFlush();
    const all = exported.getMetrics();
    const last = all[all.length - 1];
    return new Map(last.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m]));
  }

  /** The value of the data point of `name` whose attributes include `attributes`. */
  function sum(data: Map<string, MetricData>, name: string, attributes: Record<string, string | number> = {}): number {
    const points = (data.get(name)?.dataPoints ?? []) as DataPoint<number>[];
    return points.filter((p) => Object.entries(attributes).every(([k, v]) => p.attributes[k] === v)).reduce((total, p) => total + p.value, 0);
  }

  const job = { name: 'rain', data: { train: seattleRain(80) }, config: { tt: 'binary_classification', tc: 'rain', tv: 'yes' } as const };

  it('should make one span per API call of a whole training, named by its operation, with status, attempt, training id and server', async () => {
    const otel = openTelemetry({ tracerProvider, meterProvider });
    // A transient failure of the first call: one retry, inside the same span.
    emulator().failNext('GET /v1/external/data-sets/upload-url', 503, undefined, { retryAfterS: 0 });
    const c = client({ ...otel.client, poll: { minDelayMs: 20, maxDelayMs: 20 } });
    const events = await lastValueFrom(trainModel$(c, job).pipe(otel.training(), toArray()));
    const id = events.find((e): e is Extract<TrainingEvent, { type: 'queued' }> => e.type === 'queued')!.externalProcessId;

    const finished = spans.getFinishedSpans();
    // The emulator's log: one entry per HTTP request. Spans: one per logical call (retries inside).
    const requests = emulator().requests.map((r) => r.route);
    expect(requests.filter((r) => r === 'GET /v1/external/data-sets/upload-url')).toHaveLength(2);
    const polls = requests.filter((r) => r === 'GET /v1/external/models/results').length;
    expect(polls).toBeGreaterThanOrEqual(2);
    const uploads = requests.filter((r) => r.startsWith('PUT /storage/upload')).length;
    expect(finished.map((s) => s.name)).toEqual([
      'prediction-one uploadUrls',
      ...Array<string>(uploads).fill('prediction-one uploadData'),
      'prediction-one createModel',
      ...Array<string>(polls).fill('prediction-one trainingStatus'),
      'prediction-one downloadResult',
    ]);
    expect(finished).toHaveLength(requests.length - 1);

    const port = Number(new URL(emulator().url).port);
    for (const span of finished) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.attributes['server.address']).toBe('127.0.0.1');
      expect(span.attributes['server.port']).toBe(port);
      expect(span.attributes['http.response.status_code']).toBe(200);
      expect(span.status.code).toBe(SpanStatusCode.UNSET);
      expect(span.attributes['prediction_one.operation']).toBe(span.name.replace('prediction-one ', ''));
    }
    const byName = (name: string): ReadableSpan[] => finished.filter((s) => s.name === `prediction-one ${name}`);
    const [uploadUrls] = byName('uploadUrls');
    expect(uploadUrls.attributes).toMatchObject({ 'http.request.method': 'GET', 'prediction_one.attempts': 2, 'http.request.resend_count': 1 });
    expect(uploadUrls.events.map((e) => [e.name, e.attributes])).toEqual([['retry', { 'prediction_one.attempt': 2, 'http.response.status_code': 503 }]]);
    expect(byName('createModel')[0].attributes).toMatchObject({
      'http.request.method': 'POST',
      'prediction_one.training_id': id,
      'prediction_one.attempts': 1,
    });
    for (const poll of byName('trainingStatus')) expect(poll.attributes['prediction_one.training_id']).toBe(id);
    expect(byName('downloadResult')[0].attributes['prediction_one.training_id']).toBe(id);
    for (const span of [...byName('trainingStatus'), ...byName('uploadData'), ...byName('createModel')]) expect(span.events).toEqual([]);

    // No URL, query, key or pre-signed part in any attribute.
    const values = JSON.stringify(finished.map((s) => [s.attributes, s.events]));
    expect(values).not.toMatch(/https?:|\?|\/storage|X-Amz|Signature|Expires/i);
    expect(values).not.toContain(API_KEY);

    const data = await collect();
    expect(sum(data, 'prediction_one.client.requests')).toBe(requests.length);
    expect(sum(data, 'prediction_one.client.requests', { 'prediction_one.operation': 'uploadUrls', 'prediction_one.outcome': 'server_error' })).toBe(1);
    expect(sum(data, 'prediction_one.client.requests', { 'prediction_one.operation': 'uploadUrls', 'prediction_one.outcome': 'ok' })).toBe(1);
    expect(sum(data, 'prediction_one.client.requests', { 'prediction_one.operation': 'trainingStatus', 'http.response.status_code': 200 })).toBe(polls);
    expect(sum(data, 'prediction_one.client.calls', { 'prediction_one.outcome': 'ok' })).toBe(finished.length);
    expect(sum(data, 'prediction_one.client.retries')).toBe(1);
    expect(sum(data, 'prediction_one.client.retries', { 'prediction_one.operation': 'uploadUrls' })).toBe(1);
    expect(sum(data, 'prediction_one.client.polls', { 'prediction_one.operation': 'trainingStatus' })).toBe(polls);
    // Every training left every stage: none in flight.
    for (const stage of ['uploading', 'training', 'downloading'])
      expect(sum(data, 'prediction_one.trainings.active', { 'prediction_one.stage': stage })).toBe(0);
    const durations = data.get('prediction_one.training.stage.duration')!.dataPoints as DataPoint<Histogram>[];
    expect(durations.map((p) => [p.attributes['prediction_one.stage'], p.attributes['prediction_one.outcome'], p.value.count]).sort()).toEqual([
      ['downloading', 'ok', 1],
      ['training', 'ok', 1],
      ['uploading', 'ok', 1],
    ]);
    // The training stage lasts at least as long as the emulator's training.
    const training = durations.find((p) => p.attributes['prediction_one.stage'] === 'training')!;
    expect(training.value.sum).toBeGreaterThanOrEqual(0.15);
    const downloaded = events.filter((e) => e.type === 'downloadProgress').map((e) => e.loaded);
    expect(downloaded.length).toBeGreaterThan(0);
    expect(sum(data, 'prediction_one.result.bytes')).toBe(Math.max(...downloaded));
  });

  it('should count a training in its stage while it is there, and end a failed call with status ERROR and its error name', async () => {
    const otel = openTelemetry({ tracerProvider, meterProvider });
    const stages = ['uploading', 'training', 'downloading'] as const;
    const active = async (): Promise<Record<string, number>> => {
      const data = await collect();
      return Object.fromEntries(stages.map((s) => [s, sum(data, 'prediction_one.trainings.active', { 'prediction_one.stage': s })]));
    };
    const before = await active();
    // The gauges, read while the pipeline waits for the first request of an operation: the training is in that stage then.
    const seen = new Map<string, Record<string, number>>();
    const platform = globalThis.fetch as unknown as FetchLike;
    const fetch: FetchLike = async (url, init) => {
      const operation = init.operation?.name;
      if (operation !== undefined && !seen.has(operation)) seen.set(operation, await active());
      return platform(url, init);
    };
    const c = client({ ...otel.client, fetch, poll: { minDelayMs: 20, maxDelayMs: 20 }, retry: { maxAttempts: 1 } });
    // The second status poll fails for good: the training ends in its training stage.
    emulator().failNext('GET /v1/external/models/results', 200, { status: 'waiting', created_datetime: 'a', updated_datetime: 'b' });
    emulator().failNext('GET /v1/external/models/results', 400, { code: 'invalid_parameter', message: 'no' });
    const failure = await lastValueFrom(trainModel$(c, job).pipe(otel.training())).then(
      () => undefined,
      (err: unknown) => err as Error,
    );
    expect(failure).toBeInstanceOf(PredictionOneError);
    const plus = (stage: string): Record<string, number> => ({ ...before, [stage]: before[stage] + 1 });
    expect(seen.get('uploadData')).toEqual(plus('uploading'));
    expect(seen.get('trainingStatus')).toEqual(plus('training'));

    const failed = spans.getFinishedSpans().filter((s) => s.name === 'prediction-one trainingStatus');
    expect(failed.map((s) => s.status)).toEqual([{ code: SpanStatusCode.UNSET }, { code: SpanStatusCode.ERROR, message: failure!.name }]);
    expect(failed[1].attributes).toMatchObject({ 'error.type': failure!.name, 'http.response.status_code': 400, 'prediction_one.attempts': 1 });
    const data = await collect();
    expect(sum(data, 'prediction_one.client.calls', { 'prediction_one.operation': 'trainingStatus', 'prediction_one.outcome': 'error' })).toBe(1);
    expect(sum(data, 'prediction_one.client.requests', { 'prediction_one.operation': 'trainingStatus', 'prediction_one.outcome': 'client_error' })).toBe(1);
    const durations = data.get('prediction_one.training.stage.duration')!.dataPoints as DataPoint<Histogram>[];
    expect(durations.find((p) => p.attributes['prediction_one.stage'] === 'training' && p.attributes['prediction_one.outcome'] === 'error')?.value.count).toBe(
      1,
    );
    expect(await active()).toEqual(before);
  });

  it('should count a result being downloaded as downloading, and mark a call unsubscribed before its end as cancelled', async () => {
    const otel = openTelemetry({ tracerProvider, meterProvider });
    const before = await collect();
    const downloading = sum(before, 'prediction_one.trainings.active', { 'prediction_one.stage': 'downloading' });
    let asked: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (asked = resolve));
    // The result download never answers: it waits until it is aborted.
    const platform = globalThis.fetch as unknown as FetchLike;
    const fetch: FetchLike = (url, init) => {
      if (init.operation?.name !== 'downloadResult') return platform(url, init);
      asked();
      return new Promise((_resolve, reject) => init.signal!.addEventListener('abort', () => reject(new Error('aborted'))));
    };
    const c = client({ ...otel.client, fetch, poll: { minDelayMs: 20, maxDelayMs: 20 } });
    const subscription = trainModel$(c, job).pipe(otel.training()).subscribe();
    await held;
    expect(sum(await collect(), 'prediction_one.trainings.active', { 'prediction_one.stage': 'downloading' })).toBe(downloading + 1);
    subscription.unsubscribe();
    const download = spans.getFinishedSpans().find((s) => s.name === 'prediction-one downloadResult')!;
    expect(download.attributes['prediction_one.cancelled']).toBe(true);
    expect(download.status.code).toBe(SpanStatusCode.UNSET);
    const data = await collect();
    expect(sum(data, 'prediction_one.trainings.active', { 'prediction_one.stage': 'downloading' })).toBe(downloading);
    expect(sum(data, 'prediction_one.client.calls', { 'prediction_one.operation': 'downloadResult', 'prediction_one.outcome': 'cancelled' })).toBe(1);
    const durations = data.get('prediction_one.training.stage.duration')!.dataPoints as DataPoint<Histogram>[];
    expect(
      durations.find((p) => p.attributes['prediction_one.stage'] === 'downloading' && p.attributes['prediction_one.outcome'] === 'cancelled')?.value.count,
    ).toBe(1);
  });

  it("should work with the API's global providers, and do nothing without providers", async () => {
    // The types of the real providers fit the subpath's own.
    const globalTracer: TracerProviderLike = trace.getTracerProvider();
    const globalMeter: MeterProviderLike = metrics.getMeterProvider();
    // The API's global providers are no-ops until an SDK registers: nothing recorded, nothing fails.
    const noop = openTelemetry({ tracerProvider: globalTracer, meterProvider: globalMeter });
    const none = openTelemetry();
    expect(none.client).toEqual({});
    for (const otel of [noop, none]) {
      const events = await lastValueFrom(trainModel$(client({ ...otel.client }), job).pipe(otel.training(), toArray()));
      expect(events[events.length - 1].type).toBe('completed');
    }
    expect(spans.getFinishedSpans()).toEqual([]);
    // The operator without a meter is the identity.
    const source = models$(client());
    expect(none.training()(source as never)).toBe(source);
  });
});
