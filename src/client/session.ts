/**
 * The client's view of a signed-in session: the tokens (bearer mode only) and when they expire,
 * on this machine's clock. Expiry is computed from the token's own lifetime (`exp - iat`) counted
 * from when the answer arrived, so a client whose clock is off by minutes still refreshes on
 * time. The client never checks a signature: the server does; these are only timers.
 */
import type { AuthMode, TokenStorage } from './options.js';

export interface Session {
  /** Bearer mode: the access token. Cookie mode: `null` (it is an HttpOnly cookie). */
  readonly access: string | null;
  /** Bearer mode: the refresh token. Cookie mode: `null`. */
  readonly refresh: string | null;
  /** When this session state was obtained (ms, local clock): newer states win between tabs. */
  readonly obtainedAt: number;
  /** When the access token expires (ms, local clock). */
  readonly accessExpiresAt: number;
  /** When the refresh token expires (ms, local clock), when the server said. */
  readonly refreshExpiresAt: number | null;
  /** Cookie mode: the CSRF token to echo in unsafe requests, when the server gave one. */
  readonly csrfToken: string | null;
}

/** simplejwt's default ACCESS_TOKEN_LIFETIME, used when an answer tells nothing about expiry. */
const FALLBACK_LIFETIME_MS = 300_000;

/** The JSON payload of a compact JWS, or `undefined` if it is not one. Not verified: timing only. */
export function jwtPayload(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  try {
    const base64 = payload.replaceAll('-', '+').replaceAll('_', '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    const parsed: unknown = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0))));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** A token's lifetime in ms (`exp - iat`), if it carries both. */
function tokenLifetimeMs(token: unknown): number | undefined {
  if (typeof token !== 'string') return undefined;
  const claims = jwtPayload(token);
  const { exp, iat } = claims ?? {};
  return typeof exp === 'number' && typeof iat === 'number' && exp > iat ? (exp - iat) * 1000 : undefined;
}

/** `access_expiration` / `refresh_expiration` (JWT_AUTH_RETURN_EXPIRATION), as ms from now. */
function remainingFromTimestamp(value: unknown, now: number): number | undefined {
  if (typeof value !== 'string') return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The body of a token answer (login, refresh), as far as the client reads it. */
export interface TokenAnswer {
  readonly access?: unknown;
  readonly refresh?: unknown;
  readonly access_expiration?: unknown;
  readonly refresh_expiration?: unknown;
}

/**
 * The session after a login or refresh answer. `previous` supplies what a refresh answer
 * leaves out: the refresh token when the server does not rotate, and the CSRF token.
 */
export function sessionFromAnswer(
  mode: AuthMode,
  body: TokenAnswer,
  now: number,
  previous: Session | null,
  csrfToken: string | null,
): Session {
  const accessLifetime = tokenLifetimeMs(body.access) ?? remainingFromTimestamp(body.access_expiration, now) ?? FALLBACK_LIFETIME_MS;
  const refreshLifetime = tokenLifetimeMs(body.refresh) ?? remainingFromTimestamp(body.refresh_expiration, now);
  const bearer = mode === 'bearer';
  return {
    access: bearer && typeof body.access === 'string' ? body.access : null,
    refresh: bearer ? (typeof body.refresh === 'string' ? body.refresh : (previous?.refresh ?? null)) : null,
    obtainedAt: now,
    accessExpiresAt: now + accessLifetime,
    refreshExpiresAt: refreshLifetime === undefined ? (previous?.refreshExpiresAt ?? null) : now + refreshLifetime,
    csrfToken: csrfToken ?? previous?.csrfToken ?? null,
  };
}

/** A session as another tab or the storage sent it, checked field by field (it is outside data). */
export function parseSession(value: unknown): Session | null {
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  const stringOrNull = (field: unknown): field is string | null => field === null || typeof field === 'string';
  const { access, refresh, obtainedAt, accessExpiresAt, refreshExpiresAt, csrfToken } = record;
  if (!stringOrNull(access) || !stringOrNull(refresh) || !stringOrNull(csrfToken)) return null;
  if (typeof obtainedAt !== 'number' || typeof accessExpiresAt !== 'number') return null;
  if (refreshExpiresAt !== null && typeof refreshExpiresAt !== 'number') return null;
  return { access, refresh, obtainedAt, accessExpiresAt, refreshExpiresAt, csrfToken };
}

/** Reads and writes the session under one key; a corrupt entry reads as signed out. */
export class SessionStore {
  constructor(
    private readonly storage: TokenStorage,
    private readonly key: string,
  ) {}

  load(): Session | null {
    try {
      const raw = this.storage.getItem(this.key);
      return raw === null ? null : parseSession(JSON.parse(raw));
    } catch {
      return null;
    }
  }

  save(session: Session | null): void {
    try {
      if (session === null) this.storage.removeItem(this.key);
      else this.storage.setItem(this.key, JSON.stringify(session));
    } catch {
      // A full or disabled storage (Safari's private mode) leaves the session in memory only.
    }
  }
}
