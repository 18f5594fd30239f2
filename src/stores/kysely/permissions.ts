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
      return (await linked(trx, 'auth_user_groups', { user_id: userId, group_id: groupId })) ? [userId] : [];
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
      return (await linked(trx, 'auth_user_user_permissions', { user_id: userId, permission_id: permissionId })) ? [userId] : [];
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
      return (await linked(trx, 'auth_group_permissions', { group_id: groupId, permission_id: permissionId })) ? membersOf(trx, group) : [];
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

/** The link tables, each unique on its pair of columns (migration 0005). */
type LinkRows = {
  auth_user_groups: { user_id: number; group_id: number };
  auth_user_user_permissions: { user_id: number; permission_id: number };
  auth_group_permissions: { group_id: number; permission_id: number };
};

/**
 * Inserts the link row `pair` unless it is there: the pair's unique index decides (a concurrent
 * insert of the same pair waits and then does nothing), never a read before. True when inserted.
 */
async function linked<T extends keyof LinkRows>(trx: Kysely<Database>, table: T, pair: LinkRows[T]): Promise<boolean> {
  const columns = Object.keys(pair) as (keyof LinkRows[T] & string)[];
  const inserted = await trx
    .insertInto(table)
    .values(pair as never)
    .onConflict((conflict) => conflict.columns(columns).doNothing())
    .executeTakeFirst();
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0;
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

/**
 * The group's id; the group is made when missing (as granting to a new group in the console does).
 * The insert yields to a concurrent one on the unique name (PostgreSQL waits for it to commit),
 * and the second read, a new statement under READ COMMITTED, then sees that group.
 */
async function groupIdOf(trx: Kysely<Database>, group: string): Promise<number> {
  const find = () => trx.selectFrom('auth_group').select('id').where('name', '=', group).executeTakeFirst();
  const found = await find();
  if (found !== undefined) return found.id;
  const inserted = await trx
    .insertInto('auth_group')
    .values({ name: checkedGroupName(group) })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .returning('id')
    .executeTakeFirst();
  return (inserted ?? (await find()) ?? missingRow('auth_group', group)).id;
}

/** A row that a conflicting insert promised but no read finds: a bug or a concurrent delete. */
function missingRow(table: string, key: string): never {
  throw new Error(`${table}: no row for ${key} after a conflicting insert`);
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
  // Each insert yields to a concurrent one on its unique index, then reads the row it made (see groupIdOf).
  const findContentType = () =>
    trx
      .selectFrom('django_content_type')
      .select('id')
      .where('app_label', '=', parts.appLabel)
      .where('model', '=', model)
      .executeTakeFirst();
  const contentType =
    (await findContentType()) ??
    (await trx
      .insertInto('django_content_type')
      .values({ app_label: parts.appLabel, model })
      .onConflict((conflict) => conflict.columns(['app_label', 'model']).doNothing())
      .returning('id')
      .executeTakeFirst()) ??
    (await findContentType()) ??
    missingRow('django_content_type', `${parts.appLabel}.${model}`);
  const created =
    (await trx
      .insertInto('auth_permission')
      .values({ name: name.slice(0, 255), content_type_id: contentType.id, codename: parts.codename })
      .onConflict((conflict) => conflict.columns(['content_type_id', 'codename']).doNothing())
      .returning('id')
      .executeTakeFirst()) ??
    (await trx
      .selectFrom('auth_permission')
      .select('id')
      .where('content_type_id', '=', contentType.id)
      .where('codename', '=', parts.codename)
      .executeTakeFirst()) ??
    missingRow('auth_permission', `${parts.appLabel}.${parts.codename}`);
  return created.id;
}
