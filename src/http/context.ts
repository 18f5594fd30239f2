/**
 * What the handlers are given, wired once by `createTessera`: settings, the token codec, the
 * store (with the per-process user cache), the hooks, the throttle counters and the
 * verified-token cache. Passing it explicitly keeps the core free of globals, so several
 * Tessera instances (tests, multi-tenant apps) can live in one process.
 *
 * It is the union of what each use case declares it needs (`SessionContext`, `AuthContext`,
 * `ThrottleContext`, `LoginContext`, `RegistrationContext`): a use case never sees the rest.
 */
import type { AuthContext, AuthSettings } from '../auth/auth-context.js';
import type { User } from '../model/user.js';
import type { RegistrationContext } from '../registration/register-user.js';
import type { SessionContext, SessionSettings, TokenHooks } from '../sessions/session-context.js';
import type { CachedStore } from '../stores/user-cache.js';
import type { RateLimiter } from '../throttling/rate-limiter.js';
import type { ThrottleContext, ThrottleSettings } from '../throttling/throttles.js';
import type { TokenCodec } from '../tokens/token-codec.js';
import type { VerifiedTokenCache } from '../tokens/verified-token-cache.js';
import type { LoginContext, LoginSettings } from '../users/login.js';

/** Extension points, all optional. */
export interface TesseraHooks extends TokenHooks {
  /** Called after a successful login (after `last_login` is updated when that is on). */
  onLoginSuccess?: (user: User, request: LoginRequestInfo) => void | Promise<void>;
  /** Called after a failed login; the password is never passed. */
  onLoginFailed?: (credentials: { username: string }, request: LoginRequestInfo) => void | Promise<void>;
}

/** What hooks may know about the request behind a login. */
export interface LoginRequestInfo {
  readonly ip: string | undefined;
  readonly userAgent: string | undefined;
}

/** The settings the router and the handlers themselves read. */
export interface HttpSettings {
  readonly AUTH_HEADER_NAME: string;
  readonly AUTH_HEADER_TYPES: readonly string[];
  readonly MAX_PASSWORD_LENGTH: number;
  readonly UPDATE_LAST_LOGIN: boolean;
  readonly USERNAME_FIELD: 'username' | 'email';
}

/** Every setting a handler or a use case below it reads; `config/` builds the whole `Settings`, which satisfies it. */
export type ContextSettings = HttpSettings & SessionSettings & AuthSettings & ThrottleSettings & LoginSettings;

export interface TesseraContext extends SessionContext, AuthContext, ThrottleContext, LoginContext, RegistrationContext {
  readonly settings: ContextSettings;
  readonly codec: TokenCodec;
  /** The store, with the per-process user cache for request authentication. */
  readonly store: CachedStore;
  readonly hooks: TesseraHooks;
  /** Throttle counters: in memory by default, shared (Redis) when configured. */
  readonly limiter: RateLimiter;
  /** Access tokens that passed full verification (see `tokens/verified-token-cache.ts`). */
  readonly verifiedTokens: VerifiedTokenCache;
}
