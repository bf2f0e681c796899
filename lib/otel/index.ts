/** Traces and metrics in OpenTelemetry, imported as prediction-one-rx/otel (browser-safe, optional peer). */
/**
 * Traces and metrics in OpenTelemetry: spans per API call and metrics of requests, retries,
 * polls and trainings by stage. Import from `prediction-one-rx/otel`; `@opentelemetry/api` is
 * an optional peer dependency (you hand this entry its providers; it imports nothing of it).
 * Browser-safe. See docs/OBSERVABILITY.md.
 *
 * @packageDocumentation
 */
export { openTelemetry } from './openTelemetry';
export type { OpenTelemetryOptions, OpenTelemetryHooks, OpenTelemetryClientHooks } from './openTelemetry';
export type {
  TracerProviderLike,
  TracerLike,
  SpanLike,
  MeterProviderLike,
  MeterLike,
  CounterLike,
  HistogramLike,
  InstrumentOptions,
  OtelAttributes,
  OtelAttributeValue,
} from './peerTypes';
