/** What a worker checks before it says ready. */
/**
 * What a worker checks before it says ready: that Redis keeps jobs (persistence, no eviction)
 * and that its credentials open the API.
 *
 * @packageDocumentation
 */
import { requirePeer } from '../node/requirePeer';
import { firstValueFrom, take } from 'rxjs';
import { type PredictionOneClient } from 'prediction-one-rx';
import { models$ } from 'prediction-one-rx/deploy';

/**
 * What {@link checkRedisForFleet} found: `errors` make a worker refuse to start, `warnings` are
 * printed. Each names its fix.
 *
 * ## Example
 * ```ts
 * const { errors, warnings } = await checkRedisForFleet(redis);
 * warnings.forEach((w) => console.warn(w));
 * ```
 */
export interface RedisCheck {
  readonly errors: readonly string[];
  readonly warnings: readonly string[];
}

/**
 * The one command the checks send (ioredis' `call`), so a caller's own client type fits.
 *
 * ## Example
 * ```ts
 * import { Redis } from 'ioredis';
 * const redis: RedisCommander = new Redis('redis://127.0.0.1:6379');
 * ```
 */
export interface RedisCommander {
  call(command: string, ...args: string[]): Promise<unknown>;
}

async function configGet(redis: RedisCommander, name: string): Promise<string | undefined> {
  const reply = (await redis.call('CONFIG', 'GET', name)) as unknown;
  // RESP2: [name, value]; RESP3 clients may answer a map.
  if (Array.isArray(reply)) return typeof reply[1] === 'string' ? reply[1] : undefined;
  if (reply && typeof reply === 'object') return (reply as Record<string, string>)[name];
  return undefined;
}

/**
 * Checks a Redis server for a fleet:
 *
 * - `maxmemory-policy` must be `noeviction` (BullMQ's requirement): an evicting Redis drops
 *   jobs, locks and claims silently. An error when `maxmemory` is set (eviction can happen), a
 *   warning otherwise.
 * - Persistence (`appendonly yes`, or `save` snapshots): without it a restart comes back empty
 *   and every job is gone from Redis (the producer's journal and `p1rx batch --queue … --resume`
 *   then bring them back). A warning.
 * - `CONFIG` refused (managed Redis services often rename it): a warning that nothing could be
 *   checked.
 *
 * **Errors**: rejects with Redis' error when Redis is unreachable.
 *
 * **Cancellation**: none (three commands).
 *
 * ## Example
 * ```ts
 * const check = await checkRedisForFleet(new Redis('redis://127.0.0.1:6379'));
 * if (check.errors.length > 0) throw new Error(check.errors.join('\n'));
 * ```
 *
 * @param redis - A connection to the fleet's Redis.
 * @returns Errors and warnings, each with its fix.
 */
export async function checkRedisForFleet(redis: RedisCommander): Promise<RedisCheck> {
  const errors: string[] = [];
  const warnings: string[] = [];
  let policy: string | undefined;
  let maxmemory: string | undefined;
  let appendonly: string | undefined;
  let save: string | undefined;
  try {
    [policy, maxmemory, appendonly, save] = await Promise.all([
      configGet(redis, 'maxmemory-policy'),
      configGet(redis, 'maxmemory'),
      configGet(redis, 'appendonly'),
      configGet(redis, 'save'),
    ]);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/ECONN|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|closed|Connection/i.test(message)) throw err;
    warnings.push(
      `could not read Redis's configuration (${message.split('\n')[0]}): make sure maxmemory-policy is noeviction and persistence (appendonly yes) is on`,
    );
    return { errors, warnings };
  }
  if (policy !== undefined && policy !== 'noeviction') {
    const line = `Redis's maxmemory-policy is ${policy}: it may evict jobs and locks; BullMQ needs noeviction (fix: CONFIG SET maxmemory-policy noeviction, and in redis.conf)`;
    if (maxmemory !== undefined && maxmemory !== '0') errors.push(line);
    else warnings.push(line);
  }
  if (appendonly !== 'yes' && (save === undefined || save.trim() === '')) {
    warnings.push(
      "Redis keeps no data across a restart (appendonly no, no save): a restart loses every job; the producer's journal lets `p1rx batch --queue … --resume` bring them back (fix: CONFIG SET appendonly yes, and appendonly yes in redis.conf)",
    );
  }
  return { errors, warnings };
}

/**
 * Checks that the client's credentials open the API: one request (with a secret key, one API
 * key exchange first), the first page of List Models with one item. Resolves when they do.
 *
 * **Errors**: the request's error (`ApiError` 401/403 for a wrong key, a network error…).
 *
 * **Cancellation**: none (one request, bounded by the client's request timeout).
 *
 * ## Example
 * ```ts
 * await checkCredentials(client); // throws ApiError 401 for a wrong key
 * ```
 *
 * @param client - The client a worker will use.
 * @returns When the credentials were accepted.
 */
export async function checkCredentials(client: PredictionOneClient): Promise<void> {
  await firstValueFrom(models$(client, { pageSize: 1 }).pipe(take(1)), { defaultValue: undefined });
}

/**
 * Connects to Redis once (no retries, no offline queue), runs {@link checkRedisForFleet} and
 * disconnects: one attempt of a worker's start, so the caller decides how to report and when
 * to try again.
 *
 * **Errors**: rejects with the connection's error (ECONNREFUSED, a timeout, NOAUTH…).
 *
 * **Cancellation**: none (bounded by `connectTimeoutMs`).
 *
 * ## Example
 * ```ts
 * const check = await probeRedis('redis://127.0.0.1:6379');
 * ```
 *
 * @param url - The Redis URL.
 * @param connectTimeoutMs - Connection time limit. Default 5000 ms.
 * @returns What {@link checkRedisForFleet} found.
 */
export async function probeRedis(url: string, connectTimeoutMs = 5000): Promise<RedisCheck> {
  const { Redis } = requirePeer<typeof import('ioredis')>('ioredis', 'prediction-one-rx/bullmq', ['bullmq']);
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
    connectTimeout: connectTimeoutMs,
  });
  // The connection's own error (ECONNREFUSED…), not ioredis' "Connection is closed." that follows it.
  let cause: unknown;
  probe.on('error', (err: unknown) => (cause ??= err));
  try {
    try {
      await probe.connect();
    } catch (err) {
      throw cause ?? err;
    }
    return await checkRedisForFleet(probe);
  } finally {
    probe.disconnect();
  }
}
