/** The fleet's Lua scripts run by SHA1 and are loaded again when Redis forgets them. */
import { Redis } from 'ioredis';
import { luaScript } from '../../lib/bullmq/script';
import type { FetchLike } from '../../lib';
import { createFleet } from '../../lib/bullmq';
import { describeWithRedis, useRedis } from '../helpers/redis';

/** Calls of a command so far, from `INFO commandstats` (0 when never called). */
async function calls(redis: Redis, command: string): Promise<number> {
  const info = await redis.info('commandstats');
  return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
}

/**
 * The fleet's Lua scripts go by SHA1 (EVALSHA): a poll's gate does not send the script's text
 * to Redis each time. A server that does not know a script (new, restarted, flushed) is given
 * it once with EVAL.
 */
describeWithRedis('the fleet Lua scripts (EVALSHA)', () => {
  const redis = useRedis();
  let conn: Redis;
  beforeEach(async () => {
    conn = new Redis(redis().url);
    await conn.script('FLUSH');
    await conn.config('RESETSTAT');
  });
  afterEach(() => conn.disconnect());

  it('should load a script with EVAL once, then run it with EVALSHA, and load it again after SCRIPT FLUSH', async () => {
    const script = luaScript('return {KEYS[1], ARGV[1], #KEYS, #ARGV}');
    await expect(script.run(conn, ['k'], ['v'])).resolves.toEqual(['k', 'v', 1, 1]);
    await expect(script.run(conn, ['k2'], ['v2', 'w'])).resolves.toEqual(['k2', 'v2', 1, 2]);
    expect(await calls(conn, 'eval')).toBe(1);
    expect(await calls(conn, 'evalsha')).toBe(2);

    await conn.script('FLUSH');
    await expect(script.run(conn, [], [])).resolves.toEqual([]);
    expect(await calls(conn, 'eval')).toBe(2);
  });

  it('should answer concurrent calls on an auto-pipelined connection (as createTrainingWorker opens) before the server knows the script, then go by EVALSHA', async () => {
    const piped = new Redis(redis().url, { enableAutoPipelining: true });
    try {
      const script = luaScript("return 'piped:' .. ARGV[1]");
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => script.run(piped, [], [String(i)])));
      expect(answers).toEqual(Array.from({ length: 20 }, (_, i) => `piped:${i}`));
      // All 20 went out in one pipeline before the server knew the script: each got NOSCRIPT and
      // was sent again with EVAL; later calls go by EVALSHA only.
      const evals = await calls(conn, 'eval');
      await script.run(piped, [], ['x']);
      expect(await calls(conn, 'eval')).toBe(evals);
    } finally {
      piped.disconnect();
    }
  });

  it("should pass a script's own errors through", async () => {
    const script = luaScript("return redis.error_reply('ERR nope')");
    await expect(script.run(conn, [], [])).rejects.toThrow('ERR nope');
  });

  it("should run the gate of every budgeted request with EVALSHA (the script's text is sent once per server)", async () => {
    // With a budget every request runs the gate script (without one, polls read a local copy of the backoff window).
    const fleet = createFleet(conn, { name: 'sha', maxPerSecond: 1000 });
    const inner: FetchLike = () => Promise.resolve({ status: 200, headers: new Headers(), body: null, arrayBuffer: () => Promise.resolve(new ArrayBuffer(0)) });
    const fetch = fleet.fetch(inner);
    for (let i = 0; i < 5; i++)
      await fetch('http://127.0.0.1:1/v1/external/models/results?external_process_id=x', { method: 'GET', headers: {}, signal: new AbortController().signal });
    expect(await calls(conn, 'eval')).toBe(1);
    expect(await calls(conn, 'evalsha')).toBe(5);
  });
});
