/**
 * Keys are typed objects bound to exactly one algorithm. A token's header never chooses the
 * algorithm or the key: it is only checked against the key's binding (RFC 8725 §3.1, and the
 * root cause of the alg-confusion CVEs in jsonwebtoken, hono and fast-jwt).
 */
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { Algorithm } from '../config/settings.js';

/** A key that signs and verifies JWS signatures for one algorithm. */
export interface TokenKey {
  /** The only `alg` this key signs with or accepts. */
  readonly algorithm: Algorithm;
  /** Key id written into headers this key signs, when set. */
  readonly kid: string | undefined;
  sign(signingInput: string): Buffer;
  /** Constant-time check of `signature` over `signingInput`. */
  verify(signingInput: string, signature: Buffer): boolean;
}

const HMAC_HASH: Readonly<Record<Algorithm, string>> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

/**
 * An HMAC secret bound to HS256, HS384 or HS512.
 *
 * @example
 * ```ts
 * const key = HmacKey.fromSecret(process.env.TESSERA_SECRET_KEY!, 'HS256');
 * ```
 */
export class HmacKey implements TokenKey {
  readonly algorithm: Algorithm;
  readonly kid: string | undefined;
  readonly #secret: KeyObject;
  readonly #hash: string;

  private constructor(secret: KeyObject, algorithm: Algorithm, kid: string | undefined) {
    this.#secret = secret;
    this.algorithm = algorithm;
    this.#hash = HMAC_HASH[algorithm];
    this.kid = kid;
  }

  /** Binds a secret, taken as UTF-8 bytes (as PyJWT does), to one HMAC algorithm. */
  static fromSecret(secret: string | Buffer, algorithm: Algorithm, kid?: string): HmacKey {
    const bytes = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
    return new HmacKey(createSecretKey(bytes), algorithm, kid);
  }

  sign(signingInput: string): Buffer {
    return createHmac(this.#hash, this.#secret).update(signingInput, 'latin1').digest();
  }

  verify(signingInput: string, signature: Buffer): boolean {
    const expected = this.sign(signingInput);
    return signature.length === expected.length && timingSafeEqual(signature, expected);
  }

  /** Keeps the secret out of logs and `util.inspect`. */
  toJSON(): { algorithm: Algorithm; kid: string | undefined } {
    return { algorithm: this.algorithm, kid: this.kid };
  }
}
