/**
 * CSRF protection of the console's POSTs, in three layers:
 * 1. the cookies are `SameSite=Strict`, so a cross-site form arrives without a session at all;
 * 2. a request whose `Origin` names another origin, or that the browser marks
 *    `Sec-Fetch-Site: cross-site`, is refused before anything else;
 * 3. the form must carry the token: the session's own (synchronizer token) once signed in, or,
 *    on the sign-in form, the value of the console's pre-session cookie (double submit), which
 *    stops login CSRF (signing a victim into the attacker's account).
 */
import { header, type HttpRequest } from '../../../http/http-types.js';
import { sameToken } from './console-sign-ins.js';

/** The sign-in form's double-submit cookie. */
export const LOGIN_CSRF_COOKIE = 'tessera_admin_csrf';
/** The hidden field every console form carries. */
export const CSRF_FIELD = 'csrf_token';

/**
 * Whether the browser says the request came from another site. The `Origin`'s host is compared
 * with `Host`, not its scheme: behind a TLS-terminating proxy that TRUST_PROXY does not name,
 * the server sees plain HTTP while the browser's origin is `https://`, and the console must
 * still work (the CSRF token is checked either way).
 */
export function isCrossOrigin(request: HttpRequest): boolean {
  if (header(request, 'sec-fetch-site') === 'cross-site') return true;
  const origin = header(request, 'origin');
  if (origin === undefined) return false;
  const host = header(request, 'host');
  // Privacy-sensitive contexts send "Origin: null": that is not this origin either.
  if (host === undefined || !URL.canParse(origin)) return true;
  const from = new URL(origin);
  // Through URL, so that default ports compare equal (`Host: example.com:443` is `https://example.com`).
  const self = URL.canParse(`${from.protocol}//${host}`) ? new URL(`${from.protocol}//${host}`).host : undefined;
  return from.host !== self;
}

/** Whether the form's token matches `expected` (the session's, or the pre-session cookie's). */
export function formTokenMatches(form: URLSearchParams, expected: string | undefined): boolean {
  const sent = form.get(CSRF_FIELD);
  return expected !== undefined && expected !== '' && sent !== null && sameToken(sent, expected);
}
