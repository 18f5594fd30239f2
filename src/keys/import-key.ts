/**
 * Keys from configuration text or JWKs, bound to one algorithm. The algorithm decides what the
 * text must be, never the other way round (SEC-09):
 * - HS*: the text is the secret's bytes, as simplejwt takes it (or an `oct` JWK). A PEM or an
 *   asymmetric JWK offered as an HMAC secret is refused: it is a public key in the wrong place.
 * - Everything else: a PEM or a JWK of the right key type. Anything else (an HMAC secret, say)
 *   is refused; no string is ever turned into an HMAC key on this path.
 *
 * Failures throw `TypeError` with the reason; callers wrap it in a `ConfigError` naming the
 * setting, or skip the key (a remote JWKS).
 */
import { createPrivateKey, createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { HMAC_ALGORITHM_SPECS, isHmacAlgorithm, type Algorithm, type HmacAlgorithm } from '../tokens/algorithms.js';
import { AsymmetricKey } from '../tokens/asymmetric-key.js';
import { jwkIntentProblem, parseJwkText, PRIVATE_JWK_MEMBERS, type JwkObject } from '../tokens/jwk.js';
import { HmacKey, type TokenKey } from '../tokens/signing-key.js';

/** What a key is for: a signing key must hold the private part (or secret); a verifying key must not. */
export type KeyRole = 'sign' | 'verify';

export interface KeyImportOptions {
  readonly role: KeyRole;
  /** The kid to give the key; otherwise the JWK's own, else (asymmetric) the RFC 7638 thumbprint. */
  readonly kid?: string;
  /**
   * Refuse HMAC secrets shorter than the hash (RFC 7518 §3.2). SIGNING_KEY's length rule lives
   * in `loadSettings` (a warning outside production); every other source refuses. @default true
   */
  readonly enforceHmacLength?: boolean;
}

/**
 * A key from a setting's text (SIGNING_KEY, VERIFYING_KEY): a secret for HS*, a PEM or JWK JSON
 * otherwise.
 *
 * @throws {TypeError} explaining why the text is not a usable key for `algorithm`.
 */
export function keyFromText(text: string, algorithm: Algorithm, options: KeyImportOptions): TokenKey {
  const jwk = text.trimStart().startsWith('{') ? parseJwkText(text) : undefined;
  if (jwk !== undefined) return keyFromJwk(jwk, algorithm, options);
  if (isHmacAlgorithm(algorithm)) {
    if (parsesAsAsymmetricKey(text))
      throw new TypeError(`this is a PEM key, not an ${algorithm} secret; asymmetric keys need an asymmetric ALGORITHM`);
    return hmacKey(Buffer.from(text, 'utf8'), algorithm, options);
  }
  if (!text.includes('-----BEGIN ')) {
    throw new TypeError(
      `${algorithm} needs a ${options.role === 'sign' ? 'private' : 'public'} key as PEM or JWK; this value is neither (an HMAC secret?)`,
    );
  }
  const keys = options.role === 'sign' ? { privateKey: pemPrivateKey(text) } : { publicKey: pemPublicKey(text) };
  return AsymmetricKey.fromKeyObjects(algorithm, keys, options.kid);
}

/**
 * A key from a JWK, which must fit `algorithm`: its `kty` (and `crv`), its `use`, `key_ops` and
 * `alg` when present, and the role (no private members in a verifying key).
 *
 * @throws {TypeError} explaining why the JWK is refused.
 */
export function keyFromJwk(jwk: JwkObject, algorithm: Algorithm, options: KeyImportOptions): TokenKey {
  const intentProblem = jwkIntentProblem(jwk, algorithm, options.role);
  if (intentProblem !== undefined) throw new TypeError(`the JWK cannot be used for ${algorithm}: ${intentProblem}`);
  const kid = options.kid ?? (typeof jwk.kid === 'string' ? jwk.kid : undefined);
  if (isHmacAlgorithm(algorithm)) {
    if (jwk.kty !== 'oct' || typeof jwk.k !== 'string')
      throw new TypeError(`${algorithm} needs an "oct" JWK with "k", not kty ${JSON.stringify(jwk.kty)}`);
    const secret = Buffer.from(jwk.k, 'base64url');
    if (secret.toString('base64url') !== jwk.k) throw new TypeError('the JWK\'s "k" is not canonical base64url');
    return hmacKey(secret, algorithm, { ...options, kid });
  }
  if (jwk.kty === 'oct') throw new TypeError(`${algorithm} needs a public-key JWK; an "oct" (HMAC) key cannot verify it`);
  const hasPrivateMembers = PRIVATE_JWK_MEMBERS.some((member) => member in jwk);
  if (options.role === 'verify' && hasPrivateMembers) throw new TypeError('a verifying key must be public: this JWK has private members');
  if (options.role === 'sign' && !hasPrivateMembers) throw new TypeError('a signing key must be private: this JWK has no "d"');
  let keyObject: KeyObject;
  try {
    // node:crypto checks the JWK itself: the members of its kty, and that an EC point is on its curve.
    const input = { key: jwk as JsonWebKey, format: 'jwk' as const };
    keyObject = hasPrivateMembers ? createPrivateKey(input) : createPublicKey(input);
  } catch (error) {
    throw new TypeError(`the JWK is not a valid key: ${(error as Error).message}`);
  }
  return AsymmetricKey.fromKeyObjects(algorithm, hasPrivateMembers ? { privateKey: keyObject } : { publicKey: keyObject }, kid);
}

function hmacKey(secret: Buffer, algorithm: HmacAlgorithm, options: KeyImportOptions): HmacKey {
  const minimum = HMAC_ALGORITHM_SPECS[algorithm].minKeyBytes;
  if (secret.length === 0) throw new TypeError(`the ${algorithm} secret is empty`);
  if ((options.enforceHmacLength ?? true) && secret.length < minimum) {
    throw new TypeError(`an ${algorithm} secret must be at least ${minimum} bytes (RFC 7518 §3.2); this one is ${secret.length}`);
  }
  return HmacKey.fromSecret(secret, algorithm, options.kid);
}

function pemPrivateKey(text: string): KeyObject {
  try {
    return createPrivateKey(text);
  } catch (error) {
    const publicToo = parsesAsAsymmetricKey(text);
    throw new TypeError(
      publicToo
        ? 'a signing key must be private: this PEM holds a public key or certificate'
        : `not a readable private key PEM: ${(error as Error).message}`,
    );
  }
}

function pemPublicKey(text: string): KeyObject {
  let isPrivate = true;
  try {
    createPrivateKey(text);
  } catch {
    isPrivate = false;
  }
  if (isPrivate) throw new TypeError('a verifying key must be public: this PEM holds a private key');
  try {
    // SPKI, PKCS#1 RSA public keys and X.509 certificates.
    return createPublicKey(text);
  } catch (error) {
    throw new TypeError(`not a readable public key PEM: ${(error as Error).message}`);
  }
}

/** Whether node:crypto reads `text` as an asymmetric key (public, private or certificate). */
function parsesAsAsymmetricKey(text: string): boolean {
  try {
    createPublicKey(text);
    return true;
  } catch {
    return false;
  }
}
