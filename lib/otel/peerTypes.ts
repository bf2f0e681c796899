/** The parts of the OpenTelemetry API this subpath calls, as structural types of its own. */
/**
 * The parts of the OpenTelemetry API this subpath calls, as structural types of its own: the
 * published `.d.ts` names no optional peer, so a project compiles whether or not it installed
 * `@opentelemetry/api`. The API's `TracerProvider` and `MeterProvider` fit these types
 * (spec/types/peerTypes.types.ts checks it against the versions we support).
 *
 * @packageDocumentation
 */

/**
 * An attribute value, as OpenTelemetry's `AttributeValue` allows for this subpath's attributes.
 *
 * ## Example
 * ```ts
 * const status: OtelAttributeValue = 503;
 * ```
 */
export type OtelAttributeValue = string | number | boolean;

/**
 * Span, event and metric attributes.
 *
 * ## Example
 * ```ts
 * const attributes: OtelAttributes = { 'prediction_one.operation': 'createModel' };
 * ```
 */
export type OtelAttributes = Readonly<Record<string, OtelAttributeValue>>;

/**
 * What this subpath calls on a span: an OpenTelemetry `Span` fits.
 *
 * ## Example
 * ```ts
 * const span: SpanLike = trace.getTracer('x').startSpan('prediction-one models');
 * ```
 */
export interface SpanLike {
  setAttribute(key: string, value: OtelAttributeValue): unknown;
  addEvent(name: string, attributes?: OtelAttributes): unknown;
  /** `code` is OpenTelemetry's `SpanStatusCode` (2 = `ERROR`). */
  setStatus(status: { code: number; message?: string }): unknown;
  end(): void;
}

/**
 * What this subpath calls on a tracer: an OpenTelemetry `Tracer` fits.
 *
 * ## Example
 * ```ts
 * const tracer: TracerLike = trace.getTracer('prediction-one-rx');
 * ```
 */
export interface TracerLike {
  /** `kind` is OpenTelemetry's `SpanKind` (2 = `CLIENT`). */
  startSpan(name: string, options?: { kind?: number; attributes?: OtelAttributes }): SpanLike;
}

/**
 * Where tracers come from: `trace.getTracerProvider()` from `@opentelemetry/api`, or an SDK's
 * `BasicTracerProvider` / `NodeTracerProvider`.
 *
 * ## Example
 * ```ts
 * import { trace } from '@opentelemetry/api';
 * const tracerProvider: TracerProviderLike = trace.getTracerProvider();
 * ```
 */
export interface TracerProviderLike {
  getTracer(name: string, version?: string): TracerLike;
}

/**
 * A counter or up-down counter: an OpenTelemetry `Counter` or `UpDownCounter` fits.
 *
 * ## Example
 * ```ts
 * const counter: CounterLike = meter.createCounter('x');
 * ```
 */
export interface CounterLike {
  add(value: number, attributes?: OtelAttributes): void;
}

/**
 * A histogram: an OpenTelemetry `Histogram` fits.
 *
 * ## Example
 * ```ts
 * const histogram: HistogramLike = meter.createHistogram('x', { unit: 's' });
 * ```
 */
export interface HistogramLike {
  record(value: number, attributes?: OtelAttributes): void;
}

/**
 * The options of an instrument, as far as this subpath sets them.
 *
 * ## Example
 * ```ts
 * const options: InstrumentOptions = { description: 'Bytes of results downloaded', unit: 'By' };
 * ```
 */
export interface InstrumentOptions {
  readonly description?: string;
  readonly unit?: string;
}

/**
 * What this subpath calls on a meter: an OpenTelemetry `Meter` fits.
 *
 * ## Example
 * ```ts
 * const meter: MeterLike = metrics.getMeter('prediction-one-rx');
 * ```
 */
export interface MeterLike {
  createCounter(name: string, options?: InstrumentOptions): CounterLike;
  createUpDownCounter(name: string, options?: InstrumentOptions): CounterLike;
  createHistogram(name: string, options?: InstrumentOptions): HistogramLike;
}

/**
 * Where meters come from: `metrics.getMeterProvider()` from `@opentelemetry/api`, or an SDK's
 * `MeterProvider`.
 *
 * ## Example
 * ```ts
 * import { metrics } from '@opentelemetry/api';
 * const meterProvider: MeterProviderLike = metrics.getMeterProvider();
 * ```
 */
export interface MeterProviderLike {
  getMeter(name: string, version?: string): MeterLike;
}
