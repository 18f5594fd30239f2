/**
 * What the core tells the outside about authentication: one event per thing that happened (a
 * login, a refused refresh, a key activated). Use cases only emit; the composition root decides
 * who listens (metrics, the audit log, structured log lines, the app's `onAuditEvent` hook).
 *
 * An event never carries a password, a token, a cookie or a secret: only public identifiers
 * (a user id, a username, a token's `jti`, a family id, a key id) and short reason codes.
 */

/** Every event, by a stable dotted code. Never renamed: dashboards and audit rows use them. */
export const AUTH_ACTIONS = {
  'login.succeeded': 'Logged in',
  'login.failed': 'Login failed',
  'login.throttled': 'Login throttled',
  'login.throttled_window': 'Logins refused (throttled), per account, address and minute',
  'refresh.issued': 'Refreshed (no rotation)',
  'refresh.rotated': 'Refresh token rotated',
  'refresh.grace_replay': 'Rotated refresh token replayed within the grace window',
  'refresh.reuse_detected': 'Refresh token reuse detected: session revoked',
  'refresh.refused': 'Refresh refused',
  'request.authenticated': 'Request authenticated',
  'request.refused': 'Request authentication refused',
  'registration.created': 'Registered',
  'registration.refused': 'Registration refused',
  logout: 'Logged out',
  logout_all: 'Logged out everywhere',
  'password.changed': 'Password changed',
  'password.reset': 'Password reset',
  'account.deactivated': 'Account deactivated',
  'key.generated': 'Signing key generated',
  'key.activated': 'Signing key activated',
  'key.retired': 'Signing key retired',
} as const;

export type AuthAction = keyof typeof AUTH_ACTIONS;

/**
 * Events too frequent or too uninformative to keep one row each (every authenticated request,
 * every refused refresh): they move metrics and traces, not the audit log.
 */
const METRICS_ONLY: ReadonlySet<string> = new Set<AuthAction>([
  // One per refused attempt: the audit log gets them aggregated, as login.throttled_window.
  'login.throttled',
  'refresh.issued',
  'refresh.rotated',
  'refresh.grace_replay',
  'refresh.refused',
  'request.authenticated',
  'request.refused',
  'registration.refused',
]);

/** Whether `action` is kept in the audit log (admin console actions, whose codes start `admin.`/`user.`/..., are). */
export function isAudited(action: string): boolean {
  return !METRICS_ONLY.has(action);
}

/** A user as events name them: the id and the username at the time. */
export interface UserRef {
  readonly id: number;
  readonly username: string;
}

/** The event's reference to a user (id and username), or `undefined` for none. */
export function userRefOf(user: { readonly id: number; readonly username: string } | undefined): UserRef | undefined {
  return user === undefined ? undefined : { id: user.id, username: user.username };
}

/** Where a request came from, for the audit log. Never headers or bodies. */
export interface RequestOrigin {
  readonly ip?: string | undefined;
  /** The request id (generated, or a trusted proxy's `X-Request-Id`): joins audit rows to log lines. */
  readonly requestId?: string | undefined;
}

/** Short facts about an event: reason codes, counts, flags. Never free text from a client. */
export type EventDetail = Readonly<Record<string, string | number | boolean>>;

/**
 * One thing that happened.
 *
 * @example
 * ```ts
 * { action: 'refresh.reuse_detected', user: { id: 7, username: 'alice' }, subject: familyId,
 *   detail: { revoked_tokens: 3 }, origin: { ip: '203.0.113.9' } }
 * ```
 */
export interface AuthEvent {
  /** What happened: an {@link AuthAction}, or an admin console action (`user.update`, ...). */
  readonly action: AuthAction | (string & {});
  /** The account the event is about (the user logging in, the user an admin edited). */
  readonly user?: UserRef | undefined;
  /** Who acted, when not the user themself (a staff user in the admin console). */
  readonly actor?: UserRef | undefined;
  /** The username a failed login or throttled attempt named, when no user is known. */
  readonly username?: string | undefined;
  /** A public identifier of what was acted on: a token's jti, a family id, a key id. Never a token. */
  readonly subject?: string | undefined;
  /** Short facts (`{ reason: 'inactive' }`), or, for admin console actions, a sentence for people. */
  readonly detail?: EventDetail | string | undefined;
  readonly origin?: RequestOrigin | undefined;
}

/** An audited event as the app's hook and the log line see it: the event plus its time. */
export interface AuditRecord extends AuthEvent {
  readonly at: Date;
}

/**
 * Where use cases report events. For audited events `emit` returns a promise that settles once
 * the row is stored, so a sequence of requests leaves its rows in order; metrics-only events
 * return at once (the hot path allocates no promise). It never rejects: a failing listener is
 * logged, and the request goes on.
 */
export interface AuthEventSink {
  emit(event: AuthEvent): void | Promise<void>;
  /** The time a password hash or verification took (argon2id or Django's PBKDF2), in seconds. */
  passwordHashed(operation: 'hash' | 'verify', seconds: number): void;
}

/** The sink when nothing listens. */
export const SILENT_SINK: AuthEventSink = {
  emit: () => undefined,
  passwordHashed: () => undefined,
};
