/**
 * Cookie mode (JWT_AUTH_COOKIE, dj-rest-auth's names): the token cookies and the CSRF cookie,
 * read from requests and written to answers. Parsing and serialising are the `cookie` package's
 * (RFC 6265); what goes in them, with which attributes, is decided here.
 *
 * Which requests get cookies: browser requests only, those with an `Origin` or `Sec-Fetch-Site`
 * header (every browser sends one on a POST). Mobile apps, simplejwt clients and scripts send
 * neither, and keep getting simplejwt's bodies, byte for byte.
 */
import { parseCookie, stringifySetCookie, type SetCookie } from 'cookie';
import type { Settings } from '../config/settings.js';
import { header, type HttpRequest } from './http-types.js';

type CookieSettings = Pick<
  Settings,
  | 'JWT_AUTH_COOKIE'
  | 'JWT_AUTH_REFRESH_COOKIE'
  | 'JWT_AUTH_REFRESH_COOKIE_PATH'
  | 'JWT_AUTH_HTTPONLY'
  | 'JWT_AUTH_SECURE'
  | 'JWT_AUTH_SAMESITE'
  | 'CSRF_COOKIE_NAME'
>;

/** The cookie mode in force for one mount of the token routes. */
export interface CookieMode {
  readonly accessCookie: string;
  readonly refreshCookie: string | null;
  /** JWT_AUTH_REFRESH_COOKIE_PATH, or the token routes' prefix. */
  readonly refreshPath: string;
  readonly csrfCookie: string;
  readonly httpOnly: boolean;
  readonly secure: boolean;
  readonly sameSite: 'lax' | 'strict' | 'none';
}

/** The cookie mode for token routes under `tokenPrefix`, or `undefined` when JWT_AUTH_COOKIE is unset. */
export function cookieModeOf(settings: CookieSettings, tokenPrefix: string): CookieMode | undefined {
  if (settings.JWT_AUTH_COOKIE === null) return undefined;
  return {
    accessCookie: settings.JWT_AUTH_COOKIE,
    refreshCookie: settings.JWT_AUTH_REFRESH_COOKIE,
    refreshPath: settings.JWT_AUTH_REFRESH_COOKIE_PATH ?? tokenPrefix,
    csrfCookie: settings.CSRF_COOKIE_NAME,
    httpOnly: settings.JWT_AUTH_HTTPONLY,
    secure: settings.JWT_AUTH_SECURE,
    sameSite: settings.JWT_AUTH_SAMESITE === 'None' ? 'none' : settings.JWT_AUTH_SAMESITE === 'Strict' ? 'strict' : 'lax',
  };
}

/** A request a browser made: it carries `Origin` or `Sec-Fetch-Site` (Fetch standard). */
export function isBrowserRequest(request: Pick<HttpRequest, 'headers'>): boolean {
  return header(request, 'origin') !== undefined || header(request, 'sec-fetch-site') !== undefined;
}

/** The request's cookies (several `Cookie` headers joined, as HTTP/2 may send them). */
export function requestCookies(request: Pick<HttpRequest, 'headers'>): Readonly<Record<string, string | undefined>> {
  const value = request.headers.cookie;
  const text = Array.isArray(value) ? value.join('; ') : value;
  return text === undefined || text === '' ? {} : parseCookie(text);
}

/** The hostname of the request's `Host`, without the port, lower-cased (IPv6 without brackets). */
export function requestHostname(request: Pick<HttpRequest, 'headers'>): string {
  const host = (header(request, 'host') ?? '').trim().toLowerCase();
  if (host.startsWith('[')) return host.slice(1, host.indexOf(']') < 0 ? undefined : host.indexOf(']'));
  const colon = host.lastIndexOf(':');
  return colon < 0 ? host : host.slice(0, colon);
}

/** A loopback host: `localhost` (and its subdomains), 127.0.0.0/8, `::1`. */
export function isLoopbackHostname(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || /^127(?:\.\d{1,3}){3}$/.test(hostname) || hostname === '::1';
}

/** Secure unless JWT_AUTH_SECURE is off and the request is for a loopback host (development over plain http). */
function secureFor(mode: CookieMode, request: Pick<HttpRequest, 'headers'>): boolean {
  return mode.secure || !isLoopbackHostname(requestHostname(request));
}

function attributes(
  mode: CookieMode,
  request: Pick<HttpRequest, 'headers'>,
  path: string,
  httpOnly: boolean,
): Omit<SetCookie, 'name' | 'value'> {
  return { path, httpOnly, secure: secureFor(mode, request), sameSite: mode.sameSite };
}

/** Seconds until `expiresAtMs`, at least 0 (a cookie's Max-Age matches its token's life). */
function secondsUntil(expiresAtMs: number, nowMs: number): number {
  return Math.max(0, Math.floor((expiresAtMs - nowMs) / 1000));
}

/** A token for a cookie, with when it expires. */
export interface CookieToken {
  readonly value: string;
  readonly expiresAtMs: number;
}

/** The `Set-Cookie` values for a login or refresh answer: the access cookie, the refresh cookie, the CSRF cookie. */
export function tokenCookies(
  mode: CookieMode,
  request: Pick<HttpRequest, 'headers'>,
  tokens: { readonly access: CookieToken; readonly refresh?: CookieToken | undefined; readonly csrf?: CookieToken | undefined },
  nowMs: number,
): string[] {
  const cookies = [
    stringifySetCookie({
      name: mode.accessCookie,
      value: tokens.access.value,
      maxAge: secondsUntil(tokens.access.expiresAtMs, nowMs),
      ...attributes(mode, request, '/', mode.httpOnly),
    }),
  ];
  if (mode.refreshCookie !== null && tokens.refresh !== undefined) {
    const maxAge = secondsUntil(tokens.refresh.expiresAtMs, nowMs);
    cookies.push(
      stringifySetCookie({
        name: mode.refreshCookie,
        value: tokens.refresh.value,
        maxAge,
        ...attributes(mode, request, mode.refreshPath, mode.httpOnly),
      }),
    );
  }
  if (tokens.csrf !== undefined) cookies.push(csrfCookie(mode, request, tokens.csrf, nowMs));
  return cookies;
}

/** The CSRF cookie. Not HttpOnly: the page's script reads it and echoes it in X-CSRFToken (Django's double submit). */
export function csrfCookie(mode: CookieMode, request: Pick<HttpRequest, 'headers'>, token: CookieToken, nowMs: number): string {
  return stringifySetCookie({
    name: mode.csrfCookie,
    value: token.value,
    maxAge: secondsUntil(token.expiresAtMs, nowMs),
    ...attributes(mode, request, '/', false),
  });
}

/** Logout: every cookie cleared with the attributes it was set with (else the browser keeps it). */
export function clearedCookies(mode: CookieMode, request: Pick<HttpRequest, 'headers'>): string[] {
  const expired = { value: '', maxAge: 0, expires: new Date(0) };
  const cookies = [stringifySetCookie({ name: mode.accessCookie, ...expired, ...attributes(mode, request, '/', mode.httpOnly) })];
  if (mode.refreshCookie !== null)
    cookies.push(
      stringifySetCookie({ name: mode.refreshCookie, ...expired, ...attributes(mode, request, mode.refreshPath, mode.httpOnly) }),
    );
  cookies.push(stringifySetCookie({ name: mode.csrfCookie, ...expired, ...attributes(mode, request, '/', false) }));
  return cookies;
}
