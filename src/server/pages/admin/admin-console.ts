/**
 * The admin console at `/admin/`: staff sign-in, users, tokens and the audit trail.
 *
 * Every request goes through the same gate, in this order: the store must keep an audit trail
 * (or the console is unavailable rather than unaudited); the session cookie is resolved and its
 * user re-read (active and staff, or the session ends); anonymous visitors are sent to the
 * sign-in page (GET) or refused (POST, 403); every POST passes the CSRF checks (`csrf.ts`);
 * then the page or action runs. Every action writes the audit trail. Passwords are read from
 * the form, hashed and forgotten: never logged, never echoed, never audited.
 */
import type { TesseraContext } from '../../../http/context.js';
import { TesseraError } from '../../../errors.js';
import { header, type HttpRequest } from '../../../http/http-types.js';
import { hashPassword } from '../../../passwords/hasher.js';
import { UniqueViolationError, type AuditTrail, type Store } from '../../../model/store.js';
import { clearAccountLocks, reserveLoginAttempt, throttledAttemptKey, type LoginAttempt } from '../../../throttling/login-throttle.js';
import { checkCredentials } from '../../../users/login.js';
import { hasAccountStore } from '../../../accounts/account-store.js';
import { sendPasswordResetMail } from '../../../accounts/request-password-reset.js';
import { recoveryViewOf } from './account-recovery.js';
import { hasControlCharacters, MAX_USERNAME_LENGTH, normalizeUsername } from '../../../model/usernames.js';
import type { User, UserPatch } from '../../../model/user.js';
import { htmlResponse, movedPermanently, seeOther, type ConnectionInfo, type PageResponse } from '../page-response.js';
import { ConsoleSignIns, randomToken, SESSION_COOKIE } from './console-sign-ins.js';
import {
  auditPage,
  loginPage,
  messagePage,
  newUserPage,
  overviewPage,
  userPage,
  usersPage,
  type Notice,
  type Visitor,
} from './admin-views.js';
import { recordAudit, type AuditEvent } from './audit-trail.js';
import { originOf } from '../../../http/request-origin.js';
import { consoleCookie, expiredConsoleCookie, isCookieValue, parseCookies } from './cookies.js';
import { formTokenMatches, isCrossOrigin, LOGIN_CSRF_COOKIE } from './csrf.js';
import {
  checkNewPassword,
  checkUserFields,
  hasErrors,
  readPasswordForm,
  readUserForm,
  type FormErrors,
  type UserFormValues,
} from './user-form.js';
import { changeCutsOffTokens } from '../../../users/token-cutoff.js';

const PAGE_SIZE = 50;
const CONTROL_CHARACTERS_REFUSED = 'Control characters (such as NUL) are not allowed in the username or password.';
const SIGN_IN_REFUSED = 'Please enter the correct username and password for a staff account. Note that both fields may be case-sensitive.';

/**
 * Whether `actor` may change `target`: superusers may change anyone; other staff may change
 * themselves and accounts without staff or superuser status (no staff member can take over
 * another's account, or a superuser's).
 */
export function mayManage(actor: User, target: User): boolean {
  return actor.isSuperuser || actor.id === target.id || (!target.isStaff && !target.isSuperuser);
}

/** Where to go after signing in: only a console page, never another site (`//evil`, `/\evil`). */
function safeNext(next: string | null | undefined): string {
  if (next === null || next === undefined || !/^\/admin\/[A-Za-z0-9/_?=&%.+-]*$/.test(next)) return '/admin/';
  if (next.startsWith('/admin/login/') || next.startsWith('/admin/logout/')) return '/admin/';
  return next;
}

function readForm(request: HttpRequest): URLSearchParams {
  const type = (header(request, 'content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  return type === 'application/x-www-form-urlencoded' ? new URLSearchParams(request.body.toString('utf8')) : new URLSearchParams();
}

function queryOf(request: HttpRequest): URLSearchParams {
  return new URLSearchParams((request.search ?? '').replace(/^\?/, ''));
}

function pageNumber(query: URLSearchParams): number {
  const page = Number(query.get('page') ?? '1');
  return Number.isSafeInteger(page) && page >= 1 && page <= 100_000 ? page : 1;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The one-time notice a redirect asked for (`?done=...`): fixed texts, nothing from the URL shown. */
function noticeOf(query: URLSearchParams): Notice | undefined {
  const count = Number(query.get('n') ?? '0');
  const n = Number.isSafeInteger(count) && count >= 0 ? count : 0;
  switch (query.get('done')) {
    case 'created':
      return { kind: 'success', text: 'The user was created.' };
    case 'saved':
      return { kind: 'success', text: 'The changes were saved.' };
    case 'unchanged':
      return { kind: 'warning', text: 'Nothing was changed.' };
    case 'password':
      return { kind: 'success', text: `The password was set.${n > 0 ? ` ${plural(n, 'refresh token')} blacklisted.` : ''}` };
    case 'blacklisted':
      return { kind: 'success', text: 'The token was blacklisted.' };
    case 'already':
      return { kind: 'warning', text: 'That token was already blacklisted.' };
    case 'no-token':
      return { kind: 'error', text: 'This user has no such token.' };
    case 'blacklisted-all':
      return { kind: 'success', text: `${plural(n, 'token')} blacklisted.` };
    case 'revoked':
      return { kind: 'success', text: `The session was revoked: ${plural(n, 'token')} blacklisted.` };
    case 'flushed':
      return { kind: 'success', text: `${plural(n, 'expired token')} flushed.` };
    case 'unlocked':
      return { kind: 'success', text: `Login locks cleared (${plural(n, 'counter')}).` };
    case 'signed-out':
      return { kind: 'success', text: 'You are signed out.' };
    case 'reset-sent':
      return { kind: 'success', text: 'A password reset mail is on its way to the user.' };
    case 'reset-unavailable':
      return { kind: 'error', text: 'No reset mail can be sent to this user.' };
    default:
      return undefined;
  }
}

function describeFlags(values: Pick<UserFormValues, 'isActive' | 'isStaff' | 'isSuperuser'>): string {
  const yes = (value: boolean): string => (value ? 'yes' : 'no');
  return `active: ${yes(values.isActive)}, staff: ${yes(values.isStaff)}, superuser: ${yes(values.isSuperuser)}`;
}

function uniqueViolationErrors(error: UniqueViolationError): FormErrors {
  return error.field === 'username'
    ? { username: ['A user with that username already exists.'] }
    : { email: ['A user with that email address already exists.'] };
}

interface Visit {
  readonly request: HttpRequest;
  readonly connection: ConnectionInfo;
  readonly store: Store;
  readonly audit: AuditTrail;
  readonly signIns: ConsoleSignIns;
  readonly now: Date;
  readonly cookies: Map<string, string>;
}

/**
 * The console as a page handler: answers every path under `/admin/` (and `/admin` with a
 * redirect), and nothing else.
 */
export function createAdminConsole(
  context: TesseraContext,
): (request: HttpRequest, connection: ConnectionInfo) => Promise<PageResponse | undefined> {
  const { settings } = context;

  const audit = (visit: Visit, event: Omit<AuditEvent, 'origin'>): Promise<void> =>
    recordAudit(context.events, { ...event, origin: originOf(visit.request) });

  async function currentVisitor(visit: Visit): Promise<Visitor | undefined> {
    const cookieValue = visit.cookies.get(SESSION_COOKIE);
    if (!isCookieValue(cookieValue)) return undefined;
    const session = await visit.signIns.resume(cookieValue, visit.now);
    if (session === undefined) return undefined;
    // Read fresh, not from the per-process cache: a revoked staff member is out at once.
    const user = await visit.store.findUser('id', session.userId);
    if (user === undefined || !user.isActive || !user.isStaff) {
      await visit.signIns.end(session);
      return undefined;
    }
    return { user, session };
  }

  // ---- signing in and out ----

  function loginForm(
    visit: Visit,
    status: number,
    view: { next: string; username?: string; error?: string; notice?: Notice },
  ): PageResponse {
    // Reuse the browser's pre-session token, so two open sign-in tabs both work.
    const existing = visit.cookies.get(LOGIN_CSRF_COOKIE);
    const csrfToken = isCookieValue(existing) ? existing : randomToken();
    return htmlResponse(status, loginPage({ ...view, csrfToken }), {
      setCookies: [consoleCookie(LOGIN_CSRF_COOKIE, csrfToken, { secure: visit.connection.secure })],
    });
  }

  async function signIn(visit: Visit): Promise<PageResponse> {
    const form = readForm(visit.request);
    const next = safeNext(form.get('next'));
    if (isCrossOrigin(visit.request) || !formTokenMatches(form, visit.cookies.get(LOGIN_CSRF_COOKIE))) {
      return csrfRefusal(undefined);
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
      await audit(visit, {
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
    await audit(visit, { actor: user, action: 'admin.sign_in', target: user });
    return seeOther(next, [
      consoleCookie(SESSION_COOKIE, cookieValue, { secure: visit.connection.secure }),
      expiredConsoleCookie(LOGIN_CSRF_COOKIE, visit.connection.secure),
    ]);
  }

  async function signOut(visit: Visit, visitor: Visitor): Promise<PageResponse> {
    await visit.signIns.end(visitor.session);
    await audit(visit, { actor: visitor.user, action: 'admin.sign_out', target: visitor.user });
    return seeOther('/admin/login/?done=signed-out', [expiredConsoleCookie(SESSION_COOKIE, visit.connection.secure)]);
  }

  function csrfRefusal(visitor: Visitor | undefined): PageResponse {
    return htmlResponse(
      403,
      messagePage(
        visitor,
        'Request refused',
        'The form did not carry a valid security token (CSRF check failed), or came from another site. Reload the page and try again.',
        {
          href: visitor === undefined ? '/admin/login/' : '/admin/',
          label: visitor === undefined ? 'Back to sign-in' : 'Back to the console',
        },
      ),
    );
  }

  // ---- users ----

  async function targetUser(visit: Visit, id: string): Promise<User | undefined> {
    return visit.store.findUser('id', Number(id));
  }

  async function renderUser(
    visit: Visit,
    visitor: Visitor,
    user: User,
    status: number,
    extra: Partial<Parameters<typeof userPage>[1]> = {},
  ): Promise<PageResponse> {
    const [tokens, history, recovery] = await Promise.all([
      visit.store.listTokens({ userId: user.id, limit: 200 }),
      visit.audit.listAudit({ targetUserId: user.id, limit: 50 }),
      recoveryViewOf(context, user),
    ]);
    return htmlResponse(
      status,
      userPage(visitor, {
        user,
        tokens,
        audit: history,
        manageable: mayManage(visitor.user, user),
        now: visit.now,
        notice: noticeOf(queryOf(visit.request)),
        recovery,
        ...extra,
      }),
    );
  }

  async function createUser(visit: Visit, visitor: Visitor, form: URLSearchParams): Promise<PageResponse> {
    const values = readUserForm(form);
    const passwords = readPasswordForm(form);
    const errors: FormErrors = { ...checkUserFields(values) };
    Object.assign(errors, checkNewPassword(passwords, values, settings.MAX_PASSWORD_LENGTH));
    if (!visitor.user.isSuperuser && (values.isStaff || values.isSuperuser))
      errors[''] = ['Only a superuser can grant staff or superuser status.'];
    if (hasErrors(errors)) return htmlResponse(400, newUserPage(visitor, { values, errors }));
    let user: User;
    try {
      user = await visit.store.createUser(
        {
          username: values.username,
          email: values.email,
          firstName: values.firstName,
          lastName: values.lastName,
          password: await hashPassword(passwords.password),
          isActive: values.isActive,
          isStaff: values.isStaff,
          isSuperuser: values.isSuperuser,
          dateJoined: visit.now,
        },
        { uniqueAfterFolding: true },
      );
    } catch (error) {
      if (error instanceof UniqueViolationError)
        return htmlResponse(400, newUserPage(visitor, { values, errors: uniqueViolationErrors(error) }));
      throw error;
    }
    await audit(visit, {
      actor: visitor.user,
      action: 'user.create',
      target: user,
      detail: `${describeFlags(user)}${user.email === '' ? '' : `, email: ${user.email}`}`,
    });
    return seeOther(`/admin/users/${user.id}/?done=created`);
  }

  async function updateUser(visit: Visit, visitor: Visitor, target: User, form: URLSearchParams): Promise<PageResponse> {
    const self = visitor.user.id === target.id;
    const canGrant = visitor.user.isSuperuser && !self;
    const sent = readUserForm(form);
    // Fields the visitor may not change were shown disabled (so not sent): they keep their value.
    const values: UserFormValues = {
      ...sent,
      isActive: self ? target.isActive : sent.isActive,
      isStaff: canGrant ? sent.isStaff : target.isStaff,
      isSuperuser: canGrant ? sent.isSuperuser : target.isSuperuser,
    };
    const errors = checkUserFields(values);
    if (hasErrors(errors)) return renderUser(visit, visitor, target, 400, { editValues: values, editErrors: errors });

    const patch: { -readonly [K in keyof UserPatch]: UserPatch[K] } = {};
    const changes: string[] = [];
    const yes = (value: boolean): string => (value ? 'yes' : 'no');
    const texts = [
      ['username', 'username', target.username, values.username],
      ['email', 'email', target.email, values.email],
      ['firstName', 'first name', target.firstName, values.firstName],
      ['lastName', 'last name', target.lastName, values.lastName],
    ] as const;
    for (const [key, label, before, after] of texts) {
      if (before === after) continue;
      patch[key] = after;
      changes.push(`${label}: “${before}” → “${after}”`);
    }
    const flags = [
      ['isActive', 'active', target.isActive, values.isActive],
      ['isStaff', 'staff', target.isStaff, values.isStaff],
      ['isSuperuser', 'superuser', target.isSuperuser, values.isSuperuser],
    ] as const;
    for (const [key, label, before, after] of flags) {
      if (before === after) continue;
      patch[key] = after;
      changes.push(`${label}: ${yes(before)} → ${yes(after)}`);
    }
    if (changes.length === 0) return seeOther(`/admin/users/${target.id}/?done=unchanged`);
    try {
      await visit.store.updateUser(target.id, patch, { uniqueAfterFolding: true });
    } catch (error) {
      if (error instanceof UniqueViolationError)
        return renderUser(visit, visitor, target, 400, { editValues: values, editErrors: uniqueViolationErrors(error) });
      throw error;
    }
    // A deactivation or (REVOKE_ON_PRIVILEGE_CHANGE) a change of powers takes effect on tokens
    // already issued at once, not when they expire.
    if (changeCutsOffTokens(settings, target, values)) {
      await visit.store.cutOffTokens(target.id, visit.now);
      changes.push('tokens issued before cut off');
    }
    await audit(visit, {
      actor: visitor.user,
      action: 'user.update',
      target: { userId: target.id, label: values.username },
      detail: changes.join('; '),
    });
    if (target.isActive && !values.isActive)
      await audit(visit, { actor: visitor.user, action: 'account.deactivated', target: { userId: target.id, label: values.username } });
    return seeOther(`/admin/users/${target.id}/?done=saved`);
  }

  async function setPassword(visit: Visit, visitor: Visitor, target: User, form: URLSearchParams): Promise<PageResponse> {
    const passwords = readPasswordForm(form);
    const errors = checkNewPassword(passwords, target, settings.MAX_PASSWORD_LENGTH);
    if (hasErrors(errors)) return renderUser(visit, visitor, target, 400, { passwordErrors: errors });
    await visit.store.updateUser(target.id, { password: await hashPassword(passwords.password) });
    // Tokens issued under the old password stop working at once (issue 15).
    await visit.store.cutOffTokens(target.id, visit.now);
    // The old password's console sessions end (the visitor's own, if it is their password, stays).
    const endedSessions = await visit.signIns.endAllOf(target.id, visitor.user.id === target.id ? visitor.session : undefined);
    const blacklisted = form.get('logout_everywhere') === 'on' ? await visit.store.blacklistAllForUser(target.id, visit.now) : 0;
    const details = ['password changed'];
    if (form.get('logout_everywhere') === 'on') details.push(`${plural(blacklisted, 'refresh token')} blacklisted`);
    if (endedSessions > 0) details.push(`${plural(endedSessions, 'console session')} ended`);
    await audit(visit, { actor: visitor.user, action: 'user.set_password', target, detail: details.join('; ') });
    return seeOther(`/admin/users/${target.id}/?done=password&n=${blacklisted}`);
  }

  async function sendResetMail(visit: Visit, visitor: Visitor, target: User): Promise<PageResponse> {
    const sent = hasAccountStore(context.store) && sendPasswordResetMail(context, target);
    if (sent) await audit(visit, { actor: visitor.user, action: 'user.password_reset_mail', target, detail: 'password reset mail sent' });
    return seeOther(`/admin/users/${target.id}/?done=${sent ? 'reset-sent' : 'reset-unavailable'}`);
  }

  // ---- tokens ----

  async function blacklistOne(visit: Visit, visitor: Visitor, target: User, form: URLSearchParams): Promise<PageResponse> {
    const jti = form.get('jti') ?? '';
    const token = jti === '' ? undefined : (await visit.store.listTokens({ userId: target.id })).find((candidate) => candidate.jti === jti);
    if (token === undefined) return seeOther(`/admin/users/${target.id}/?done=no-token`);
    const done = await visit.store.blacklist(token, visit.now);
    await audit(visit, {
      actor: visitor.user,
      action: 'token.blacklist',
      target,
      detail: `jti ${jti}${token.familyId === null ? '' : `, family ${token.familyId}`}${done ? '' : ' (already blacklisted)'}`,
    });
    return seeOther(`/admin/users/${target.id}/?done=${done ? 'blacklisted' : 'already'}`);
  }

  async function blacklistAll(visit: Visit, visitor: Visitor, target: User): Promise<PageResponse> {
    const count = await visit.store.blacklistAllForUser(target.id, visit.now);
    await audit(visit, {
      actor: visitor.user,
      action: 'token.blacklist_all',
      target,
      detail: `${plural(count, 'token')} blacklisted, sessions revoked`,
    });
    return seeOther(`/admin/users/${target.id}/?done=blacklisted-all&n=${count}`);
  }

  /** An administrator's unlock of the login throttles (issue 12): the account's and its per-address counters. */
  async function clearLoginLocks(visit: Visit, visitor: Visitor, target: User): Promise<PageResponse> {
    const count = await clearAccountLocks(context, target.username);
    await audit(visit, {
      actor: visitor.user,
      action: 'user.clear_login_locks',
      target,
      detail: `${plural(count, 'throttle counter')} cleared`,
    });
    return seeOther(`/admin/users/${target.id}/?done=unlocked&n=${count}`);
  }

  async function revokeFamily(visit: Visit, visitor: Visitor, target: User, form: URLSearchParams): Promise<PageResponse> {
    const familyId = form.get('family') ?? '';
    const belongs = familyId !== '' && (await visit.store.listTokens({ userId: target.id })).some((token) => token.familyId === familyId);
    if (!belongs) return seeOther(`/admin/users/${target.id}/?done=no-token`);
    const count = await visit.store.revokeFamily(familyId, visit.now, 'admin');
    await audit(visit, {
      actor: visitor.user,
      action: 'family.revoke',
      target,
      detail: `family ${familyId}, ${plural(count, 'token')} blacklisted`,
    });
    return seeOther(`/admin/users/${target.id}/?done=revoked&n=${count}`);
  }

  async function flushExpired(visit: Visit, visitor: Visitor): Promise<PageResponse> {
    const count = await visit.store.flushExpired(visit.now);
    await audit(visit, { actor: visitor.user, action: 'tokens.flush_expired', detail: `${plural(count, 'expired token')} deleted` });
    return seeOther(`/admin/?done=flushed&n=${count}`);
  }

  // ---- dispatch ----

  function notAllowed(allow: string, visitor: Visitor | undefined): PageResponse {
    const response = htmlResponse(405, messagePage(visitor, 'Method not allowed', 'This page does not take that kind of request.'));
    response.headers.allow = allow;
    return response;
  }

  function notFound(visitor: Visitor): PageResponse {
    return htmlResponse(
      404,
      messagePage(visitor, 'Not found', 'There is no such page or user in the console.', { href: '/admin/', label: 'Back to the console' }),
    );
  }

  function refused(visitor: Visitor, target: User): PageResponse {
    return htmlResponse(
      403,
      messagePage(visitor, 'Not allowed', `Only a superuser can change the staff account ${target.username}.`, {
        href: `/admin/users/${target.id}/`,
        label: 'Back to the user',
      }),
    );
  }

  async function signedIn(visit: Visit, visitor: Visitor): Promise<PageResponse> {
    const { request } = visit;
    const { path } = request;
    const isGet = request.method === 'GET' || request.method === 'HEAD';
    const isPost = request.method === 'POST';
    const query = queryOf(request);

    let form = new URLSearchParams();
    if (isPost) {
      form = readForm(request);
      if (isCrossOrigin(request) || !formTokenMatches(form, visitor.session.csrfToken)) {
        await audit(visit, { actor: visitor.user, action: 'admin.csrf_refused', detail: `POST ${path}` });
        return csrfRefusal(visitor);
      }
    }

    if (path === '/admin/') {
      if (!isGet) return notAllowed('GET, HEAD', visitor);
      return htmlResponse(200, overviewPage(visitor, { recent: await visit.audit.listAudit({ limit: 10 }), notice: noticeOf(query) }));
    }
    if (path === '/admin/logout/') return isPost ? signOut(visit, visitor) : notAllowed('POST', visitor);
    if (path === '/admin/audit/') {
      if (!isGet) return notAllowed('GET, HEAD', visitor);
      const page = pageNumber(query);
      const action = (query.get('action') ?? '').slice(0, 64);
      const userText = query.get('user') ?? '';
      const userId = /^\d{1,9}$/.test(userText) ? Number(userText) : undefined;
      const entries = await visit.audit.listAudit({
        limit: PAGE_SIZE + 1,
        offset: (page - 1) * PAGE_SIZE,
        ...(action === '' ? {} : { action }),
        ...(userId === undefined ? {} : { targetUserId: userId }),
      });
      return htmlResponse(
        200,
        auditPage(visitor, { entries: entries.slice(0, PAGE_SIZE), page, hasNext: entries.length > PAGE_SIZE, action, userId }),
      );
    }
    if (path === '/admin/users/') {
      if (!isGet) return notAllowed('GET, HEAD', visitor);
      const page = pageNumber(query);
      const search = (query.get('q') ?? '').trim().slice(0, 150);
      const users = await visit.store.listUsers({ search, limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE });
      return htmlResponse(200, usersPage(visitor, { users: users.slice(0, PAGE_SIZE), search, page, hasNext: users.length > PAGE_SIZE }));
    }
    if (path === '/admin/users/new/') {
      if (isGet) return htmlResponse(200, newUserPage(visitor, {}));
      return isPost ? createUser(visit, visitor, form) : notAllowed('GET, HEAD, POST', visitor);
    }
    if (path === '/admin/tokens/flush-expired/') return isPost ? flushExpired(visit, visitor) : notAllowed('POST', visitor);

    const match =
      /^\/admin\/users\/(\d{1,15})\/(?:(password|tokens\/blacklist|tokens\/blacklist-all|families\/revoke|login-locks\/clear|password-reset)\/)?$/.exec(
        path,
      );
    if (match === null) return notFound(visitor);
    const target = await targetUser(visit, match[1] ?? '');
    if (target === undefined) return notFound(visitor);
    const action = match[2];
    if (action === undefined) {
      if (isGet) return renderUser(visit, visitor, target, 200);
      if (!isPost) return notAllowed('GET, HEAD, POST', visitor);
    } else if (!isPost) {
      return notAllowed('POST', visitor);
    }
    if (!mayManage(visitor.user, target)) return refused(visitor, target);
    switch (action) {
      case undefined:
        return updateUser(visit, visitor, target, form);
      case 'password':
        return setPassword(visit, visitor, target, form);
      case 'password-reset':
        return sendResetMail(visit, visitor, target);
      case 'tokens/blacklist':
        return blacklistOne(visit, visitor, target, form);
      case 'tokens/blacklist-all':
        return blacklistAll(visit, visitor, target);
      case 'login-locks/clear':
        return clearLoginLocks(visit, visitor, target);
      default:
        return revokeFamily(visit, visitor, target, form);
    }
  }

  return async (request, connection) => {
    const { path } = request;
    if (path === '/admin') return movedPermanently(request);
    if (!path.startsWith('/admin/')) return undefined;
    const { store } = context;
    if (store.audit === undefined || store.consoleSignIns === undefined) {
      return htmlResponse(
        503,
        messagePage(
          undefined,
          'Admin console unavailable',
          'This server’s store keeps no audit trail, so the admin console is off. The bundled SQLite and PostgreSQL stores have one.',
        ),
      );
    }
    const visit: Visit = {
      request,
      connection,
      store,
      audit: store.audit,
      signIns: new ConsoleSignIns(store.consoleSignIns),
      now: new Date(context.codec.now()),
      cookies: parseCookies(header(request, 'cookie')),
    };
    const visitor = await currentVisitor(visit);
    const isGet = request.method === 'GET' || request.method === 'HEAD';

    if (path === '/admin/login/') {
      if (isGet) {
        const query = queryOf(request);
        if (visitor !== undefined) return seeOther(safeNext(query.get('next')));
        return loginForm(visit, 200, { next: safeNext(query.get('next')), notice: noticeOf(query) });
      }
      return request.method === 'POST' ? signIn(visit) : notAllowed('GET, HEAD, POST', visitor);
    }
    if (visitor === undefined) {
      // A session cookie that no longer names a live session is cleared on the way.
      const clear = visit.cookies.has(SESSION_COOKIE) ? [expiredConsoleCookie(SESSION_COOKIE, connection.secure)] : undefined;
      if (isGet) {
        const response = seeOther(`/admin/login/?next=${encodeURIComponent(`${path}${request.search ?? ''}`)}`, clear);
        response.status = 302;
        return response;
      }
      const response = htmlResponse(
        403,
        messagePage(undefined, 'Sign in first', 'Only signed-in staff can do this.', { href: '/admin/login/', label: 'Sign in' }),
      );
      if (clear !== undefined) response.setCookies = clear;
      return response;
    }
    return signedIn(visit, visitor);
  };
}
