/**
 * Django's groups and permissions (`auth_group`, `auth_permission` and their link tables,
 * migration 0005): what a user may do beyond being staff or superuser. Permissions are named
 * as Django's `user.has_perm` names them, `'<app_label>.<codename>'` (`'blog.add_post'`).
 */

/** A user's groups and permissions as stored, before the superuser and inactive rules apply. */
export interface UserAuthorization {
  /** Names of the user's groups, sorted. */
  readonly groups: readonly string[];
  /** `'app_label.codename'` of every permission the user has directly or through a group, sorted, no duplicates. */
  readonly permissions: readonly string[];
}

/** No groups, no permissions: a user with no rows, or a store that keeps none. */
export const NO_AUTHORIZATION: UserAuthorization = Object.freeze({ groups: Object.freeze([]), permissions: Object.freeze([]) });

/** A group as listings (CLI, console) show it. */
export interface GroupRecord {
  readonly id: number;
  readonly name: string;
  /** `'app_label.codename'` of its permissions, sorted. */
  readonly permissions: readonly string[];
  /** How many users are in it. */
  readonly members: number;
}

/** One `auth_permission` row, as listings show it. */
export interface PermissionRecord {
  /** `'app_label.codename'`. */
  readonly codename: string;
  /** Django's human name (`Can add post`). */
  readonly name: string;
}

/** What granting a permission that has no `auth_permission` row yet may say about the row to create. */
export interface NewPermissionOptions {
  /**
   * The content type's model. @default the model Django's default permissions name
   * (`add_post` -> `post`), else `'global'`
   */
  readonly model?: string;
  /** The row's `name`. @default Django's (`Can add post`), else the codename */
  readonly name?: string;
}

/**
 * Reading and changing groups and permissions (migration 0005). Optional on `Store`
 * (`store.permissions`): a store without it (your own user store) gives every user no groups and
 * no permissions, and the CLI and console say it is unavailable.
 *
 * Every change returns the ids of the users whose groups or permissions it changed (empty when
 * it changed nothing), so the caller can drop them from caches and cut their tokens off.
 */
export interface PermissionStore {
  /** The user's groups and permissions (direct and through groups), in one round trip. */
  authorizationOf(userId: number): Promise<UserAuthorization>;
  /**
   * `'app_label.codename'` of the permissions granted to the user directly (not through a group),
   * sorted. Optional, so a store written before it still fits: without it the admin console shows
   * no "Groups and permissions" card for a user (groups remain manageable from the group pages and
   * the CLI).
   */
  directPermissionsOf?(userId: number): Promise<string[]>;
  /** Every group, by name. */
  listGroups(): Promise<GroupRecord[]>;
  /** Every `auth_permission` row, by codename. */
  listPermissions(): Promise<PermissionRecord[]>;
  /** Ids of the users in the group, ascending (empty for an unknown group). */
  groupMembers(group: string): Promise<number[]>;
  /** Creates a group; `false` when one of that name exists. */
  createGroup(name: string): Promise<boolean>;
  /** Deletes a group and its links; returns its former members. */
  deleteGroup(name: string): Promise<number[]>;
  /** Puts the user in the group (created when missing). */
  addUserToGroup(userId: number, group: string): Promise<number[]>;
  removeUserFromGroup(userId: number, group: string): Promise<number[]>;
  /** Grants `'app_label.codename'`, creating its content type and permission rows as Django would when missing. */
  grantUserPermission(userId: number, permission: string, options?: NewPermissionOptions): Promise<number[]>;
  revokeUserPermission(userId: number, permission: string): Promise<number[]>;
  /** Grants to a group (created when missing); returns the group's members when it changed. */
  grantGroupPermission(group: string, permission: string, options?: NewPermissionOptions): Promise<number[]>;
  revokeGroupPermission(group: string, permission: string): Promise<number[]>;
}

/**
 * `'app_label.codename'` split, or `undefined` when it is not of that form (Django's `has_perm`
 * names; the codename may hold dots, the app label may not).
 *
 * @example
 * ```ts
 * splitPermission('blog.add_post'); // { appLabel: 'blog', codename: 'add_post' }
 * ```
 */
export function splitPermission(permission: string): { appLabel: string; codename: string } | undefined {
  const dot = permission.indexOf('.');
  if (dot <= 0 || dot === permission.length - 1) return undefined;
  const appLabel = permission.slice(0, dot);
  const codename = permission.slice(dot + 1);
  if (appLabel.length > 100 || codename.length > 100 || /\s/.test(permission)) return undefined;
  return { appLabel, codename };
}
