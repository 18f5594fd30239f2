/**
 * The SQL of `tessera import-django`: writes a validated batch inside the caller's transaction,
 * on SQLite or PostgreSQL, so that running it again changes nothing.
 *
 * - Users keep their Django ids (tokens carry `user_id`). A user already in Tessera with that id
 *   and the same username is updated field by field (a different username there stops the
 *   import: the two sides gave one id to two people), with two exceptions: a password Tessera has already upgraded to
 *   argon2id (the user logged in here since the last import) is kept, and `last_login` only
 *   moves forward. A username or email held by another Tessera user stops the import, naming
 *   the row (Tessera also refuses two accounts with one email, case-insensitively).
 * - Content types, permissions and groups are matched by natural key and created when missing;
 *   links are added when missing. Nothing is ever deleted.
 * - A user already in Tessera whose password or active status the import changes has their
 *   tokens cut off (./django-import-cutoff.ts, in this transaction), as every other password change or
 *   deactivation does; with REVOKE_ON_PRIVILEGE_CHANGE, so has one whose staff or superuser
 *   status changes, who joins a group, is granted a permission, or is in a group granted one.
 * - Tokens are matched by jti: the outstanding row (jti, user, dates: never the token's text)
 *   and, when Django had blacklisted it, the blacklist row. A token whose user is not in Tessera
 *   keeps its blacklisting with no user.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import { ImportRowError } from '../errors.js';
import type {
  DjangoImportBatch,
  DjangoImportWritten,
  ImportCount,
  ImportedPermission,
  ImportedToken,
  ImportedUser,
  ImportPhase,
} from '../model/django-import.js';
import type { MigrationDialect } from './migrations/index.js';
import { booleanFromDb, nullableTimestampFromDb, timestampFromDb, type AuthUserTable, type Database } from './schema.js';
import { claimFoldedNames } from './name-keys.js';
import { cutOffChangedUsers, UserChanges } from './django-import-cutoff.js';

/** Rows per `IN (...)` list: well below SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 500;

type Progress = (phase: ImportPhase, done: number, total: number) => void;

function count(): ImportCount {
  return { created: 0, updated: 0, unchanged: 0 };
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let at = 0; at < items.length; at += CHUNK) out.push(items.slice(at, at + CHUNK));
  return out;
}

function permissionKey(permission: Pick<ImportedPermission, 'appLabel' | 'model' | 'codename'>): string {
  return `${permission.appLabel}.${permission.model}.${permission.codename}`;
}

/** Writes `batch` with `trx` (already inside a transaction). */
export async function writeDjangoImport(
  trx: Kysely<Database>,
  dialect: MigrationDialect,
  batch: DjangoImportBatch,
  options: { onProgress?: Progress; now?: Date; revokeOnPrivilegeChange?: boolean } = {},
): Promise<DjangoImportWritten> {
  const onProgress = options.onProgress ?? (() => undefined);
  const changes = new UserChanges(new Set((await trx.selectFrom('auth_user').select('id').execute()).map((row) => row.id)));
  const users = await writeUsers(trx, dialect, batch.users, onProgress, changes);
  const { groups, permissions, links } = await writeGroups(trx, batch, onProgress, changes);
  const { tokens, blacklisted } = await writeTokens(trx, batch.tokens, onProgress);
  const cutOff = await cutOffChangedUsers(trx, changes, options.now ?? new Date(), options.revokeOnPrivilegeChange ?? true);
  const changedUsers = changes.entries().map(([id]) => id);
  return { users, groups, permissions, links, tokens, blacklisted, changedUsers, cutOff };
}

// ---- users ----

/** The `auth_user` columns an imported user sets. */
function columnsOf(user: ImportedUser) {
  return {
    username: user.username,
    email: user.email,
    first_name: user.firstName,
    last_name: user.lastName,
    password: user.password,
    is_active: user.isActive,
    is_staff: user.isStaff,
    is_superuser: user.isSuperuser,
    last_login: user.lastLogin,
    date_joined: user.dateJoined,
  };
}

/** The columns of `existing` that `user` changes, under the two rules of the module comment. */
function changedColumns(existing: Selectable<AuthUserTable>, user: ImportedUser): Partial<ReturnType<typeof columnsOf>> {
  const wanted = columnsOf(user);
  const changes: Partial<ReturnType<typeof columnsOf>> = {};
  for (const key of ['username', 'email', 'first_name', 'last_name'] as const) {
    if (existing[key] !== wanted[key]) changes[key] = wanted[key];
  }
  if (existing.password !== wanted.password && !existing.password.startsWith('$argon2')) changes.password = wanted.password;
  for (const key of ['is_active', 'is_staff', 'is_superuser'] as const) {
    if (booleanFromDb(existing[key]) !== wanted[key]) changes[key] = wanted[key];
  }
  const lastLogin = nullableTimestampFromDb(existing.last_login);
  if (wanted.last_login !== null && (lastLogin === null || wanted.last_login.getTime() > lastLogin.getTime()))
    changes.last_login = wanted.last_login;
  if (timestampFromDb(existing.date_joined).getTime() !== wanted.date_joined.getTime()) changes.date_joined = wanted.date_joined;
  return changes;
}

async function writeUsers(
  trx: Kysely<Database>,
  dialect: MigrationDialect,
  users: readonly ImportedUser[],
  onProgress: Progress,
  userChanges: UserChanges,
): Promise<ImportCount> {
  const counts = count();
  const existing = new Map((await trx.selectFrom('auth_user').selectAll().execute()).map((row) => [row.id, row]));
  // Who holds each username and (lower-cased, non-empty) email, kept current as rows change.
  const byUsername = new Map<string, number>();
  const byEmail = new Map<string, number>();
  for (const row of existing.values()) {
    byUsername.set(row.username, row.id);
    if (row.email !== '') byEmail.set(row.email.toLowerCase(), row.id);
  }
  const claim = (user: ImportedUser): void => {
    const holder = existing.get(user.id);
    // Same id, another username: the two databases gave this id to different people (someone
    // registered on Tessera after an earlier import). Updating would overwrite that account.
    if (holder !== undefined && holder.username !== user.username) {
      throw new ImportRowError(
        user.source,
        `Tessera user id ${user.id} is ${JSON.stringify(holder.username)}, not ${JSON.stringify(user.username)}: the two databases gave this id to different users (register on one side only during the move)`,
      );
    }
    const owner = byUsername.get(user.username);
    if (owner !== undefined && owner !== user.id)
      throw new ImportRowError(user.source, `username ${JSON.stringify(user.username)} belongs to Tessera user id ${owner}`);
    const email = user.email.toLowerCase();
    const emailOwner = email === '' ? undefined : byEmail.get(email);
    if (emailOwner !== undefined && emailOwner !== user.id) {
      throw new ImportRowError(
        user.source,
        `email ${JSON.stringify(user.email)} belongs to Tessera user id ${emailOwner} (Tessera allows one account per email, in any case)`,
      );
    }
    const before = existing.get(user.id);
    if (before !== undefined) {
      byUsername.delete(before.username);
      byEmail.delete(before.email.toLowerCase());
    }
    byUsername.set(user.username, user.id);
    if (email !== '') byEmail.set(email, user.id);
  };

  for (const [index, user] of users.entries()) {
    claim(user);
    const before = existing.get(user.id);
    if (before === undefined) {
      await trx
        .insertInto('auth_user')
        .values({ id: user.id, ...columnsOf(user) })
        .execute();
      // Django's exact rule for imported names; their folded forms are recorded so that a later
      // registration of "KYOKO" meets an imported "kyoko" (migration 0009).
      await claimFoldedNames(trx, user.id, { username: user.username, email: columnsOf(user).email }, false);
      counts.created++;
    } else {
      const changes = changedColumns(before, user);
      if (Object.keys(changes).length === 0) counts.unchanged++;
      else {
        await trx.updateTable('auth_user').set(changes).where('id', '=', user.id).execute();
        for (const key of ['password', 'is_active', 'is_staff', 'is_superuser'] as const)
          if (key in changes) userChanges.note(user.id, key);
        // Other fields (names, email, dates): no cut-off, but running servers must drop the cached row.
        userChanges.note(user.id, 'profile');
        await claimFoldedNames(trx, user.id, { username: user.username, email: columnsOf(user).email }, false);
        counts.updated++;
      }
    }
    onProgress('users', index + 1, users.length);
  }
  // PostgreSQL's identity sequence does not see explicit ids: move it past them, or the next
  // registration would collide. SQLite's AUTOINCREMENT counter follows explicit ids by itself.
  if (dialect === 'postgres' && counts.created > 0) {
    await sql`select setval(pg_get_serial_sequence('auth_user', 'id'), (select max(id) from auth_user))`.execute(trx);
  }
  return counts;
}

// ---- groups and permissions ----

async function writeGroups(
  trx: Kysely<Database>,
  batch: DjangoImportBatch,
  onProgress: Progress,
  userChanges: UserChanges,
): Promise<{ groups: ImportCount; permissions: ImportCount; links: ImportCount }> {
  const permissions = count();
  const groups = count();
  const links = count();
  const total = batch.permissions.length + batch.groups.length + batch.userGroups.length + batch.userPermissions.length;
  let done = 0;
  const step = (): void => onProgress('groups', ++done, total);
  if (total === 0) return { groups, permissions, links };

  const contentTypeIds = new Map(
    (await trx.selectFrom('django_content_type').select(['id', 'app_label', 'model']).execute()).map((row) => [
      `${row.app_label}.${row.model}`,
      row.id,
    ]),
  );
  const contentTypeOf = async (permission: ImportedPermission): Promise<number> => {
    const key = `${permission.appLabel}.${permission.model}`;
    let id = contentTypeIds.get(key);
    if (id === undefined) {
      id = (
        await trx
          .insertInto('django_content_type')
          .values({ app_label: permission.appLabel, model: permission.model })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      contentTypeIds.set(key, id);
    }
    return id;
  };

  const permissionIds = new Map<string, number>();
  for (const row of await trx
    .selectFrom('auth_permission as p')
    .innerJoin('django_content_type as c', 'c.id', 'p.content_type_id')
    .select(['p.id', 'p.codename', 'c.app_label', 'c.model'])
    .execute()) {
    permissionIds.set(permissionKey({ appLabel: row.app_label, model: row.model, codename: row.codename }), row.id);
  }
  const permissionIdOf = async (permission: ImportedPermission): Promise<number> => {
    const key = permissionKey(permission);
    let id = permissionIds.get(key);
    if (id === undefined) {
      const contentTypeId = await contentTypeOf(permission);
      id = (
        await trx
          .insertInto('auth_permission')
          .values({ name: permission.name, content_type_id: contentTypeId, codename: permission.codename })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      permissionIds.set(key, id);
      permissions.created++;
    }
    return id;
  };
  for (const permission of batch.permissions) {
    const known = permissionIds.has(permissionKey(permission));
    await permissionIdOf(permission);
    if (known) permissions.unchanged++;
    step();
  }

  const groupIds = new Map((await trx.selectFrom('auth_group').select(['id', 'name']).execute()).map((row) => [row.name, row.id]));
  // Groups granted a permission: every member's permissions changed.
  const grantedGroups = new Set<number>();
  const groupPairs = new Set(
    (await trx.selectFrom('auth_group_permissions').select(['group_id', 'permission_id']).execute()).map(
      (row) => `${row.group_id}:${row.permission_id}`,
    ),
  );
  for (const group of batch.groups) {
    let groupId = groupIds.get(group.name);
    if (groupId === undefined) {
      groupId = (await trx.insertInto('auth_group').values({ name: group.name }).returning('id').executeTakeFirstOrThrow()).id;
      groupIds.set(group.name, groupId);
      groups.created++;
    } else groups.unchanged++;
    for (const permission of group.permissions) {
      const permissionId = await permissionIdOf(permission);
      if (groupPairs.has(`${groupId}:${permissionId}`)) links.unchanged++;
      else {
        await trx.insertInto('auth_group_permissions').values({ group_id: groupId, permission_id: permissionId }).execute();
        groupPairs.add(`${groupId}:${permissionId}`);
        grantedGroups.add(groupId);
        links.created++;
      }
    }
    step();
  }

  const userGroupPairs = new Set(
    (await trx.selectFrom('auth_user_groups').select(['user_id', 'group_id']).execute()).map((row) => `${row.user_id}:${row.group_id}`),
  );
  for (const { userId, group } of batch.userGroups) {
    const groupId = groupIds.get(group);
    if (groupId === undefined)
      throw new ImportRowError(`user id ${userId}`, `member of group ${JSON.stringify(group)}, which the source does not define`);
    if (userGroupPairs.has(`${userId}:${groupId}`)) links.unchanged++;
    else {
      await trx.insertInto('auth_user_groups').values({ user_id: userId, group_id: groupId }).execute();
      userGroupPairs.add(`${userId}:${groupId}`);
      userChanges.note(userId, 'groups');
      links.created++;
    }
    step();
  }

  const userPermissionPairs = new Set(
    (await trx.selectFrom('auth_user_user_permissions').select(['user_id', 'permission_id']).execute()).map(
      (row) => `${row.user_id}:${row.permission_id}`,
    ),
  );
  for (const { userId, permission } of batch.userPermissions) {
    const permissionId = await permissionIdOf(permission);
    if (userPermissionPairs.has(`${userId}:${permissionId}`)) links.unchanged++;
    else {
      await trx.insertInto('auth_user_user_permissions').values({ user_id: userId, permission_id: permissionId }).execute();
      userPermissionPairs.add(`${userId}:${permissionId}`);
      userChanges.note(userId, 'permissions');
      links.created++;
    }
    step();
  }
  for (const group of chunks([...grantedGroups])) {
    const members = await trx.selectFrom('auth_user_groups').select('user_id').where('group_id', 'in', group).execute();
    for (const { user_id } of members) userChanges.note(user_id, 'permissions');
  }
  return { groups, permissions, links };
}

// ---- tokens ----

async function writeTokens(
  trx: Kysely<Database>,
  tokens: readonly ImportedToken[],
  onProgress: Progress,
): Promise<{ tokens: ImportCount; blacklisted: ImportCount }> {
  const counts = { tokens: count(), blacklisted: count() };
  let done = 0;
  for (const group of chunks(tokens)) {
    const jtis = group.map((token) => token.jti);
    const known = new Map(
      (
        await trx
          .selectFrom('token_blacklist_outstandingtoken as o')
          .leftJoin('token_blacklist_blacklistedtoken as b', 'b.token_id', 'o.id')
          .select(['o.id', 'o.jti', 'b.id as blacklist_id'])
          .where('o.jti', 'in', jtis)
          .execute()
      ).map((row) => [row.jti, row]),
    );
    const userIds = [...new Set(group.flatMap((token) => (token.userId === null ? [] : [token.userId])))];
    const presentUsers = new Set(
      userIds.length === 0
        ? []
        : (await trx.selectFrom('auth_user').select('id').where('id', 'in', userIds).execute()).map((row) => row.id),
    );
    for (const token of group) {
      let row = known.get(token.jti);
      if (row === undefined) {
        const inserted = await trx
          .insertInto('token_blacklist_outstandingtoken')
          .values({
            jti: token.jti,
            user_id: token.userId !== null && presentUsers.has(token.userId) ? token.userId : null,
            family_id: null,
            created_at: token.createdAt,
            expires_at: token.expiresAt,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        row = { id: inserted.id, jti: token.jti, blacklist_id: null };
        counts.tokens.created++;
      } else counts.tokens.unchanged++;
      if (token.blacklistedAt !== null) {
        if (row.blacklist_id !== null) counts.blacklisted.unchanged++;
        else {
          await trx
            .insertInto('token_blacklist_blacklistedtoken')
            .values({ token_id: row.id, blacklisted_at: token.blacklistedAt })
            .execute();
          counts.blacklisted.created++;
        }
      }
      onProgress('tokens', ++done, tokens.length);
    }
  }
  return counts;
}
