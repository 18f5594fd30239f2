/**
 * Tokens minted in the test (node:crypto HMAC with the shared secret) and sent to every
 * endpoint that takes a token: spec §3.2 (order of checks), §4.1 (authenticated views),
 * §2.5-2.7 and §10 (the 500s). Each row is one forged token; each column one endpoint; each
 * cell either demands parity (with the reference status, as a guard against both servers
 * being wrong in the same way) or names a deliberate difference.
 */
import { describe, expect, it } from 'vitest';
import { expectDeliberateDifference, expectParity } from './compare.js';
import type { DeliberateDifferenceId } from './deliberate-differences.js';
import { bearer, ROUTES, useServerPair } from './fixture.js';
import { jsonRequest, type RawRequest } from './http-client.js';
import { accessClaims, nowSeconds, refreshClaims, signJwt, slidingClaims, withClaims, withoutClaims, type Claims } from './jwt.js';

const pair = useServerPair('default');

type Endpoint = 'protected' | 'refresh' | 'verify' | 'blacklist';
/** A reference status that Tessera must match, or a deliberate difference. */
type Outcome = number | DeliberateDifferenceId;

interface ForgedCase {
  readonly name: string;
  /** Builds the token from the base claims of the kind each endpoint expects. */
  readonly token: (base: Claims, secret: string) => string;
  readonly outcomes: Readonly<Record<Endpoint, Outcome>>;
}

const sign = (claims: Claims | string, secret: string): string => signJwt(claims, { secret });
const all = (outcome: Outcome): Record<Endpoint, Outcome> => ({
  protected: outcome,
  refresh: outcome,
  verify: outcome,
  blacklist: outcome,
});
/** One deliberate difference for authenticated views, another for the three token endpoints. */
const split = (onProtected: DeliberateDifferenceId, onTokenEndpoints: DeliberateDifferenceId): Record<Endpoint, Outcome> => ({
  protected: onProtected,
  refresh: onTokenEndpoints,
  verify: onTokenEndpoints,
  blacklist: onTokenEndpoints,
});
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const cases: ForgedCase[] = [
  { name: 'a well-formed token (control)', token: sign, outcomes: all(200) },
  { name: 'alg "none", no signature', token: (c, secret) => signJwt(c, { secret, alg: 'none' }), outcomes: all(401) },
  { name: 'signed with another key', token: (c) => sign(c, 'not-the-shared-secret-0123456789abcdef'), outcomes: all(401) },
  { name: 'HS512 while the server uses HS256', token: (c, secret) => signJwt(c, { secret, alg: 'HS512' }), outcomes: all(401) },
  { name: 'HS384 while the server uses HS256', token: (c, secret) => signJwt(c, { secret, alg: 'HS384' }), outcomes: all(401) },
  {
    name: 'a signature byte changed',
    token: (c, secret) => {
      const token = sign(c, secret);
      const at = token.lastIndexOf('.') + 5;
      const swapped = token[at] === 'A' ? 'B' : 'A';
      return `${token.slice(0, at)}${swapped}${token.slice(at + 1)}`;
    },
    outcomes: all(401),
  },
  {
    // 32 signature bytes need 43 base64url characters; the last one carries 2 unused bits.
    name: 'only the unused low bits of the last signature character changed',
    token: (c, secret) => {
      const token = sign(c, secret);
      const last = BASE64URL.indexOf(token.slice(-1));
      return `${token.slice(0, -1)}${BASE64URL[last ^ 1]}`;
    },
    outcomes: split('non-canonical-base64url-on-protected', 'non-canonical-base64url-on-token-endpoints'),
  },
  {
    name: 'the signature followed by "=" padding',
    token: (c, secret) => `${sign(c, secret)}=`,
    outcomes: split('non-canonical-base64url-on-protected', 'non-canonical-base64url-on-token-endpoints'),
  },
  {
    name: 'expired ten seconds ago',
    token: (c, secret) => sign(withClaims(c, { exp: nowSeconds() - 10, iat: nowSeconds() - 310 }), secret),
    outcomes: all(401),
  },
  { name: 'no exp claim', token: (c, secret) => sign(withoutClaims(c, 'exp'), secret), outcomes: all(401) },
  {
    name: 'no jti claim',
    token: (c, secret) => sign(withoutClaims(c, 'jti'), secret),
    outcomes: { protected: 401, refresh: 'no-jti-with-blacklist-app', verify: 401, blacklist: 'no-jti-with-blacklist-app' },
  },
  {
    name: 'jti null',
    token: (c, secret) => sign(withClaims(c, { jti: null }), secret),
    // Access tokens are not looked up in the blacklist, so authenticated views accept them as the reference does.
    outcomes: {
      protected: 200,
      refresh: 'null-jti-on-refresh-and-verify',
      verify: 'null-jti-on-refresh-and-verify',
      blacklist: 'null-jti-blacklist',
    },
  },
  {
    name: 'no token_type claim',
    token: (c, secret) => sign(withoutClaims(c, 'token_type'), secret),
    outcomes: { protected: 401, refresh: 401, verify: 200, blacklist: 401 },
  },
  {
    name: 'token_type null',
    token: (c, secret) => sign(withClaims(c, { token_type: null }), secret),
    outcomes: { protected: 401, refresh: 401, verify: 200, blacklist: 401 },
  },
  {
    name: 'token_type "sliding"',
    token: (c, secret) => sign(withClaims(c, { token_type: 'sliding' }), secret),
    outcomes: { protected: 401, refresh: 401, verify: 200, blacklist: 401 },
  },
  {
    name: 'a whole sliding token',
    token: (_c, secret) => sign(slidingClaims(), secret),
    outcomes: { protected: 401, refresh: 401, verify: 200, blacklist: 401 },
  },
  {
    name: 'exp as a numeric string',
    token: (c, secret) => sign(withClaims(c, { exp: String(nowSeconds() + 300) }), secret),
    outcomes: split('string-exp-on-protected', 'string-exp-on-token-endpoints'),
  },
  { name: 'exp as a non-numeric string', token: (c, secret) => sign(withClaims(c, { exp: 'tomorrow' }), secret), outcomes: all(401) },
  { name: 'exp true', token: (c, secret) => sign(withClaims(c, { exp: true }), secret), outcomes: all(401) },
  ...(
    [
      ['exp null', { exp: null }],
      ['exp 1e20', { exp: 1e20 }],
      ['iat null', { iat: null }],
      ['iat as a numeric string', { iat: String(nowSeconds()) }],
    ] as Array<[string, Claims]>
  ).map(([name, change]): ForgedCase => ({
    name,
    token: (c, secret) => sign(withClaims(c, change), secret),
    outcomes: split('malformed-time-claims-on-protected', 'malformed-time-claims-on-token-endpoints'),
  })),
  { name: 'exp 9999999999.5 (a float)', token: (c, secret) => sign(withClaims(c, { exp: 9_999_999_999.5 }), secret), outcomes: all(200) },
  {
    name: 'iat an hour in the future',
    token: (c, secret) => sign(withClaims(c, { iat: nowSeconds() + 3600 }), secret),
    outcomes: all(401),
  },
  { name: 'nbf an hour in the future', token: (c, secret) => sign({ ...c, nbf: nowSeconds() + 3600 }, secret), outcomes: all(401) },
  { name: 'nbf in the past', token: (c, secret) => sign({ ...c, nbf: nowSeconds() - 60 }, secret), outcomes: all(200) },
  {
    name: 'nbf as a numeric string in the past',
    token: (c, secret) => sign({ ...c, nbf: String(nowSeconds() - 60) }, secret),
    outcomes: split('string-nbf-on-protected', 'string-nbf-on-token-endpoints'),
  },
  {
    name: 'aud and iss present (neither is configured)',
    token: (c, secret) => sign({ ...c, aud: 'someone', iss: 'somewhere' }, secret),
    outcomes: all(200),
  },
  {
    name: 'user_id "abc"',
    token: (c, secret) => sign(withClaims(c, { user_id: 'abc' }), secret),
    outcomes: { protected: 'uncastable-user-id-on-protected', refresh: 'refresh-for-missing-user', verify: 200, blacklist: 200 },
  },
  {
    name: 'user_id [1]',
    token: (c, secret) => sign(withClaims(c, { user_id: [1] }), secret),
    outcomes: { protected: 'uncastable-user-id-on-protected', refresh: 'refresh-for-missing-user', verify: 200, blacklist: 200 },
  },
  {
    name: 'user_id of a user that does not exist',
    token: (c, secret) => sign(withClaims(c, { user_id: 999 }), secret),
    outcomes: { protected: 401, refresh: 'refresh-for-missing-user', verify: 200, blacklist: 200 },
  },
  { name: 'user_id "1" (a string)', token: (c, secret) => sign(withClaims(c, { user_id: '1' }), secret), outcomes: all(200) },
  {
    name: 'no user_id claim',
    token: (c, secret) => sign(withoutClaims(c, 'user_id'), secret),
    outcomes: { protected: 401, refresh: 200, verify: 200, blacklist: 200 },
  },
  { name: 'a header without typ', token: (c, secret) => signJwt(c, { secret, header: { alg: 'HS256' } }), outcomes: all(200) },
  {
    name: 'a header with a kid',
    token: (c, secret) => signJwt(c, { secret, header: { alg: 'HS256', typ: 'JWT', kid: 'k1' } }),
    outcomes: all(200),
  },
  {
    name: 'a header with typ "at+jwt"',
    token: (c, secret) => signJwt(c, { secret, header: { alg: 'HS256', typ: 'at+jwt' } }),
    outcomes: all(200),
  },
  { name: 'a payload that is a JSON array', token: (_c, secret) => sign('[1,2]', secret), outcomes: all(401) },
  { name: 'a payload that is not JSON', token: (_c, secret) => sign('not json', secret), outcomes: all(401) },
  { name: 'two segments only', token: (c, secret) => sign(c, secret).split('.').slice(0, 2).join('.'), outcomes: all(401) },
  { name: 'four segments', token: (c, secret) => `${sign(c, secret)}.x`, outcomes: all(401) },
];

function requestFor(endpoint: Endpoint, token: string): RawRequest {
  switch (endpoint) {
    case 'protected':
      return { method: 'GET', path: ROUTES.protected, headers: bearer(token) };
    case 'refresh':
      return jsonRequest(ROUTES.refresh, { refresh: token });
    case 'verify':
      return jsonRequest(ROUTES.verify, { token });
    case 'blacklist':
      return jsonRequest(ROUTES.blacklist, { refresh: token });
  }
}

const ENDPOINTS: Endpoint[] = ['protected', 'refresh', 'verify', 'blacklist'];

describe.each(ENDPOINTS)('forged tokens sent to %s', (endpoint) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, forged) => {
    // Authenticated views take access tokens; the token endpoints get refresh tokens.
    const base = endpoint === 'protected' ? accessClaims() : refreshClaims();
    const token = forged.token(base, pair().secret);
    const outcome = forged.outcomes[endpoint];
    const request = requestFor(endpoint, token);
    if (typeof outcome === 'string') {
      await expectDeliberateDifference(pair(), outcome, request);
      return;
    }
    const { reference } = await expectParity(pair(), request, { accessIatMayDiffer: endpoint === 'refresh' });
    expect(reference.status, `reference status for ${endpoint}`).toBe(outcome);
  });
});
