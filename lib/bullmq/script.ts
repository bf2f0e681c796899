/** Lua scripts run by their SHA1 (`EVALSHA`), so a poll does not send a script's text to Redis (and Redis does not hash it) on every call. */
/**
 * Lua scripts run by their SHA1 (`EVALSHA`), so a poll does not send a script's text to Redis
 * (and Redis does not hash it) on every call.
 *
 * @packageDocumentation
 */
import { createHash } from 'node:crypto';
import type { RedisLike } from './peerTypes';

/**
 * A Lua script of the fleet.
 *
 * @internal
 */
export interface LuaScript {
  /** Runs the script with `EVALSHA`; a server that does not know it yet (`NOSCRIPT`) gets it once with `EVAL`. */
  run(redis: RedisLike, keys: readonly string[], args: readonly string[]): Promise<unknown>;
}

/**
 * Makes a {@link LuaScript}: `EVALSHA` by the script's SHA1, falling back to `EVAL` (which
 * caches the script in that server) on `NOSCRIPT`: a new server, a restart, a `SCRIPT FLUSH`,
 * another node of a cluster. The user's connection is not changed (no `defineCommand`).
 *
 * ## Example
 * ```ts
 * const PING = luaScript("return redis.call('PING')");
 * await PING.run(redis, [], []); // 'PONG'
 * ```
 *
 * @internal
 * @param source - The Lua source.
 * @returns The script.
 */
export function luaScript(source: string): LuaScript {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    async run(redis, keys, args) {
      try {
        return await redis.evalsha(sha, keys.length, ...keys, ...args);
      } catch (err) {
        if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
        return redis.eval(source, keys.length, ...keys, ...args);
      }
    },
  };
}
