/**
 * What the session use cases (issue, refresh, verify, log out, end every session) read, and
 * nothing else. The http layer's `TesseraContext` satisfies these interfaces, so callers pass it
 * as it is and the compiler checks that it fits.
 */
import type { AuthEventSink } from '../model/auth-events.js';
import type { RequestUser } from '../model/request-user.js';
import type { RefreshReadStore, Store, TokenStore, UserStore } from '../model/store.js';
import type { User } from '../model/user.js';
import type { CachedStore } from '../stores/user-cache.js';
import type { Claims, TokenCodec } from '../tokens/token-codec.js';
import type { VerifiedTokenCache } from '../tokens/verified-token-cache.js';
import type { TokenVersionSettings } from '../users/token-cutoff.js';
import type { UserIdSettings } from '../users/user-from-claim.js';
import type { SessionClaimSettings } from './session-claim.js';

/** The settings issuing tokens reads (`config/settings.ts` documents each one). */
export interface IssueSettings extends UserIdSettings, TokenVersionSettings, SessionClaimSettings {
  readonly USER_ID_CLAIM: string;
  readonly SLIDING_TOKEN_REFRESH_EXP_CLAIM: string;
  readonly CLAIMS_ON_REFRESH: 'copy' | 'recompute';
}

/** The hook that adds claims to the tokens of a login (`TesseraHooks.customClaims`). */
export interface ClaimsHooks {
  readonly customClaims?: ((user: RequestUser) => Claims | Promise<Claims>) | undefined;
}

/** Issuing a pair or a sliding token: the codec (and its clock), where sessions are recorded, the claims hook. */
export interface IssueDependencies {
  readonly settings: IssueSettings;
  readonly codec: TokenCodec;
  readonly store: Pick<TokenStore, 'startFamily' | 'recordOutstanding'>;
  readonly hooks: ClaimsHooks;
}

/** Ending every session of a user: the cut-off, the blacklist, the console sign-ins, then maybe a new pair. */
export interface EndSessionsDependencies extends IssueDependencies {
  readonly store: IssueDependencies['store'] & Pick<Store, 'cutOffTokens' | 'blacklistAllForUser' | 'consoleSignIns'>;
}

/** The settings refresh and logout read, besides the issuing ones. */
export interface SessionSettings extends IssueSettings {
  readonly LEEWAY: number;
  readonly TOKEN_TYPE_CLAIM: string | null;
  readonly JTI_CLAIM: string;
  readonly ROTATE_REFRESH_TOKENS: boolean;
  readonly BLACKLIST_AFTER_ROTATION: boolean;
  readonly REFRESH_TOKEN_REUSE_GRACE: number | null;
  readonly SESSION_LIFETIME: number | null;
  readonly CHECK_USER_IS_ACTIVE: boolean;
  readonly USER_AUTHENTICATION_RULE: (user: User | undefined) => boolean;
}

/** Refresh (rotation, grace, reuse detection) and sliding refresh. */
export interface RefreshDependencies extends IssueDependencies {
  readonly settings: SessionSettings;
  /** With `findTokenStateAndUser` when the store reads both in one statement. */
  readonly store: TokenStore & Pick<UserStore, 'findUser'> & Partial<RefreshReadStore>;
  readonly events: Pick<AuthEventSink, 'emit'>;
}

/** Logging out: one token (its session too, with the session claim), or every session of the user. */
export interface LogoutDependencies extends RefreshDependencies, EndSessionsDependencies {
  readonly settings: SessionSettings;
  readonly store: RefreshDependencies['store'] & EndSessionsDependencies['store'];
}

/** Verifying a token: the verified-token cache, the blacklist, the (cached) user's cut-off, the revoked sessions. */
export interface VerifyDependencies {
  readonly settings: Pick<
    SessionSettings,
    'JTI_CLAIM' | 'LEEWAY' | 'TOKEN_TYPE_CLAIM' | 'USER_ID_CLAIM' | 'USER_ID_FIELD' | 'TOKEN_VERSION_CLAIM' | 'TOKEN_SESSION_CLAIM'
  >;
  readonly codec: Pick<TokenCodec, 'now' | 'key' | 'decode'>;
  readonly store: Pick<CachedStore, 'isBlacklisted' | 'findUser' | 'findCachedUser' | 'isSessionRevoked'>;
  readonly verifiedTokens: VerifiedTokenCache;
}
