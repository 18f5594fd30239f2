/**
 * Keys are typed objects bound to exactly one algorithm. A token's header never chooses the
 * algorithm or the key: it is only checked against the key's binding (RFC 8725 §3.1, and the
 * root cause of the alg-confusion CVEs in jsonwebtoken, hono and fast-jwt).
 *
 * HMAC keys hold only secret `KeyObject`s (`createSecretKey`), signature keys only private and
 * public ones (`./asymmetric-key.ts`): no code path turns one kind into the other, so an HS256
 * token MACed with a public key has nothing to verify against (SEC-09).
 */
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { HMAC_ALGORITHM_SPECS, type Algorithm, type HmacAlgorithm } from './algorithms.js';
import type { PublicJwk } from './jwk.js';

/**
 * Finds the key for a token. Called on every verification, so implementations are synchronous
 * and allocation-free: a map lookup or a field read.
 */
export interface KeyResolver {
  /**
   * The key for a token whose header carries `kid` (`undefined` when it has none), or
   * `undefined` when no configured key fits: the token is then refused.
   */
  keyFor(kid: string | undefined): TokenKey | undefined;
  /**
   * Optional, for key sets fetched from elsewhere (JWK_URL): fetch again because a token named
   * `kid`, which is unknown. Resolves to whether the set changed; implementations limit how often
   * they really fetch.
   */
  refreshForKid?(kid: string): Promise<boolean>;
}

/** A key that signs and verifies JWS signatures for one algorithm. A key alone is the simplest key set. */
export interface TokenKey extends KeyResolver {
  /** The only `alg` this key signs with or accepts. */
  readonly algorithm: Algorithm;
  /** Key id written into headers this key signs, when set. */
  readonly kid: string | undefined;
  /** Whether this key can sign (an HMAC secret, or a private key); verification-only keys cannot. */
  readonly canSign: boolean;
  sign(signingInput: string): Buffer;
  /** Checks `signature` over `signingInput` (in constant time for MACs). */
  verify(signingInput: string, signature: Buffer): boolean;
  /** The public JWK to publish, or `undefined` for HMAC secrets, which are never published. */
  publicJwk(): PublicJwk | undefined;
}

/** What a token codec needs: a resolver for verification and the key new tokens are signed with. */
export interface TokenKeys extends KeyResolver {
  /** The key new tokens are signed with; `undefined` for a verification-only key set. */
  readonly signingKey: TokenKey | undefined;
}

/**
 * How one key answers for a token's `kid`, simplejwt's single-key behaviour: a key without a kid
 * takes every token (PyJWT ignores `kid`); a key with one takes tokens naming it, or naming none.
 */
export function singleKeyFor(key: TokenKey, kid: string | undefined): TokenKey | undefined {
  return kid === undefined || key.kid === undefined || kid === key.kid ? key : undefined;
}

/**
 * An HMAC secret bound to HS256, HS384 or HS512.
 *
 * @example
 * ```ts
 * const key = HmacKey.fromSecret(process.env.TESSERA_SECRET_KEY!, 'HS256');
 * ```
 */
export class HmacKey implements TokenKey {
  readonly algorithm: HmacAlgorithm;
  readonly kid: string | undefined;
  readonly canSign = true;
  readonly #secret: KeyObject;
  readonly #hash: string;

  private constructor(secret: KeyObject, algorithm: HmacAlgorithm, kid: string | undefined) {
    this.#secret = secret;
    this.algorithm = algorithm;
    this.#hash = HMAC_ALGORITHM_SPECS[algorithm].hash;
    this.kid = kid;
  }

  /** Binds a secret, taken as UTF-8 bytes (as PyJWT does), to one HMAC algorithm. */
  static fromSecret(secret: string | Buffer, algorithm: HmacAlgorithm, kid?: string): HmacKey {
    // Checked at run time too: plain JavaScript callers pass any string.
    if ((HMAC_ALGORITHM_SPECS as Partial<Record<string, unknown>>)[algorithm] === undefined)
      throw new TypeError(`${algorithm} is not an HMAC algorithm`);
    const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
    return new HmacKey(createSecretKey(bytes), algorithm, kid);
  }

  keyFor(kid: string | undefined): TokenKey | undefined {
    return singleKeyFor(this, kid);
  }

  sign(signingInput: string): Buffer {
    return createHmac(this.#hash, this.#secret).update(signingInput, 'latin1').digest();
  }

  verify(signingInput: string, signature: Buffer): boolean {
    const expected = this.sign(signingInput);
    return signature.length === expected.length && timingSafeEqual(signature, expected);
  }

  publicJwk(): undefined {
    return undefined;
  }

  /** Keeps the secret out of logs and `util.inspect`. */
  toJSON(): { algorithm: Algorithm; kid: string | undefined } {
    return { algorithm: this.algorithm, kid: this.kid };
  }
}
