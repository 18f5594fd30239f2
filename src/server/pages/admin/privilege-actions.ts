/**
 * The console's changes of groups and permissions, for a user (`POST users/<id>/privileges/`)
 * and, through `runPrivilegeChange`, for groups (`group-actions.ts`). Every change goes through
 * `changePrivileges`, as the CLI's do: with REVOKE_ON_PRIVILEGE_CHANGE the tokens of every user
 * it touched are cut off, and the user cache drops them in this process and, through the
 * invalidation bus (Redis, cluster workers), in every other one. Superusers only: a staff member
 * who could hand out permissions could hand them to themselves.
 */
import type { PermissionStore } from '../../../model/permissions.js';
import type { User } from '../../../model/user.js';
import { changePrivileges, type PrivilegeChangeOutcome } from '../../../users/privilege-change.js';
import { htmlResponse, seeOther, type PageResponse } from '../page-response.js';
import { privilegesViewOf } from './account-privileges.js';
import type { AuditEvent } from './audit-trail.js';
import { messagePage, type Visitor } from './console-layout.js';
import { notFound } from './console-refusals.js';
import { describeChange, readPrivilegeChoices, setChange } from './privilege-form.js';
import { hasErrors } from './user-form.js';
import { renderUser } from './user-actions.js';
import { plural, recordVisit, type Visit } from './visit.js';

/** The 403 a staff member without superuser status gets for any change of groups or permissions. */
export function superuserOnly(visitor: Visitor, back: string): PageResponse {
  return htmlResponse(
    403,
    messagePage(visitor, visitor, 'Not allowed', 'Only a superuser can change groups and permissions.', { href: back, label: 'Back' }),
  );
}

/**
 * Runs `change` with the cut-off policy and writes the audit entry, its detail ending with what
 * the change did to the users' tokens.
 */
export async function runPrivilegeChange(
  visit: Visit,
  visitor: Visitor,
  audit: Pick<AuditEvent, 'action' | 'target'> & { readonly detail: string },
  change: (permissions: PermissionStore) => Promise<number[]>,
): Promise<PrivilegeChangeOutcome> {
  const outcome = await changePrivileges(visit.context, visit.now, change);
  const users = `${plural(outcome.changed.length, 'user')} changed${outcome.cutOff ? '; tokens issued before cut off' : ''}`;
  await recordVisit(visit, { actor: visitor.user, action: audit.action, target: audit.target, detail: `${audit.detail}; ${users}` });
  return outcome;
}

/** `POST /admin/users/<id>/privileges/`: the user's groups and direct permissions, as checked. */
export async function setUserPrivileges(visit: Visit, visitor: Visitor, target: User, form: URLSearchParams): Promise<PageResponse> {
  const back = `${visit.root}users/${target.id}/`;
  const view = await privilegesViewOf(visit, visitor, target);
  if (view === undefined) return notFound(visitor);
  if (!visitor.user.isSuperuser) return superuserOnly(visitor, back);
  const { choices, errors } = readPrivilegeChoices(form, view);
  if (hasErrors(errors)) return renderUser(visit, visitor, target, 400, { privileges: { ...view, sent: { choices, errors } } });
  const groups = setChange(view.userGroups, choices.groups);
  const permissions = setChange(view.direct, choices.permissions);
  const detail = [describeChange('groups', groups), describeChange('permissions', permissions)].filter(Boolean).join('; ');
  if (detail === '') return seeOther(`${back}?done=unchanged`);
  await runPrivilegeChange(visit, visitor, { action: 'user.privileges', target, detail }, async (store) => {
    const changed: number[] = [];
    for (const group of groups.added) changed.push(...(await store.addUserToGroup(target.id, group)));
    for (const group of groups.removed) changed.push(...(await store.removeUserFromGroup(target.id, group)));
    for (const permission of permissions.added) changed.push(...(await store.grantUserPermission(target.id, permission)));
    for (const permission of permissions.removed) changed.push(...(await store.revokeUserPermission(target.id, permission)));
    return [...new Set(changed)];
  });
  return seeOther(`${back}?done=saved`);
}
