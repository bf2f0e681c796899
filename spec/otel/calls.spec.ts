/** The span and counter bookkeeping of prediction-one-rx/otel, fed RequestEvents directly (no SDK, no network). */
// The span and counter bookkeeping of prediction-one-rx/otel, fed RequestEvents directly (no SDK, no network).
import type { CallEndEvent, RequestEvent } from '../../lib';
import { openTelemetry, type MeterProviderLike, type OtelAttributes, type TracerProviderLike } from '../../lib/otel';

interface FakeSpan {
  readonly name: string;
  readonly attributes: Record<string, unknown>;
  readonly events: [string, OtelAttributes | undefined][];
  ended: boolean;
}

/** A tracer provider and a meter provider that keep what they are given. */
function fakes(): { tracerProvider: TracerProviderLike; meterProvider: MeterProviderLike; spans: FakeSpan[]; counts: Map<string, number> } {
  const spans: FakeSpan[] = [];
  const counts = new Map<string, number>();
  const tracerProvider: TracerProviderLike = {
    getTracer: () => ({
      startSpan: (name, options) => {
        const span: FakeSpan = { name, attributes: { ...options?.attributes }, events: [], ended: false };
        spans.push(span);
        return {
          setAttribute: (k, v) => (span.attributes[k] = v),
          addEvent: (n, a) => span.events.push([n, a]),
          setStatus: () => undefined,
          end: () => (span.ended = true),
        };
      },
    }),
  };
  const counter = (name: string) => ({ add: (v: number) => counts.set(name, (counts.get(name) ?? 0) + v), record: () => undefined });
  const meterProvider: MeterProviderLike = { getMeter: () => ({ createCounter: counter, createUpDownCounter: counter, createHistogram: counter }) };
  return { tracerProvider, meterProvider, spans, counts };
}

const start = (call: number, attempt: number, host = '127.0.0.1:8080'): RequestEvent => ({
  operation: 'downloadResult',
  attempt,
  method: 'GET',
  phase: 'start',
  call,
  host,
});
const response = (call: number, attempt: number, status: number): RequestEvent => ({
  operation: 'downloadResult',
  attempt,
  method: 'GET',
  phase: 'response',
  status,
  call,
});
const ok = (call: number, attempts: number): CallEndEvent => ({ operation: 'downloadResult', call, outcome: 'ok', attempts });

describe('openTelemetry call bookkeeping', () => {
  it('should record a redirect hop as a redirect event, not a retry', () => {
    const { tracerProvider, meterProvider, spans, counts } = fakes();
    const { client } = openTelemetry({ tracerProvider, meterProvider });
    client.onRequest!(start(1, 1));
    client.onRequest!(response(1, 1, 307));
    client.onRequest!(start(1, 2, 'bucket.storage.example'));
    client.onRequest!(response(1, 2, 200));
    client.onCallEnd!(ok(1, 2));
    expect(spans).toHaveLength(1);
    expect(spans[0].events).toEqual([['redirect', { 'prediction_one.attempt': 2, 'http.response.status_code': 307 }]]);
    expect(counts.get('prediction_one.client.retries')).toBeUndefined();
    expect(counts.get('prediction_one.client.requests')).toBe(2);
  });

  it('should split server.address and server.port, an IPv6 address without its brackets', () => {
    const { tracerProvider, spans } = fakes();
    const { client } = openTelemetry({ tracerProvider });
    client.onRequest!(start(1, 1, '[::1]:9000'));
    client.onRequest!(start(2, 1, 'bucket.s3.amazonaws.com'));
    expect(spans.map((s) => [s.attributes['server.address'], s.attributes['server.port']])).toEqual([
      ['::1', 9000],
      ['bucket.s3.amazonaws.com', undefined],
    ]);
  });

  it('should end the oldest call past 100 000 open ones (a client given onRequest without onCallEnd)', () => {
    const { tracerProvider, spans } = fakes();
    const { client } = openTelemetry({ tracerProvider });
    for (let call = 1; call <= 100_001; call++) client.onRequest!(start(call, 1));
    expect(spans.filter((s) => s.ended).map((s) => s.attributes)).toEqual([expect.objectContaining({ 'prediction_one.unended': true })]);
    expect(spans[0].ended).toBe(true);
  });
});
