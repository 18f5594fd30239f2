/**
 * A refresh reads the token's state and its user from the database, in one statement
 * (`findTokenStateAndUser`, docs/decisions.md D21), never from the user cache. Each change
 * below is made through a second handle on the server's database, as another process would make
 * it, so no invalidation reaches the server; the user cache is given an hour (USER_CACHE_TTL)
 * and warmed first. The refresh that follows must be refused at once: a deactivated, deleted or
 * cut-off user, a blacklisted token, a revoked family. The control shows what a cached read would
 * have done: the access token, authenticated through the user cache, still passes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/model/store.js';
import { openStore } from '../../src/stores/open-store.js';
import { startCliServer, SUPERUSER, type CliServerProcess } from '../support/cli-server.js';
import { dropTestSchemas, freshPostgresUrl, requirePostgres } from '../support/postgres.js';

const NO_ACCOUNT = { detail: 'No active account found for the given token.' };
const BLACKLISTED = { detail: 'Token is blacklisted', code: 'token_not_valid' };
const INVALID = { detail: 'Token is invalid or expired', code: 'token_not_valid' };

interface Reply {
  status: number;
  json: unknown;
}

async function post(server: CliServerProcess, path: string, body: unknown): Promise<Reply> {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

async function protectedStatus(server: CliServerProcess, access: string): Promise<number> {
  return (await fetch(`${server.baseUrl}/protected/`, { headers: { authorization: `Bearer ${access}` } })).status;
}

function jtiOf(token: string): string {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { jti: string };
  return payload.jti;
}

for (const database of ['SQLite', 'PostgreSQL'] as const) {
  describe(`refresh reads the database, not a cache (${database})`, () => {
    let server: CliServerProcess;
    let other: Store;
    let userCount = 0;

    beforeAll(async () => {
      if (database === 'PostgreSQL') await requirePostgres();
      server = await startCliServer(
        { TESSERA_USER_CACHE_TTL: '3600', TESSERA_THROTTLE_LOGIN_ACCOUNT: 'off', TESSERA_THROTTLE_LOGIN_ACCOUNT_ADDRESS: 'off' },
        database === 'PostgreSQL' ? { databaseUrl: freshPostgresUrl() } : {},
      );
      other = await openStore(server.databaseUrl);
    });

    afterAll(async () => {
      await server.stop();
      await other.close();
      if (database === 'PostgreSQL') await dropTestSchemas();
    });

    /** A new user, signed in, its user cached by the server (one authenticated request), one refresh done. */
    async function signedIn(): Promise<{ id: number; access: string; refresh: string }> {
      const username = `fresh-${++userCount}`;
      const password = SUPERUSER.password;
      const source = await other.findUser('username', SUPERUSER.username);
      const user = await other.createUser({ username, password: source?.password ?? '' });
      const pair = (await post(server, '/api/token/', { username, password })).json as { access: string; refresh: string };
      expect(await protectedStatus(server, pair.access)).toBe(200);
      expect((await post(server, '/api/token/refresh/', { refresh: pair.refresh })).status).toBe(200);
      return { id: user.id, ...pair };
    }

    it('refuses a user deactivated elsewhere at once (control: the cached access check still passes)', async () => {
      const user = await signedIn();
      await other.updateUser(user.id, { isActive: false });
      expect(await post(server, '/api/token/refresh/', { refresh: user.refresh })).toEqual({ status: 401, json: NO_ACCOUNT });
      expect(await protectedStatus(server, user.access)).toBe(200);
    });

    it('refuses a user deleted elsewhere at once', async () => {
      const user = await signedIn();
      expect(await other.deleteUser(user.id)).toBe(true);
      expect(await post(server, '/api/token/refresh/', { refresh: user.refresh })).toEqual({ status: 401, json: NO_ACCOUNT });
    });

    it('refuses a token of a user cut off elsewhere at once', async () => {
      const user = await signedIn();
      await other.cutOffTokens(user.id, new Date());
      expect(await post(server, '/api/token/refresh/', { refresh: user.refresh })).toEqual({ status: 401, json: INVALID });
    });

    it('refuses a token blacklisted elsewhere at once', async () => {
      const user = await signedIn();
      const state = await other.findTokenState(jtiOf(user.refresh));
      if (state === undefined) throw new Error('the signed-in refresh token was not recorded');
      await other.blacklist(state, new Date());
      expect(await post(server, '/api/token/refresh/', { refresh: user.refresh })).toEqual({ status: 401, json: BLACKLISTED });
    });

    it('refuses a token whose family was revoked elsewhere at once', async () => {
      const user = await signedIn();
      const familyId = (await other.findTokenState(jtiOf(user.refresh)))?.familyId;
      expect(familyId).toEqual(expect.any(String));
      await other.revokeFamily(familyId ?? '', new Date(), 'test');
      expect(await post(server, '/api/token/refresh/', { refresh: user.refresh })).toEqual({ status: 401, json: BLACKLISTED });
    });

    it('still refreshes an untouched user (the one read finds both token and user)', async () => {
      const user = await signedIn();
      const reply = await post(server, '/api/token/refresh/', { refresh: user.refresh });
      expect(reply.status).toBe(200);
      expect(await protectedStatus(server, (reply.json as { access: string }).access)).toBe(200);
    });
  });
}
