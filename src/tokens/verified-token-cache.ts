/**
 * A cache of access tokens that passed full verification, keyed by the whole token string, so
 * a client presenting the same token again costs a map lookup instead of an HMAC, two base64url
 * decodes and two strict JSON parses (about 8 µs of a 16 µs request in a CPU profile of
 * GET /protected/: `node --cpu-prof`, see docs/decisions.md D7).
 *
 * Safety (ecosystem-notes §2.2, fast-jwt GHSA-rp9m-7r4c-75qg): the key is the exact token
 * text, never something derived from it, so no other token can hit an entry; only tokens that
 * passed every check are stored; `exp` is checked again on every hit; an entry remembers the
 * verification key it was checked with and misses once that key is replaced. Only access tokens
 * are cached: sliding tokens must meet the blacklist on every request.
 */
import type { Claims } from './token-codec.js';

interface Entry {
  readonly claims: Claims;
  /** The token's `exp`, in seconds. */
  readonly exp: number;
  /** The key object the token was verified with. */
  readonly key: object;
}

/** One per Tessera instance: `createTessera` builds it and carries it on the context. */
export class VerifiedTokenCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;

  constructor(maxEntries = 10_000) {
    this.#maxEntries = maxEntries;
  }

  /** The claims of `token` if it was verified with `key` and has not expired (with `leeway`). */
  get(token: string, key: object, nowSeconds: number, leeway: number): Claims | undefined {
    const entry = this.#entries.get(token);
    if (entry === undefined) return undefined;
    if (entry.key !== key || entry.exp <= nowSeconds - leeway) {
      this.#entries.delete(token);
      return undefined;
    }
    return entry.claims;
  }

  set(token: string, key: object, claims: Claims): void {
    if (typeof claims.exp !== 'number') return;
    if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value ?? '');
    this.#entries.set(token, { claims: Object.freeze(claims), exp: claims.exp, key });
  }

  clear(): void {
    this.#entries.clear();
  }

  get size(): number {
    return this.#entries.size;
  }
}

/** Whether validated claims are an access token's (the only kind this cache holds). */
export function isAccessToken(tokenTypeClaim: string | null, claims: Claims): boolean {
  return tokenTypeClaim !== null && claims[tokenTypeClaim] === 'access';
}
