/**
 * DRF's permission classes in every adapter (Fastify preHandler, Express and Hono middleware),
 * over real HTTP on SQLite: who passes, and DRF's exact 401 (no credentials) and 403 answers.
 * Groups and permissions are changed through the app's store, as the CLI and console do, and a
 * change is seen by the very next request with the same token (the user cache is invalidated).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/passwords/hasher.js';
import { ADAPTERS, startAdapterApp, type RunningAdapterApp } from '../support/adapter-apps.js';
import { client, KYOKO } from './api-suite.js';

const NOT_PROVIDED = '{"detail":"Authentication credentials were not provided."}';
const DENIED = '{"detail":"You do not have permission to perform this action."}';
const PASSWORD = 'a-long-enough-password-1';

describe.each(ADAPTERS)('%s adapter: permission classes', (adapter) => {
  let app: RunningAdapterApp;
  let api: ReturnType<typeof client>;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    // REVOKE_ON_PRIVILEGE_CHANGE acts in the CLI and console; here the store is changed directly,
    // so the same token keeps working and the permission classes decide.
    app = await startAdapterApp(adapter);
    api = client(app.baseUrl);
    const { store } = app.tessera;
    for (const username of ['ana', 'ed']) await store.createUser({ username, password: await hashPassword(PASSWORD) });
    const ed = (await store.findUser('username', 'ed'))!;
    await store.permissions!.grantGroupPermission('editors', 'blog.publish_post');
    await store.permissions!.addUserToGroup(ed.id, 'editors');
    for (const [username, password] of [
      ['ana', PASSWORD],
      ['ed', PASSWORD],
      [KYOKO.username, KYOKO.password],
    ] as const) {
      const reply = await api.post('/api/token/', { username, password });
      expect(reply.status, reply.text).toBe(200);
      tokens[username] = (reply.json as { access: string }).access;
    }
  });
  afterAll(async () => {
    await app?.stop();
  });

  const as = (username: string | undefined, method: 'GET' | 'POST', path: string) =>
    api.send(method, path, {
      body: method === 'POST' ? '{}' : undefined,
      headers: {
        'content-type': 'application/json',
        ...(username === undefined ? {} : { authorization: `Bearer ${tokens[username]}` }),
      },
    });

  it("answers DRF's 401 with WWW-Authenticate when no credentials came, for every class", async () => {
    for (const [method, path] of [
      ['GET', '/staff/'],
      ['POST', '/posts/'],
      ['POST', '/publish/'],
      ['GET', '/desk/'],
    ] as const) {
      const reply = await as(undefined, method, path);
      expect([reply.status, reply.text], `${method} ${path}`).toEqual([401, NOT_PROVIDED]);
      expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    }
  });

  it("answers DRF's 403, without WWW-Authenticate, to an authenticated user the class refuses", async () => {
    for (const [method, path] of [
      ['GET', '/staff/'],
      ['POST', '/publish/'],
      ['GET', '/desk/'],
    ] as const) {
      const reply = await as('ana', method, path);
      expect([reply.status, reply.text], `${method} ${path}`).toEqual([403, DENIED]);
      expect(reply.headers.get('www-authenticate')).toBeNull();
    }
  });

  it('lets staff through isAdminUser, and a superuser through every permission', async () => {
    expect((await as(KYOKO.username, 'GET', '/staff/')).status).toBe(200);
    expect((await as(KYOKO.username, 'POST', '/publish/')).text).toBe('{"ok":true}');
  });

  it('lets anyone read under isAuthenticatedOrReadOnly, and only users write', async () => {
    expect((await as(undefined, 'GET', '/posts/')).text).toBe('{"ok":true}');
    expect((await as('ana', 'POST', '/posts/')).text).toBe('{"ok":true}');
    // A bad token is refused before any class is asked, as DRF authenticates first.
    const bad = await api.get('/posts/', 'not-a-token');
    expect(bad.status).toBe(401);
    expect(bad.json).toMatchObject({ code: 'token_not_valid' });
  });

  it('grants through a group, and takes it away on the next request once the user leaves it', async () => {
    expect((await as('ed', 'POST', '/publish/')).text).toBe('{"ok":true}');
    expect((await as('ed', 'GET', '/desk/')).text).toBe('{"ok":true}');
    expect((await as('ed', 'GET', '/mine/')).json).toEqual({ groups: ['editors'], publish: true });
    const { store } = app.tessera;
    const ed = (await store.findUser('username', 'ed'))!;
    await store.permissions!.removeUserFromGroup(ed.id, 'editors');
    expect((await as('ed', 'POST', '/publish/')).text).toBe(DENIED);
    expect((await as('ed', 'GET', '/desk/')).text).toBe(DENIED);
    expect((await as('ed', 'GET', '/mine/')).json).toEqual({ groups: [], publish: false });
    await store.permissions!.grantUserPermission(ed.id, 'blog.publish_post');
    expect((await as('ed', 'POST', '/publish/')).text).toBe('{"ok":true}');
  });
});
