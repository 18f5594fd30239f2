/**
 * Two `tessera serve` instances over one fresh PostgreSQL schema, told of each other's changes by
 * a private Redis: the set-up of the multi-instance revocation tests (sessions, privileges).
 */
import { serveCli, startCliServer, type CliServerProcess } from './cli-server.js';
import { dropTestSchemas, freshPostgresUrl, requirePostgres } from './postgres.js';
import { startTestRedis, type TestRedis } from './redis-server.js';

export interface PostgresPair {
  readonly one: CliServerProcess;
  readonly two: CliServerProcess;
  readonly redis: TestRedis;
  /** Stops both instances and Redis, and drops the test schemas. */
  stop(): Promise<void>;
}

/** Starts the pair with `settings` (TESSERA_* variables) on both instances, REDIS_URL added. */
export async function startPostgresPair(settings: Record<string, string>): Promise<PostgresPair> {
  await requirePostgres();
  const redis = await startTestRedis();
  const one = await startCliServer({ ...settings, TESSERA_REDIS_URL: redis.url }, { databaseUrl: freshPostgresUrl() });
  const two = await serveCli(one.env);
  return {
    one,
    two,
    redis,
    async stop() {
      await one.stop();
      await two.stop();
      await redis.stop();
      await dropTestSchemas();
    },
  };
}
