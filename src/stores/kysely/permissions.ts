/**
 * Django's groups and permissions (migration 0005's tables). Reads take one round trip; every
 * change runs in one write transaction, and inserts into the link tables rely on their unique
 * pair indexes (ON CONFLICT DO NOTHING), never on check-then-insert.
 */
import { sql, type Kysely } from 'kysely';
import {
  splitPermission,
  type GroupRecord,
  type NewPermissionOptions,
  type PermissionRecord,
  type PermissionStore,
  type UserAuthorization,
} from '../../model/permissions.js';
import type { Database } from '../schema.js';
import type { SqlHandle } from './sql-handle.js';

/** Django's default permissions: `add_post` is about the model `post`. */
const DEFAULT_PERMISSION = /^(add|change|delete|view)_(\w+)$/;

function permissionParts(permission: string): { appLabel: string; codename: string } {
  const parts = splitPermission(permission);
  if (parts === undefined) throw new RangeError(`a permission is named 'app_label.codename' (got ${JSON.stringify(permission)})`);
  return parts;
}

function checkedGroupName(name: string): string {
  if (name === '' || name.length > 150) throw new RangeError(`a group name has 1 to 150 characters (got ${JSON.stringify(name)})`);
  return name;
}

function uniqueSorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

export class KyselyPermissionStore implements PermissionStore {
  readonly #sql: SqlHandle;

  constructor(handle: SqlHandle) {
    this.#sql = handle;
  }

  async authorizationOf(userId: number): Promise<UserAuthorization> {
    // Groups, direct permissions and group permissions in one query: this runs on every miss of
    // the user cache.
    const { rows } = await sql<{ kind: string; value: string }>`
      select 'g' as kind, g.name as value
        from auth_user_groups ug join auth_group g on g.id = ug.group_id
       where ug.user_id = ${userId}
      union all
      select 'p' as kind, c.app_label || '.' || p.codename as value
        from auth_user_user_permissions up
        join auth_permission p on p.id = up.permission_id
        join django_content_type c on c.id = p.content_type_id
       where up.user_id = ${userId}
      union all
      select 'p' as kind, c.app_label || '.' || p.codename as value
        from auth_user_groups ug
        join auth_group_permissions gp on gp.group_id = ug.group_id
        join auth_permission p on p.id = gp.permission_id
        join django_content_type c on c.id = p.content_type_id
       where ug.user_id = ${userId}`.execute(this.#sql.db);
    return {
      groups: uniqueSorted(rows.filter((row) => row.kind === 'g').map((row) => row.value)),
      permissions: uniqueSorted(rows.filter((row) => row.kind === 'p').map((row) => row.value)),
    };
  }

  async directPermissionsOf(userId: number): Promise<string[]> {
    const rows = await this.#sql.db
      .selectFrom('auth_user_user_permissions as up')
      .innerJoin('auth_permission as p', 'p.id', 'up.permission_id')
      .innerJoin('django_content_type as c', 'c.id', 'p.content_type_id')
      .select(['c.app_label', 'p.codename'])
      .where('up.user_id', '=', userId)
      .execute();
    return uniqueSorted(rows.map((row) => `${row.app_label}.${row.codename}`));
  }

  async listGroups(): Promise<GroupRecord[]> {
    const db = this.#sql.db;
    const groups = await db
      .selectFrom('auth_group as g')
      .leftJoin('auth_user_groups as ug', 'ug.group_id', 'g.id')
      .select(['g.id', 'g.name', (eb) => eb.fn.count<number | string>('ug.id').as('members')])
      .groupBy(['g.id', 'g.name'])
      .orderBy('g.name')
      .execute();
    const links = await db
      .selectFrom('auth_group_permissions as gp')
      .innerJoin('auth_permission as p', 'p.id', 'gp.permission_id')
      .innerJoin('django_content_type as c', 'c.id', 'p.content_type_id')
      .select(['gp.group_id', 'c.app_label', 'p.codename'])
      .execute();
    return groups.map((group) => ({
      id: group.id,
      name: group.name,
      members: Number(group.members),
      permissions: uniqueSorted(links.filter((link) => link.group_id === group.id).map((link) => `${link.app_label}.${link.codename}`)),
    }));
  }

  async listPermissions(): Promise<PermissionRecord[]> {
    const rows = await this.#sql.db
      .selectFrom('auth_permission as p')
      .innerJoin('django_content_type as c', 'c.id', 'p.content_type_id')
      .select(['c.app_label', 'p.codename', 'p.name'])
      .orderBy('c.app_label')
      .orderBy('p.codename')
      .execute();
    return rows.map((row) => ({ codename: `${row.app_label}.${row.codename}`, name: row.name }));
  }

  async groupMembers(group: string): Promise<number[]> {
    return membersOf(this.#sql.db, group);
  }

  async createGroup(name: string): Promise<boolean> {
    checkedGroupName(name);
    return this.#sql.inWriteTransaction(async (trx) => {
      const inserted = await trx
        .insertInto('auth_group')
        .values({ name })
        .onConflict((conflict) => conflict.column('name').doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
    });
  }

  async deleteGroup(name: string): Promise<number[]> {
    return this.#sql.inWriteTransaction(async (trx) => {
      const members = await membersOf(trx, name);
      const deleted = await trx.deleteFrom('auth_group').where('name', '=', name).executeTakeFirst();
      // Its link rows go with it (ON DELETE CASCADE, migration 0005).
      return Number(deleted.numDeletedRows) === 0 ? [] : members;
    });
  }

  async addUserToGroup(userId: number, group: string): Promise<number[]> {
    return this.#sql.inWriteTransaction(async (trx) => {
      const groupId = await groupIdOf(trx, group);
      const inserted = await trx
        .insertInto('auth_user_groups')
        .values({ user_id: userId, group_id: groupId })
        .onConflict((conflict) => conflict.columns(['user_id', 'group_id']).doNothing())
        .executeTakeFirst();
      return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0 ? [userId] : [];
    });
  }

  async removeUserFromGroup(userId: number, group: string): Promise<number[]> {
    return this.#sql.inWriteTransaction(async (trx) => {
      const deleted = await trx
        .deleteFrom('auth_user_groups')
        .where('user_id', '=', userId)
        .where('group_id', 'in', trx.selectFrom('auth_group').select('id').where('name', '=', group))
        .executeTakeFirst();
      return Number(deleted.numDeletedRows) > 0 ? [userId] : [];
    });
  }

  async grantUserPermission(userId: number, permission: string, options: NewPermissionOptions = {}): Promise<number[]> {
    const parts = permissionParts(permission);
    return this.#sql.inWriteTransaction(async (trx) => {
      const held = (ids: number[]) =>
        trx.selectFrom('auth_user_user_permissions').select('id').where('user_id', '=', userId).where('permission_id', 'in', ids);
      const permissionId = await permissionToLink(trx, parts, options, held);
      if (permissionId === undefined) return [];
      await trx.insertInto('auth_user_user_permissions').values({ user_id: userId, permission_id: permissionId }).execute();
      return [userId];
    });
  }

  async revokeUserPermission(userId: number, permission: string): Promise<number[]> {
    const parts = permissionParts(permission);
    return this.#sql.inWriteTransaction(async (trx) => {
      const ids = await permissionIdsOf(trx, parts);
      if (ids.length === 0) return [];
      const deleted = await trx
        .deleteFrom('auth_user_user_permissions')
        .where('user_id', '=', userId)
        .where('permission_id', 'in', ids)
        .executeTakeFirst();
      return Number(deleted.numDeletedRows) > 0 ? [userId] : [];
    });
  }

  async grantGroupPermission(group: string, permission: string, options: NewPermissionOptions = {}): Promise<number[]> {
    const parts = permissionParts(permission);
    return this.#sql.inWriteTransaction(async (trx) => {
      const groupId = await groupIdOf(trx, group);
      const held = (ids: number[]) =>
        trx.selectFrom('auth_group_permissions').select('id').where('group_id', '=', groupId).where('permission_id', 'in', ids);
      const permissionId = await permissionToLink(trx, parts, options, held);
      if (permissionId === undefined) return [];
      await trx.insertInto('auth_group_permissions').values({ group_id: groupId, permission_id: permissionId }).execute();
      return membersOf(trx, group);
    });
  }

  async revokeGroupPermission(group: string, permission: string): Promise<number[]> {
    const parts = permissionParts(permission);
    return this.#sql.inWriteTransaction(async (trx) => {
      const ids = await permissionIdsOf(trx, parts);
      if (ids.length === 0) return [];
      const deleted = await trx
        .deleteFrom('auth_group_permissions')
        .where('permission_id', 'in', ids)
        .where('group_id', 'in', trx.selectFrom('auth_group').select('id').where('name', '=', group))
        .executeTakeFirst();
      return Number(deleted.numDeletedRows) > 0 ? membersOf(trx, group) : [];
    });
  }
}

async function membersOf(db: Kysely<Database>, group: string): Promise<number[]> {
  const rows = await db
    .selectFrom('auth_user_groups as ug')
    .innerJoin('auth_group as g', 'g.id', 'ug.group_id')
    .select('ug.user_id')
    .where('g.name', '=', group)
    .orderBy('ug.user_id')
    .execute();
  return rows.map((row) => row.user_id);
}

/** The group's id; the group is made when missing (as granting to a new group in the console does). */
async function groupIdOf(trx: Kysely<Database>, group: string): Promise<number> {
  const found = await trx.selectFrom('auth_group').select('id').where('name', '=', group).executeTakeFirst();
  if (found !== undefined) return found.id;
  return (
    await trx
      .insertInto('auth_group')
      .values({ name: checkedGroupName(group) })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}

/** Ids of the `auth_permission` rows `app_label.codename` names (one per model that has it). */
async function permissionIdsOf(trx: Kysely<Database>, parts: { appLabel: string; codename: string }): Promise<number[]> {
  const rows = await trx
    .selectFrom('auth_permission as p')
    .innerJoin('django_content_type as c', 'c.id', 'p.content_type_id')
    .select('p.id')
    .where('c.app_label', '=', parts.appLabel)
    .where('p.codename', '=', parts.codename)
    .orderBy('p.id')
    .execute();
  return rows.map((row) => row.id);
}

/**
 * The `auth_permission` row to link for `app_label.codename` (created when missing), or
 * `undefined` when `held` finds one of its rows already linked.
 */
async function permissionToLink(
  trx: Kysely<Database>,
  parts: { appLabel: string; codename: string },
  options: NewPermissionOptions,
  held: (ids: number[]) => { executeTakeFirst(): Promise<unknown> },
): Promise<number | undefined> {
  const ids = await permissionIdsOf(trx, parts);
  if (ids.length === 0) return createPermission(trx, parts, options);
  return (await held(ids).executeTakeFirst()) === undefined ? ids[0] : undefined;
}

/** The content type (found or created) and the permission row, as Django's `create_permissions` makes them. */
async function createPermission(
  trx: Kysely<Database>,
  parts: { appLabel: string; codename: string },
  options: NewPermissionOptions,
): Promise<number> {
  const standard = DEFAULT_PERMISSION.exec(parts.codename);
  const model = options.model ?? standard?.[2] ?? 'global';
  const name = options.name ?? (standard === null ? parts.codename : `Can ${standard[1]} ${standard[2]}`);
  let contentType = await trx
    .selectFrom('django_content_type')
    .select('id')
    .where('app_label', '=', parts.appLabel)
    .where('model', '=', model)
    .executeTakeFirst();
  contentType ??= await trx
    .insertInto('django_content_type')
    .values({ app_label: parts.appLabel, model })
    .returning('id')
    .executeTakeFirstOrThrow();
  const created = await trx
    .insertInto('auth_permission')
    .values({ name: name.slice(0, 255), content_type_id: contentType.id, codename: parts.codename })
    .returning('id')
    .executeTakeFirstOrThrow();
  return created.id;
}
