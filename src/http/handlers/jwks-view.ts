/**
 * `GET /.well-known/jwks.json`: the public keys tokens are signed with, for services that verify
 * them without sharing a secret (RFC 7517 §5; the path OpenID Connect discovery uses).
 *
 * Only public keys are ever here: HMAC secrets are not keys a JWKS can hold, and the keyring's
 * JWKs carry no private member (`AsymmetricKey.publicJwk`). An HS-only setup answers
 * `{"keys":[]}`.
 *
 * It is not a DRF view: the answer is plain JSON with a `Cache-Control` header (JWKS_MAX_AGE,
 * default 300 s). That figure is tied to rotation: a new key is published at least
 * JWKS_MAX_AGE + KEY_POLL_INTERVAL before it may sign (`tessera keys activate`), so every cache
 * holding the previous document has expired by then; a retired key's tokens have all expired
 * before it leaves the document, so a cache that still lists it is harmless. Five minutes keeps
 * verifiers' refetches rare (one per instance per 5 min) without making rotation slow.
 */
import type { Json } from '../../errors.js';
import type { PublicJwkSet } from '../../tokens/jwk.js';
import type { Route } from '../route.js';

export const JWKS_PATH = '/.well-known/jwks.json';

/** Whatever publishes a key set (a server's live keys). */
export interface JwksSource {
  publicJwks(): PublicJwkSet;
}

function jwksBody(source: JwksSource): Json {
  return { keys: source.publicJwks().keys.map((jwk) => ({ ...jwk })) };
}

/**
 * The JWKS route, for the route table (adapters mount what the table lists). Not a DRF view: a
 * GET or HEAD answers plain JSON with its `Cache-Control` (JWKS_MAX_AGE), whatever the `Accept`;
 * OPTIONS and other methods answer as the other routes do.
 */
export function jwksRoutes(source: JwksSource, maxAgeSeconds: number): Route[] {
  const headers = { 'cache-control': `public, max-age=${Math.floor(maxAgeSeconds)}` };
  return [
    {
      path: JWKS_PATH,
      name: 'JSON Web Key Set',
      description: 'The public keys that verify the tokens this server signs.',
      handlers: { GET: () => Promise.resolve({ status: 200, body: jwksBody(source), headers }) },
      authenticated: false,
      plain: true,
    },
  ];
}
