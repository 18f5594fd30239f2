/** Reads what the console's "Groups and permissions" card shows for one user (`privileges-view.ts`). */
import type { User } from '../../../model/user.js';
import type { Visitor } from './console-layout.js';
import type { PrivilegesView } from './privileges-view.js';
import type { Visit } from './visit.js';

/**
 * The card's data, or `undefined` when the store keeps no groups and permissions, or cannot tell
 * a user's direct permissions from those through groups (no card then).
 */
export async function privilegesViewOf(visit: Visit, visitor: Visitor, user: User): Promise<PrivilegesView | undefined> {
  const { permissions } = visit.store;
  if (permissions?.directPermissionsOf === undefined) return undefined;
  const [groups, offered, authorization, direct] = await Promise.all([
    permissions.listGroups(),
    permissions.listPermissions(),
    permissions.authorizationOf(user.id),
    permissions.directPermissionsOf(user.id),
  ]);
  return {
    groups,
    permissions: offered,
    userGroups: authorization.groups,
    direct,
    effective: authorization.permissions,
    canChange: visitor.user.isSuperuser,
    cutsOff: visit.context.settings.REVOKE_ON_PRIVILEGE_CHANGE,
  };
}
