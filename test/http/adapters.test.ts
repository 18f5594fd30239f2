/**
 * The one HTTP suite, unchanged, against a small app on each adapter (Fastify, Express, Hono),
 * plus what only an embedding app can show: the handler sees the user, the app's own routes
 * keep their body parsing, and Tessera can be mounted under a path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADAPTERS, startAdapterApp, type RunningAdapterApp } from '../support/adapter-apps.js';
import { routeOptionsOf } from '../../src/adapters/shared.js';
import { MemoryStore } from '../support/memory-store.js';
import Fastify, { type FastifyInstance } from 'fastify';
import { tesseraPlugin } from '../../src/adapters/fastify/index.js';
import { createTessera } from '../../src/app/tessera.js';
import { TesseraError } from '../../src/errors.js';
import { TEST_SECRET } from '../support/cli-server.js';
import { describeApi, client, KYOKO } from './api-suite.js';

for (const adapter of ADAPTERS) {
  describeApi(`${adapter} adapter (SQLite)`, (env) => startAdapterApp(adapter, env));
}

async function loginAt(baseUrl: string, prefix = '/api/token/'): Promise<{ access: string; refresh: string }> {
  const reply = await client(baseUrl).post(prefix, KYOKO);
  expect(reply.status, reply.text).toBe(200);
  return reply.json as { access: string; refresh: string };
}

describe.each(ADAPTERS)('%s adapter: embedding', (adapter) => {
  const running: RunningAdapterApp[] = [];
  afterAll(async () => {
    for (const app of running) await app.stop();
  });
  async function start(...args: Parameters<typeof startAdapterApp> extends [unknown, ...infer Rest] ? Rest : never) {
    const app = await startAdapterApp(adapter, ...args);
    running.push(app);
    return app;
  }

  it("gives the app's handler the user and the token's claims", async () => {
    const app = await start();
    const { access } = await loginAt(app.baseUrl);
    const reply = await client(app.baseUrl).get('/whoami/', access);
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ username: 'kyoko', claims: { token_type: 'access', user_id: 1 } });
  });

  it('gives handlers the user without the password hash, in answers and in every log line', async () => {
    const logLines: string[] = [];
    const app = await start({}, { logLines });
    const { access } = await loginAt(app.baseUrl);
    const reply = await client(app.baseUrl).get('/me/', access);
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({
      id: 1,
      username: 'kyoko',
      email: 'kyoko@example.com',
      isStaff: true,
      isSuperuser: true,
      isActive: true,
    });
    expect(Object.keys(reply.json as object)).not.toContain('password');
    expect(reply.text).not.toMatch(/argon2|pbkdf2/);
    // The handler logged the user (inspected, and as JSON); the hash is in no line.
    expect(logLines.some((line) => line.includes('kyoko'))).toBe(true);
    for (const line of logLines) expect(line).not.toMatch(/argon2|pbkdf2|"password"|password:/);
  });

  it('authenticates statelessly without looking the user up', async () => {
    const store = new MemoryStore();
    const app = await start({}, { tessera: { store } });
    const { access, refresh } = await loginAt(app.baseUrl);
    store.lookups = 0;
    const api = client(app.baseUrl);
    // The first authenticated request after login: a stateful one would have to look the user up.
    expect((await api.get('/stateless/', access)).json).toEqual({ id: 1, user: null });
    expect(store.lookups).toBe(0);
    const refused = await api.get('/stateless/', refresh);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect((refused.json as { detail: string }).detail).toBe('Given token not valid for any token type');
  });

  it("leaves the app's own body parsing alone", async () => {
    const app = await start();
    const reply = await client(app.baseUrl).post('/echo/', { a: [1, 2] });
    expect(reply.json).toEqual({ echo: { a: [1, 2] } });
  });

  it('answers bodies over MAX_BODY_BYTES with a DRF-shaped 413', async () => {
    const app = await start({ TESSERA_MAX_BODY_BYTES: '1024' });
    const reply = await client(app.baseUrl).post('/api/token/', { username: 'x'.repeat(2000), password: 'y' });
    expect(reply.status).toBe(413);
    expect(reply.text).toBe('{"detail":"Request body is too large."}');
    expect(reply.headers.get('content-type')).toBe('application/json');
    expect((await client(app.baseUrl).post('/api/token/', KYOKO)).status).toBe(200);
  });

  it('serves the token routes under the prefix asked for, and registration only when wanted', async () => {
    const app = await start({}, { mount: { prefix: '/auth/jwt/', accountsPrefix: false } });
    const api = client(app.baseUrl);
    const { refresh } = await loginAt(app.baseUrl, '/auth/jwt/');
    expect((await api.post('/auth/jwt/refresh/', { refresh })).status).toBe(200);
    expect((await api.post('/api/token/', KYOKO)).status).toBe(404);
    expect((await api.post('/accounts/register/', {})).status).toBe(404);
  });

  it('mounts under a path, redirecting missing slashes within it', async () => {
    const app = await start({}, { mountPath: '/v1' });
    await loginAt(app.baseUrl, '/v1/api/token/');
    const api = client(app.baseUrl);
    const redirect = await api.send('POST', '/v1/api/token/refresh', { body: '{}', headers: { 'content-type': 'application/json' } });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get('location')).toBe('/v1/api/token/refresh/');
    expect((await api.post('/api/token/', KYOKO)).status).toBe(404);
  });
});

describe('fastify adapter: app.authenticate throws, as @fastify/jwt does', () => {
  async function appWith(errorHandler?: Parameters<FastifyInstance['setErrorHandler']>[0]) {
    const tessera = await createTessera({ store: new MemoryStore(), env: { TESSERA_SECRET_KEY: TEST_SECRET }, configFile: false });
    const app = Fastify();
    await app.register(tesseraPlugin, { tessera });
    if (errorHandler !== undefined) app.setErrorHandler(errorHandler);
    app.get('/protected/', { preHandler: app.authenticate }, async (request) => ({ hello: request.user.username }));
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    return { url, close: async () => (await app.close(), await tessera.close()) };
  }

  it("lets the app's setErrorHandler reshape the refusal, given the TesseraError", async () => {
    const app = await appWith((error, _request, reply) => {
      if (error instanceof TesseraError)
        return reply.code(error.status).send({ error: error.code, status: error.status, body: error.body });
      return reply.send(error);
    });
    try {
      const reply = await client(app.url).get('/protected/');
      expect(reply.status).toBe(401);
      expect(reply.json).toEqual({
        error: 'not_authenticated',
        status: 401,
        body: { detail: 'Authentication credentials were not provided.' },
      });
    } finally {
      await app.close();
    }
  });

  it("keeps simplejwt's exact answer when the error handler passes the error on", async () => {
    const app = await appWith((error, _request, reply) => reply.send(error));
    try {
      const reply = await client(app.url).get('/protected/', 'not-a-token');
      expect(reply.status).toBe(401);
      expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="api"');
      expect(reply.headers.get('content-type')).toBe('application/json');
      expect(reply.json).toMatchObject({ detail: 'Given token not valid for any token type', code: 'token_not_valid' });
    } finally {
      await app.close();
    }
  });
});

describe('fastify adapter: request.user is never a lie', () => {
  it('throws, naming app.authenticate, when a route it does not protect reads request.user', async () => {
    const logLines: string[] = [];
    const app = await startAdapterApp('fastify', {}, { logLines });
    try {
      const reply = await client(app.baseUrl).get('/unguarded/');
      expect(reply.status).toBe(500);
      expect(logLines.some((line) => line.includes('request.user is only set on routes protected by app.authenticate'))).toBe(true);
    } finally {
      await app.stop();
    }
  });
});

describe('express adapter: after express.json() and express.urlencoded()', () => {
  let app: RunningAdapterApp;
  beforeAll(async () => {
    app = await startAdapterApp('express', {}, { bodyParsersFirst: true });
  });
  afterAll(async () => app?.stop());

  it('re-encodes the parsed JSON and form bodies, so valid requests work the same', async () => {
    const api = client(app.baseUrl);
    await loginAt(app.baseUrl);
    const form = await api.send('POST', '/api/token/', {
      body: new URLSearchParams(KYOKO).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status, form.text).toBe(200);
    const missing = await api.post('/api/token/', { username: 'kyoko' });
    expect(missing.text).toBe('{"password":["This field is required."]}');
  });

  it("leaves malformed bodies to the earlier parser's answer, never a 5xx", async () => {
    const reply = await client(app.baseUrl).send('POST', '/api/token/', { body: '{', headers: { 'content-type': 'application/json' } });
    expect(reply.status).toBe(400);
  });
});

describe('mount options', () => {
  it('refuse prefixes that are not plain slash-terminated paths, naming the option', () => {
    for (const prefix of ['api/token/', '/api/token', '/api/:id/', '/api/*/', '/a?b/', '']) {
      expect(() => routeOptionsOf({ prefix })).toThrow(/^prefix: must start and end with '\/'/);
    }
    expect(() => routeOptionsOf({ accountsPrefix: '/accounts' })).toThrow(/^accountsPrefix:/);
    expect(routeOptionsOf({ prefix: '/', accountsPrefix: false })).toEqual({ tokenPrefix: '/', accountsPrefix: false, demoViews: false });
  });
});
