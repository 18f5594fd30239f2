/**
 * POST /api/token/verify/ (TokenVerifyView) in default mode: spec §2.6.
 * Forged-claim cases for every token endpoint are in forged-tokens.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { expectDeliberateDifference, expectParity } from './compare.js';
import { loginBoth, ROUTES, useServerPair } from './fixture.js';
import { jsonRequest, type RawRequest } from './http-client.js';
import { nowSeconds, signJwt } from './jwt.js';

const pair = useServerPair('default');

const verify = (body: unknown): RawRequest => jsonRequest(ROUTES.verify, body);
const INVALID = '{"detail":"Token is invalid or expired","code":"token_not_valid"}';

describe('POST /api/token/verify/ (default mode)', () => {
  it("answers {} for each server's own access and refresh tokens", async () => {
    const tokens = await loginBoth(pair());
    for (const kind of ['access', 'refresh'] as const) {
      const { reference } = await expectParity(pair(), (side) => verify({ token: tokens[side][kind] }));
      expect({ status: reference.status, body: reference.body }).toEqual({ status: 200, body: '{}' });
    }
  });

  it('does not check the type: untyped, sliding and made-up token types verify', async () => {
    const now = nowSeconds();
    const secret = pair().secret;
    for (const claims of [
      { exp: now + 60, jti: 'only-exp-and-jti' },
      { token_type: 'sliding', exp: now + 60, iat: now, jti: 'x1', refresh_exp: now + 600, user_id: 1 },
      { token_type: 'something-else', exp: now + 60, jti: 'x2' },
    ]) {
      const { reference } = await expectParity(pair(), verify({ token: signJwt(claims, { secret }) }));
      expect(reference.body).toBe('{}');
    }
  });

  const fieldCases: Array<[string, RawRequest, number, string]> = [
    ['empty object', verify({}), 400, '{"token":["This field is required."]}'],
    ['null', verify({ token: null }), 400, '{"token":["This field may not be null."]}'],
    ['blank', verify({ token: '' }), 400, '{"token":["This field may not be blank."]}'],
    ['a list', verify({ token: ['a'] }), 400, '{"token":["Not a valid string."]}'],
    ['a number (coerced, then invalid)', verify({ token: 12345 }), 401, INVALID],
    ['garbage', verify({ token: 'garbage' }), 401, INVALID],
    ['the field name from refresh', verify({ refresh: 'x' }), 400, '{"token":["This field is required."]}'],
    ['a token with only exp', verify({ token: '__ONLY_EXP__' }), 401, '{"detail":"Token has no id","code":"token_not_valid"}'],
  ];

  it.each(fieldCases)('%s', async (_name, request, status, body) => {
    const onlyExp = signJwt({ exp: nowSeconds() + 60 }, { secret: pair().secret });
    const real = typeof request.body === 'string' ? { ...request, body: request.body.replace('__ONLY_EXP__', onlyExp) } : request;
    const { reference } = await expectParity(pair(), real);
    expect({ status: reference.status, body: reference.body }).toEqual({ status, body });
    expect(reference.headers['www-authenticate']).toBe(status === 401 ? 'Bearer realm="api"' : null);
  });

  it('still verifies an access token whose refresh token was blacklisted', async () => {
    const tokens = await loginBoth(pair());
    await expectParity(pair(), (side) => jsonRequest(ROUTES.blacklist, { refresh: tokens[side].refresh }));
    const { reference } = await expectParity(pair(), (side) => verify({ token: tokens[side].access }));
    expect(reference.body).toBe('{}');
  });

  it('refuses a blacklisted refresh token (deliberate difference verify-blacklisted-without-rotation)', async () => {
    const tokens = await loginBoth(pair());
    await expectParity(pair(), (side) => jsonRequest(ROUTES.blacklist, { refresh: tokens[side].refresh }));
    await expectDeliberateDifference(pair(), 'verify-blacklisted-without-rotation', (side) => verify({ token: tokens[side].refresh }));
  });
});
