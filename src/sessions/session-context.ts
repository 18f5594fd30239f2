/**
 * What the session use cases (obtain, refresh, verify, blacklist, logout everywhere) read: their
 * settings, the token codec, the token and user stores, the token hook, and the
 * verified-token cache. `createTessera` builds one context that satisfies this and the other
 * use cases' contexts; each use case sees only its own part.
 */
import type { TokenStore, UserStore } from '../model/store.js';
import type { User } from '../model/user.js';
import type { Claims, TokenCodec } from '../tokens/token-codec.js';
import type { VerifiedTokenCache } from '../tokens/verified-token-cache.js';
import type { UserIdSettings } from '../users/user-from-claim.js';

/** The settings the session use cases read (`config/settings.ts` documents each one). */
export interface SessionSettings extends UserIdSettings {
  readonly ROTATE_REFRESH_TOKENS: boolean;
  readonly BLACKLIST_AFTER_ROTATION: boolean;
  readonly REFRESH_TOKEN_REUSE_GRACE: number;
  readonly SESSION_LIFETIME: number | null;
  readonly CHECK_USER_IS_ACTIVE: boolean;
  readonly USER_AUTHENTICATION_RULE: (user: User | undefined) => boolean;
  readonly USER_ID_CLAIM: string;
  readonly JTI_CLAIM: string;
  readonly TOKEN_TYPE_CLAIM: string | null;
  readonly SLIDING_TOKEN_REFRESH_EXP_CLAIM: string;
  readonly LEEWAY: number;
}

/** The hook that shapes minted tokens. */
export interface TokenHooks {
  /**
   * Claims added to every token minted at login (refresh, and the access tokens derived from it;
   * sliding tokens too). simplejwt's most requested customisation (overriding `get_token`).
   *
   * @example
   * ```ts
   * customClaims: (user) => ({ username: user.username, is_staff: user.isStaff })
   * ```
   */
  customClaims?: (user: User) => Claims | Promise<Claims>;
}

export interface SessionContext {
  readonly settings: SessionSettings;
  readonly codec: TokenCodec;
  readonly store: UserStore & TokenStore;
  readonly hooks: TokenHooks;
  /** Access tokens that passed full verification, so a repeated verify costs a map lookup. */
  readonly verifiedTokens: VerifiedTokenCache;
}
