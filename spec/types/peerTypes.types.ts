/** Type-level fixture: the structural peer types, checked by the compiler. */
import type { Queue, QueueEvents, Job, Worker } from 'bullmq';
import type { Redis, Cluster } from 'ioredis';
import type { Agent, Pool, MockAgent } from 'undici';
import type { FinishedJob, FleetJobData, FleetJobResult, QueueEventsLike, QueueLike, RedisLike, TrainingBullWorker, TrainingJobLike } from '../../lib/bullmq';
import type { UndiciDispatcherLike } from '../../lib/node';
import type { MeterProvider as ApiMeterProvider, TracerProvider as ApiTracerProvider } from '@opentelemetry/api';
import type { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import type { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { MeterProviderLike, TracerProviderLike } from '../../lib/otel';
import { type Expect } from './typeCheck';

// The published types name no optional peer: each structural type of ours must accept the real
// class of the versions we support (compiled by spec/types/types.spec.ts and `npm run typecheck`).
type Fits<A, B> = A extends B ? true : false;

export type PeerTypeChecks = [
  Expect<Fits<Redis, RedisLike>>,
  Expect<Fits<Cluster, RedisLike>>,
  Expect<Fits<Queue, QueueLike>>,
  Expect<Fits<Queue<FleetJobData, FleetJobResult>, QueueLike>>,
  Expect<Fits<QueueEvents, QueueEventsLike>>,
  Expect<Fits<Job<FleetJobData, FleetJobResult>, TrainingJobLike>>,
  Expect<Fits<Job<FleetJobData, FleetJobResult>, FinishedJob>>,
  Expect<Fits<Worker<FleetJobData, FleetJobResult>, TrainingBullWorker>>,
  Expect<Fits<Agent, UndiciDispatcherLike>>,
  Expect<Fits<Pool, UndiciDispatcherLike>>,
  Expect<Fits<MockAgent, UndiciDispatcherLike>>,
  Expect<Fits<ApiTracerProvider, TracerProviderLike>>,
  Expect<Fits<ApiMeterProvider, MeterProviderLike>>,
  Expect<Fits<BasicTracerProvider, TracerProviderLike>>,
  Expect<Fits<MeterProvider, MeterProviderLike>>,
];
