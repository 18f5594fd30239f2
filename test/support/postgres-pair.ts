/**
 * Two instances over one fresh PostgreSQL schema, told of each other's changes by a private
 * Redis: the set-up of the multi-instance revocation tests (sessions, privileges). Either two
 * `tessera serve` processes, or two apps on an adapter (with routes guarded by DRF's permission
 * classes, and the admin console when the mount options ask for it).
 */
import { startAdapterApp, type AppOptions, type RunningAdapterApp } from './adapter-apps.js';
import { serveCli, startCliServer, type CliServerProcess, type RunningServer } from './cli-server.js';
import { dropTestSchemas, freshPostgresUrl, requirePostgres } from './postgres.js';
import { startTestRedis, type TestRedis } from './redis-server.js';

export interface PostgresPair<S extends RunningServer = CliServerProcess> {
  readonly one: S;
  readonly two: S;
  readonly redis: TestRedis;
  /** Stops both instances and Redis, and drops the test schemas. */
  stop(): Promise<void>;
}

/** Starts the pair with `settings` (TESSERA_* variables) on both instances, REDIS_URL added. */
export async function startPostgresPair(settings: Record<string, string>): Promise<PostgresPair> {
  return pairOver(settings, async (env, databaseUrl) => {
    const one = await startCliServer(env, { databaseUrl });
    return [one, await serveCli(one.env)];
  });
}

/** The same with two Fastify apps in this process (`test/support/adapter-apps.ts`), each with its own cache and Redis link. */
export async function startAdapterPostgresPair(
  settings: Record<string, string>,
  options: AppOptions = {},
): Promise<PostgresPair<RunningAdapterApp>> {
  return pairOver(settings, async (env, databaseUrl) => {
    const start = () => startAdapterApp('fastify', { ...env, TESSERA_DATABASE_URL: databaseUrl }, options);
    const one = await start();
    return [one, await start()];
  });
}

async function pairOver<S extends RunningServer>(
  settings: Record<string, string>,
  start: (env: Record<string, string>, databaseUrl: string) => Promise<[S, S]>,
): Promise<PostgresPair<S>> {
  await requirePostgres();
  const redis = await startTestRedis();
  const [one, two] = await start({ ...settings, TESSERA_REDIS_URL: redis.url }, freshPostgresUrl());
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
