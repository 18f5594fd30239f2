/**
 * The algorithms external vectors use that Tessera does not verify yet. Asymmetric keys (RSA,
 * RSA-PSS, ECDSA, EdDSA) arrive with issue 8; until then every vector that needs one is run
 * anyway, against today's verifier, and must be REFUSED: an RS256 token checked with an HMAC
 * key, even one made from the token's own public key, never verifies. When issue 8 lands, each
 * entry moves out of this table and its vectors must then verify (valid) or be refused
 * (invalid) with the real key.
 */
import { createPublicKey } from 'node:crypto';
import { HmacKey } from '../../../src/tokens/signing-key.js';
import type { Jwk } from './vectors.js';

/** Algorithm to the issue that brings it. A vector whose algorithm is in neither this table nor HS* fails the tests. */
export const NOT_YET_SUPPORTED_ALGORITHMS: Readonly<Record<string, string>> = {
  RS256: 'issue 8',
  RS384: 'issue 8',
  RS512: 'issue 8',
  PS256: 'issue 8',
  PS384: 'issue 8',
  PS512: 'issue 8',
  ES256: 'issue 8',
  ES384: 'issue 8',
  ES512: 'issue 8',
  EdDSA: 'issue 8',
};

/** The HMAC algorithms Tessera verifies today. */
export const SUPPORTED_HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
export type HmacAlgorithmName = (typeof SUPPORTED_HMAC_ALGORITHMS)[number];

/**
 * HMAC keys made from an asymmetric public key in every form a confused verifier might use as
 * a secret (JWK text, SPKI DER, SPKI PEM): the strongest "today's verifier" an attacker could
 * hope for. A key that Node cannot import (a deliberately broken vector key) still yields its
 * JWK text.
 */
export function hmacKeysFromPublicKey(jwk: Jwk): HmacKey[] {
  const publicMembers = Object.fromEntries(Object.entries(jwk).filter(([name]) => !['d', 'p', 'q', 'dp', 'dq', 'qi'].includes(name)));
  const secrets: Buffer[] = [Buffer.from(JSON.stringify(publicMembers))];
  try {
    const key = createPublicKey({ key: publicMembers, format: 'jwk' });
    secrets.push(key.export({ type: 'spki', format: 'der' }), Buffer.from(key.export({ type: 'spki', format: 'pem' }).toString()));
  } catch {
    // A broken key (wrong kty, point off the curve): only its text can be misused.
  }
  return secrets.map((secret) => HmacKey.fromSecret(secret, 'HS256'));
}
