/**
 * What request authentication (simplejwt's `JWTAuthentication` and its stateless variant)
 * reads: its settings, the token codec, the verified-token cache, and the cached user lookup.
 */
import type { CachedStore } from '../stores/user-cache.js';
import type { TokenCodec } from '../tokens/token-codec.js';
import type { VerifiedTokenCache } from '../tokens/verified-token-cache.js';
import type { UserIdSettings } from '../users/user-from-claim.js';

/** The settings request authentication reads (`config/settings.ts` documents each one). */
export interface AuthSettings extends UserIdSettings {
  readonly AUTH_HEADER_TYPES: readonly string[];
  readonly AUTH_TOKEN_CLASSES: readonly string[];
  readonly CHECK_USER_IS_ACTIVE: boolean;
  readonly USER_ID_CLAIM: string;
  readonly JTI_CLAIM: string;
  readonly LEEWAY: number;
}

/** The header settings alone: all that reading a token out of a header needs. */
export type AuthHeaderSettings = Pick<AuthSettings, 'AUTH_HEADER_TYPES'>;

export interface AuthContext {
  readonly settings: AuthSettings;
  readonly codec: TokenCodec;
  /** Users through the per-process cache; the blacklist for sliding tokens. */
  readonly store: Pick<CachedStore, 'findUser' | 'findCachedUser' | 'isBlacklisted'>;
  readonly verifiedTokens: VerifiedTokenCache;
}
