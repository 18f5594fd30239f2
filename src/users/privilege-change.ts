/**
 * Changing a user's groups or permissions (Django's `user.groups.add`, `user.user_permissions.add`,
 * `group.permissions.add`, ...), as the CLI and the admin console do it: the change, then, with
 * REVOKE_ON_PRIVILEGE_CHANGE, a token cut-off for every user whose groups or permissions it
 * changed, so a token minted before cannot keep a permission that was taken away (nor claim one
 * in TOKEN_GROUPS_CLAIM / TOKEN_PERMISSIONS_CLAIM that was not there).
 */
import type { PermissionStore } from '../model/permissions.js';
import type { Store } from '../model/store.js';
import type { CutOffPolicySettings } from './token-cutoff.js';

/** What a privilege change reads: the cut-off policy and the store (with groups and permissions). */
export interface PrivilegeChangeDependencies {
  readonly settings: CutOffPolicySettings;
  readonly store: Pick<Store, 'permissions' | 'cutOffTokens'>;
}

/** What a change did: the users it changed, and whether their tokens were cut off. */
export interface PrivilegeChangeOutcome {
  readonly changed: readonly number[];
  readonly cutOff: boolean;
}

/**
 * Runs `change` on the store's groups and permissions, then cuts off the tokens of every user
 * it changed when REVOKE_ON_PRIVILEGE_CHANGE is on (the policy `changeCutsOffTokens` applies to
 * staff and superuser status).
 *
 * @throws {Error} when the store keeps no groups and permissions.
 * @example
 * ```ts
 * await changePrivileges(context, new Date(), (permissions) => permissions.removeUserFromGroup(user.id, 'editors'));
 * ```
 */
export async function changePrivileges(
  dependencies: PrivilegeChangeDependencies,
  now: Date,
  change: (permissions: PermissionStore) => Promise<number[]>,
): Promise<PrivilegeChangeOutcome> {
  const { permissions } = dependencies.store;
  if (permissions === undefined) throw new Error('this store keeps no groups and permissions');
  const changed = await change(permissions);
  // The store reports only real changes of the links.
  const cutOff = changed.length > 0 && dependencies.settings.REVOKE_ON_PRIVILEGE_CHANGE;
  if (cutOff) for (const id of changed) await dependencies.store.cutOffTokens(id, now);
  return { changed, cutOff };
}
