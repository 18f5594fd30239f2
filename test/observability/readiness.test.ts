/**
 * `/readyz` against real servers that go away and come back: a PostgreSQL cluster and a Redis
 * server of this test's own (never the shared ones on 5432/6379, which other suites use).
 * Also: `/healthz` stays up meanwhile, both answer JSON whatever the Accept header (not
 * browsable), and a burst of probes is answered without throttling.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTessera, type Tessera } from '../../src/app/tessera.js';
import { createServer } from '../../src/server/create-server.js';
import { openStore } from '../../src/stores/open-store.js';
import { TEST_SECRET } from '../support/cli-server.js';
import { PrivatePostgres, PrivateRedis } from '../support/private-services.js';

interface Probe {
  status: number;
  body: { status: string; checks?: Record<string, string> };
  contentType: string | null;
}

describe('readiness with real PostgreSQL and Redis going away and coming back', () => {
  let postgres: PrivatePostgres;
  let redis: PrivateRedis;
  let tessera: Tessera;
  let app: FastifyInstance;
  let base: string;

  const probe = async (path: string, accept = 'application/json'): Promise<Probe> => {
    const response = await fetch(`${base}${path}`, { headers: { accept } });
    return { status: response.status, body: (await response.json()) as Probe['body'], contentType: response.headers.get('content-type') };
  };
  /** Probes until `ready` is what /readyz says (the probe caches half a second; reconnects take a moment). */
  const until = async (ready: boolean): Promise<Probe> => {
    const deadline = Date.now() + 20_000;
    let last: Probe;
    do {
      last = await probe('/readyz');
      if ((last.status === 200) === ready) return last;
      await new Promise((wake) => setTimeout(wake, 200));
    } while (Date.now() < deadline);
    return last;
  };

  beforeAll(async () => {
    [postgres, redis] = await Promise.all([PrivatePostgres.create(), PrivateRedis.create()]);
    tessera = await createTessera({
      env: {},
      configFile: false,
      settings: { SECRET_KEY: TEST_SECRET, DATABASE_URL: postgres.url, REDIS_URL: redis.url },
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });
    app = createServer(tessera, { logLevel: 'silent' });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await tessera?.close();
    await redis?.stop();
    postgres?.destroy();
  });

  it('is ready with everything up, and says which checks ran', async () => {
    const ready = await until(true);
    expect(ready).toEqual({
      status: 200,
      body: { status: 'ready', checks: { database: 'ok', migrations: 'ok', redis: 'ok' } },
      contentType: 'application/json; charset=utf-8',
    });
  });

  it('turns not-ready when PostgreSQL stops, ready again when it returns; /healthz stays up', async () => {
    postgres.stop();
    const down = await until(false);
    expect(down.status).toBe(503);
    expect(down.body.status).toBe('not_ready');
    expect(down.body.checks?.database).not.toBe('ok');
    expect(down.body.checks?.redis).toBe('ok');
    expect((await probe('/healthz')).status).toBe(200);

    postgres.start();
    const back = await until(true);
    expect(back.body).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok', redis: 'ok' } });
  });

  it('turns not-ready when Redis stops, ready again when it returns', async () => {
    await redis.stop();
    const down = await until(false);
    expect(down.status).toBe(503);
    expect(down.body.checks).toMatchObject({ database: 'ok', redis: expect.stringMatching(/^(failing|timeout)$/) });

    await redis.start();
    expect((await until(true)).body.checks?.redis).toBe('ok');
  });

  it('answers JSON to a browser too (not a browsable page), and a burst of probes is never throttled', async () => {
    const html = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8';
    expect(await probe('/healthz', html)).toEqual({ status: 200, body: { status: 'ok' }, contentType: 'application/json; charset=utf-8' });
    expect((await probe('/readyz', html)).contentType).toBe('application/json; charset=utf-8');
    const burst = await Promise.all(Array.from({ length: 300 }, () => fetch(`${base}/readyz`).then((response) => response.status)));
    expect(burst.every((status) => status === 200)).toBe(true);
  });
});

describe('readiness of a database with migrations pending', () => {
  it('fails the migrations check until `migrate` has run', async () => {
    const store = await openStore('sqlite::memory:');
    try {
      expect((await store.pendingMigrations?.())?.length).toBeGreaterThan(0);
      expect(await store.ping?.()).toBe(true);
      await store.migrate();
      expect(await store.pendingMigrations?.()).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
