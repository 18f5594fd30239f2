/**
 * The console's groups: list, create, show, set a group's permissions, delete. Changes are for
 * superusers only and go through `runPrivilegeChange` (the cut-off policy and the user cache's
 * invalidation everywhere, as for a user's groups); each is audited.
 */
import type { GroupRecord } from '../../../model/permissions.js';
import type { User } from '../../../model/user.js';
import { htmlResponse, seeOther, type PageResponse } from '../page-response.js';
import { messagePage, type Visitor } from './console-layout.js';
import { groupPage, groupsPage, type GroupView } from './groups-views.js';
import { noticeOf } from './notices.js';
import { describeChange, readGroupName, readPrivilegeChoices, setChange } from './privilege-form.js';
import { runPrivilegeChange, superuserOnly } from './privilege-actions.js';
import { hasErrors } from './user-form.js';
import { queryOf, recordVisit, type Visit } from './visit.js';

/** How many members a group's page lists. */
const MEMBERS_SHOWN = 200;

function unavailable(visitor: Visitor): PageResponse {
  return htmlResponse(
    404,
    messagePage(visitor, visitor, 'Groups unavailable', 'This server’s store keeps no groups and permissions.', {
      href: visitor.root,
      label: 'Back to the console',
    }),
  );
}

/** `GET /admin/groups/`. */
export async function listGroups(visit: Visit, visitor: Visitor): Promise<PageResponse> {
  const groups = await visit.store.permissions?.listGroups();
  if (groups === undefined) return unavailable(visitor);
  return htmlResponse(200, groupsPage(visitor, { groups, canChange: visitor.user.isSuperuser, notice: noticeOf(queryOf(visit.request)) }));
}

/** `POST /admin/groups/`: a new, empty group (nobody's tokens change). */
export async function createGroup(visit: Visit, visitor: Visitor, form: URLSearchParams): Promise<PageResponse> {
  const { permissions } = visit.store;
  if (permissions === undefined) return unavailable(visitor);
  if (!visitor.user.isSuperuser) return superuserOnly(visitor, `${visit.root}groups/`);
  const { name, errors } = readGroupName(form);
  if (!hasErrors(errors) && !(await permissions.createGroup(name))) errors.name = ['Group with this Name already exists.'];
  if (hasErrors(errors)) {
    const groups = await permissions.listGroups();
    return htmlResponse(400, groupsPage(visitor, { groups, canChange: true, sent: { name, errors } }));
  }
  await recordVisit(visit, { actor: visitor.user, action: 'group.create', target: { userId: null, label: name } });
  const created = (await permissions.listGroups()).find((group) => group.name === name);
  return seeOther(created === undefined ? `${visit.root}groups/` : `${visit.root}groups/${created.id}/?done=group-created`);
}

/** `GET /admin/groups/<id>/`; `extra` carries a form sent back with errors. */
export async function showGroup(
  visit: Visit,
  visitor: Visitor,
  group: GroupRecord,
  status: number,
  extra: Partial<GroupView> = {},
): Promise<PageResponse> {
  const permissions = visit.store.permissions;
  if (permissions === undefined) return unavailable(visitor);
  const [offered, memberIds] = await Promise.all([permissions.listPermissions(), permissions.groupMembers(group.name)]);
  const members = (await Promise.all(memberIds.slice(0, MEMBERS_SHOWN).map((id) => visit.store.findUser('id', id)))).filter(
    (user): user is User => user !== undefined,
  );
  return htmlResponse(
    status,
    groupPage(visitor, {
      group,
      members,
      permissions: offered,
      canChange: visitor.user.isSuperuser,
      cutsOff: visit.context.settings.REVOKE_ON_PRIVILEGE_CHANGE,
      notice: noticeOf(queryOf(visit.request)),
      ...extra,
    }),
  );
}

/** `POST /admin/groups/<id>/`: the group's permissions, as checked; its members are the users changed. */
export async function setGroupPermissions(
  visit: Visit,
  visitor: Visitor,
  group: GroupRecord,
  form: URLSearchParams,
): Promise<PageResponse> {
  const { permissions } = visit.store;
  if (permissions === undefined) return unavailable(visitor);
  const back = `${visit.root}groups/${group.id}/`;
  if (!visitor.user.isSuperuser) return superuserOnly(visitor, back);
  const { choices, errors } = readPrivilegeChoices(form, { groups: [], permissions: await permissions.listPermissions() });
  if (hasErrors(errors)) return showGroup(visit, visitor, group, 400, { sent: { choices, errors } });
  const change = setChange(group.permissions, choices.permissions);
  const detail = describeChange('permissions', change);
  if (detail === '') return seeOther(`${back}?done=unchanged`);
  await runPrivilegeChange(
    visit,
    visitor,
    { action: 'group.permissions', target: { userId: null, label: group.name }, detail },
    async (store) => {
      const changed: number[] = [];
      for (const permission of change.added) changed.push(...(await store.grantGroupPermission(group.name, permission)));
      for (const permission of change.removed) changed.push(...(await store.revokeGroupPermission(group.name, permission)));
      return [...new Set(changed)];
    },
  );
  return seeOther(`${back}?done=saved`);
}

/** `POST /admin/groups/<id>/delete/`: its members lose its permissions. */
export async function deleteGroup(visit: Visit, visitor: Visitor, group: GroupRecord): Promise<PageResponse> {
  if (!visitor.user.isSuperuser) return superuserOnly(visitor, `${visit.root}groups/${group.id}/`);
  await runPrivilegeChange(
    visit,
    visitor,
    { action: 'group.delete', target: { userId: null, label: group.name }, detail: 'deleted' },
    (store) => store.deleteGroup(group.name),
  );
  return seeOther(`${visit.root}groups/?done=group-deleted`);
}
