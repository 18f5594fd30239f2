/**
 * A keyring: the keys one Tessera instance signs and verifies with at one moment, immutable.
 * A key rollover builds a new keyring and swaps it in (`./live-keys.ts`); a verification in flight
 * keeps the one it started with.
 *
 * Rules (SEC-11, SEC-12, Wycheproof `json_web_key_test.json`):
 * - kids are unique, and every key is of one family: all HMAC or all signature keys, never both;
 * - a token's `kid` is looked up exactly, among these keys only;
 * - a token without `kid` (simplejwt's) verifies with the configured key (SIGNING_KEY /
 *   VERIFYING_KEY), if there is one;
 * - simplejwt's single-key setup (one key, no kid) ignores `kid` altogether, as PyJWT does.
 */
import { isHmacAlgorithm } from '../tokens/algorithms.js';
import type { PublicJwk, PublicJwkSet } from '../tokens/jwk.js';
import type { TokenKey, TokenKeys } from '../tokens/signing-key.js';

export interface KeyringOptions {
  /** The key new tokens are signed with. */
  readonly signingKey?: TokenKey | undefined;
  /** The key for tokens without `kid`: the one SIGNING_KEY / VERIFYING_KEY configure. */
  readonly defaultKey?: TokenKey | undefined;
  /** Every other key that verifies (previous keys, published new ones). */
  readonly keys?: readonly TokenKey[];
}

export class Keyring implements TokenKeys {
  readonly signingKey: TokenKey | undefined;
  readonly #defaultKey: TokenKey | undefined;
  readonly #byKid: ReadonlyMap<string, TokenKey>;
  /** simplejwt's single-key setup: one key without a kid, which takes any kid. */
  readonly #kidIgnored: boolean;
  readonly #jwks: PublicJwkSet;

  /**
   * @throws {TypeError} when two keys share a kid, or HMAC and signature keys are mixed.
   */
  constructor(options: KeyringOptions) {
    this.signingKey = options.signingKey;
    this.#defaultKey = options.defaultKey;
    const all = uniqueKeys([options.signingKey, options.defaultKey, ...(options.keys ?? [])]);
    const families = new Set(all.map((key) => (isHmacAlgorithm(key.algorithm) ? 'HMAC' : 'signature')));
    if (families.size > 1) throw new TypeError('a keyring cannot mix HMAC secrets and public keys (one family per keyring)');
    const byKid = new Map<string, TokenKey>();
    for (const key of all) {
      if (key.kid === undefined) continue;
      if (byKid.has(key.kid)) throw new TypeError(`two keys have the kid ${JSON.stringify(key.kid)}; kids must be unique`);
      byKid.set(key.kid, key);
    }
    const keyless = all.filter((key) => key.kid === undefined);
    if (keyless.some((key) => key !== options.defaultKey)) throw new TypeError('every key but SIGNING_KEY / VERIFYING_KEY needs a kid');
    this.#byKid = byKid;
    this.#kidIgnored = all.length === 1 && all[0] === options.defaultKey && options.defaultKey?.kid === undefined;
    const published: PublicJwk[] = [];
    for (const key of all) {
      const jwk = key.publicJwk();
      if (jwk !== undefined) published.push(jwk);
    }
    this.#jwks = Object.freeze({ keys: Object.freeze(published) });
  }

  keyFor(kid: string | undefined): TokenKey | undefined {
    if (kid === undefined || this.#kidIgnored) return this.#defaultKey;
    return this.#byKid.get(kid);
  }

  /** The public keys to publish at `/.well-known/jwks.json`; empty for HMAC keyrings. */
  publicJwks(): PublicJwkSet {
    return this.#jwks;
  }

  /** Every key, signing key first. */
  get keys(): TokenKey[] {
    return uniqueKeys([this.signingKey, this.#defaultKey, ...this.#byKid.values()]);
  }
}

function uniqueKeys(keys: readonly (TokenKey | undefined)[]): TokenKey[] {
  return [...new Set(keys.filter((key): key is TokenKey => key !== undefined))];
}
