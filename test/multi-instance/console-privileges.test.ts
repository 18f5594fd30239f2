/**
 * Issue 15's headline tests, over HTTP: a staff user demoted in the admin console (a real form
 * POST on instance A, signed in as a superuser) loses staff access with the access token minted
 * before, at once, on every instance: two apps over one PostgreSQL with Redis, and one app over
 * SQLite. `/staff/` is guarded by DRF's `isAdminUser`. With REVOKE_ON_PRIVILEGE_CHANGE off, the
 * old token still authenticates and the permission class answers DRF's 403 (the user cache was
 * dropped everywhere); with it on (the default), the old token is cut off (401) and a new one
 * gets the 403. And a group added in the console reaches the next refreshed access token with
 * CLAIMS_ON_REFRESH=recompute.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/passwords/hasher.js';
import { claimsOf, client, KYOKO } from '../http/api-suite.js';
import { startAdapterApp, type RunningAdapterApp } from '../support/adapter-apps.js';
import { consoleSessionFrom } from '../support/console-sign-in.js';
import { startAdapterPostgresPair, type PostgresPair } from '../support/postgres-pair.js';

type Api = ReturnType<typeof client>;

const DENIED = '{"detail":"You do not have permission to perform this action."}';
const PASSWORD = 'a-long-enough-password-1';
const MOD = { username: 'mod', password: PASSWORD };

/** Both configurations carry groups in tokens and recompute them at refresh. */
const CLAIMS = { TESSERA_CLAIMS_ON_REFRESH: 'recompute', TESSERA_TOKEN_GROUPS_CLAIM: 'groups' };

interface Instances {
  readonly apps: readonly RunningAdapterApp[];
  stop(): Promise<void>;
}

const SETUPS: readonly (readonly [string, (settings: Record<string, string>) => Promise<Instances>])[] = [
  [
    'two instances over PostgreSQL with Redis',
    async (settings) => {
      // A long cache TTL: only the Redis announcement can make instance B see the change at once.
      const pair: PostgresPair<RunningAdapterApp> = await startAdapterPostgresPair(
        { ...settings, TESSERA_USER_CACHE_TTL: '300' },
        { mount: { adminConsole: '/admin/' } },
      );
      return { apps: [pair.one, pair.two], stop: () => pair.stop() };
    },
  ],
  [
    'one instance over SQLite',
    async (settings) => {
      const app = await startAdapterApp('fastify', { ...settings, TESSERA_USER_CACHE_TTL: '300' }, { mount: { adminConsole: '/admin/' } });
      return { apps: [app], stop: () => app.stop() };
    },
  ],
];

/** `reply()` until `done` holds, for a bounded while (a Redis message is not instantaneous): never a blind sleep. */
async function eventually<T>(reply: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await reply();
  for (const deadline = Date.now() + 3000; !done(value) && Date.now() < deadline; value = await reply())
    await new Promise((wake) => setTimeout(wake, 20));
  return value;
}

async function login(api: Api, credentials: { username: string; password: string }): Promise<{ access: string; refresh: string }> {
  const reply = await api.post('/api/token/', credentials);
  expect(reply.status, reply.text).toBe(200);
  return reply.json as { access: string; refresh: string };
}

describe.each(SETUPS)('a staff user demoted in the admin console, %s', (_name, start) => {
  describe.each([
    ['off', 'false'],
    ['on', 'true'],
  ])('REVOKE_ON_PRIVILEGE_CHANGE %s', (_state, revoke) => {
    let instances: Instances | undefined;
    let apis: Api[];
    let modId: number;

    beforeAll(async () => {
      instances = await start({ ...CLAIMS, TESSERA_REVOKE_ON_PRIVILEGE_CHANGE: revoke });
      apis = instances.apps.map((app) => client(app.baseUrl));
      const { store } = instances.apps[0]!.tessera;
      const mod = await store.createUser({ ...MOD, email: 'mod@example.com', password: await hashPassword(PASSWORD), isStaff: true });
      modId = mod.id;
    });
    afterAll(async () => instances?.stop());

    it('loses staff access with the old access token at once on every instance', async () => {
      const { access } = await login(apis[0]!, MOD);
      // Every instance has mod cached as staff (TTL 300 s).
      for (const api of apis) expect((await api.get('/staff/', access)).text).toBe('{"ok":true}');

      const admin = await consoleSessionFrom(instances!.apps[0]!.baseUrl, '127.0.0.1', KYOKO.username, KYOKO.password);
      // The account form as the page sends it, with "Staff status" unticked.
      const saved = await admin.post(`/admin/users/${modId}/`, { username: MOD.username, email: 'mod@example.com', is_active: 'on' });
      expect(saved.status, saved.text).toBe(303);
      expect(saved.headers.location).toBe(`/admin/users/${modId}/?done=saved`);

      for (const api of apis) {
        const reply = await eventually(
          () => api.get('/staff/', access),
          (answer) => answer.status !== 200,
        );
        if (revoke === 'true') {
          // Cut off: the token itself is refused, before any permission class is asked.
          expect(reply.status).toBe(401);
          expect(reply.json).toMatchObject({ code: 'token_not_valid' });
        } else {
          expect([reply.status, reply.text]).toEqual([403, DENIED]);
        }
      }
      // A token minted after the demotion authenticates, and isAdminUser refuses it everywhere.
      const fresh = await login(apis[0]!, MOD);
      for (const api of apis)
        expect([(await api.get('/staff/', fresh.access)).status, (await api.get('/staff/', fresh.access)).text]).toEqual([403, DENIED]);
    });

    it('puts a group added in the console into the next access token (CLAIMS_ON_REFRESH=recompute)', async () => {
      const last = apis[apis.length - 1]!;
      const session = await login(last, MOD);
      expect(claimsOf(session.access)).toMatchObject({ groups: [] });
      const admin = await consoleSessionFrom(instances!.apps[0]!.baseUrl, '127.0.0.1', KYOKO.username, KYOKO.password);
      expect((await admin.post('/admin/groups/', { name: 'editors' })).status).toBe(303);
      const added = await admin.post(`/admin/users/${modId}/privileges/`, { group: 'editors' });
      expect(added.status, added.text).toBe(303);
      const refreshed = await last.post('/api/token/refresh/', { refresh: session.refresh });
      if (revoke === 'true') {
        // The change cut the refresh token off too: logging in again gives the group.
        expect(refreshed.status).toBe(401);
        expect(claimsOf((await login(last, MOD)).access)).toMatchObject({ groups: ['editors'] });
      } else {
        expect(refreshed.status, refreshed.text).toBe(200);
        const { access } = refreshed.json as { access: string };
        expect(claimsOf(access)).toMatchObject({ groups: ['editors'] });
        // inGroup('editors', 'chiefs') lets the new token through, on every instance.
        for (const api of apis)
          expect(
            (
              await eventually(
                () => api.get('/desk/', access),
                (reply) => reply.status === 200,
              )
            ).text,
          ).toBe('{"ok":true}');
      }
    });
  });
});
