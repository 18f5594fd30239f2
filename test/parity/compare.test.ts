/**
 * The normaliser itself, on hand-made responses (no servers): what it must forgive and what it
 * must still catch. If these fail, every parity verdict is suspect.
 */
import { describe, expect, it } from 'vitest';
import { expectSameAnswer, normalise, tokenFacts } from './compare.js';
import type { RawResponse } from './http-client.js';
import { accessClaims, refreshClaims, signJwt, withoutClaims, type Claims } from './jwt.js';

const secret = 'compare-test-secret-0123456789abcdef0123456789abcdef';
const DRF_HEADERS = {
  'content-type': 'application/json',
  vary: 'Accept',
  allow: 'POST, OPTIONS',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};

function response(status: number, body: string, headers: Record<string, string> = DRF_HEADERS): RawResponse {
  return { status, headers, rawHeaders: Object.entries(headers), body: Buffer.from(body, 'utf8') };
}

function pairBody(refresh: Claims, access: Claims, key = secret): string {
  return JSON.stringify({ refresh: signJwt(refresh, { secret: key }), access: signJwt(access, { secret: key }) });
}

/** Runs the comparison and reports whether it failed, instead of failing this test. */
function differs(a: RawResponse, b: RawResponse, options = {}): boolean {
  try {
    expectSameAnswer(normalise(a), normalise(b), 'unit', options);
    return false;
  } catch {
    return true;
  }
}

describe('normalise', () => {
  it('replaces JWT strings by "<jwt>" and keeps the rest of the body text', () => {
    const answer = normalise(response(200, pairBody(refreshClaims(), accessClaims())));
    expect(answer.body).toBe('{"refresh":"<jwt>","access":"<jwt>"}');
    expect(answer.tokens.map((t) => t.tokenType)).toEqual(['refresh', 'access']);
    expect(answer.tokens[0]?.lifetime).toBe(86_400);
    expect(answer.tokens[1]?.jtiShape).toBe('hex32');
    expect(answer.tokens[1]?.header).toBe('{"alg":"HS256","typ":"JWT"}');
  });

  it('leaves non-JSON bodies alone and marks invalid UTF-8', () => {
    expect(normalise(response(500, '<h1>x</h1>', { 'content-type': 'text/html' })).body).toBe('<h1>x</h1>');
    const bad: RawResponse = { status: 400, headers: DRF_HEADERS, rawHeaders: [], body: Buffer.from([0x7b, 0xff, 0x7d]) };
    expect(normalise(bad).body).toBe('base64:e/99');
  });

  it('types claims, telling integers from floats', () => {
    const { facts } = tokenFacts(signJwt({ exp: 1.5, iat: 1, user_id: '1' }, { secret }));
    expect(facts.claimTypes).toEqual(['exp:float', 'iat:integer', 'user_id:string']);
  });
});

describe('expectSameAnswer', () => {
  const now = Math.floor(Date.now() / 1000);

  it('accepts two logins with different tokens, jtis and signing times', () => {
    const a = response(200, pairBody(refreshClaims({ iat: now }), accessClaims({ iat: now })));
    const b = response(200, pairBody(refreshClaims({ iat: now + 1 }), accessClaims({ iat: now + 1 })));
    expect(differs(a, b)).toBe(false);
  });

  it('catches key order, claim order, claim types, lifetimes and header bytes', () => {
    const base = response(200, pairBody(refreshClaims({ iat: now }), accessClaims({ iat: now })));
    const keyOrder = response(
      200,
      JSON.stringify({ access: signJwt(accessClaims(), { secret }), refresh: signJwt(refreshClaims(), { secret }) }),
    );
    const claims = refreshClaims({ iat: now });
    const claimOrder = response(200, pairBody({ user_id: 1, ...withoutClaims(claims, 'user_id') }, accessClaims({ iat: now })));
    const stringId = response(200, pairBody(refreshClaims({ iat: now, userId: '1' }), accessClaims({ iat: now })));
    const lifetime = response(200, pairBody(refreshClaims({ iat: now }), accessClaims({ iat: now, lifetime: 301 })));
    const header = response(
      200,
      JSON.stringify({
        refresh: signJwt(refreshClaims({ iat: now }), { secret, header: { typ: 'JWT', alg: 'HS256' } }),
        access: signJwt(accessClaims({ iat: now }), { secret }),
      }),
    );
    for (const other of [keyOrder, claimOrder, stringId, lifetime, header]) expect(differs(base, other)).toBe(true);
  });

  it('catches a different status, compared header or body, but ignores Date and Server', () => {
    const base = response(401, '{"detail":"x"}', {
      ...DRF_HEADERS,
      'www-authenticate': 'Bearer realm="api"',
      date: 'a',
      server: 'gunicorn',
    });
    expect(differs(base, response(401, '{"detail":"x"}', { ...DRF_HEADERS, 'www-authenticate': 'Bearer realm="api"', date: 'b' }))).toBe(
      false,
    );
    expect(differs(base, response(403, '{"detail":"x"}', { ...DRF_HEADERS, 'www-authenticate': 'Bearer realm="api"' }))).toBe(true);
    expect(differs(base, response(401, '{"detail":"x"}'))).toBe(true);
    expect(differs(base, response(401, '{"detail": "x"}', { ...DRF_HEADERS, 'www-authenticate': 'Bearer realm="api"' }))).toBe(true);
    expect(
      differs(base, response(401, '{"detail":"x"}', { ...DRF_HEADERS, 'www-authenticate': 'Bearer realm="api"', vary: 'Origin' })),
    ).toBe(true);
  });

  it('catches an iat or exp that is off by more than the clock tolerance', () => {
    const a = response(200, pairBody(refreshClaims({ iat: now }), accessClaims({ iat: now })));
    const b = response(200, pairBody(refreshClaims({ iat: now - 60 }), accessClaims({ iat: now - 60 })));
    expect(differs(a, b)).toBe(true);
  });

  it('with accessIatMayDiffer, forgives only the access token iat, not its exp', () => {
    const copied = response(200, JSON.stringify({ access: signJwt({ ...accessClaims({ iat: now - 900 }), exp: now + 300 }, { secret }) }));
    const fresh = response(200, JSON.stringify({ access: signJwt(accessClaims({ iat: now }), { secret }) }));
    expect(differs(copied, fresh)).toBe(true);
    expect(differs(copied, fresh, { accessIatMayDiffer: true })).toBe(false);
    const lateExp = response(200, JSON.stringify({ access: signJwt(accessClaims({ iat: now, lifetime: 900 }), { secret }) }));
    expect(differs(copied, lateExp, { accessIatMayDiffer: true })).toBe(true);
  });
});
