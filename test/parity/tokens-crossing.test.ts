/**
 * Tokens crossing between the servers (default mode): a token minted by the reference is used
 * on Tessera and one minted by Tessera is used on the reference, on every endpoint that takes
 * a token. Each token is sent to both servers, so every step is also a parity check.
 */
import { describe, expect, it } from 'vitest';
import { expectParity } from './compare.js';
import { bearer, loginBoth, ROUTES, useServerPair, type TokenPair } from './fixture.js';
import { jsonRequest } from './http-client.js';
import { accessClaims, claimsOf, signJwt } from './jwt.js';
import { SUPERUSER } from './servers.js';

const pair = useServerPair('default');

const MINTERS = ['reference', 'tessera'] as const;

describe.each(MINTERS)('tokens minted by the %s, used on both servers', (minter) => {
  async function mint(): Promise<TokenPair> {
    const tokens = await loginBoth(pair());
    return tokens[minter];
  }

  it('carry the shared claim layout', async () => {
    const { refresh, access } = await mint();
    expect(Object.keys(claimsOf(refresh))).toEqual(['token_type', 'exp', 'iat', 'jti', 'user_id']);
    expect(claimsOf(access).user_id).toBe(SUPERUSER.id);
  });

  it('the access token opens /protected/ and /hello/', async () => {
    const { access } = await mint();
    for (const path of [ROUTES.protected, ROUTES.hello]) {
      const { reference } = await expectParity(pair(), { method: 'GET', path, headers: bearer(access) });
      expect(reference.status).toBe(200);
    }
  });

  it('both tokens verify', async () => {
    const { refresh, access } = await mint();
    for (const token of [refresh, access]) {
      expect((await expectParity(pair(), jsonRequest(ROUTES.verify, { token }))).reference.body).toBe('{}');
    }
  });

  it('the refresh token refreshes, and the new access token crosses back', async () => {
    const { refresh } = await mint();
    const { reference, tessera } = await expectParity(pair(), jsonRequest(ROUTES.refresh, { refresh }), { accessIatMayDiffer: true });
    expect(reference.status).toBe(200);
    // Each server's new access token is used on both servers.
    for (const access of [reference.jwts[0] ?? '', tessera.jwts[0] ?? '']) {
      expect((await expectParity(pair(), { method: 'GET', path: ROUTES.protected, headers: bearer(access) })).reference.status).toBe(200);
    }
  });

  it('the refresh token is blacklisted on both, then refused by refresh and blacklist on both', async () => {
    const { refresh } = await mint();
    expect((await expectParity(pair(), jsonRequest(ROUTES.blacklist, { refresh }))).reference.body).toBe('{}');
    for (const path of [ROUTES.refresh, ROUTES.blacklist]) {
      const { reference } = await expectParity(pair(), jsonRequest(path, { refresh }));
      expect(reference.body).toBe('{"detail":"Token is blacklisted","code":"token_not_valid"}');
    }
  });

  it('the access token is refused by refresh and blacklist (wrong type), the refresh token by the views', async () => {
    const { refresh, access } = await mint();
    for (const path of [ROUTES.refresh, ROUTES.blacklist]) {
      expect((await expectParity(pair(), jsonRequest(path, { refresh: access }))).reference.status).toBe(401);
    }
    expect((await expectParity(pair(), { method: 'GET', path: ROUTES.protected, headers: bearer(refresh) })).reference.status).toBe(401);
  });
});

describe('a server never accepts a token signed with another secret', () => {
  it('an access token signed with another secret is invalid on both', async () => {
    const foreign = signJwt(accessClaims(), { secret: `${pair().secret}-other` });
    expect((await expectParity(pair(), { method: 'GET', path: ROUTES.protected, headers: bearer(foreign) })).reference.status).toBe(401);
  });
});
