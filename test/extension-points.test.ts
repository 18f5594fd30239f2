/**
 * The library's extension points, through the framework-neutral dispatcher every adapter uses:
 * custom claims, login hooks, and a store of your own (here a complete in-memory one, which also
 * passes the store conformance suite).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LoginRequestInfo, TesseraHooks } from '../src/http/context.js';
import type { HttpResponse } from '../src/http/http-types.js';
import { hashPassword } from '../src/passwords/hasher.js';
import { createTessera, type Tessera } from '../src/app/tessera.js';
import type { RequestUser } from '../src/model/request-user.js';
import { KYOKO, claimsOf, client } from './http/api-suite.js';
import { startAdapterApp, type RunningAdapterApp } from './support/adapter-apps.js';
import { TEST_SECRET } from './support/cli-server.js';
import { MemoryStore } from './support/memory-store.js';
import { runStoreConformance } from './stores/conformance.js';
import { runPermissionStoreConformance } from './stores/permission-conformance.js';

runStoreConformance('in-memory (a store of your own)', async () => new MemoryStore());
runPermissionStoreConformance('in-memory (a store of your own)', async () => new MemoryStore());

interface Harness {
  tessera: Tessera;
  store: MemoryStore;
  reported: unknown[];
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<HttpResponse & { json: Record<string, unknown> }>;
  get(path: string, token: string): Promise<HttpResponse>;
}

const open: Tessera[] = [];
afterEach(async () => {
  for (const tessera of open.splice(0)) await tessera.close();
});

async function harness(hooks: TesseraHooks, settingsEnv: Record<string, string> = {}): Promise<Harness> {
  const store = new MemoryStore();
  const tessera = await createTessera({ store, hooks, env: { TESSERA_SECRET_KEY: TEST_SECRET, ...settingsEnv }, configFile: false });
  open.push(tessera);
  await store.createUser({
    username: KYOKO.username,
    email: 'kyoko@example.com',
    password: await hashPassword(KYOKO.password),
    isStaff: true,
  });
  const reported: unknown[] = [];
  const dispatch = tessera.dispatcher({ demoViews: true }, (error) => reported.push(error));
  return {
    tessera,
    store,
    reported,
    post: async (path, body, headers = {}) => {
      const bytes = Buffer.from(JSON.stringify(body));
      const response = await dispatch({
        method: 'POST',
        path,
        headers: { 'content-type': 'application/json', 'content-length': String(bytes.length), ...headers },
        body: bytes,
        ip: '203.0.113.7',
      });
      return { ...response, json: response.body === '' ? {} : (JSON.parse(response.body) as Record<string, unknown>) };
    },
    get: (path, token) => dispatch({ method: 'GET', path, headers: { authorization: `Bearer ${token}` }, body: Buffer.alloc(0) }),
  };
}

describe('customClaims', () => {
  const customClaims = (user: RequestUser) => ({ username: user.username, is_staff: user.isStaff, roles: ['editor'] });

  it('adds the claims to the refresh and access tokens, after simplejwt’s own', async () => {
    const api = await harness({ customClaims });
    const login = await api.post('/api/token/', KYOKO);
    expect(login.status).toBe(200);
    for (const token of [login.json.refresh, login.json.access]) {
      const claims = claimsOf(String(token));
      expect(Object.keys(claims)).toEqual(['token_type', 'exp', 'iat', 'jti', 'user_id', 'username', 'is_staff', 'roles']);
      expect(claims).toMatchObject({ username: 'kyoko', is_staff: true, roles: ['editor'] });
    }
    // A refreshed access token carries them too (simplejwt copies the refresh token's claims).
    const refreshed = await api.post('/api/token/refresh/', { refresh: login.json.refresh });
    expect(claimsOf(String(refreshed.json.access))).toMatchObject({ username: 'kyoko', roles: ['editor'] });
  });

  it('adds them to sliding tokens, and may be async', async () => {
    const api = await harness({ customClaims: async (user) => ({ email: user.email }) }, { TESSERA_AUTH_TOKEN_CLASSES: 'SlidingToken' });
    const login = await api.post('/api/token/sliding/', KYOKO);
    expect(claimsOf(String(login.json.token))).toMatchObject({ token_type: 'sliding', email: 'kyoko@example.com' });
    expect((await api.get('/protected/', String(login.json.token))).status).toBe(200);
  });

  it('cannot override a reserved claim: the login fails with a bare 500 and no token', async () => {
    for (const reserved of ['user_id', 'exp', 'token_type', 'jti', 'iat']) {
      const api = await harness({ customClaims: () => ({ [reserved]: 'forged' }) });
      const login = await api.post('/api/token/', KYOKO);
      expect(login.status).toBe(500);
      expect(login.body).toBe('{"detail":"A server error occurred."}');
      expect(String(api.reported[0])).toContain(`reserved claim '${reserved}'`);
      expect(await api.store.listTokens()).toEqual([]);
    }
  });
});

describe('login hooks', () => {
  it('calls onLoginSuccess with the user and request facts, never the password', async () => {
    const calls: { user: RequestUser; info: LoginRequestInfo }[] = [];
    const api = await harness({ onLoginSuccess: (user, info) => void calls.push({ user, info }) });
    expect((await api.post('/api/token/', KYOKO, { 'user-agent': 'hook-test/1.0' })).status).toBe(200);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.user.username).toBe('kyoko');
    expect(calls[0]?.info).toEqual({ ip: '203.0.113.7', userAgent: 'hook-test/1.0' });
    expect(JSON.stringify(calls)).not.toContain(KYOKO.password);
    expect(JSON.stringify(calls)).not.toContain('$argon2');
  });

  it('calls onLoginFailed with the username only, for wrong passwords and unknown users alike', async () => {
    const calls: unknown[][] = [];
    const successes: RequestUser[] = [];
    const api = await harness({ onLoginFailed: (...args) => void calls.push(args), onLoginSuccess: (user) => void successes.push(user) });
    expect((await api.post('/api/token/', { username: 'kyoko', password: 'wrong-password-1' })).status).toBe(401);
    expect((await api.post('/api/token/', { username: 'nobody', password: 'wrong-password-2' })).status).toBe(401);
    expect(calls).toEqual([
      [{ username: 'kyoko' }, { ip: '203.0.113.7', userAgent: undefined }],
      [{ username: 'nobody' }, { ip: '203.0.113.7', userAgent: undefined }],
    ]);
    expect(JSON.stringify(calls)).not.toMatch(/wrong-password/);
    expect(successes).toEqual([]);
  });

  it('lets an async hook finish before the answer is sent', async () => {
    let finished = false;
    const api = await harness({ onLoginSuccess: () => new Promise<void>((done) => setTimeout(() => ((finished = true), done()), 20)) });
    await api.post('/api/token/', KYOKO);
    expect(finished).toBe(true);
  });
});

describe('a store of your own', () => {
  let running: RunningAdapterApp | undefined;
  afterEach(async () => running?.stop());

  it('serves registration, login and protected routes over HTTP from createTessera({ store })', async () => {
    const store = new MemoryStore();
    running = await startAdapterApp('express', {}, { tessera: { store } });
    const api = client(running.baseUrl);
    const user = {
      email: 'mem@example.com',
      username: 'mem',
      first_name: 'Mem',
      password: 'correct-horse-79',
      password2: 'correct-horse-79',
    };
    expect((await api.post('/accounts/register/', user)).status).toBe(201);
    expect((await store.findUser('username', 'mem'))?.email).toBe('mem@example.com');
    const login = await api.post('/api/token/', { username: 'mem', password: user.password });
    expect(login.status).toBe(200);
    const { access, refresh } = login.json as { access: string; refresh: string };
    expect((await api.get('/protected/', access)).text).toBe('{"content":"This view is protected"}');
    expect((await store.listTokens()).map((token) => token.jti)).toEqual([claimsOf(refresh).jti]);
    expect((await api.post('/api/token/blacklist/', { refresh })).status).toBe(200);
    expect(await store.isBlacklisted(String(claimsOf(refresh).jti))).toBe(true);
  });
});
