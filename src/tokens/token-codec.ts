/**
 * simplejwt's token kinds (access, refresh, sliding, untyped) with its claims, lifetimes and
 * checks, framework- and storage-free. The blacklist is not consulted here: callers that need
 * it (refresh, sliding, blacklist) check it between `verifySignature` and `checkClaims`, which
 * is exactly where simplejwt's `check_blacklist` runs.
 */
import { randomUUID } from 'node:crypto';
import { TokenError } from '../errors.js';
import { numericDate, registeredClaimsFailure, type ClaimRules } from './claims.js';
import type { JsonObject } from './json-object.js';
import type { TokenSettings } from './token-settings.js';
import { signJws, verifyJws, type JwsResult } from './jws.js';
import type { TokenKey, TokenKeys } from './signing-key.js';

export type TokenType = 'access' | 'refresh' | 'sliding' | 'untyped';

/**
 * The claims your `customClaims` hook adds, declared by your app (declaration merging, as
 * @fastify/jwt's `FastifyJWT`), so that `request.tokenClaims.roles` is typed without a cast.
 * Empty by default.
 *
 * @example
 * ```ts
 * declare module 'tessera' {
 *   interface CustomClaims {
 *     roles: string[];
 *   }
 * }
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by apps, by declaration merging
export interface CustomClaims {}

/** A token's claim set, in claim order; the claims declared in {@link CustomClaims} typed. */
export type Claims = JsonObject & Partial<CustomClaims>;

/** Claims a derived access token does not copy from its refresh token. */
const NOT_COPIED_TO_ACCESS = new Set(['exp', 'iat', 'jti']);

/** A user id as it goes into a token: a JSON number for integer ids (simplejwt 5.2.2), else a string. */
export type UserIdClaim = number | string;

export interface TokenCodecOptions {
  readonly settings: TokenSettings;
  /**
   * The key set: the signing key and every key that may verify (a keyring, a remote JWKS, or a
   * single `TokenKey`, which is a key set of one).
   */
  readonly keys: TokenKeys | TokenKey;
  /** The clock, in milliseconds. @default Date.now */
  readonly now?: () => number;
}

/**
 * Creates, signs, verifies and transforms tokens.
 *
 * @example
 * ```ts
 * const codec = new TokenCodec({ settings, keys: HmacKey.fromSecret(settings.SIGNING_KEY, 'HS256') });
 * const refresh = codec.create('refresh', 1);
 * const pair = { refresh: codec.encode(refresh), access: codec.encode(codec.accessFor(refresh)) };
 * ```
 */
export class TokenCodec {
  readonly settings: TokenSettings;
  /** The key set tokens are verified against. */
  readonly keys: TokenKeys;
  readonly now: () => number;
  readonly #rules: ClaimRules;

  constructor(options: TokenCodecOptions) {
    this.settings = options.settings;
    this.keys = 'signingKey' in options.keys ? options.keys : singleKeySet(options.keys);
    this.now = options.now ?? Date.now;
    this.#rules = { leeway: options.settings.LEEWAY, audience: options.settings.AUDIENCE, issuer: options.settings.ISSUER };
  }

  /**
   * The key new tokens are signed with (with database keys, the one active now).
   *
   * @throws {TokenError} never; a `TypeError` when the key set cannot sign (a verifier).
   */
  get key(): TokenKey {
    const key = this.keys.signingKey;
    if (key === undefined) throw new TypeError('this key set only verifies: no signing key is configured');
    return key;
  }

  /** Lifetime of a token kind, in seconds. */
  lifetime(type: TokenType): number {
    const s = this.settings;
    return { access: s.ACCESS_TOKEN_LIFETIME, refresh: s.REFRESH_TOKEN_LIFETIME, sliding: s.SLIDING_TOKEN_LIFETIME, untyped: 0 }[type];
  }

  /**
   * A new token of `type`, for a user when `userId` is given, with simplejwt's claim order:
   * type, exp, iat, jti, (refresh_exp), user id.
   */
  create(type: TokenType, userId?: UserIdClaim, nowMs: number = this.now()): Claims {
    const s = this.settings;
    const claims: Claims = {};
    if (s.TOKEN_TYPE_CLAIM !== null) claims[s.TOKEN_TYPE_CLAIM] = type;
    claims.exp = epochSeconds(nowMs, this.lifetime(type));
    claims.iat = epochSeconds(nowMs, 0);
    claims[s.JTI_CLAIM] = newJti();
    if (type === 'sliding') claims[s.SLIDING_TOKEN_REFRESH_EXP_CLAIM] = epochSeconds(nowMs, s.SLIDING_TOKEN_REFRESH_LIFETIME);
    if (userId !== undefined) claims[s.USER_ID_CLAIM] = userId;
    return claims;
  }

  /** Signs claims into a compact JWS, appending `aud` and `iss` when configured (as simplejwt does). */
  encode(claims: Claims): string {
    const s = this.settings;
    if (s.AUDIENCE === null && s.ISSUER === null) return signJws(claims, this.key);
    const payload: Claims = { ...claims };
    if (s.AUDIENCE !== null) payload.aud = s.AUDIENCE;
    if (s.ISSUER !== null) payload.iss = s.ISSUER;
    return signJws(payload, this.key);
  }

  /**
   * Step 1 of reading a token: strict JWS parsing, the signature, and the registered claims
   * (PyJWT's part). Every failure is simplejwt's one message, "Token is invalid or expired", with
   * the precise `reason` on the TokenError.
   */
  verifySignature(raw: string, nowMs: number = this.now()): Claims {
    const result = verifyJws(raw, this.keys);
    if (!result.ok && result.failure === 'unknown_kid' && result.kid !== undefined && this.keys.refreshForKid !== undefined) {
      // A remote key set may have a key this process has not fetched yet: fetch in the
      // background (rate-limited) so the next request finds it; this one fails closed.
      this.keys.refreshForKid(result.kid).catch(() => undefined);
    }
    return this.#claimsOf(result, nowMs);
  }

  /**
   * `verifySignature` for key sets fetched from elsewhere (JWK_URL): a token naming an unknown
   * `kid` waits for one fetch of the set (at most one per cool-down) before it is refused. With
   * local keys it never waits: the answer is the synchronous one.
   */
  async verifySignatureAsync(raw: string, nowMs: number = this.now()): Promise<Claims> {
    let result = verifyJws(raw, this.keys);
    if (!result.ok && result.failure === 'unknown_kid' && result.kid !== undefined && this.keys.refreshForKid !== undefined) {
      if (await this.keys.refreshForKid(result.kid)) result = verifyJws(raw, this.keys);
    }
    return this.#claimsOf(result, nowMs);
  }

  #claimsOf(result: JwsResult, nowMs: number): Claims {
    if (!result.ok) throw new TokenError(result.failure);
    const failure = registeredClaimsFailure(result.payload, nowMs / 1000, this.#rules);
    if (failure !== undefined) throw new TokenError(failure);
    return result.payload;
  }

  /**
   * Step 2: simplejwt's own checks, in its order: `exp` present and not passed, `jti` present,
   * then the type (skipped for `untyped`, as `UntypedToken` does).
   */
  checkClaims(claims: Claims, type: TokenType, nowMs: number = this.now()): void {
    this.checkExp(claims, 'exp', nowMs);
    if (!(this.settings.JTI_CLAIM in claims)) throw new TokenError('no_id');
    const typeClaim = this.settings.TOKEN_TYPE_CLAIM;
    if (type === 'untyped' || typeClaim === null) return;
    if (!(typeClaim in claims)) throw new TokenError('no_type');
    if (claims[typeClaim] !== type) throw new TokenError('wrong_type');
  }

  /** Both steps, for tokens the blacklist does not concern (access, untyped). */
  decode(raw: string, type: TokenType, nowMs: number = this.now()): Claims {
    const claims = this.verifySignature(raw, nowMs);
    this.checkClaims(claims, type, nowMs);
    return claims;
  }

  /** simplejwt's `check_exp`: expired when `claim <= now - leeway`, with sub-second `now`. */
  checkExp(claims: Claims, claim: string, nowMs: number = this.now()): void {
    if (!(claim in claims)) throw TokenError.missingClaim(claim);
    const value = numericDate(claims[claim]);
    if (value === undefined) throw new TokenError('bad_claim');
    if (value <= nowMs / 1000 - this.settings.LEEWAY) throw TokenError.claimExpired(claim);
  }

  /** The token's id, when it has a string one. */
  jti(claims: Claims): string | undefined {
    const jti = claims[this.settings.JTI_CLAIM];
    return typeof jti === 'string' ? jti : undefined;
  }

  /** The token's `exp` as a Date (for storage), assuming `checkClaims` passed. */
  expiresAt(claims: Claims): Date {
    return new Date((numericDate(claims.exp) ?? 0) * 1000);
  }

  /**
   * simplejwt's `RefreshToken.access_token`: a new access token (own jti, `exp` from now) that
   * copies every other claim of the refresh token, custom claims included. Unlike 5.2.2 the
   * `iat` is fresh, not copied (simplejwt #705, fixed upstream in 5.5.1).
   */
  accessFor(refresh: Claims, nowMs: number = this.now()): Claims {
    const access = this.create('access', undefined, nowMs);
    const typeClaim = this.settings.TOKEN_TYPE_CLAIM;
    for (const [claim, value] of Object.entries(refresh)) {
      if (claim === typeClaim || claim === this.settings.JTI_CLAIM || NOT_COPIED_TO_ACCESS.has(claim)) continue;
      access[claim] = value;
    }
    return access;
  }

  /** A rotated refresh token: the same claims with a new `jti`, `exp` and `iat`. */
  rotated(refresh: Claims, nowMs: number = this.now()): Claims {
    return {
      ...refresh,
      [this.settings.JTI_CLAIM]: newJti(),
      exp: epochSeconds(nowMs, this.settings.REFRESH_TOKEN_LIFETIME),
      iat: epochSeconds(nowMs, 0),
    };
  }

  /** A refreshed sliding token: new `exp` and `iat`; `jti` and `refresh_exp` are kept. */
  slid(sliding: Claims, nowMs: number = this.now()): Claims {
    return { ...sliding, exp: epochSeconds(nowMs, this.settings.SLIDING_TOKEN_LIFETIME), iat: epochSeconds(nowMs, 0) };
  }
}

/** A key set holding one key, which signs (when it can) and verifies. */
function singleKeySet(key: TokenKey): TokenKeys {
  return { signingKey: key.canSign ? key : undefined, keyFor: (kid) => key.keyFor(kid) };
}

/** `uuid4().hex`: 32 lowercase hex digits. */
export function newJti(): string {
  return randomUUID().replaceAll('-', '');
}

/** simplejwt's `datetime_to_epoch(now + lifetime)`: floored Unix seconds. */
function epochSeconds(nowMs: number, lifetimeSeconds: number): number {
  return Math.floor((nowMs + lifetimeSeconds * 1000) / 1000);
}
