/**
 * Signing in and out of the console. The sign-in form is protected by a double-submit cookie
 * (login CSRF), passes the login throttles, and audits every refusal; a new session id is issued
 * at every sign-in. Passwords are read from the form and forgotten: never logged, never echoed.
 */
import { TesseraError } from '../../../errors.js';
import { hasControlCharacters, MAX_USERNAME_LENGTH, normalizeUsername } from '../../../model/usernames.js';
import { reserveLoginAttempt, throttledAttemptKey, type LoginAttempt } from '../../../throttling/login-throttle.js';
import { checkCredentials } from '../../../users/login.js';
import { htmlResponse, seeOther, type PageResponse } from '../page-response.js';
import type { Notice, Visitor } from './console-layout.js';
import { csrfRefusal } from './console-refusals.js';
import { randomToken, SESSION_COOKIE } from './console-sign-ins.js';
import { consoleCookie, expiredConsoleCookie, isCookieValue } from './cookies.js';
import { formTokenMatches, isCrossOrigin, LOGIN_CSRF_COOKIE } from './csrf.js';
import { loginPage } from './login-view.js';
import { readForm, recordVisit, safeNext, type Visit } from './visit.js';

const CONTROL_CHARACTERS_REFUSED = 'Control characters (such as NUL) are not allowed in the username or password.';
const SIGN_IN_REFUSED = 'Please enter the correct username and password for a staff account. Note that both fields may be case-sensitive.';

/** The sign-in form, setting (or keeping) the pre-session CSRF cookie. */
export function loginForm(
  visit: Visit,
  status: number,
  view: { next: string; username?: string; error?: string; notice?: Notice },
): PageResponse {
  // Reuse the browser's pre-session token, so two open sign-in tabs both work.
  const existing = visit.cookies.get(LOGIN_CSRF_COOKIE);
  const csrfToken = isCookieValue(existing) ? existing : randomToken();
  return htmlResponse(status, loginPage({ ...view, root: visit.root, frame: visit.frame, csrfToken }), {
    setCookies: [consoleCookie(LOGIN_CSRF_COOKIE, csrfToken, { path: visit.root, secure: visit.connection.secure })],
  });
}

/** `POST /admin/login/`. */
export async function signIn(visit: Visit): Promise<PageResponse> {
  const { context, root } = visit;
  const form = readForm(visit.request);
  const next = safeNext(root, form.get('next'));
  if (isCrossOrigin(visit.request) || !formTokenMatches(form, visit.cookies.get(LOGIN_CSRF_COOKIE))) {
    return csrfRefusal(visit, undefined);
  }
  const username = normalizeUsername((form.get('username') ?? '').trim());
  const password = form.get('password') ?? '';
  if (hasControlCharacters(username) || hasControlCharacters(password)) {
    return loginForm(visit, 400, { next, username: '', error: CONTROL_CHARACTERS_REFUSED });
  }
  let attempt: LoginAttempt;
  try {
    attempt = await reserveLoginAttempt(context, username, visit.request.ip);
  } catch (error) {
    if (!(error instanceof TesseraError) || error.code !== 'throttled') throw error;
    // Aggregated: one audit entry per account and minute, not one per refused attempt.
    context.throttledSignIns?.note(throttledAttemptKey(username, visit.request.ip), { username, ip: visit.request.ip });
    const response = loginForm(visit, 429, {
      next,
      username: username.slice(0, MAX_USERNAME_LENGTH),
      error: `Too many failed attempts. ${error.message}`,
    });
    response.headers['retry-after'] = error.headers['retry-after'] ?? '60';
    return response;
  }
  const user =
    username === '' || password === ''
      ? undefined
      : await checkCredentials(context, username, password, visit.request.ip).catch(async (error: unknown) => {
          await attempt.settle('unchecked');
          throw error;
        });
  await attempt.settle(user === undefined || !user.isStaff ? 'failed' : 'succeeded');
  if (user === undefined || !user.isStaff) {
    await recordVisit(visit, {
      actor: { username: username.slice(0, MAX_USERNAME_LENGTH) },
      action: 'admin.sign_in_failed',
      detail: user === undefined ? 'wrong username or password, or inactive account' : 'not a staff account',
      ...(user === undefined ? {} : { target: user }),
    });
    return loginForm(visit, 403, { next, username: username.slice(0, MAX_USERNAME_LENGTH), error: SIGN_IN_REFUSED });
  }
  // A new session id at every sign-in (no fixation); Django's login() also stamps last_login.
  const { cookieValue } = await visit.signIns.start(user.id, visit.now);
  await visit.store.updateUser(user.id, { lastLogin: visit.now });
  await recordVisit(visit, { actor: user, action: 'admin.sign_in', target: user });
  const cookie = { path: root, secure: visit.connection.secure };
  return seeOther(next, [consoleCookie(SESSION_COOKIE, cookieValue, cookie), expiredConsoleCookie(LOGIN_CSRF_COOKIE, cookie)]);
}

/** `POST /admin/logout/`. */
export async function signOut(visit: Visit, visitor: Visitor): Promise<PageResponse> {
  await visit.signIns.end(visitor.session);
  await recordVisit(visit, { actor: visitor.user, action: 'admin.sign_out', target: visitor.user });
  return seeOther(`${visit.root}login/?done=signed-out`, [
    expiredConsoleCookie(SESSION_COOKIE, { path: visit.root, secure: visit.connection.secure }),
  ]);
}
