/**
 * The signed-in console's route table: method and path (under the console's root) to handler,
 * and the dispatch over it. A path segment `:id` names a user, `:group` a group (by id): an
 * unknown one is a 404 before the method is looked at, as it was in Django's admin. Routes
 * marked `manage` change the user and are refused (403) to a staff member who may not manage
 * them (`mayManage`).
 */
import type { GroupRecord } from '../../../model/permissions.js';
import type { User } from '../../../model/user.js';
import type { PageResponse } from '../page-response.js';
import type { Visitor } from './console-layout.js';
import { notAllowed, notFound, refused } from './console-refusals.js';
import { listAudit, listUsers, showNewUser, showOverview } from './read-pages.js';
import { createGroup, deleteGroup, listGroups, setGroupPermissions, showGroup } from './group-actions.js';
import { setUserPrivileges } from './privilege-actions.js';
import { signOut } from './sign-in.js';
import { blacklistAll, blacklistOne, clearLoginLocks, flushExpired, revokeFamily } from './token-actions.js';
import { createUser, renderUser, sendResetMail, setPassword, updateUser } from './user-actions.js';
import { mayManage, type Visit } from './visit.js';

/** What a handler is given: the visit, who is signed in, the form of a POST (CSRF already checked). */
export interface RouteCall {
  readonly visit: Visit;
  readonly visitor: Visitor;
  readonly form: URLSearchParams;
}

/** A route whose path has `:id` gets the user it names. */
export interface UserRouteCall extends RouteCall {
  readonly target: User;
}

/** A route whose path has `:group` gets the group it names. */
export interface GroupRouteCall extends RouteCall {
  readonly group: GroupRecord;
}

/** `GET` also answers `HEAD`. */
export type ConsoleMethod = 'GET' | 'POST';

export type ConsoleRoute =
  | { readonly method: ConsoleMethod; readonly path: string; readonly handle: (call: RouteCall) => Promise<PageResponse> }
  | {
      readonly method: ConsoleMethod;
      /** With a `:id` segment. */
      readonly path: string;
      readonly handleUser: (call: UserRouteCall) => Promise<PageResponse>;
      /** Refused unless the visitor may manage the user. */
      readonly manage: boolean;
    }
  | {
      readonly method: ConsoleMethod;
      /** With a `:group` segment. */
      readonly path: string;
      readonly handleGroup: (call: GroupRouteCall) => Promise<PageResponse>;
    };

/** Every page and action of the signed-in console (sign-in itself is before the gate, in `admin-console.ts`). */
export const CONSOLE_ROUTES: readonly ConsoleRoute[] = [
  { method: 'GET', path: '', handle: ({ visit, visitor }) => showOverview(visit, visitor) },
  { method: 'POST', path: 'logout/', handle: ({ visit, visitor }) => signOut(visit, visitor) },
  { method: 'GET', path: 'audit/', handle: ({ visit, visitor }) => listAudit(visit, visitor) },
  { method: 'GET', path: 'users/', handle: ({ visit, visitor }) => listUsers(visit, visitor) },
  { method: 'GET', path: 'users/new/', handle: ({ visit, visitor }) => showNewUser(visit, visitor) },
  { method: 'POST', path: 'users/new/', handle: ({ visit, visitor, form }) => createUser(visit, visitor, form) },
  { method: 'POST', path: 'tokens/flush-expired/', handle: ({ visit, visitor }) => flushExpired(visit, visitor) },
  { method: 'GET', path: 'users/:id/', manage: false, handleUser: ({ visit, visitor, target }) => renderUser(visit, visitor, target, 200) },
  { method: 'POST', path: 'users/:id/', manage: true, handleUser: (call) => updateUser(call.visit, call.visitor, call.target, call.form) },
  {
    method: 'POST',
    path: 'users/:id/password/',
    manage: true,
    handleUser: (call) => setPassword(call.visit, call.visitor, call.target, call.form),
  },
  {
    method: 'POST',
    path: 'users/:id/password-reset/',
    manage: true,
    handleUser: (call) => sendResetMail(call.visit, call.visitor, call.target),
  },
  {
    method: 'POST',
    path: 'users/:id/tokens/blacklist/',
    manage: true,
    handleUser: (call) => blacklistOne(call.visit, call.visitor, call.target, call.form),
  },
  {
    method: 'POST',
    path: 'users/:id/tokens/blacklist-all/',
    manage: true,
    handleUser: (call) => blacklistAll(call.visit, call.visitor, call.target),
  },
  {
    method: 'POST',
    path: 'users/:id/families/revoke/',
    manage: true,
    handleUser: (call) => revokeFamily(call.visit, call.visitor, call.target, call.form),
  },
  {
    method: 'POST',
    path: 'users/:id/login-locks/clear/',
    manage: true,
    handleUser: (call) => clearLoginLocks(call.visit, call.visitor, call.target),
  },
  {
    method: 'POST',
    path: 'users/:id/privileges/',
    manage: true,
    handleUser: (call) => setUserPrivileges(call.visit, call.visitor, call.target, call.form),
  },
  { method: 'GET', path: 'groups/', handle: ({ visit, visitor }) => listGroups(visit, visitor) },
  { method: 'POST', path: 'groups/', handle: ({ visit, visitor, form }) => createGroup(visit, visitor, form) },
  { method: 'GET', path: 'groups/:group/', handleGroup: ({ visit, visitor, group }) => showGroup(visit, visitor, group, 200) },
  { method: 'POST', path: 'groups/:group/', handleGroup: (call) => setGroupPermissions(call.visit, call.visitor, call.group, call.form) },
  { method: 'POST', path: 'groups/:group/delete/', handleGroup: ({ visit, visitor, group }) => deleteGroup(visit, visitor, group) },
];

/** A user or group id in a path: digits, at most 15 (so it stays a safe integer). */
const ROW_ID = /^\d{1,15}$/;

/** What a matching path names: a user id (`:id`), a group id (`:group`), `null` for those it has not. */
export interface PathIds {
  readonly id: string | null;
  readonly group: string | null;
}

/** The ids `path` names if it matches `pattern` (both relative to the root); `undefined` when it does not match. */
export function matchPath(pattern: string, path: string): PathIds | undefined {
  const want = pattern.split('/');
  const have = path.split('/');
  if (want.length !== have.length) return undefined;
  const ids: { id: string | null; group: string | null } = { id: null, group: null };
  for (const [index, segment] of want.entries()) {
    const actual = have[index] ?? '';
    if (segment === ':id' || segment === ':group') {
      if (!ROW_ID.test(actual)) return undefined;
      ids[segment === ':id' ? 'id' : 'group'] = actual;
    } else if (segment !== actual) {
      return undefined;
    }
  }
  return ids;
}

/** The group `id` names, if there is one (groups are few: the listing is read). */
async function findGroup(visit: RouteCall['visit'], id: string): Promise<GroupRecord | undefined> {
  return (await visit.store.permissions?.listGroups())?.find((group) => group.id === Number(id));
}

/** The `Allow` header of the routes of one path: `GET, HEAD`, `POST` or `GET, HEAD, POST`. */
function allowOf(routes: readonly ConsoleRoute[]): string {
  const methods = new Set(routes.map((route) => route.method));
  return [...(methods.has('GET') ? ['GET', 'HEAD'] : []), ...(methods.has('POST') ? ['POST'] : [])].join(', ');
}

/** Finds the route of a signed-in visitor's request (`path` relative to the root) and runs it. */
export async function dispatchConsole(routes: readonly ConsoleRoute[], path: string, call: RouteCall): Promise<PageResponse> {
  const { visit, visitor } = call;
  const candidates = routes.filter((route) => matchPath(route.path, path) !== undefined);
  const first = candidates[0];
  if (first === undefined) return notFound(visitor);
  const { id, group: groupId } = matchPath(first.path, path) ?? { id: null, group: null };
  const target = id === null ? undefined : await visit.store.findUser('id', Number(id));
  if (id !== null && target === undefined) return notFound(visitor);
  const group = groupId === null ? undefined : await findGroup(visit, groupId);
  if (groupId !== null && group === undefined) return notFound(visitor);
  const method = visit.request.method === 'HEAD' ? 'GET' : visit.request.method;
  const route = candidates.find((candidate) => candidate.method === method);
  if (route === undefined) return notAllowed(visitor, allowOf(candidates), visitor);
  if ('handle' in route) return route.handle(call);
  if ('handleGroup' in route) return group === undefined ? notFound(visitor) : route.handleGroup({ ...call, group });
  if (target === undefined) return notFound(visitor);
  if (route.manage && !mayManage(visitor.user, target)) return refused(visitor, target);
  return route.handleUser({ ...call, target });
}
