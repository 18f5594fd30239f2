/**
 * The token views' answers in cookie mode (dj-rest-auth's behaviour, with safer defaults), and
 * JWT_AUTH_RETURN_EXPIRATION's fields.
 *
 * Browser requests (an `Origin` or `Sec-Fetch-Site` header) get the tokens as cookies: the
 * access cookie, the refresh cookie (left out of the body), and a CSRF token bound to the user
 * (cookie and `X-CSRFToken` header). Every other client gets simplejwt's bodies unchanged.
 * A refresh token is read from the refresh cookie only when the body has no `refresh` field,
 * and then the request must pass the CSRF check before anything changes.
 */
import type { TesseraContext } from '../context.js';
import type { Json } from '../../errors.js';
import { isBrowserRequest, requestCookies, tokenCookies, type CookieMode } from '../auth-cookies.js';
import { checkCsrf, csrfHeaderName, csrfOwnerOfAccess, isCsrfTokenOf, issueCsrfToken, payloadOf, type CsrfOwner } from '../csrf-check.js';
import type { HttpRequest } from '../http-types.js';
import { collectFieldErrors, requestData } from '../request-data.js';
import { NO_STORE } from '../responses.js';
import type { HandlerResult } from '../route.js';
import type { Claims } from '../../tokens/token-codec.js';

/** When a token we just minted expires, in ms (its `exp`). */
function expiresAtMs(token: string): number {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
  return typeof payload.exp === 'number' ? payload.exp * 1000 : 0;
}

/** Which token answer: login (`{"refresh","access"}`, simplejwt's order) or refresh (`{"access","refresh"}`). */
export type TokenAnswerKind = 'login' | 'refresh';

/**
 * A token answer's body in simplejwt's key order, without the refresh token when a cookie
 * carries it, with `access_expiration` / `refresh_expiration` when JWT_AUTH_RETURN_EXPIRATION is on.
 */
export function tokenBody(
  context: TesseraContext,
  tokens: { readonly access: string; readonly refresh?: string | undefined },
  kind: TokenAnswerKind,
  refreshInBody = true,
): Json {
  const body: Record<string, Json> = {};
  const refresh = refreshInBody ? tokens.refresh : undefined;
  if (refresh !== undefined && kind === 'login') body.refresh = refresh;
  body.access = tokens.access;
  if (refresh !== undefined && kind === 'refresh') body.refresh = refresh;
  if (context.settings.JWT_AUTH_RETURN_EXPIRATION) {
    body.access_expiration = new Date(expiresAtMs(tokens.access)).toISOString();
    if (tokens.refresh !== undefined) body.refresh_expiration = new Date(expiresAtMs(tokens.refresh)).toISOString();
  }
  return body;
}

/** Cookie mode applies to this request: configured, and a browser asked. */
export function wantsCookies(mode: CookieMode | undefined, request: HttpRequest): mode is CookieMode {
  return mode !== undefined && isBrowserRequest(request);
}

/** The owner's CSRF token: the request's own when it is still this owner's, else a new one. */
export function csrfTokenFor(context: TesseraContext, request: HttpRequest, mode: CookieMode, owner: CsrfOwner): string {
  const current = requestCookies(request)[mode.csrfCookie];
  return current !== undefined && isCsrfTokenOf(context.settings, current, owner) ? current : issueCsrfToken(context.settings, owner);
}

/**
 * The CSRF owner of a refresh token (verified): its user and, with TOKEN_SESSION_CLAIM, the
 * session its record belongs to (the family its access tokens name).
 */
export async function csrfOwnerOfRefresh(context: TesseraContext, claims: Claims): Promise<CsrfOwner> {
  const userId = claims[context.settings.USER_ID_CLAIM];
  const jti = context.codec.jti(claims);
  const familyId =
    context.settings.TOKEN_SESSION_CLAIM === null || jti === undefined ? undefined : (await context.store.findTokenState(jti))?.familyId;
  return { userId: typeof userId === 'number' || typeof userId === 'string' ? userId : '', sessionId: familyId ?? undefined };
}

/**
 * A login or refresh answer with cookies: the access token (and the refresh token, when there
 * is a refresh cookie) as HttpOnly cookies, the CSRF token as cookie and header.
 */
export function cookieAnswer(
  context: TesseraContext,
  request: HttpRequest,
  mode: CookieMode,
  tokens: { readonly access: string; readonly refresh?: string | undefined },
  kind: TokenAnswerKind,
): HandlerResult {
  const nowMs = context.codec.now();
  // The new access token names the user and (TOKEN_SESSION_CLAIM) the session: the CSRF owner.
  const csrf = csrfTokenFor(context, request, mode, csrfOwnerOfAccess(context.settings, payloadOf(tokens.access)) ?? { userId: '' });
  const refreshExpiry = tokens.refresh === undefined ? undefined : expiresAtMs(tokens.refresh);
  const setCookies = tokenCookies(
    mode,
    request,
    {
      access: { value: tokens.access, expiresAtMs: expiresAtMs(tokens.access) },
      refresh:
        tokens.refresh === undefined || refreshExpiry === undefined ? undefined : { value: tokens.refresh, expiresAtMs: refreshExpiry },
      csrf: { value: csrf, expiresAtMs: refreshExpiry ?? nowMs + context.settings.REFRESH_TOKEN_LIFETIME * 1000 },
    },
    nowMs,
  );
  return {
    status: 200,
    body: tokenBody(context, tokens, kind, mode.refreshCookie === null),
    headers: { ...NO_STORE, [csrfHeaderName(context.settings)]: csrf },
    setCookies,
  };
}

/**
 * Where a refresh or logout takes its refresh token from: `body` when the body has a `refresh`
 * field or there is no refresh cookie to read (simplejwt's behaviour; a body token always wins,
 * so simplejwt clients are unaffected), `cookie` when the refresh cookie was sent instead, and
 * `none` when cookie mode has a refresh cookie but this browser sent neither.
 */
export type RefreshTokenSource = { readonly kind: 'body' } | { readonly kind: 'cookie'; readonly raw: string } | { readonly kind: 'none' };

export async function refreshTokenSource(mode: CookieMode | undefined, request: HttpRequest, field: string): Promise<RefreshTokenSource> {
  if (mode?.refreshCookie == null) return { kind: 'body' };
  let data: unknown;
  try {
    data = await requestData(request);
  } catch (error) {
    // An unparsable body from a browser without the cookie: checked by origin first (the caller),
    // then the body's own error. With the cookie, or from other clients, the body's error as usual.
    if (wantsCookies(mode, request) && !hasCookie(mode, request)) return { kind: 'none' };
    throw error;
  }
  const checked =
    typeof data === 'object' && data !== null ? collectFieldErrors(data, [{ name: field, kind: 'char', required: false }]) : undefined;
  if (checked === undefined || field in checked.values || field in checked.errors) return { kind: 'body' };
  const raw = requestCookies(request)[mode.refreshCookie];
  if (raw !== undefined && raw !== '') return { kind: 'cookie', raw };
  return wantsCookies(mode, request) ? { kind: 'none' } : { kind: 'body' };
}

function hasCookie(mode: CookieMode, request: HttpRequest): boolean {
  const raw = mode.refreshCookie === null ? undefined : requestCookies(request)[mode.refreshCookie];
  return raw !== undefined && raw !== '';
}

/**
 * CSRF for a request whose refresh token came from the cookie: the token's user (and session)
 * must be the one the CSRF token was issued to. The signature is checked first, so a forged
 * token is a 401.
 */
export async function checkRefreshCookieCsrf(context: TesseraContext, request: HttpRequest, raw: string): Promise<void> {
  const claims = context.codec.verifySignature(raw);
  checkCsrf(request, context.settings, await csrfOwnerOfRefresh(context, claims));
}
