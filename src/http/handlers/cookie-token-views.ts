/**
 * The token views that cookie mode and JWT_AUTH_RETURN_EXPIRATION change: obtain pair,
 * refresh, blacklist (logout), logout-all, and the CSRF token view. With neither setting on,
 * each answers exactly as simplejwt's view (the same body, byte for byte).
 */
import type { TesseraContext } from '../context.js';
import { TesseraError } from '../../errors.js';
import { issuePair } from '../../sessions/issue-tokens.js';
import { readBlacklistableToken, refreshPair } from '../../sessions/refresh-tokens.js';
import { blacklistToken, logoutEverywhere } from '../../sessions/revoke-tokens.js';
import { validatedClaims } from '../../auth/authenticate-request.js';
import type { User } from '../../model/user.js';
import { clearedCookies, csrfCookie, requestCookies, type CookieMode } from '../auth-cookies.js';
import { checkOrigin, csrfHeaderName, csrfOwnerOfAccess, type CsrfOwner } from '../csrf-check.js';
import { MSG_REQUIRED } from '../../drf/fields.js';
import type { HttpRequest } from '../http-types.js';
import { originOf } from '../request-origin.js';
import { NO_STORE } from '../responses.js';
import { RefusalWithCookies, type EndpointField, type Handler, type HandlerInput, type HandlerResult, type Route } from '../route.js';
import { REFRESH_FIELD } from './token-fields.js';
import {
  checkRefreshCookieCsrf,
  cookieAnswer,
  csrfOwnerOfRefresh,
  csrfTokenFor,
  refreshTokenSource,
  tokenBody,
  wantsCookies,
} from './cookie-answers.js';

/** What these views borrow from simplejwt's: the login check and one-field validation. */
export interface BaseViews {
  readonly loggedInUser: (input: HandlerInput) => Promise<User>;
  readonly oneField: (input: HandlerInput, field: EndpointField) => Promise<string>;
  /** Runs a refresh, reporting a refusal to the events (metrics, audit). */
  readonly reportingRefusal: <T>(context: TesseraContext, work: () => Promise<T>) => Promise<T>;
}

export interface CookieTokenViews {
  readonly obtainPair: Handler;
  readonly refresh: Handler;
  readonly blacklist: Handler;
  readonly logoutAll: Handler;
}

/** Runs `logout`, then clears the cookies whatever it answered (a refusal keeps its status). */
async function clearingCookiesAfter(mode: CookieMode, request: HttpRequest, logout: () => Promise<HandlerResult>): Promise<HandlerResult> {
  const cleared = clearedCookies(mode, request);
  let result: HandlerResult;
  try {
    result = await logout();
  } catch (error) {
    throw new RefusalWithCookies(error, cleared);
  }
  return { ...result, setCookies: [...(result.setCookies ?? []), ...cleared] };
}

/**
 * The views for cookie mode `mode` (or none).
 *
 * @example
 * ```ts
 * const views = cookieTokenViews(cookieModeOf(settings, '/api/token/'), { loggedInUser, oneField });
 * ```
 */
export function cookieTokenViews(mode: CookieMode | undefined, base: BaseViews): CookieTokenViews {
  const obtainPair: Handler = async (input) => {
    const { context, request } = input;
    // Login CSRF: a cross-site form must not sign this browser in to the attacker's account.
    if (wantsCookies(mode, request)) checkOrigin(request, context.settings);
    const user = await base.loggedInUser(input);
    const pair = await issuePair(context, user);
    if (wantsCookies(mode, request)) return cookieAnswer(context, request, mode, pair, 'login');
    return { status: 200, body: tokenBody(context, pair, 'login'), headers: NO_STORE };
  };

  const refresh: Handler = async (input) => {
    const { context, request } = input;
    const source = await refreshTokenSource(mode, request, REFRESH_FIELD.name);
    // A browser asking for a cookie refresh without the cookie (another site's request, where the
    // browser kept it back): refused by origin, as it would be with the cookie.
    if (source.kind === 'none') checkOrigin(request, context.settings);
    if (source.kind !== 'cookie' || mode === undefined) {
      const raw = await base.oneField(input, REFRESH_FIELD);
      const tokens = await base.reportingRefusal(context, () => refreshPair(context, raw, originOf(request)));
      return { status: 200, body: tokenBody(context, tokens, 'refresh'), headers: NO_STORE };
    }
    // Checked before anything changes: a forged cross-site refresh must not rotate the session.
    await checkRefreshCookieCsrf(context, request, source.raw);
    const tokens = await base.reportingRefusal(context, () => refreshPair(context, source.raw, originOf(request), { fromCookie: true }));
    return cookieAnswer(context, request, mode, tokens, 'refresh');
  };

  const blacklist: Handler = async (input) => {
    const { context, request } = input;
    const source = await refreshTokenSource(mode, request, REFRESH_FIELD.name);
    if (source.kind === 'body' || mode === undefined)
      return { status: 200, body: await blacklistToken(context, await base.oneField(input, REFRESH_FIELD), originOf(request)) };
    if (source.kind === 'none') {
      // A browser with no refresh cookie left (it expired): the other cookies still go.
      checkOrigin(request, context.settings);
      throw new RefusalWithCookies(TesseraError.fields({ refresh: [MSG_REQUIRED] }), clearedCookies(mode, request));
    }
    try {
      await checkRefreshCookieCsrf(context, request, source.raw);
    } catch (error) {
      // A refresh cookie that is no token at all is cleared once the request is shown same-origin.
      if (error instanceof TesseraError) throw error;
      checkOrigin(request, context.settings);
      throw new RefusalWithCookies(error, clearedCookies(mode, request));
    }
    return clearingCookiesAfter(mode, request, async () => ({
      status: 200,
      body: await blacklistToken(context, source.raw, originOf(request)),
    }));
  };

  const logoutAll: Handler = async ({ context, request, auth }) => {
    // The route is authenticated: the router answered 401 before reaching here without a user.
    if (auth === undefined) throw TesseraError.of('not_authenticated');
    const answer = async (): Promise<HandlerResult> => ({
      status: 200,
      body: await logoutEverywhere(context, auth.user, originOf(request)),
    });
    return wantsCookies(mode, request) ? clearingCookiesAfter(mode, request, answer) : answer();
  };

  return { obtainPair, refresh, blacklist, logoutAll };
}

/** The CSRF owner (user and session) a request's refresh cookie (else access cookie) names, if the token is valid. */
async function cookieOwner(context: TesseraContext, mode: CookieMode, request: HttpRequest): Promise<CsrfOwner | undefined> {
  const cookies = requestCookies(request);
  const refresh = mode.refreshCookie === null ? undefined : cookies[mode.refreshCookie];
  if (refresh !== undefined && refresh !== '') {
    const owner = await csrfOwnerOfRefresh(context, await readBlacklistableToken(context, refresh, 'refresh', context.codec.now()));
    return owner.userId === '' ? undefined : owner;
  }
  const access = cookies[mode.accessCookie];
  return access === undefined || access === '' ? undefined : csrfOwnerOfAccess(context.settings, await validatedClaims(context, access));
}

/**
 * `GET <prefix>csrf/` (cookie mode only): the CSRF token of the signed-in browser, as a cookie,
 * a header and `{"csrftoken": "..."}`, for a front end on another site (which cannot read the
 * API's cookies) after a reload. Safe: it changes nothing a request could abuse, and only
 * CORS-allowed origins can read the answer.
 */
export function csrfTokenRoute(prefix: string, mode: CookieMode): Route {
  const view: Handler = async ({ context, request }) => {
    const owner = await cookieOwner(context, mode, request);
    if (owner === undefined) throw TesseraError.of('not_authenticated');
    const token = csrfTokenFor(context, request, mode, owner);
    const nowMs = context.codec.now();
    return {
      status: 200,
      body: { csrftoken: token },
      headers: { ...NO_STORE, [csrfHeaderName(context.settings)]: token },
      setCookies: [csrfCookie(mode, request, { value: token, expiresAtMs: nowMs + context.settings.REFRESH_TOKEN_LIFETIME * 1000 }, nowMs)],
    };
  };
  return {
    path: `${prefix}csrf/`,
    name: 'Token Csrf',
    description: "Returns the signed-in browser's CSRF token (cookie mode), to echo in the X-CSRFToken header.",
    handlers: { GET: view },
    authenticated: false,
    tag: 'Tokens',
  };
}
