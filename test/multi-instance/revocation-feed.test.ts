/**
 * The revocation feed (issue 15 item 4) between real processes: a Tessera on PostgreSQL with
 * Redis serves `GET /api/token/revocations/` to holders of REVOCATION_FEED_KEY; stand-alone
 * verifiers (`tessera/verifier`, no database) refuse a logged-out session and a cut-off user's
 * older tokens: one by polling the feed, one by the Redis push alone (its poll interval is ten
 * minutes, so only the push can explain a refusal). Deadlines bound the waits; nothing sleeps blind.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier, type Verifier } from '../../src/app/verifier.js';
import { TokenError } from '../../src/errors.js';
import { claimsOf, client, KYOKO } from '../http/api-suite.js';
import { startCliServer, tessera, type CliServerProcess } from '../support/cli-server.js';
import { dropTestSchemas, freshPostgresUrl, requirePostgres } from '../support/postgres.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';

type Api = ReturnType<typeof client>;
const FEED_KEY = 'feed-key-for-tests-0123456789abcdef-0123';
const POLL_MS = 300;

let redis: TestRedis;
let server: CliServerProcess;
let api: Api;
let polling: Verifier;
let pushed: Verifier;

async function login(): Promise<{ refresh: string; access: string }> {
  const reply = await api.post('/api/token/', KYOKO);
  expect(reply.status, reply.text).toBe(200);
  return reply.json as { refresh: string; access: string };
}

/** Why `verifier` refuses `access` once it does, within `withinMs`; `'accepted'` if it never does. */
async function refusalWithin(verifier: Verifier, access: string, withinMs: number): Promise<string> {
  for (const deadline = Date.now() + withinMs; ; await new Promise((wake) => setTimeout(wake, 25))) {
    try {
      await verifier.verifyToken(access);
    } catch (error) {
      if (error instanceof TokenError) return error.reason;
      throw error;
    }
    if (Date.now() > deadline) return 'accepted';
  }
}

beforeAll(async () => {
  await requirePostgres();
  redis = await startTestRedis();
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  server = await startCliServer(
    {
      TESSERA_ALGORITHM: 'ES256',
      TESSERA_SIGNING_KEY: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      TESSERA_TOKEN_SESSION_CLAIM: 'sid',
      TESSERA_REVOCATION_FEED_KEY: FEED_KEY,
      TESSERA_REDIS_URL: redis.url,
      TESSERA_THROTTLE_LOGIN_ACCOUNT_ADDRESS: 'off',
    },
    { databaseUrl: freshPostgresUrl() },
  );
  api = client(server.baseUrl);
  const common = { algorithm: 'ES256' as const, jwkUrl: `${server.baseUrl}/.well-known/jwks.json` };
  const url = `${server.baseUrl}/api/token/revocations/`;
  polling = createVerifier({ ...common, revocationFeed: { url, key: FEED_KEY, pollIntervalMs: POLL_MS } });
  pushed = createVerifier({ ...common, revocationFeed: { url, key: FEED_KEY, pollIntervalMs: 600_000, redisUrl: redis.url } });
  expect(await polling.refreshRevocations()).toBe(true);
  expect(await pushed.refreshRevocations()).toBe(true);
});

afterAll(async () => {
  await polling?.close();
  await pushed?.close();
  await server?.stop();
  await redis?.stop();
  await dropTestSchemas();
});

describe('GET /api/token/revocations/', () => {
  it('answers only the feed key: 401 without credentials, 403 with a user token or a wrong key', async () => {
    expect((await api.get('/api/token/revocations/')).status).toBe(401);
    expect((await api.get('/api/token/revocations/', (await login()).access)).status).toBe(403);
    expect((await api.get('/api/token/revocations/', `${FEED_KEY}x`)).status).toBe(403);
    const reply = await api.get('/api/token/revocations/', FEED_KEY);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('cache-control')).toBe('no-store');
    expect(reply.json).toMatchObject({ claims: { user: 'user_id', version: 'ver', session: 'sid' }, horizon: 300 });
  });

  it('lists a logged-out session and a cut-off user', async () => {
    const pair = await login();
    expect((await api.post('/api/token/blacklist/', { refresh: pair.refresh })).status).toBe(200);
    const other = await login();
    expect((await api.post('/api/token/logout-all/', {}, { authorization: `Bearer ${other.access}` })).status).toBe(200);
    const feed = (await api.get('/api/token/revocations/', FEED_KEY)).json as {
      sessions: { sid: string }[];
      cut_offs: { user: number; version: number }[];
    };
    expect(feed.sessions.map((session) => session.sid)).toContain(claimsOf(pair.access).sid);
    expect(feed.cut_offs).toContainEqual(expect.objectContaining({ user: claimsOf(other.access).user_id, version: 1 }));
  });
});

describe.each([
  ['polling the feed', () => polling, POLL_MS * 10],
  ['through the Redis push alone', () => pushed, 2000],
])('a stand-alone verifier %s', (_name, verifier, withinMs) => {
  it('refuses a logged-out session; the same user’s other session stays accepted', async () => {
    const [mine, other] = [await login(), await login()];
    await verifier().verifyToken(mine.access);
    expect((await api.post('/api/token/blacklist/', { refresh: mine.refresh })).status).toBe(200);
    expect(await refusalWithin(verifier(), mine.access, withinMs)).toBe('session_revoked');
    await expect(verifier().verifyToken(other.access)).resolves.toMatchObject({ sid: claimsOf(other.access).sid });
  });

  it('refuses a cut-off user’s older tokens and accepts the ones minted after', async () => {
    const before = await login();
    await verifier().verifyToken(before.access);
    expect((await api.post('/api/token/logout-all/', {}, { authorization: `Bearer ${before.access}` })).status).toBe(200);
    expect(await refusalWithin(verifier(), before.access, withinMs)).toBe('cut_off');
    const after = await login();
    await expect(verifier().verifyToken(after.access)).resolves.toBeTruthy();
    expect((await verifier().authenticateHeader(`Bearer ${after.access}`))?.id).toBe(claimsOf(after.access).user_id);
  });

  it('refuses the older tokens of a user cut off by the command line (tessera groups)', async () => {
    const before = await login();
    await verifier().verifyToken(before.access);
    const group = `cli-${Math.random().toString(36).slice(2)}`;
    const added = await tessera(['groups', 'add', KYOKO.username, group], server.env);
    expect(added.stdout).toContain('their tokens issued before are cut off');
    expect(await refusalWithin(verifier(), before.access, withinMs)).toBe('cut_off');
  });
});
