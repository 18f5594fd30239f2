/**
 * The one HTTP suite: what a client of Tessera's API can rely on, over real HTTP. It runs
 * against every way of serving the API (the bundled server, each adapter) and every store; a
 * caller supplies `start`, which serves the API with the given settings (as TESSERA_* env).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/stores/open-store.js';
import type { Store } from '../../src/model/store.js';
import { describeAccountApi } from './accounts-suite.js';
import { describeCookieMode } from './cookie-mode-suite.js';

export interface ServedApi {
  readonly baseUrl: string;
  readonly databaseUrl: string;
  stop(): Promise<void>;
}

export type StartApi = (settingsEnv: Record<string, string>) => Promise<ServedApi>;

export const KYOKO = { username: 'kyoko', password: 'contrasenasegura' } as const;

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export function client(baseUrl: string) {
  async function send(method: string, path: string, options: { body?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
    const response = await fetch(`${baseUrl}${path}`, { method, body: options.body, headers: options.headers, redirect: 'manual' });
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  }
  return {
    send,
    post: (path: string, body: unknown, headers: Record<string, string> = {}) =>
      send('POST', path, { body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } }),
    get: (path: string, token?: string) => send('GET', path, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } }),
  };
}

export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;
}

async function login(api: ReturnType<typeof client>, credentials: { username: string; password: string } = KYOKO) {
  const reply = await api.post('/api/token/', credentials);
  expect(reply.status, reply.text).toBe(200);
  return reply.json as { refresh: string; access: string };
}

export function describeApi(name: string, start: StartApi): void {
  describeAccountApi(name, start);
  describeCookieMode(name, start);
  describe(`${name}: default settings`, () => {
    let served: ServedApi;
    let api: ReturnType<typeof client>;
    let store: Store;
    beforeAll(async () => {
      served = await start({});
      api = client(served.baseUrl);
      store = await openStore(served.databaseUrl);
    });
    afterAll(async () => {
      await store?.close();
      await served?.stop();
    });

    it('logs in and returns a refresh/access pair with simplejwt claims', async () => {
      const reply = await api.post('/api/token/', KYOKO);
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toBe('application/json');
      const { refresh, access } = reply.json as { refresh: string; access: string };
      expect(Object.keys(reply.json as object)).toEqual(['refresh', 'access']);
      expect(refresh.split('.')[0]).toBe('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9');
      const refreshClaims = claimsOf(refresh);
      const accessClaims = claimsOf(access);
      expect(Object.keys(refreshClaims)).toEqual(['token_type', 'exp', 'iat', 'jti', 'user_id']);
      expect(refreshClaims).toMatchObject({ token_type: 'refresh', user_id: 1 });
      expect(accessClaims).toMatchObject({ token_type: 'access', user_id: 1 });
      expect(Number(refreshClaims.exp) - Number(refreshClaims.iat)).toBe(86_400);
      expect(Number(accessClaims.exp) - Number(accessClaims.iat)).toBe(300);
      expect(accessClaims.jti).toMatch(/^[0-9a-f]{32}$/);
    });

    it('marks every answer that carries a token Cache-Control: no-store and Pragma: no-cache (RFC 6749 §5.1, SEC-46)', async () => {
      const pair = await api.post('/api/token/', KYOKO);
      const refreshed = await api.post('/api/token/refresh/', { refresh: (pair.json as { refresh: string }).refresh });
      for (const reply of [pair, refreshed]) {
        expect(reply.status).toBe(200);
        expect(reply.headers.get('cache-control')).toBe('no-store');
        expect(reply.headers.get('pragma')).toBe('no-cache');
      }
    });

    it('refuses wrong credentials alike, with WWW-Authenticate', async () => {
      for (const credentials of [
        { ...KYOKO, password: 'wrong' },
        { username: 'nobody', password: 'whatever' },
      ]) {
        const reply = await api.post('/api/token/', credentials);
        expect(reply.status).toBe(401);
        expect(reply.text).toBe('{"detail":"No active account found with the given credentials"}');
        expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="api"');
      }
    });

    it('does not trim passwords (simplejwt does, which locks out passwords ending in a space)', async () => {
      const reply = await api.post('/api/token/', { username: ` ${KYOKO.username} `, password: ` ${KYOKO.password} ` });
      expect(reply.status).toBe(401);
      expect((await api.post('/api/token/', { username: ` ${KYOKO.username} `, password: KYOKO.password })).status).toBe(200);
    });

    it('opens protected views with the access token only', async () => {
      const { access, refresh } = await login(api);
      expect((await api.get('/protected/', access)).text).toBe('{"content":"This view is protected"}');
      expect((await api.get('/hello/', access)).text).toBe('{"message":"Hello, World!"}');
      const anonymous = await api.get('/protected/');
      expect(anonymous.status).toBe(401);
      expect(anonymous.text).toBe('{"detail":"Authentication credentials were not provided."}');
      expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="api"');
      const withRefresh = await api.get('/protected/', refresh);
      expect(withRefresh.status).toBe(401);
      expect(withRefresh.json).toEqual({
        detail: 'Given token not valid for any token type',
        code: 'token_not_valid',
        messages: [{ token_class: 'AccessToken', token_type: 'access', message: 'Token has wrong type' }],
      });
    });

    it('answers malformed Authorization headers as simplejwt does', async () => {
      const { access } = await login(api);
      const bad = await api.send('GET', '/protected/', { headers: { authorization: `Bearer ${access} extra` } });
      expect(bad.status).toBe(401);
      expect(bad.json).toEqual({
        detail: 'Authorization header must contain two space-delimited values',
        code: 'bad_authorization_header',
      });
      for (const value of [`bearer ${access}`, `Token ${access}`, '']) {
        const reply = await api.send('GET', '/protected/', { headers: { authorization: value } });
        expect(reply.json).toEqual({ detail: 'Authentication credentials were not provided.' });
      }
    });

    it('refreshes, verifies and blacklists', async () => {
      const { refresh } = await login(api);
      const refreshed = await api.post('/api/token/refresh/', { refresh });
      expect(refreshed.status).toBe(200);
      expect(Object.keys(refreshed.json as object)).toEqual(['access']);
      const { access } = refreshed.json as { access: string };
      expect((await api.get('/protected/', access)).status).toBe(200);

      expect(await api.post('/api/token/verify/', { token: access })).toMatchObject({ status: 200, text: '{}' });
      expect(await api.post('/api/token/verify/', { token: refresh })).toMatchObject({ status: 200, text: '{}' });

      expect(await api.post('/api/token/blacklist/', { refresh })).toMatchObject({ status: 200, text: '{}' });
      expect((await api.post('/api/token/refresh/', { refresh })).text).toBe('{"detail":"Token is blacklisted","code":"token_not_valid"}');
      expect((await api.post('/api/token/blacklist/', { refresh })).status).toBe(401);
      // Tessera: a blacklisted token never verifies (simplejwt checks only in rotation mode).
      const verified = await api.post('/api/token/verify/', { token: refresh });
      expect(verified.status).toBe(400);
      expect(verified.text).toBe('{"non_field_errors":["Token is blacklisted"]}');
    });

    it('registers users who can then log in', async () => {
      const user = {
        email: 'alice@example.com',
        username: 'alice',
        first_name: 'Alice',
        password: 'correct-horse-77',
        password2: 'correct-horse-77',
      };
      const created = await api.post('/accounts/register/', user);
      expect(created.status, created.text).toBe(201);
      expect(created.text).toBe('');
      expect(created.headers.get('content-type')).toBeNull();
      await login(api, { username: 'alice', password: 'correct-horse-77' });

      expect((await api.post('/accounts/register/', { ...user, email: 'other@example.com' })).text).toBe(
        '{"username":["User with this username already exists."]}',
      );
      expect((await api.post('/accounts/register/', { ...user, username: 'alice2', email: 'ALICE@example.com' })).text).toBe(
        '{"email":["User with this email already exists."]}',
      );
      expect((await api.post('/accounts/register/', { ...user, username: 'bob', email: 'bob@example.com', password2: 'x' })).text).toBe(
        '{"password":["Password fields didn\'t match."]}',
      );
    });

    it("applies Django's password validators, and requires every field", async () => {
      const weak = await api.post('/accounts/register/', {
        email: 'c@example.com',
        username: 'carol',
        first_name: 'C',
        password: '123',
        password2: '123',
      });
      expect(weak.json).toEqual({
        password: [
          'This password is too short. It must contain at least 8 characters.',
          'This password is too common.',
          'This password is entirely numeric.',
        ],
      });
      expect((await api.post('/accounts/register/', {})).text).toBe(
        '{"email":["This field is required."],"username":["This field is required."],"password":["This field is required."],"password2":["This field is required."],"first_name":["This field is required."]}',
      );
    });

    it('gives inactive users nothing: no login, no request, no refresh', async () => {
      const user = {
        email: 'dave@example.com',
        username: 'dave',
        first_name: 'Dave',
        password: 'correct-horse-78',
        password2: 'correct-horse-78',
      };
      expect((await api.post('/accounts/register/', user)).status).toBe(201);
      const { access, refresh } = await login(api, { username: 'dave', password: user.password });
      const dave = await store.findUser('username', 'dave');
      await store.updateUser(dave?.id ?? -1, { isActive: false });

      expect((await api.post('/api/token/', { username: 'dave', password: user.password })).status).toBe(401);
      expect((await api.get('/protected/', access)).text).toBe('{"detail":"User is inactive","code":"user_inactive"}');
      expect((await api.post('/api/token/refresh/', { refresh })).text).toBe('{"detail":"No active account found for the given token."}');
    });

    it('answers unknown paths, wrong methods and missing slashes as Django does', async () => {
      const notFound = await api.get('/nope/');
      expect(notFound.status).toBe(404);
      expect(notFound.headers.get('content-type')).toBe('text/html');
      const wrongMethod = await api.get('/api/token/');
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.text).toBe('{"detail":"Method \\"GET\\" not allowed."}');
      expect(wrongMethod.headers.get('allow')).toBe('POST, OPTIONS');
      const redirect = await api.send('POST', '/api/token', { body: '{}', headers: { 'content-type': 'application/json' } });
      expect(redirect.status).toBe(301);
      expect(redirect.headers.get('location')).toBe('/api/token/');
    });

    it('never answers a 5xx to malformed input', async () => {
      const bodies = [
        '',
        '{',
        '[]',
        'null',
        '"x"',
        '{"refresh":123}',
        '{"refresh":null}',
        '{"refresh":{"a":1}}',
        '\u0000',
        '{"refresh":"a.b.c"}',
      ];
      for (const path of ['/api/token/', '/api/token/refresh/', '/api/token/verify/', '/api/token/blacklist/', '/accounts/register/']) {
        for (const body of bodies) {
          for (const type of ['application/json', 'application/x-www-form-urlencoded', 'text/plain']) {
            const reply = await api.send('POST', path, { body, headers: { 'content-type': type } });
            expect(reply.status, `${path} ${type} ${JSON.stringify(body)}: ${reply.text}`).toBeLessThan(500);
          }
        }
      }
    });
  });

  describe(`${name}: rotation with blacklist`, () => {
    let served: ServedApi;
    let api: ReturnType<typeof client>;
    beforeAll(async () => {
      served = await start({ TESSERA_ROTATE_REFRESH_TOKENS: 'true', TESSERA_BLACKLIST_AFTER_ROTATION: 'true' });
      api = client(served.baseUrl);
    });
    afterAll(async () => served?.stop());

    it('rotates, and refuses the old refresh token', async () => {
      const { refresh } = await login(api);
      const rotated = await api.post('/api/token/refresh/', { refresh });
      expect(rotated.status).toBe(200);
      expect(Object.keys(rotated.json as object)).toEqual(['access', 'refresh']);
      const next = (rotated.json as { refresh: string }).refresh;
      expect(claimsOf(next).jti).not.toBe(claimsOf(refresh).jti);
      expect((await api.post('/api/token/refresh/', { refresh: next })).status).toBe(200);
      expect((await api.post('/api/token/refresh/', { refresh })).text).toBe('{"detail":"Token is blacklisted","code":"token_not_valid"}');
    });

    it('lets exactly one of many concurrent rotations of one token win', async () => {
      const { refresh } = await login(api);
      const replies = await Promise.all(Array.from({ length: 12 }, () => api.post('/api/token/refresh/', { refresh })));
      const statuses = replies.map((reply) => reply.status).sort();
      expect(statuses.filter((status) => status === 200)).toHaveLength(1);
      expect(statuses.filter((status) => status === 401)).toHaveLength(11);
    });
  });

  describe(`${name}: refresh-token families`, () => {
    let served: ServedApi;
    let graceful: ServedApi;
    let capped: ServedApi;
    let api: ReturnType<typeof client>;
    const rotation = { TESSERA_ROTATE_REFRESH_TOKENS: 'true', TESSERA_BLACKLIST_AFTER_ROTATION: 'true' };
    beforeAll(async () => {
      [served, graceful, capped] = await Promise.all([
        start(rotation),
        start({ ...rotation, TESSERA_REFRESH_TOKEN_REUSE_GRACE: '30s' }),
        start({ ...rotation, TESSERA_SESSION_LIFETIME: '2s' }),
      ]);
      api = client(served.baseUrl);
    });
    afterAll(async () => Promise.all([served?.stop(), graceful?.stop(), capped?.stop()]));

    const rotate = async (on: ReturnType<typeof client>, refresh: string) => on.post('/api/token/refresh/', { refresh });

    it('revokes the whole family when a rotated refresh token is replayed', async () => {
      const { refresh: first } = await login(api);
      const second = ((await rotate(api, first)).json as { refresh: string }).refresh;
      const third = ((await rotate(api, second)).json as { refresh: string }).refresh;
      const { refresh: otherSession } = await login(api);

      expect((await rotate(api, first)).text).toBe('{"detail":"Token is blacklisted","code":"token_not_valid"}');
      // The thief's (or the victim's) newest token dies with the family...
      expect((await rotate(api, third)).status).toBe(401);
      // ...and the user's other sessions are untouched.
      expect((await rotate(api, otherSession)).status).toBe(200);
    });

    it('answers a replay within the grace window with the same successor token', async () => {
      const onGraceful = client(graceful.baseUrl);
      const { refresh: first } = await login(onGraceful);
      const lost = ((await rotate(onGraceful, first)).json as { refresh: string }).refresh;
      const retried = await rotate(onGraceful, first);
      expect(retried.status).toBe(200);
      expect((retried.json as { refresh: string }).refresh).toBe(lost);
      expect((await rotate(onGraceful, lost)).status).toBe(200);
    });

    it('lets concurrent tabs share one session within the grace window', async () => {
      const onGraceful = client(graceful.baseUrl);
      const { refresh } = await login(onGraceful);
      const replies = await Promise.all(Array.from({ length: 8 }, () => rotate(onGraceful, refresh)));
      const successors = new Set(
        replies.filter((reply) => reply.status === 200).map((reply) => (reply.json as { refresh: string }).refresh),
      );
      expect(successors.size).toBe(1);
      expect(replies.every((reply) => reply.status === 200 || reply.status === 401)).toBe(true);
      expect((await rotate(onGraceful, [...successors][0] ?? '')).status).toBe(200);
    });

    it('logs a user out everywhere', async () => {
      const sessions = [await login(api), await login(api)];
      const reply = await api.post('/api/token/logout-all/', {}, { authorization: `Bearer ${sessions[0]?.access}` });
      expect(reply).toMatchObject({ status: 200, text: '{}' });
      for (const session of sessions) expect((await rotate(api, session.refresh)).status).toBe(401);
      expect((await api.post('/api/token/logout-all/', {})).status).toBe(401);
    });

    it('cuts off every access token of the user at once on logout-all, and the next login works (issue 15)', async () => {
      const sessions = [await login(api), await login(api)];
      for (const session of sessions) expect((await api.get('/protected/', session.access)).status).toBe(200);
      expect((await api.post('/api/token/logout-all/', {}, { authorization: `Bearer ${sessions[1]?.access}` })).status).toBe(200);
      for (const session of sessions) {
        const refused = await api.get('/protected/', session.access);
        expect(refused.status).toBe(401);
        expect(refused.json).toMatchObject({ code: 'token_not_valid' });
        expect((await api.post('/api/token/verify/', { token: session.access })).status).toBe(401);
        expect((await api.post('/api/token/blacklist/', { refresh: session.refresh })).status).toBe(401);
      }
      const fresh = await login(api);
      expect(Number(claimsOf(fresh.access).ver)).toBeGreaterThan(Number(claimsOf(sessions[0]?.access ?? '').ver ?? 0));
      expect((await api.get('/protected/', fresh.access)).status).toBe(200);
      expect((await api.post('/api/token/verify/', { token: fresh.access })).status).toBe(200);
      expect((await rotate(api, fresh.refresh)).status).toBe(200);
    });

    it('caps a session at SESSION_LIFETIME however often it rotates', async () => {
      const onCapped = client(capped.baseUrl);
      const { refresh } = await login(onCapped);
      const loginTime = Number(claimsOf(refresh).iat);
      const rotated = await rotate(onCapped, refresh);
      expect(rotated.status).toBe(200);
      const next = (rotated.json as { refresh: string }).refresh;
      expect(Number(claimsOf(next).exp)).toBeLessThanOrEqual(loginTime + 2);
      await new Promise((wake) => setTimeout(wake, 2200));
      expect((await rotate(onCapped, next)).status).toBe(401);
    });
  });

  describe(`${name}: throttling`, () => {
    let served: ServedApi;
    let api: ReturnType<typeof client>;
    beforeAll(async () => {
      served = await start({ TESSERA_THROTTLE_LOGIN_ACCOUNT: '3/minute', TESSERA_THROTTLE_REGISTER_IP: '2/hour' });
      api = client(served.baseUrl);
    });
    afterAll(async () => served?.stop());

    it('throttles failed logins per account, known or not, with Retry-After', async () => {
      for (const username of ['kyoko', 'no-such-user']) {
        for (let i = 0; i < 3; i++) expect((await api.post('/api/token/', { username, password: 'wrong' })).status).toBe(401);
        const throttled = await api.post('/api/token/', { username, password: 'wrong' });
        expect(throttled.status).toBe(429);
        expect(throttled.text).toMatch(/^\{"detail":"Request was throttled\. Expected available in \d+ seconds?\."\}$/);
        expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
      }
      // Even the right password waits: the account's failure budget is spent.
      expect((await api.post('/api/token/', KYOKO)).status).toBe(429);
    });

    it('throttles registrations per client address', async () => {
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await api.post('/accounts/register/', {})).status);
      expect(statuses).toEqual([400, 400, 429]);
    });
  });

  describe(`${name}: sliding tokens`, () => {
    let served: ServedApi;
    let api: ReturnType<typeof client>;
    beforeAll(async () => {
      served = await start({ TESSERA_AUTH_TOKEN_CLASSES: 'AccessToken,SlidingToken' });
      api = client(served.baseUrl);
    });
    afterAll(async () => served?.stop());

    it('obtains, uses and refreshes a sliding token', async () => {
      const obtained = await api.post('/api/token/sliding/', KYOKO);
      expect(obtained.status).toBe(200);
      const { token } = obtained.json as { token: string };
      expect(Object.keys(claimsOf(token))).toEqual(['token_type', 'exp', 'iat', 'jti', 'refresh_exp', 'user_id']);
      expect((await api.get('/protected/', token)).status).toBe(200);
      const refreshed = await api.post('/api/token/sliding/refresh/', { token });
      expect(refreshed.status).toBe(200);
      for (const reply of [obtained, refreshed])
        expect([reply.headers.get('cache-control'), reply.headers.get('pragma')]).toEqual(['no-store', 'no-cache']);
      expect(claimsOf((refreshed.json as { token: string }).token).jti).toBe(claimsOf(token).jti);
    });

    it('lists every token class in the error when none accepts the token', async () => {
      const { refresh } = await login(api);
      expect((await api.get('/protected/', refresh)).json).toEqual({
        detail: 'Given token not valid for any token type',
        code: 'token_not_valid',
        messages: [
          { token_class: 'AccessToken', token_type: 'access', message: 'Token has wrong type' },
          { token_class: 'SlidingToken', token_type: 'sliding', message: 'Token has wrong type' },
        ],
      });
    });
  });
}
