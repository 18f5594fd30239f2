/**
 * The console's actions on one account: create, change (details, active, staff and superuser
 * status; groups and permissions are `privilege-actions.ts`), set the password, send a reset mail.
 * Every action writes the audit trail; passwords are hashed and forgotten, never logged or echoed.
 */
import { hasAccountStore } from '../../../accounts/account-store.js';
import { sendPasswordResetMail } from '../../../accounts/request-password-reset.js';
import { UniqueViolationError } from '../../../model/store.js';
import type { User, UserPatch } from '../../../model/user.js';
import { hashPassword } from '../../../passwords/hasher.js';
import { changeCutsOffTokens } from '../../../users/token-cutoff.js';
import { htmlResponse, seeOther, type PageResponse } from '../page-response.js';
import { privilegesViewOf } from './account-privileges.js';
import { recoveryViewOf } from './account-recovery.js';
import type { Visitor } from './console-layout.js';
import { noticeOf } from './notices.js';
import {
  checkNewPassword,
  checkUserFields,
  hasErrors,
  readPasswordForm,
  readUserForm,
  type FormErrors,
  type UserFormValues,
} from './user-form.js';
import { userPage } from './user-view.js';
import { newUserPage } from './users-views.js';
import { mayManage, plural, queryOf, recordVisit, type Visit } from './visit.js';

function describeFlags(values: Pick<UserFormValues, 'isActive' | 'isStaff' | 'isSuperuser'>): string {
  const yes = (value: boolean): string => (value ? 'yes' : 'no');
  return `active: ${yes(values.isActive)}, staff: ${yes(values.isStaff)}, superuser: ${yes(values.isSuperuser)}`;
}

function uniqueViolationErrors(error: UniqueViolationError): FormErrors {
  return error.field === 'username'
    ? { username: ['A user with that username already exists.'] }
    : { email: ['A user with that email address already exists.'] };
}

/** A user's page, with the notice the URL asks for; `extra` carries a form sent back with errors. */
export async function renderUser(
  visit: Visit,
  visitor: Visitor,
  user: User,
  status: number,
  extra: Partial<Parameters<typeof userPage>[1]> = {},
): Promise<PageResponse> {
  const [tokens, history, recovery, privileges] = await Promise.all([
    visit.store.listTokens({ userId: user.id, limit: 200 }),
    visit.audit.listAudit({ targetUserId: user.id, limit: 50 }),
    recoveryViewOf(visit.context, user),
    extra.privileges === undefined ? privilegesViewOf(visit, visitor, user) : undefined,
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
      privileges,
      ...extra,
    }),
  );
}

/** `POST /admin/users/new/`. Only superusers may hand out staff or superuser status. */
export async function createUser(visit: Visit, visitor: Visitor, form: URLSearchParams): Promise<PageResponse> {
  const values = readUserForm(form);
  const passwords = readPasswordForm(form);
  const errors: FormErrors = { ...checkUserFields(values) };
  Object.assign(errors, checkNewPassword(passwords, values, visit.context.settings.MAX_PASSWORD_LENGTH));
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
  await recordVisit(visit, {
    actor: visitor.user,
    action: 'user.create',
    target: user,
    detail: `${describeFlags(user)}${user.email === '' ? '' : `, email: ${user.email}`}`,
  });
  return seeOther(`${visit.root}users/${user.id}/?done=created`);
}

/** `POST /admin/users/<id>/`: the details and flags, each change audited. */
export async function updateUser(visit: Visit, visitor: Visitor, target: User, form: URLSearchParams): Promise<PageResponse> {
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
  if (changes.length === 0) return seeOther(`${visit.root}users/${target.id}/?done=unchanged`);
  try {
    await visit.store.updateUser(target.id, patch, { uniqueAfterFolding: true });
  } catch (error) {
    if (error instanceof UniqueViolationError)
      return renderUser(visit, visitor, target, 400, { editValues: values, editErrors: uniqueViolationErrors(error) });
    throw error;
  }
  // A deactivation or (REVOKE_ON_PRIVILEGE_CHANGE) a change of powers takes effect on tokens
  // already issued at once, not when they expire.
  if (changeCutsOffTokens(visit.context.settings, target, values)) {
    await visit.store.cutOffTokens(target.id, visit.now);
    changes.push('tokens issued before cut off');
  }
  await recordVisit(visit, {
    actor: visitor.user,
    action: 'user.update',
    target: { userId: target.id, label: values.username },
    detail: changes.join('; '),
  });
  if (target.isActive && !values.isActive)
    await recordVisit(visit, { actor: visitor.user, action: 'account.deactivated', target: { userId: target.id, label: values.username } });
  return seeOther(`${visit.root}users/${target.id}/?done=saved`);
}

/** `POST /admin/users/<id>/password/`. */
export async function setPassword(visit: Visit, visitor: Visitor, target: User, form: URLSearchParams): Promise<PageResponse> {
  const passwords = readPasswordForm(form);
  const errors = checkNewPassword(passwords, target, visit.context.settings.MAX_PASSWORD_LENGTH);
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
  await recordVisit(visit, { actor: visitor.user, action: 'user.set_password', target, detail: details.join('; ') });
  return seeOther(`${visit.root}users/${target.id}/?done=password&n=${blacklisted}`);
}

/** `POST /admin/users/<id>/password-reset/`: the mail `POST /accounts/password/reset/` sends. */
export async function sendResetMail(visit: Visit, visitor: Visitor, target: User): Promise<PageResponse> {
  const sent = hasAccountStore(visit.context.store) && sendPasswordResetMail(visit.context, target);
  if (sent)
    await recordVisit(visit, { actor: visitor.user, action: 'user.password_reset_mail', target, detail: 'password reset mail sent' });
  return seeOther(`${visit.root}users/${target.id}/?done=${sent ? 'reset-sent' : 'reset-unavailable'}`);
}
