/**
 * The four places a token can be presented to the bundled server, and simplejwt's exact answer
 * when it is refused there. Attack tests send each forged token to all four.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { client } from '../../http/api-suite.js';

export type Api = ReturnType<typeof client>;
export type Reply = Awaited<ReturnType<Api['send']>>;

/** `Authorization: Bearer` on a protected view, and the three token endpoints' bodies. */
export const ENDPOINTS = ['bearer', 'refresh', 'verify', 'blacklist'] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

/** The token kind each endpoint expects, for building otherwise-valid claims. */
export const KIND_FOR: Readonly<Record<Endpoint, 'access' | 'refresh'>> = {
  bearer: 'access',
  refresh: 'refresh',
  verify: 'access',
  blacklist: 'refresh',
};

/** Presents `token` at `endpoint`. */
export async function present(api: Api, endpoint: Endpoint, token: string): Promise<Reply> {
  switch (endpoint) {
    case 'bearer':
      return api.send('GET', '/protected/', { headers: { authorization: `Bearer ${token}` } });
    case 'refresh':
      return api.post('/api/token/refresh/', { refresh: token });
    case 'verify':
      return api.post('/api/token/verify/', { token });
    case 'blacklist':
      return api.post('/api/token/blacklist/', { refresh: token });
  }
}

/** The exact body simplejwt sends when `endpoint` refuses a token with `message`. */
export function refusalBody(endpoint: Endpoint, message: string): unknown {
  if (endpoint === 'bearer') {
    return {
      detail: 'Given token not valid for any token type',
      code: 'token_not_valid',
      messages: [{ token_class: 'AccessToken', token_type: 'access', message }],
    };
  }
  return { detail: message, code: 'token_not_valid' };
}

export const INVALID = 'Token is invalid or expired';

/** Asserts simplejwt's 401 for a refused token: status, exact body, WWW-Authenticate. */
export function expectRefused(reply: Reply, endpoint: Endpoint, message: string = INVALID): void {
  expect(reply.status, `${endpoint}: ${reply.text}`).toBe(401);
  expect(reply.json, endpoint).toEqual(refusalBody(endpoint, message));
  expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="api"');
}

/** Unix seconds now. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Claims as simplejwt mints them (order: token_type, exp, iat, jti, user_id), for user 1 by default. */
export function claimsFor(kind: 'access' | 'refresh' | 'sliding', changes: Record<string, unknown> = {}): Record<string, unknown> {
  const iat = nowSeconds();
  const lifetime = kind === 'refresh' ? 86_400 : 300;
  const base: Record<string, unknown> = { token_type: kind, exp: iat + lifetime, iat, jti: randomBytes(16).toString('hex') };
  if (kind === 'sliding') base.refresh_exp = iat + 86_400;
  base.user_id = 1;
  return { ...base, ...changes };
}

/** PyJWT's header bytes: `{"alg":"HS256","typ":"JWT"}`. */
export const PYJWT_HEADER = '{"alg":"HS256","typ":"JWT"}';
