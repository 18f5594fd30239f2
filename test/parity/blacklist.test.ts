/**
 * POST /api/token/blacklist/ (TokenBlacklistView) in default mode: spec §2.7 and §3.6; and
 * Tessera's POST /api/token/logout-all/, which the reference does not have.
 * Forged-claim cases for every token endpoint are in forged-tokens.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { exchange, expectAnswer, expectDeliberateDifference, expectParity } from './compare.js';
import { bearer, loginBoth, ROUTES, useServerPair } from './fixture.js';
import { jsonRequest, type RawRequest } from './http-client.js';
import { refreshClaims, signJwt } from './jwt.js';

const pair = useServerPair('default');

const blacklist = (body: unknown): RawRequest => jsonRequest(ROUTES.blacklist, body);
const BLACKLISTED = '{"detail":"Token is blacklisted","code":"token_not_valid"}';

describe('POST /api/token/blacklist/ (default mode)', () => {
  it('answers {} once, then "Token is blacklisted" (not idempotent over HTTP)', async () => {
    const tokens = await loginBoth(pair());
    const first = await expectParity(pair(), (side) => blacklist({ refresh: tokens[side].refresh }));
    expect(first.reference.body).toBe('{}');
    const second = await expectParity(pair(), (side) => blacklist({ refresh: tokens[side].refresh }));
    expect(second.reference.body).toBe(BLACKLISTED);
    expect(second.reference.headers['www-authenticate']).toBe('Bearer realm="api"');
  });

  it('leaves the access token of a blacklisted refresh token working', async () => {
    const tokens = await loginBoth(pair());
    await expectParity(pair(), (side) => blacklist({ refresh: tokens[side].refresh }));
    const { reference } = await expectParity(pair(), (side) => ({
      method: 'GET',
      path: ROUTES.protected,
      headers: bearer(tokens[side].access),
    }));
    expect(reference.status).toBe(200);
  });

  it('blacklists a refresh token it never issued (no outstanding row yet)', async () => {
    const token = signJwt(refreshClaims(), { secret: pair().secret });
    expect((await expectParity(pair(), blacklist({ refresh: token }))).reference.body).toBe('{}');
    expect((await expectParity(pair(), jsonRequest(ROUTES.refresh, { refresh: token }))).reference.body).toBe(BLACKLISTED);
  });

  it('needs no authentication, and ignores a bad Authorization header', async () => {
    const token = signJwt(refreshClaims(), { secret: pair().secret });
    const { reference } = await expectParity(pair(), jsonRequest(ROUTES.blacklist, { refresh: token }, [['Authorization', 'Bearer x y']]));
    expect(reference.body).toBe('{}');
  });

  it('refuses an access token ("Token has wrong type")', async () => {
    const tokens = await loginBoth(pair());
    const { reference } = await expectParity(pair(), (side) => blacklist({ refresh: tokens[side].access }));
    expect(reference.body).toBe('{"detail":"Token has wrong type","code":"token_not_valid"}');
  });

  const fieldCases: Array<[string, RawRequest, number, string]> = [
    ['empty object', blacklist({}), 400, '{"refresh":["This field is required."]}'],
    ['null', blacklist({ refresh: null }), 400, '{"refresh":["This field may not be null."]}'],
    ['blank', blacklist({ refresh: '' }), 400, '{"refresh":["This field may not be blank."]}'],
    ['an object', blacklist({ refresh: { jti: 'x' } }), 400, '{"refresh":["Not a valid string."]}'],
    ['garbage', blacklist({ refresh: 'garbage' }), 401, '{"detail":"Token is invalid or expired","code":"token_not_valid"}'],
  ];

  it.each(fieldCases)('%s', async (_name, request, status, body) => {
    const { reference } = await expectParity(pair(), request);
    expect({ status: reference.status, body: reference.body }).toEqual({ status, body });
  });
});

// Last in the file: it blacklists every refresh token kyoko holds on Tessera.
describe('POST /api/token/logout-all/ (deliberate difference logout-all-endpoint)', () => {
  it('exists on Tessera only, where it blacklists every refresh token of the user', async () => {
    const [older, newer] = [await loginBoth(pair()), await loginBoth(pair())];
    await expectDeliberateDifference(pair(), 'logout-all-endpoint', (side) => ({
      method: 'POST',
      path: ROUTES.logoutAll,
      headers: bearer(newer[side].access),
    }));
    for (const tokens of [older, newer]) {
      const after = await exchange(pair(), (side) => jsonRequest(ROUTES.refresh, { refresh: tokens[side].refresh }));
      expectAnswer(after.reference, { status: 200, body: '{"access":"<jwt>"}' }, 'reference: refresh after logout-all (a 404)');
      const tesseraAfter = pair().selfCheck ? { status: 200, body: '{"access":"<jwt>"}' } : { status: 401, body: BLACKLISTED };
      expectAnswer(after.tessera, tesseraAfter, `${pair().tessera.label}: refresh after logout-all`);
    }
  });
});
