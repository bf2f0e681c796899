/** Spec helper: a real redis-server per spec file. */
import { INSTALL_HINT, redisServerPath, startRedisServer, type RunningRedis } from '../../scripts/redisServer';

/**
 * A real `redis-server` (Debian's package) for the fleet specs: started on a free loopback port
 * with persistence off and a temporary folder (scripts/redisServer.ts), stopped after the tests.
 * Never a mock.
 */
export { INSTALL_HINT, redisServerPath, type RunningRedis };

/** Starts redis-server on 127.0.0.1 and a free port; resolves once it accepts connections. */
export const startRedis = startRedisServer;

/**
 * `describe` when redis-server is installed. Without it the block is skipped with a visible
 * line saying how to install it, except under CI=true, where it fails.
 */
export function describeWithRedis(name: string, body: () => void): void {
  if (redisServerPath() !== undefined) return describe(name, body);
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs redis-server on PATH', () => {
        throw new Error(`redis-server is not on PATH (CI=true: the fleet specs must run); ${INSTALL_HINT}`);
      });
    });
    return;
  }
  process.stderr.write(`\n[fleet specs] SKIPPED "${name}": redis-server is not on PATH; ${INSTALL_HINT}\n`);
  describe.skip(name, body);
}

/** Starts one redis-server for the enclosing describe. */
export function useRedis(): () => RunningRedis {
  let redis: RunningRedis | undefined;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  return () => {
    if (!redis) throw new Error('redis not started');
    return redis;
  };
}
