/**
 * CSRF protection for requests a cookie authenticates (the access cookie) or supplies the
 * refresh token to, as Django does it, with two additions:
 *
 * 1. `Sec-Fetch-Site: cross-site` is refused outright unless the `Origin` is trusted: browsers
 *    set it and no page can forge it.
 * 2. `Origin` must be the server's own origin or match CSRF_TRUSTED_ORIGINS; without `Origin`
 *    (old browsers), an HTTPS request needs a trusted `Referer` (Django's rules and messages).
 * 3. Django's double submit: the `csrftoken` cookie echoed in `X-CSRFToken`. The token is bound
 *    to the signed-in session: an HMAC, under a key derived from SECRET_KEY, of a nonce, the
 *    user id and, with TOKEN_SESSION_CLAIM, the session id (the refresh family, which the access
 *    token names and the refresh token's record keeps). So a cookie planted from a sibling
 *    subdomain, another account's token, or (with the session claim) the token of another
 *    session of the same user is refused: the weakness of a plain double submit (OWASP's
 *    "signed double-submit cookie"). Without the session claim the binding is to the user.
 *
 * Safe methods (GET, HEAD, OPTIONS, TRACE) are never checked: they never change state.
 * Refusals are DRF's 403 `{"detail":"CSRF Failed: <Django's reason>"}`.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Settings } from '../config/settings.js';
import { TesseraError } from '../errors.js';
import { requestCookies } from './auth-cookies.js';
import { header, type HttpRequest } from './http-types.js';

/** What the checks read of a request. */
export type CsrfRequest = Pick<HttpRequest, 'method' | 'headers' | 'secure'>;

type CsrfSettings = Pick<Settings, 'SECRET_KEY' | 'CSRF_TRUSTED_ORIGINS' | 'CSRF_COOKIE_NAME' | 'CSRF_HEADER_NAME'>;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** Whether `method` is safe (RFC 9110 §9.2.1): no CSRF check, and it must not change state. */
export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method);
}

function refuse(reason: string): never {
  throw TesseraError.of('csrf_failed', `CSRF Failed: ${reason}`);
}

/**
 * Whom a CSRF token belongs to: the signed-in user and, when known (TOKEN_SESSION_CLAIM), their
 * session, so that another session of the same user cannot reuse it.
 */
export interface CsrfOwner {
  readonly userId: number | string;
  /** The session (refresh family) id; `undefined` binds the token to the user alone. */
  readonly sessionId?: string | undefined;
}

/**
 * The key CSRF tokens are signed with: derived from SECRET_KEY, used for nothing else. Tokens
 * bound to a session use a key of their own, so no user id can pass for a session's binding.
 */
function csrfKey(settings: CsrfSettings, bySession: boolean): Buffer {
  return createHmac('sha256', settings.SECRET_KEY)
    .update(bySession ? 'tessera.csrf-token.session.v1' : 'tessera.csrf-token.v1')
    .digest();
}

function mac(settings: CsrfSettings, owner: CsrfOwner, nonce: string): string {
  // A session id is a UUID (no ':'), so `<session>:<user>:<nonce>` reads one way only.
  const bound = owner.sessionId === undefined ? `${String(owner.userId)}:${nonce}` : `${owner.sessionId}:${String(owner.userId)}:${nonce}`;
  return createHmac('sha256', csrfKey(settings, owner.sessionId !== undefined))
    .update(bound)
    .digest('base64url');
}

/** A new CSRF token for `owner` (one per login and per refresh answer that sets cookies). */
export function issueCsrfToken(settings: CsrfSettings, owner: CsrfOwner): string {
  const nonce = randomBytes(16).toString('base64url');
  return `${nonce}.${mac(settings, owner, nonce)}`;
}

/**
 * The CSRF owner of a verified access token: its user and, with TOKEN_SESSION_CLAIM, its session.
 * Reads the payload only: callers pass tokens that passed verification.
 */
export function csrfOwnerOfAccess(
  settings: Pick<Settings, 'USER_ID_CLAIM' | 'TOKEN_SESSION_CLAIM'>,
  claims: Readonly<Record<string, unknown>>,
): CsrfOwner | undefined {
  const userId = claims[settings.USER_ID_CLAIM];
  if (typeof userId !== 'number' && typeof userId !== 'string') return undefined;
  const sid = settings.TOKEN_SESSION_CLAIM === null ? undefined : claims[settings.TOKEN_SESSION_CLAIM];
  return { userId, sessionId: typeof sid === 'string' ? sid : undefined };
}

/** The claims of a compact JWS already verified (its payload, parsed), or `{}` when unreadable. */
export function payloadOf(raw: string): Readonly<Record<string, unknown>> {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw.split('.')[1] ?? '', 'base64url').toString());
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Whether `token` is one this server issued to `owner`. */
export function isCsrfTokenOf(settings: CsrfSettings, token: string, owner: CsrfOwner): boolean {
  const dot = token.indexOf('.');
  if (dot <= 0) return false;
  return constantTimeEqual(token.slice(dot + 1), mac(settings, owner, token.slice(0, dot)));
}

/** `scheme://host[:port]` of the server as this request reached it. */
export function ownOrigin(request: Omit<CsrfRequest, 'method'>): string {
  return `${request.secure === true ? 'https' : 'http'}://${(header(request, 'host') ?? '').toLowerCase()}`;
}

/** Django's `_origin_verified`: the own origin, an exact trusted origin, or a `*.` subdomain match. */
export function isTrustedOrigin(origin: string, own: string, trusted: readonly string[]): boolean {
  const candidate = origin.toLowerCase();
  if (candidate === own) return true;
  return trusted.some((entry) => {
    if (!entry.includes('://*.')) return entry === candidate;
    const [scheme, suffix] = entry.split('://*.') as [string, string];
    return candidate.startsWith(`${scheme}://`) && candidate.slice(scheme.length + 3).endsWith(`.${suffix}`);
  });
}

/** The CSRF header, by its Django META name (`HTTP_X_CSRFTOKEN` is `x-csrftoken`). */
export function csrfHeaderName(settings: Pick<Settings, 'CSRF_HEADER_NAME'>): string {
  return settings.CSRF_HEADER_NAME.replace(/^HTTP_/, '')
    .replaceAll('_', '-')
    .toLowerCase();
}

/**
 * The origin half of the check (rules 1 and 2), alone: what a cookie-mode login needs, where no
 * session (and so no CSRF token) exists yet, but a cross-site form must not sign the browser
 * in to the attacker's account (login CSRF).
 */
export function checkOrigin(request: Omit<CsrfRequest, 'method'>, settings: Pick<Settings, 'CSRF_TRUSTED_ORIGINS'>): void {
  const own = ownOrigin(request);
  const origin = header(request, 'origin');
  const trusted = origin !== undefined && origin !== 'null' && isTrustedOrigin(origin, own, settings.CSRF_TRUSTED_ORIGINS);
  if (header(request, 'sec-fetch-site') === 'cross-site' && !trusted) {
    refuse(`Origin checking failed - ${origin ?? 'a cross-site request'} does not match any trusted origins.`);
  }
  if (origin !== undefined) {
    if (!trusted) refuse(`Origin checking failed - ${origin} does not match any trusted origins.`);
    return;
  }
  // No Origin: Django checks the Referer of secure requests only (plain http has no privacy-safe Referer to rely on).
  if (request.secure !== true) return;
  const referer = header(request, 'referer');
  if (referer === undefined) refuse('Referer checking failed - no Referer.');
  let refererOrigin: string;
  try {
    refererOrigin = new URL(referer).origin;
  } catch {
    return refuse('Referer checking failed - Referer is malformed.');
  }
  if (!refererOrigin.startsWith('https://')) refuse('Referer checking failed - Referer is insecure while host is secure.');
  if (!isTrustedOrigin(refererOrigin, own, settings.CSRF_TRUSTED_ORIGINS))
    refuse(`Referer checking failed - ${referer} does not match any trusted origins.`);
}

/**
 * Refuses (403) an unsafe request that a cookie authenticates for `owner` unless it passes the
 * origin checks and carries the owner's CSRF token in both the cookie and the header.
 */
export function checkCsrf(request: CsrfRequest, settings: CsrfSettings, owner: CsrfOwner): void {
  if (isSafeMethod(request.method)) return;
  checkOrigin(request, settings);
  const cookie = requestCookies(request)[settings.CSRF_COOKIE_NAME];
  if (cookie === undefined || cookie === '') refuse('CSRF cookie not set.');
  const echoed = header(request, csrfHeaderName(settings));
  if (echoed === undefined || echoed === '') refuse('CSRF token missing.');
  if (!constantTimeEqual(cookie, echoed) || !isCsrfTokenOf(settings, cookie, owner)) refuse('CSRF token incorrect.');
}
