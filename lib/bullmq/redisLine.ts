/** Redis connection problems as one line each, without the URL's password or a stack trace. */
/**
 * Redis connection problems as one line each, without the URL's password or a stack trace.
 *
 * @packageDocumentation
 */

/**
 * Where a Redis URL points, for messages: `host:port` (and the database), never the user or
 * password it may hold.
 *
 * ## Example
 * ```ts
 * redisWhere('redis://:secret@10.0.0.5:6380/2'); // 'redis://10.0.0.5:6380/2'
 * ```
 *
 * @param url - A Redis URL.
 * @returns The URL without credentials (or `'(redis)'` when it does not parse).
 */
export function redisWhere(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}:${u.port || '6379'}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return '(redis)';
  }
}

/**
 * The first line of a Redis error (`connect ECONNREFUSED 127.0.0.1:6379`), for a one-line report.
 *
 * ## Example
 * ```ts
 * redisErrorLine(new Error('connect ECONNREFUSED 127.0.0.1:1\n    at …')); // 'connect ECONNREFUSED 127.0.0.1:1'
 * ```
 *
 * @param err - An error of ioredis or BullMQ.
 * @returns Its first line.
 */
export function redisErrorLine(err: unknown): string {
  const e = err as { message?: unknown; code?: unknown; errors?: unknown };
  // A host with several addresses fails with an AggregateError whose message is empty.
  const first = Array.isArray(e?.errors) && e.errors.length > 0 ? (e.errors[0] as { message?: unknown }) : undefined;
  const message =
    typeof e?.message === 'string' && e.message !== ''
      ? e.message
      : typeof first?.message === 'string'
        ? first.message
        : typeof e?.code === 'string'
          ? e.code
          : String(err);
  return message.split('\n')[0];
}
