/**
 * The user cache's view of `store.permissions`: every change of groups or permissions reports
 * the users it changed, and each of them is dropped from this process's cache and announced to
 * the other processes (Redis, cluster workers), exactly as an `updateUser` is.
 */
import type { PermissionStore } from '../model/permissions.js';

/**
 * `inner` with each change passing the changed users' ids to `changed` once it has committed.
 *
 * @example
 * ```ts
 * this.permissions = inner.permissions && invalidatingPermissions(inner.permissions, (id) => this.#changed(id));
 * ```
 */
export function invalidatingPermissions(inner: PermissionStore, changed: (userId: number) => void): PermissionStore {
  const after =
    <A extends unknown[]>(change: (...args: A) => Promise<number[]>) =>
    async (...args: A): Promise<number[]> => {
      const users = await change(...args);
      for (const id of users) changed(id);
      return users;
    };
  return {
    authorizationOf: (userId) => inner.authorizationOf(userId),
    // Optional on PermissionStore: offered only when the inner store has it.
    ...(inner.directPermissionsOf !== undefined && {
      directPermissionsOf: (userId: number) => inner.directPermissionsOf?.(userId) ?? Promise.resolve([]),
    }),
    listGroups: () => inner.listGroups(),
    listPermissions: () => inner.listPermissions(),
    groupMembers: (group) => inner.groupMembers(group),
    createGroup: (name) => inner.createGroup(name),
    deleteGroup: after((name: string) => inner.deleteGroup(name)),
    addUserToGroup: after((userId: number, group: string) => inner.addUserToGroup(userId, group)),
    removeUserFromGroup: after((userId: number, group: string) => inner.removeUserFromGroup(userId, group)),
    grantUserPermission: after((userId: number, permission: string, options?: Parameters<PermissionStore['grantUserPermission']>[2]) =>
      inner.grantUserPermission(userId, permission, options),
    ),
    revokeUserPermission: after((userId: number, permission: string) => inner.revokeUserPermission(userId, permission)),
    grantGroupPermission: after((group: string, permission: string, options?: Parameters<PermissionStore['grantGroupPermission']>[2]) =>
      inner.grantGroupPermission(group, permission, options),
    ),
    revokeGroupPermission: after((group: string, permission: string) => inner.revokeGroupPermission(group, permission)),
  };
}
