/**
 * POST /api/token/refresh/ (TokenRefreshView) in default mode: spec §2.5 and §3.4.
 * Forged-claim cases for every token endpoint are in forged-tokens.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { expectDeliberateDifference, expectParity } from './compare.js';
import { bearer, loginBoth, ROUTES, useServerPair } from './fixture.js';
import { jsonRequest, type RawRequest } from './http-client.js';
import { claimsOf, nowSeconds, refreshClaims, signJwt } from './jwt.js';

const pair = useServerPair('default');

const refresh = (body: unknown): RawRequest => jsonRequest(ROUTES.refresh, body);
const INVALID = '{"detail":"Token is invalid or expired","code":"token_not_valid"}';

describe('POST /api/token/refresh/ (default mode)', () => {
  it('answers {"access"} for each server\'s own refresh token, and again for the same token', async () => {
    const tokens = await loginBoth(pair());
    for (let round = 0; round < 2; round++) {
      const { reference } = await expectParity(pair(), (side) => refresh({ refresh: tokens[side].refresh }), { accessIatMayDiffer: true });
      expect(reference.status).toBe(200);
      expect(reference.body).toBe('{"access":"<jwt>"}');
      expect(reference.tokens[0]?.claimNames).toEqual(['token_type', 'exp', 'iat', 'jti', 'user_id']);
    }
  });

  it('mints an access token that works on the protected view', async () => {
    const tokens = await loginBoth(pair());
    const { reference, tessera } = await expectParity(pair(), (side) => refresh({ refresh: tokens[side].refresh }), {
      accessIatMayDiffer: true,
    });
    const access = { reference: reference.jwts[0] ?? '', tessera: tessera.jwts[0] ?? '' };
    const answers = await expectParity(pair(), (side) => ({ method: 'GET', path: ROUTES.protected, headers: bearer(access[side]) }));
    expect(answers.reference.body).toBe('{"content":"This view is protected"}');
  });

  it('copies custom claims (and aud/iss, which are not checked by default) into the access token, in order', async () => {
    const now = nowSeconds();
    const token = signJwt(
      { ...refreshClaims({ iat: now }), role: 'admin', scopes: ['a', 'b'], aud: 'someone', iss: 'somewhere' },
      { secret: pair().secret },
    );
    const { reference } = await expectParity(pair(), refresh({ refresh: token }), { accessIatMayDiffer: true });
    expect(reference.tokens[0]?.claimNames).toEqual(['token_type', 'exp', 'iat', 'jti', 'user_id', 'role', 'scopes', 'aud', 'iss']);
  });

  it("puts the refresh token's iat into the access token (deliberate difference refresh-access-iat)", async () => {
    const now = nowSeconds();
    const iat = now - 1000;
    const token = signJwt(refreshClaims({ iat }), { secret: pair().secret });
    const { reference, tessera } = await expectDeliberateDifference(pair(), 'refresh-access-iat', refresh({ refresh: token }));
    const referenceAccess = claimsOf(reference.jwts[0] ?? '');
    const tesseraAccess = claimsOf(tessera.jwts[0] ?? '');
    expect(referenceAccess.iat).toBe(iat);
    if (pair().selfCheck) expect(tesseraAccess.iat).toBe(iat);
    else expect(Math.abs((tesseraAccess.iat as number) - now)).toBeLessThanOrEqual(5);
    for (const access of [referenceAccess, tesseraAccess]) expect(Math.abs((access.exp as number) - (now + 300))).toBeLessThanOrEqual(5);
  });

  const fieldCases: Array<[string, RawRequest, number, string]> = [
    ['empty object', refresh({}), 400, '{"refresh":["This field is required."]}'],
    ['null', refresh({ refresh: null }), 400, '{"refresh":["This field may not be null."]}'],
    ['blank', refresh({ refresh: '' }), 400, '{"refresh":["This field may not be blank."]}'],
    ['whitespace only', refresh({ refresh: '  ' }), 400, '{"refresh":["This field may not be blank."]}'],
    ['a list', refresh({ refresh: ['a'] }), 400, '{"refresh":["Not a valid string."]}'],
    ['an object', refresh({ refresh: {} }), 400, '{"refresh":["Not a valid string."]}'],
    ['a boolean', refresh({ refresh: true }), 400, '{"refresh":["Not a valid string."]}'],
    ['a number (coerced, then invalid)', refresh({ refresh: 12345 }), 401, INVALID],
    ['garbage', refresh({ refresh: 'garbage' }), 401, INVALID],
    ['three empty-ish segments', refresh({ refresh: 'a.b.c' }), 401, INVALID],
    ['the token field name from verify', refresh({ token: 'x' }), 400, '{"refresh":["This field is required."]}'],
  ];

  it.each(fieldCases)('%s', async (_name, request, status, body) => {
    const { reference } = await expectParity(pair(), request);
    expect({ status: reference.status, body: reference.body }).toEqual({ status, body });
    expect(reference.headers['www-authenticate']).toBe(status === 401 ? 'Bearer realm="api"' : null);
  });

  it('trims whitespace around the token', async () => {
    const token = signJwt(refreshClaims(), { secret: pair().secret });
    const { reference } = await expectParity(pair(), refresh({ refresh: ` ${token}\n` }), { accessIatMayDiffer: true });
    expect(reference.status).toBe(200);
  });

  it('refuses an access token ("Token has wrong type")', async () => {
    const tokens = await loginBoth(pair());
    const { reference } = await expectParity(pair(), (side) => refresh({ refresh: tokens[side].access }));
    expect(reference.body).toBe('{"detail":"Token has wrong type","code":"token_not_valid"}');
  });

  it('refuses a refresh token after it was blacklisted', async () => {
    const tokens = await loginBoth(pair());
    await expectParity(pair(), (side) => jsonRequest(ROUTES.blacklist, { refresh: tokens[side].refresh }));
    const { reference } = await expectParity(pair(), (side) => refresh({ refresh: tokens[side].refresh }));
    expect(reference.body).toBe('{"detail":"Token is blacklisted","code":"token_not_valid"}');
  });

  it('ignores the Authorization header', async () => {
    const token = signJwt(refreshClaims(), { secret: pair().secret });
    const { reference } = await expectParity(
      pair(),
      jsonRequest(ROUTES.refresh, { refresh: token }, [['Authorization', 'Bearer nonsense']]),
      { accessIatMayDiffer: true },
    );
    expect(reference.status).toBe(200);
  });
});
