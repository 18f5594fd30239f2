/**
 * Several Tessera instances, one truth: independent servers on one PostgreSQL (and Redis), and
 * `serve --workers 2` on one SQLite file. Everything here goes over real HTTP to real processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, claimsOf, KYOKO } from '../http/api-suite.js';
import { freePort, serveCli, startCliServer, type CliServerProcess } from '../support/cli-server.js';
import { dropTestSchemas, freshPostgresUrl, requirePostgres } from '../support/postgres.js';

type Api = ReturnType<typeof client>;
const rotation = { TESSERA_ROTATE_REFRESH_TOKENS: 'true', TESSERA_BLACKLIST_AFTER_ROTATION: 'true' };

async function login(api: Api): Promise<{ refresh: string; access: string }> {
  const reply = await api.post('/api/token/', KYOKO);
  expect(reply.status, reply.text).toBe(200);
  return reply.json as { refresh: string; access: string };
}

const refresh = (api: Api, token: string) => api.post('/api/token/refresh/', { refresh: token });

async function startRedis(port: number): Promise<ChildProcess> {
  const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const probe = spawn('redis-cli', ['-p', String(port), 'ping'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    probe.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await new Promise((done) => probe.once('exit', done));
    if (out.includes('PONG')) return server;
    if (Date.now() > deadline) throw new Error('redis-server did not start');
    await new Promise((wake) => setTimeout(wake, 50));
  }
}

async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGKILL');
  await exited;
}

describe('independent instances on one PostgreSQL, with Redis', () => {
  let redisPort: number;
  let redis: ChildProcess | undefined;
  let one: CliServerProcess;
  let two: CliServerProcess;
  let apiOne: Api;
  let apiTwo: Api;

  beforeAll(async () => {
    await requirePostgres();
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    const shared = { ...rotation, TESSERA_REDIS_URL: `redis://127.0.0.1:${redisPort}`, TESSERA_THROTTLE_LOGIN_ACCOUNT: '4/minute' };
    one = await startCliServer(shared, { databaseUrl: freshPostgresUrl() });
    two = await serveCli(one.env);
    [apiOne, apiTwo] = [client(one.baseUrl), client(two.baseUrl)];
  });
  afterAll(async () => {
    await one?.stop();
    await two?.stop();
    await stopProcess(redis);
    await dropTestSchemas();
  });

  it('refuses on every instance a refresh token blacklisted on one', async () => {
    const { refresh: token } = await login(apiOne);
    expect((await apiOne.post('/api/token/blacklist/', { refresh: token })).status).toBe(200);
    expect((await refresh(apiTwo, token)).text).toBe('{"detail":"Token is blacklisted","code":"token_not_valid"}');
  });

  it('cuts off on every instance the access tokens of a user who logged out everywhere on one (issue 15)', async () => {
    const session = await login(apiOne);
    // Instance two has the user in its cache, with the version the token was minted under.
    expect((await apiTwo.get('/protected/', session.access)).status).toBe(200);
    expect((await apiOne.post('/api/token/logout-all/', {}, { authorization: `Bearer ${session.access}` })).status).toBe(200);
    expect((await apiOne.get('/protected/', session.access)).status).toBe(401);
    // Redis relays the invalidation; the cache TTL is the bound without it. Poll, never sleep blind.
    let status = 0;
    for (const deadline = Date.now() + 2000; Date.now() < deadline; await new Promise((wake) => setTimeout(wake, 20))) {
      status = (await apiTwo.get('/protected/', session.access)).status;
      if (status === 401) break;
    }
    expect(status).toBe(401);
    const fresh = await login(apiTwo);
    expect((await apiOne.get('/protected/', fresh.access)).status).toBe(200);
  });

  it('lets exactly one of many concurrent rotations spread over instances win', async () => {
    for (let round = 0; round < 3; round++) {
      const { refresh: token } = await login(round % 2 === 0 ? apiOne : apiTwo);
      const replies = await Promise.all(Array.from({ length: 16 }, (_, i) => refresh(i % 2 === 0 ? apiOne : apiTwo, token)));
      expect(replies.filter((reply) => reply.status === 200)).toHaveLength(1);
      expect(replies.every((reply) => reply.status === 200 || reply.status === 401)).toBe(true);
    }
  });

  it('revokes a family everywhere when a rotated token is replayed on another instance', async () => {
    const { refresh: first } = await login(apiOne);
    const second = ((await refresh(apiOne, first)).json as { refresh: string }).refresh;
    expect((await refresh(apiTwo, first)).status).toBe(401);
    expect((await refresh(apiOne, second)).status).toBe(401);
  });

  it('shares throttle counters through Redis', async () => {
    const username = `shared-throttle-${redisPort}`;
    for (let i = 0; i < 4; i++) {
      const api = i % 2 === 0 ? apiOne : apiTwo;
      expect((await api.post('/api/token/', { username, password: 'wrong' })).status).toBe(401);
    }
    expect((await apiTwo.post('/api/token/', { username, password: 'wrong' })).status).toBe(429);
    expect((await apiOne.post('/api/token/', { username, password: 'wrong' })).status).toBe(429);
  });

  it('keeps answering correctly while Redis is down, and recovers', async () => {
    await stopProcess(redis);
    const { refresh: token, access } = await login(apiTwo);
    expect((await apiOne.get('/protected/', access)).status).toBe(200);
    const rotated = await refresh(apiOne, token);
    expect(rotated.status).toBe(200);
    expect((await refresh(apiTwo, token)).status).toBe(401);
    // Throttling still applies, per instance, during the outage.
    const username = `outage-throttle-${redisPort}`;
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await apiOne.post('/api/token/', { username, password: 'wrong' })).status);
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    const warnings = (one.output() + two.output()).match(/Redis is unreachable/g) ?? [];
    expect(warnings.length).toBeLessThanOrEqual(2);

    redis = await startRedis(redisPort);
    const deadline = Date.now() + 15_000;
    while (!(one.output().includes('Redis is reachable again') && two.output().includes('Redis is reachable again'))) {
      if (Date.now() > deadline) throw new Error(`instances did not report Redis recovery:\n${one.output()}\n${two.output()}`);
      await new Promise((wake) => setTimeout(wake, 100));
    }
    expect((await login(apiOne)).access).toBeTruthy();
  });
});

describe('serve --workers 2 on one SQLite file', () => {
  let server: CliServerProcess;
  let api: Api;
  beforeAll(async () => {
    // Eight logins at once from one address: past the hash queue's per-address share (503) and the
    // account+address burst rule (attempts are reserved before they are checked: 429) unless raised.
    const first = await startCliServer({ ...rotation, TESSERA_HASH_QUEUE_PER_CLIENT: '64', TESSERA_THROTTLE_LOGIN_ACCOUNT_ADDRESS: 'off' });
    await first.stop();
    server = await serveCli(first.env, ['--workers', '2']);
    api = client(server.baseUrl);
  });
  afterAll(async () => server?.stop());

  it('serves from both workers with one truth: exactly one rotation wins', async () => {
    for (let round = 0; round < 3; round++) {
      const { refresh: token } = await login(api);
      const replies = await Promise.all(Array.from({ length: 12 }, () => refresh(api, token)));
      expect(replies.filter((reply) => reply.status === 200)).toHaveLength(1);
    }
  });

  it('verifies tokens minted by either worker', async () => {
    const pairs = await Promise.all(Array.from({ length: 8 }, () => login(api)));
    const replies = await Promise.all(pairs.map((pair) => api.get('/protected/', pair.access)));
    expect(replies.every((reply) => reply.status === 200)).toBe(true);
    expect(new Set(pairs.map((pair) => claimsOf(pair.refresh).jti)).size).toBe(8);
  });
});
