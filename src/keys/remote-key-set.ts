/**
 * A JWKS fetched from `JWK_URL` (simplejwt's setting, PyJWT's `PyJWKClient`), for services that
 * verify tokens someone else signs.
 *
 * - Only keys that fit ALGORITHM are kept: `kty`/`crv` of its family, `alg` (when present) equal
 *   to it, `use` `sig`, `key_ops` allowing `verify`, no private members, strong enough (the same
 *   checks as configured keys). A set with duplicate kids is refused whole.
 * - Fetches time out (5 s), bodies are bounded (1 MiB), redirects are not followed (the URL is
 *   the operator's allow-list, SEC-11).
 * - The set is cached for the response's `Cache-Control: max-age` (default 300 s), then fetched
 *   again in the background while the cached keys keep answering.
 * - A token naming an unknown `kid` causes at most one fetch per cool-down (30 s): a stream of
 *   forged kids cannot turn into a stream of requests to the JWKS host.
 * - Failures never throw into verification: an unreachable JWKS leaves the cached keys for at most
 *   an hour (stale-if-error), then none, so verification fails closed (401).
 */
import { isSignatureAlgorithm, type Algorithm } from '../tokens/algorithms.js';
import { isValidKid, type JwkObject } from '../tokens/jwk.js';
import type { KeyResolver, TokenKey } from '../tokens/signing-key.js';
import { keyFromJwk } from './import-key.js';

export interface RemoteKeySetOptions {
  /** The JWKS URL (http or https). */
  readonly url: string;
  /** ALGORITHM: the only algorithm accepted keys may be bound to. */
  readonly algorithm: Algorithm;
  /** Per fetch. @default 5000 */
  readonly timeoutMs?: number;
  /** Least time between two fetches caused by unknown kids. @default 30000 */
  readonly cooldownMs?: number;
  /** Cache lifetime when the response has no `max-age`. @default 300000 */
  readonly defaultMaxAgeMs?: number;
  /** How long cached keys outlive failed fetches. @default 3600000 */
  readonly staleIfErrorMs?: number;
  /** Largest JWKS body accepted, in bytes. @default 1048576 */
  readonly maxBytes?: number;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** The clock, in milliseconds. @default Date.now */
  readonly now?: () => number;
  /** Hears about fetch failures and skipped keys (never key material). @default silent */
  readonly onError?: (error: Error) => void;
}

/** Longest cache lifetime honoured, whatever `max-age` says. */
const MAX_CACHE_MS = 86_400_000;
/** Shortest: a `max-age=0` set is still not fetched more than once a second. */
const MIN_CACHE_MS = 1000;

export class RemoteKeySet implements KeyResolver {
  readonly url: string;
  readonly #algorithm: Algorithm;
  readonly #timeoutMs: number;
  readonly #cooldownMs: number;
  readonly #defaultMaxAgeMs: number;
  readonly #staleIfErrorMs: number;
  readonly #maxBytes: number;
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  readonly #onError: (error: Error) => void;

  #keys: ReadonlyMap<string, TokenKey> = new Map();
  /** simplejwt/PyJWT match a token without `kid` to the set's one key without `kid`. */
  #keyWithoutKid: TokenKey | undefined;
  #fetchedAt = Number.NEGATIVE_INFINITY;
  #maxAgeMs: number;
  #lastAttemptAt = Number.NEGATIVE_INFINITY;
  #inFlight: Promise<boolean> | undefined;

  constructor(options: RemoteKeySetOptions) {
    if (!isSignatureAlgorithm(options.algorithm))
      throw new TypeError(`JWK_URL needs an asymmetric ALGORITHM; ${options.algorithm} keys are secrets and are never published`);
    if (!/^https?:\/\//i.test(options.url)) throw new TypeError('JWK_URL must be an http(s) URL');
    this.url = options.url;
    this.#algorithm = options.algorithm;
    this.#timeoutMs = options.timeoutMs ?? 5000;
    this.#cooldownMs = options.cooldownMs ?? 30_000;
    this.#defaultMaxAgeMs = options.defaultMaxAgeMs ?? 300_000;
    this.#maxAgeMs = this.#defaultMaxAgeMs;
    this.#staleIfErrorMs = options.staleIfErrorMs ?? 3_600_000;
    this.#maxBytes = options.maxBytes ?? 1_048_576;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#now = options.now ?? Date.now;
    this.#onError = options.onError ?? (() => undefined);
  }

  keyFor(kid: string | undefined): TokenKey | undefined {
    const now = this.#now();
    if (now - this.#fetchedAt > this.#maxAgeMs && now - this.#lastAttemptAt > MIN_CACHE_MS) void this.refresh();
    if (now - this.#fetchedAt > this.#staleIfErrorMs) return undefined;
    return kid === undefined ? this.#keyWithoutKid : this.#keys.get(kid);
  }

  /**
   * Fetches again for an unknown `kid`, unless a fetch happened within the cool-down. Resolves
   * to whether the key is now known.
   */
  async refreshForKid(kid: string): Promise<boolean> {
    if (!isValidKid(kid)) return false;
    if (this.keyFor(kid) !== undefined) return true;
    if (this.#inFlight === undefined && this.#now() - this.#lastAttemptAt < this.#cooldownMs) return false;
    await this.refresh();
    return this.keyFor(kid) !== undefined;
  }

  /** Fetches the set now (sharing a fetch already under way). Resolves to whether it succeeded; never rejects. */
  refresh(): Promise<boolean> {
    this.#inFlight ??= this.#fetchOnce().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  /** The kids currently held. */
  get kids(): string[] {
    return [...this.#keys.keys()];
  }

  async #fetchOnce(): Promise<boolean> {
    this.#lastAttemptAt = this.#now();
    try {
      const response = await this.#fetch(this.url, {
        headers: { accept: 'application/json' },
        redirect: 'error',
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      if (response.status !== 200) throw new Error(`JWK_URL answered ${response.status}`);
      const declared = Number(response.headers.get('content-length') ?? 0);
      if (declared > this.#maxBytes) throw new Error(`JWK_URL's JWKS is larger than ${this.#maxBytes} bytes`);
      const text = await response.text();
      if (Buffer.byteLength(text) > this.#maxBytes) throw new Error(`JWK_URL's JWKS is larger than ${this.#maxBytes} bytes`);
      this.#install(parseJwks(text));
      this.#maxAgeMs = maxAgeOf(response.headers.get('cache-control')) ?? this.#defaultMaxAgeMs;
      this.#fetchedAt = this.#now();
      return true;
    } catch (error) {
      this.#onError(new Error(`cannot use JWK_URL: ${(error as Error).message}`));
      return false;
    }
  }

  #install(jwks: readonly JwkObject[]): void {
    const keys = new Map<string, TokenKey>();
    let keyWithoutKid: TokenKey | undefined;
    let withoutKid = 0;
    for (const jwk of jwks) {
      let key: TokenKey;
      try {
        key = keyFromJwk(jwk, this.#algorithm, { role: 'verify', kid: typeof jwk.kid === 'string' ? jwk.kid : undefined });
      } catch (error) {
        // Keys for other algorithms or uses are normal in a shared JWKS: skip, and say why.
        this.#onError(new Error(`JWK_URL: skipped key ${isValidKid(jwk.kid) ? jwk.kid : '(no kid)'}: ${(error as Error).message}`));
        continue;
      }
      if (typeof jwk.kid !== 'string') {
        withoutKid++;
        keyWithoutKid = key;
        continue;
      }
      if (keys.has(jwk.kid)) throw new Error(`the JWKS has two keys with kid ${JSON.stringify(jwk.kid)}; refused whole`);
      keys.set(jwk.kid, key);
    }
    this.#keys = keys;
    this.#keyWithoutKid = withoutKid === 1 ? keyWithoutKid : undefined;
  }
}

function parseJwks(text: string): JwkObject[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error('the JWKS is not JSON');
  }
  const keys = typeof data === 'object' && data !== null ? (data as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys)) throw new Error('the JWKS has no "keys" list');
  return keys.filter((key): key is JwkObject => typeof key === 'object' && key !== null && !Array.isArray(key));
}

/** `max-age` of a Cache-Control header, in milliseconds, clamped to [1 s, 1 day]. */
function maxAgeOf(cacheControl: string | null): number | undefined {
  const match = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?/i.exec(cacheControl ?? '');
  if (match === null) return undefined;
  return Math.min(MAX_CACHE_MS, Math.max(MIN_CACHE_MS, Number(match[1]) * 1000));
}
