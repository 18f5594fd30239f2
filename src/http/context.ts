/**
 * What every use case needs, wired once by `createTessera`: settings, the token codec, the
 * store, and the user's hooks. Passing it explicitly keeps the core free of globals, so several
 * Tessera instances (tests, multi-tenant apps) can live in one process.
 */
import type { Settings } from '../config/settings.js';
import type { MailMessage } from '../mail/mail-message.js';
import type { Mailer } from '../mail/mailer.js';
import type { CachedStore } from '../stores/user-cache.js';
import type { RateLimiter } from '../throttling/rate-limiter.js';
import type { Claims, TokenCodec } from '../tokens/token-codec.js';
import type { RequestUser } from '../model/request-user.js';
import type { ThrottledAttemptLog } from '../throttling/throttled-attempts.js';
import type { AuditRecord, AuthEventSink } from '../model/auth-events.js';
import type { VerifiedTokenCache } from '../tokens/verified-token-cache.js';

/** Extension points, all optional. */
export interface TesseraHooks {
  /**
   * Claims added to every token minted at login (refresh, and the access tokens derived from it;
   * sliding tokens too). simplejwt's most requested customisation (overriding `get_token`).
   *
   * @example
   * ```ts
   * customClaims: (user) => ({ username: user.username, is_staff: user.isStaff })
   * ```
   */
  customClaims?: (user: RequestUser) => Claims | Promise<Claims>;
  /** Called after a successful login (after `last_login` is updated when that is on). */
  onLoginSuccess?: (user: RequestUser, request: LoginRequestInfo) => void | Promise<void>;
  /** Called after a failed login; the password is never passed. */
  onLoginFailed?: (credentials: { username: string }, request: LoginRequestInfo) => void | Promise<void>;
  /**
   * Called with every audit event (logins, failed logins, logouts, reuse detection, admin
   * actions, ...: docs/operations.md) once it is stored: ship it to a SIEM or a queue. Events
   * never hold a password, a token, a cookie or a secret. A hook that throws is logged; the
   * request goes on.
   *
   * @example
   * ```ts
   * onAuditEvent: (event) => queue.publish('auth-audit', { ...event, at: event.at.toISOString() })
   * ```
   */
  onAuditEvent?: (event: AuditRecord) => void | Promise<void>;
  /**
   * Send Tessera's mails (password reset, verification) yourself, instead of EMAIL_BACKEND. Called
   * in the background: the HTTP answer does not wait for it, and a rejection is logged.
   *
   * @example
   * ```ts
   * sendMail: (message) => myQueue.publish('mail', message)
   * ```
   */
  sendMail?: (message: MailMessage) => void | Promise<void>;
}

/** What hooks may know about the request behind a login. */
export interface LoginRequestInfo {
  readonly ip: string | undefined;
  readonly userAgent: string | undefined;
}

/**
 * The wiring (`app/tessera-context.ts` looks it up for a `Tessera`). Apps use the `Tessera`'s
 * own methods and `tessera.store` instead.
 *
 * @internal
 */
export interface TesseraContext {
  readonly settings: Settings;
  readonly codec: TokenCodec;
  /** The store, with the per-process user cache for request authentication. */
  readonly store: CachedStore;
  readonly hooks: TesseraHooks;
  /** Throttle counters: in memory by default, shared (Redis) when configured. */
  readonly limiter: RateLimiter;
  /** Where use cases report what happened: metrics, the audit log, the `onAuditEvent` hook. */
  readonly events: AuthEventSink;
  /** Sends mails in the background (EMAIL_BACKEND, or the `sendMail` hook). */
  readonly mail: Mailer;
  /**
   * Throttled admin-console sign-ins, aggregated into one audit entry per key and minute (when
   * the store keeps an audit trail); written at the end of each minute and at close.
   */
  readonly throttledSignIns?: ThrottledAttemptLog;
  /** Throttled API logins, aggregated the same way (audit action `login.throttled`). */
  readonly throttledLogins?: ThrottledAttemptLog;
  /** Access tokens that passed full verification (`tokens/verified-token-cache.ts`), built by createTessera. */
  readonly verifiedTokens: VerifiedTokenCache;
}
