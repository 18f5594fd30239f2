/**
 * JSON Web Keys (RFC 7517) as Tessera reads and publishes them: the rules a JWK must meet to be
 * used for one JWS algorithm, the RFC 7638 thumbprint that names keys without a `kid`, and the
 * `kid` syntax a key set accepts.
 */
import { createHash } from 'node:crypto';
import type { Algorithm } from './algorithms.js';

/** A JWK as parsed JSON: string members, plus `key_ops` (a list). */
export type JwkObject = Record<string, unknown>;

/** A public key as published in a JWKS: never a private member, never an HMAC secret. */
// A type alias, not an interface, so that it is assignable to `JwkObject` (index signature).
export type PublicJwk = {
  readonly kty: 'RSA' | 'EC' | 'OKP';
  readonly kid: string;
  readonly use: 'sig';
  readonly alg: Algorithm;
  readonly n?: string;
  readonly e?: string;
  readonly crv?: string;
  readonly x?: string;
  readonly y?: string;
};

/** A JWK Set (RFC 7517 §5). */
export interface PublicJwkSet {
  readonly keys: readonly PublicJwk[];
}

/**
 * Key ids a key set accepts: 1 to 128 characters of `[A-Za-z0-9._~@+/=:-]`. That covers
 * thumbprints (43), UUIDs (36), the cookbook's `bilbo.baggins@hobbiton.example` and providers'
 * base64 kids; it keeps quotes, spaces, `\`, `|` and control characters out, so a `kid` can
 * never be a path, a query or a log-injection vector even by accident (SEC-12). A `kid` is only
 * ever a key in an in-memory map.
 */
export const KID_PATTERN = /^[A-Za-z0-9._~@+/=:-]{1,128}$/;

export function isValidKid(kid: unknown): kid is string {
  return typeof kid === 'string' && KID_PATTERN.test(kid);
}

/** JWK members that only a private (or secret) key has. */
export const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** RFC 7638 §3.2: the required members of each key type, in lexicographic order. */
const THUMBPRINT_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['e', 'kty', 'n'],
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  oct: ['k', 'kty'],
};

/**
 * The RFC 7638 JWK thumbprint (SHA-256, base64url): a stable name for a public key, used as its
 * `kid` when none is given.
 */
export function jwkThumbprint(jwk: JwkObject): string {
  const members = THUMBPRINT_MEMBERS[String(jwk.kty)];
  if (members === undefined) throw new Error(`no thumbprint for key type ${String(jwk.kty)}`);
  const canonical: Record<string, unknown> = {};
  for (const member of members) canonical[member] = jwk[member];
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url');
}

/**
 * Why a JWK may not be used to sign or verify `algorithm`, or `undefined` when it may. Checks the
 * members that state an intent (RFC 7517 §4.2-4.4): `use` must be `sig`, `key_ops` must allow
 * `operation`, and `alg`, when present, must name the algorithm the key is bound to. PyJWT's
 * spelling `ES521` is taken for ES512, as PyJWT takes it.
 */
export function jwkIntentProblem(jwk: JwkObject, algorithm: Algorithm, operation: 'sign' | 'verify'): string | undefined {
  if ('use' in jwk && jwk.use !== 'sig') return `its "use" is ${JSON.stringify(jwk.use)}, not "sig"`;
  if ('key_ops' in jwk) {
    const ops = jwk.key_ops;
    if (!Array.isArray(ops) || !ops.includes(operation)) return `its "key_ops" do not allow "${operation}"`;
  }
  if ('alg' in jwk) {
    const alg = jwk.alg === 'ES521' ? 'ES512' : jwk.alg;
    if (alg !== algorithm) return `its "alg" is ${JSON.stringify(jwk.alg)}, not ${algorithm}`;
  }
  if ('kid' in jwk && !isValidKid(jwk.kid)) return `its "kid" is not 1-128 characters of [A-Za-z0-9._~@+/=:-]`;
  return undefined;
}

/** Parses JWK JSON text into an object, or returns `undefined`. */
export function parseJwkText(text: string): JwkObject | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JwkObject) : undefined;
  } catch {
    return undefined;
  }
}
