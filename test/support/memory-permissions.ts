/**
 * Groups and permissions in plain maps, for the memory store: the same contract as the SQL
 * stores' (`PermissionStore`), checked by the same conformance tests.
 */
import {
  splitPermission,
  type GroupRecord,
  type NewPermissionOptions,
  type PermissionRecord,
  type PermissionStore,
  type UserAuthorization,
} from '../../src/model/permissions.js';

interface Group {
  readonly id: number;
  readonly permissions: Set<string>;
  readonly members: Set<number>;
}

function checked(permission: string): string {
  if (splitPermission(permission) === undefined) throw new RangeError(`a permission is named 'app_label.codename' (got ${permission})`);
  return permission;
}

export class MemoryPermissions implements PermissionStore {
  readonly #groups = new Map<string, Group>();
  readonly #userPermissions = new Map<number, Set<string>>();
  readonly #permissions = new Map<string, string>();
  #nextGroupId = 1;

  async authorizationOf(userId: number): Promise<UserAuthorization> {
    const groups: string[] = [];
    const permissions = new Set(this.#userPermissions.get(userId));
    for (const [name, group] of this.#groups) {
      if (!group.members.has(userId)) continue;
      groups.push(name);
      for (const permission of group.permissions) permissions.add(permission);
    }
    return { groups: groups.sort(), permissions: [...permissions].sort() };
  }

  async directPermissionsOf(userId: number): Promise<string[]> {
    return [...(this.#userPermissions.get(userId) ?? [])].sort();
  }

  async listGroups(): Promise<GroupRecord[]> {
    return [...this.#groups]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, group]) => ({ id: group.id, name, permissions: [...group.permissions].sort(), members: group.members.size }));
  }

  async listPermissions(): Promise<PermissionRecord[]> {
    return [...this.#permissions].sort(([a], [b]) => (a < b ? -1 : 1)).map(([codename, name]) => ({ codename, name }));
  }

  async groupMembers(group: string): Promise<number[]> {
    return [...(this.#groups.get(group)?.members ?? [])].sort((a, b) => a - b);
  }

  async createGroup(name: string): Promise<boolean> {
    if (this.#groups.has(name)) return false;
    this.#group(name);
    return true;
  }

  async deleteGroup(name: string): Promise<number[]> {
    const members = await this.groupMembers(name);
    return this.#groups.delete(name) ? members : [];
  }

  async addUserToGroup(userId: number, group: string): Promise<number[]> {
    const members = this.#group(group).members;
    if (members.has(userId)) return [];
    members.add(userId);
    return [userId];
  }

  async removeUserFromGroup(userId: number, group: string): Promise<number[]> {
    return this.#groups.get(group)?.members.delete(userId) === true ? [userId] : [];
  }

  async grantUserPermission(userId: number, permission: string, options?: NewPermissionOptions): Promise<number[]> {
    this.#define(permission, options);
    const held = this.#userPermissions.get(userId) ?? new Set<string>();
    this.#userPermissions.set(userId, held);
    if (held.has(permission)) return [];
    held.add(permission);
    return [userId];
  }

  async revokeUserPermission(userId: number, permission: string): Promise<number[]> {
    return this.#userPermissions.get(userId)?.delete(checked(permission)) === true ? [userId] : [];
  }

  async grantGroupPermission(group: string, permission: string, options?: NewPermissionOptions): Promise<number[]> {
    this.#define(permission, options);
    const target = this.#group(group);
    if (target.permissions.has(permission)) return [];
    target.permissions.add(permission);
    return this.groupMembers(group);
  }

  async revokeGroupPermission(group: string, permission: string): Promise<number[]> {
    return this.#groups.get(group)?.permissions.delete(checked(permission)) === true ? this.groupMembers(group) : [];
  }

  /** A deleted user's links go with them (the SQL stores' ON DELETE CASCADE). */
  forgetUser(userId: number): void {
    this.#userPermissions.delete(userId);
    for (const group of this.#groups.values()) group.members.delete(userId);
  }

  #group(name: string): Group {
    let group = this.#groups.get(name);
    if (group === undefined) {
      if (name === '' || name.length > 150) throw new RangeError('a group name has 1 to 150 characters');
      group = { id: this.#nextGroupId++, permissions: new Set(), members: new Set() };
      this.#groups.set(name, group);
    }
    return group;
  }

  #define(permission: string, options: NewPermissionOptions = {}): void {
    if (!this.#permissions.has(checked(permission)))
      this.#permissions.set(permission, options.name ?? permission.split('.').slice(1).join('.'));
  }
}
