/**
 * Authentication of a request with cookie mode: the token header first, exactly as simplejwt's
 * `JWTAuthentication` (an invalid header is a 401, never a fall-back); without one, the access
 * cookie (dj-rest-auth's `JWTCookieAuthentication`), and then, for unsafe methods, the CSRF
 * check. Without JWT_AUTH_COOKIE this is the header alone.
 */
import type { TesseraContext } from './context.js';
import { isBrowserRequest, requestCookies } from './auth-cookies.js';
import { checkCsrf, checkOrigin, csrfOwnerOfAccess, isSafeMethod, payloadOf, type CsrfRequest } from './csrf-check.js';
import { header } from './http-types.js';

/** What authenticating needs of a request (adapters build it from their framework's request). */
export type AuthenticationRequest = CsrfRequest;

/** How a request was authenticated. */
export type CredentialSource = 'header' | 'cookie';

/**
 * Runs `authenticate` (with the header, or with the access cookie as if it had come in the
 * header) and returns its result with where the token came from; `undefined` when there is
 * neither. `userIdOf` gives the id the CSRF token must be bound to.
 *
 * @example
 * ```ts
 * const found = await authenticateWithCookie(context, request, 'authorization', authenticateHeader, (auth) => auth.user.id);
 * ```
 * @internal
 */
export async function authenticateWithCookie<T>(
  context: TesseraContext,
  request: AuthenticationRequest,
  tokenHeader: string,
  authenticate: (context: TesseraContext, header: string | undefined) => Promise<T | undefined>,
  userIdOf: (value: T) => number | string,
): Promise<{ value: T; source: CredentialSource } | undefined> {
  const fromHeader = await authenticate(context, header(request, tokenHeader));
  if (fromHeader !== undefined) return { value: fromHeader, source: 'header' };
  const cookieName = context.settings.JWT_AUTH_COOKIE;
  if (cookieName === null) return undefined;
  const raw = requestCookies(request)[cookieName];
  if (raw === undefined || raw === '' || /\s/.test(raw)) {
    // A browser's unsafe request with no credentials at all: whether it carries the cookie is
    // the browser's policy (third-party cookies), so the origin check applies either way.
    if (isBrowserRequest(request) && !isSafeMethod(request.method)) checkOrigin(request, context.settings);
    return undefined;
  }
  const scheme = context.settings.AUTH_HEADER_TYPES[0] ?? 'Bearer';
  const fromCookie = await authenticate(context, `${scheme} ${raw}`);
  if (fromCookie === undefined) return undefined;
  // A cookie is sent by the browser on its own: an unsafe request must prove the page meant it.
  // Bound to the cookie's session too (TOKEN_SESSION_CLAIM): the token was verified just above.
  const sessionId = csrfOwnerOfAccess(context.settings, payloadOf(raw))?.sessionId;
  checkCsrf(request, context.settings, { userId: userIdOf(fromCookie), sessionId });
  return { value: fromCookie, source: 'cookie' };
}
