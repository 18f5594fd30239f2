/**
 * TOKEN_SESSION_CLAIM (issue 15 item 3): logging out one session refuses that session's access
 * token at once, on every instance, while another session of the same user keeps working. Real
 * processes over real HTTP: one server on SQLite, `--workers 2` on SQLite, and two instances on
 * one PostgreSQL with Redis. USER_CACHE_TTL is ten minutes here, so only the invalidation (the
 * logging-out process's own cache, Redis pub/sub, cluster messages) can explain a refusal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimsOf, client, KYOKO } from '../http/api-suite.js';
import { serveCli, startCliServer, type CliServerProcess } from '../support/cli-server.js';
import { startPostgresPair, type PostgresPair } from '../support/postgres-pair.js';
import { statusSettled } from '../support/settled-status.js';

type Api = ReturnType<typeof client>;
const SESSION_SETTINGS = {
  TESSERA_TOKEN_SESSION_CLAIM: 'sid',
  TESSERA_USER_CACHE_TTL: '600',
  TESSERA_ROTATE_REFRESH_TOKENS: 'true',
  TESSERA_BLACKLIST_AFTER_ROTATION: 'true',
  TESSERA_THROTTLE_LOGIN_ACCOUNT_ADDRESS: 'off',
  TESSERA_HASH_QUEUE_PER_CLIENT: '64',
};

async function login(api: Api): Promise<{ refresh: string; access: string }> {
  const reply = await api.post('/api/token/', KYOKO);
  expect(reply.status, reply.text).toBe(200);
  return reply.json as { refresh: string; access: string };
}

const logout = (api: Api, refresh: string) => api.post('/api/token/blacklist/', { refresh });

describe('one server on SQLite, TOKEN_SESSION_CLAIM=sid', () => {
  let server: CliServerProcess;
  let api: Api;
  beforeAll(async () => {
    server = await startCliServer(SESSION_SETTINGS);
    api = client(server.baseUrl);
  });
  afterAll(async () => server?.stop());

  it('names the session in access tokens (fresh and refreshed) and never in refresh tokens', async () => {
    const pair = await login(api);
    const sid = claimsOf(pair.access).sid;
    expect(typeof sid).toBe('string');
    expect(claimsOf(pair.refresh).sid).toBeUndefined();
    const refreshed = (await api.post('/api/token/refresh/', { refresh: pair.refresh })).json as { access: string; refresh: string };
    expect(claimsOf(refreshed.access).sid).toBe(sid);
    expect(claimsOf((await login(api)).access).sid).not.toBe(sid);
  });

  it('refuses a logged-out session at once; the same user’s other session keeps working', async () => {
    const [mine, other] = [await login(api), await login(api)];
    expect((await api.get('/protected/', mine.access)).status).toBe(200);
    expect((await logout(api, mine.refresh)).status).toBe(200);
    const refused = await api.get('/protected/', mine.access);
    expect(refused.status).toBe(401);
    expect(refused.json).toMatchObject({ code: 'token_not_valid', messages: [{ message: 'Token is invalid or expired' }] });
    expect((await api.post('/api/token/verify/', { token: mine.access })).status).toBe(401);
    expect((await api.get('/protected/', other.access)).status).toBe(200);
    expect((await api.post('/api/token/verify/', { token: other.access })).status).toBe(200);
  });

  it('refuses the access tokens of every rotation of the session, and its later refresh tokens', async () => {
    const first = await login(api);
    const rotated = (await api.post('/api/token/refresh/', { refresh: first.refresh })).json as { access: string; refresh: string };
    expect((await logout(api, rotated.refresh)).status).toBe(200);
    expect((await api.get('/protected/', first.access)).status).toBe(401);
    expect((await api.get('/protected/', rotated.access)).status).toBe(401);
  });
});

describe('serve --workers 2 on one SQLite file, TOKEN_SESSION_CLAIM=sid', () => {
  let server: CliServerProcess;
  let api: Api;
  beforeAll(async () => {
    const first = await startCliServer(SESSION_SETTINGS);
    await first.stop();
    server = await serveCli(first.env, ['--workers', '2']);
    api = client(server.baseUrl);
  });
  afterAll(async () => server?.stop());

  it('refuses a logged-out session on both workers (cluster messages), never from a stale cache', async () => {
    const [mine, other] = [await login(api), await login(api)];
    // Both workers answer some of these, and cache the session as live for ten minutes.
    const before = await Promise.all(Array.from({ length: 8 }, () => api.get('/protected/', mine.access)));
    expect(before.map((reply) => reply.status)).toEqual(Array.from({ length: 8 }, () => 200));
    expect((await logout(api, mine.refresh)).status).toBe(200);
    expect(await statusSettled(api, mine.access)).toBe(401);
    const after = await Promise.all(Array.from({ length: 8 }, () => api.get('/protected/', mine.access)));
    expect(after.map((reply) => reply.status)).toEqual(Array.from({ length: 8 }, () => 401));
    const others = await Promise.all(Array.from({ length: 8 }, () => api.get('/protected/', other.access)));
    expect(others.map((reply) => reply.status)).toEqual(Array.from({ length: 8 }, () => 200));
  });
});

describe('two instances on one PostgreSQL with Redis, TOKEN_SESSION_CLAIM=sid', () => {
  let pair: PostgresPair | undefined;
  let apiOne: Api;
  let apiTwo: Api;

  beforeAll(async () => {
    pair = await startPostgresPair(SESSION_SETTINGS);
    [apiOne, apiTwo] = [client(pair.one.baseUrl), client(pair.two.baseUrl)];
  });
  afterAll(async () => pair?.stop());

  it('refuses a session logged out on one instance on both, at once; the other session works on both', async () => {
    const [mine, other] = [await login(apiOne), await login(apiTwo)];
    // Instance two has the session cached as live (for ten minutes): only Redis can tell it.
    expect((await apiTwo.get('/protected/', mine.access)).status).toBe(200);
    expect((await apiOne.get('/protected/', mine.access)).status).toBe(200);
    expect((await logout(apiOne, mine.refresh)).status).toBe(200);
    expect((await apiOne.get('/protected/', mine.access)).status).toBe(401);
    expect(await statusSettled(apiTwo, mine.access)).toBe(401);
    expect((await apiTwo.get('/protected/', other.access)).status).toBe(200);
    expect((await apiOne.get('/protected/', other.access)).status).toBe(200);
  });
});
