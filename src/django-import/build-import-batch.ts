/**
 * Turns the tables of a Django source into a validated `DjangoImportBatch`. Every row is checked
 * before anything is written; the first bad one stops the import with an `ImportRowError` that
 * names it. Expired tokens are left out (skipped, with the reason).
 */
import { ImportRowError } from '../errors.js';
import type { DjangoImportBatch, ImportedGroup, ImportedPermission, ImportedToken, ImportedUser } from '../model/django-import.js';
import { timestampFromDb } from '../stores/schema.js';
import { DJANGO_TABLES, TABLE_NAME, type DjangoRow, type DjangoTables } from './django-tables.js';

/** The Tessera user fields a Django column can feed (`--map column=field`). */
export const USER_FIELDS = [
  'id',
  'username',
  'email',
  'first_name',
  'last_name',
  'password',
  'is_active',
  'is_staff',
  'is_superuser',
  'last_login',
  'date_joined',
] as const;
export type UserField = (typeof USER_FIELDS)[number];

/** Which Django model holds the users, and where its tables are. */
export interface UserModel {
  /** `auth.User` or `app.Model`, as given. */
  readonly label: string;
  /** `auth_user`, `users_customuser`: Django's default table name. */
  readonly table: string;
  /** `user_id`, `customuser_id`: the column naming a user in the model's link tables. */
  readonly linkColumn: string;
}

/** Parses `--user-model app.Model`. */
export function userModelOf(label: string): UserModel {
  const match = /^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(label);
  if (match === null) throw new Error(`--user-model: expected app_label.ModelName (e.g. users.CustomUser), got ${JSON.stringify(label)}`);
  const [, app = '', model = ''] = match;
  const table = `${app}_${model}`.toLowerCase();
  if (!TABLE_NAME.test(table)) throw new Error(`--user-model: ${label} does not give a Django table name`);
  return { label, table, linkColumn: `${model.toLowerCase()}_id` };
}

export interface BuildOptions {
  readonly userModel: UserModel;
  /** Source column to Tessera field (`--map`); columns named like a field map to it anyway. */
  readonly columnMap: Readonly<Record<string, UserField>>;
  readonly withGroups: boolean;
  readonly withBlacklist: boolean;
  /** Tokens expiring at or before this are skipped. */
  readonly now: Date;
}

/** Something left out, and why. */
export interface Skipped {
  readonly what: string;
  readonly reason: string;
}

export interface BuiltBatch {
  readonly batch: DjangoImportBatch;
  readonly skipped: readonly Skipped[];
  /** Whether the user model has no username column (users then log in by email). */
  readonly logsInByEmail: boolean;
}

// ---- field readers: each names the row and the field when the value is wrong ----

function fail(row: DjangoRow, field: string, expected: string, value: unknown): never {
  const shown = typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value) : String(value);
  throw new ImportRowError(row.label, `${field}: expected ${expected}, got ${shown}`);
}

function idOf(row: DjangoRow, field: string, value: unknown): number {
  // pg gives bigint columns as decimal strings.
  const id = typeof value === 'string' && /^[1-9][0-9]{0,14}$/.test(value) ? Number(value) : value;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) fail(row, field, 'a positive integer id', value);
  return id;
}

function textOf(row: DjangoRow, field: string, value: unknown, maxLength: number, allowEmpty = true): string {
  if (typeof value !== 'string') fail(row, field, 'text', value);
  if (!allowEmpty && value.trim() === '') fail(row, field, 'non-empty text', value);
  if (value.length > maxLength) fail(row, field, `at most ${maxLength} characters`, value);
  return value;
}

function booleanOf(row: DjangoRow, field: string, value: unknown): boolean {
  if (value === true || value === 1) return true;
  if (value === false || value === 0) return false;
  return fail(row, field, 'a boolean', value);
}

function dateOf(row: DjangoRow, field: string, value: unknown): Date {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
  if (typeof value === 'string') {
    try {
      return timestampFromDb(value);
    } catch {
      // reported below
    }
  }
  return fail(row, field, 'a datetime', value);
}

function nullableDateOf(row: DjangoRow, field: string, value: unknown): Date | null {
  return value === null || value === undefined ? null : dateOf(row, field, value);
}

// ---- users ----

function fieldValues(row: DjangoRow, columnMap: Readonly<Record<string, UserField>>): Map<UserField, unknown> {
  const fields = new Map<UserField, unknown>();
  const mappedFields = new Set(Object.values(columnMap));
  for (const [column, value] of Object.entries(row.values)) {
    const mapped = columnMap[column];
    if (mapped !== undefined) fields.set(mapped, value);
    // A column named like a field feeds it, unless --map feeds that field from another column.
    else if ((USER_FIELDS as readonly string[]).includes(column) && !mappedFields.has(column as UserField))
      fields.set(column as UserField, value);
  }
  return fields;
}

function userOf(row: DjangoRow, columnMap: Readonly<Record<string, UserField>>, now: Date): ImportedUser {
  const fields = fieldValues(row, columnMap);
  const has = (field: UserField): boolean => fields.has(field) && fields.get(field) !== null;
  if (!fields.has('id')) throw new ImportRowError(row.label, 'no id column (map one with --map column=id)');
  if (!fields.has('password')) throw new ImportRowError(row.label, 'no password column (map one with --map column=password)');
  const email = has('email') ? textOf(row, 'email', fields.get('email'), 254) : '';
  // A model without a username (the tutorials' email-login model) logs in by email: the
  // email doubles as the username, so either USERNAME_FIELD finds the user.
  const username = has('username')
    ? textOf(row, 'username', fields.get('username'), 150, false)
    : textOf(row, 'email (used as the username)', email, 150, false);
  return {
    source: row.label,
    id: idOf(row, 'id', fields.get('id')),
    username,
    email,
    firstName: has('first_name') ? textOf(row, 'first_name', fields.get('first_name'), 150) : '',
    lastName: has('last_name') ? textOf(row, 'last_name', fields.get('last_name'), 150) : '',
    password: textOf(row, 'password', fields.get('password'), 128),
    isActive: has('is_active') ? booleanOf(row, 'is_active', fields.get('is_active')) : true,
    isStaff: has('is_staff') ? booleanOf(row, 'is_staff', fields.get('is_staff')) : false,
    isSuperuser: has('is_superuser') ? booleanOf(row, 'is_superuser', fields.get('is_superuser')) : false,
    lastLogin: nullableDateOf(row, 'last_login', fields.get('last_login')),
    dateJoined: has('date_joined') ? dateOf(row, 'date_joined', fields.get('date_joined')) : now,
  };
}

/** Refuses two rows with one id, one username, or one email in any case (Tessera's rule). */
function checkUnique(users: readonly ImportedUser[]): void {
  const seen = new Map<string, ImportedUser>();
  for (const user of users) {
    const keys = [`id:${user.id}`, `username:${user.username}`, ...(user.email === '' ? [] : [`email:${user.email.toLowerCase()}`])];
    for (const key of keys) {
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        const what = key.slice(0, key.indexOf(':'));
        throw new ImportRowError(
          user.source,
          `same ${what} as ${earlier.source}${what === 'email' ? ' (Tessera allows one account per email, in any case)' : ''}`,
        );
      }
      seen.set(key, user);
    }
  }
}

// ---- groups and permissions ----

async function readPermissions(tables: DjangoTables): Promise<Map<number, ImportedPermission>> {
  const contentTypes = new Map<number, { appLabel: string; model: string }>();
  for (const row of await tables.rows(DJANGO_TABLES.contentTypes)) {
    contentTypes.set(idOf(row, 'id', row.values.id), {
      appLabel: textOf(row, 'app_label', row.values.app_label, 100, false),
      model: textOf(row, 'model', row.values.model, 100, false),
    });
  }
  const permissions = new Map<number, ImportedPermission>();
  for (const row of await tables.rows(DJANGO_TABLES.permissions)) {
    const contentTypeId = idOf(row, 'content_type_id', row.values.content_type_id);
    const contentType = contentTypes.get(contentTypeId);
    if (contentType === undefined) throw new ImportRowError(row.label, `content_type_id ${contentTypeId} is not in django_content_type`);
    permissions.set(idOf(row, 'id', row.values.id), {
      ...contentType,
      codename: textOf(row, 'codename', row.values.codename, 100, false),
      name: textOf(row, 'name', row.values.name, 255),
    });
  }
  return permissions;
}

function lookup<T>(map: ReadonlyMap<number, T>, row: DjangoRow, column: string, table: string): T {
  const id = idOf(row, column, row.values[column]);
  const found = map.get(id);
  if (found === undefined) throw new ImportRowError(row.label, `${column} ${id} is not in ${table}`);
  return found;
}

async function readGroups(
  tables: DjangoTables,
  model: UserModel,
  userIds: ReadonlySet<number>,
): Promise<Pick<DjangoImportBatch, 'permissions' | 'groups' | 'userGroups' | 'userPermissions'>> {
  const permissions = await readPermissions(tables);
  const groupNames = new Map<number, string>();
  const groupPermissions = new Map<string, ImportedPermission[]>();
  for (const row of await tables.rows(DJANGO_TABLES.groups)) {
    const name = textOf(row, 'name', row.values.name, 150, false);
    groupNames.set(idOf(row, 'id', row.values.id), name);
    groupPermissions.set(name, []);
  }
  for (const row of await tables.rows(DJANGO_TABLES.groupPermissions)) {
    const group = lookup(groupNames, row, 'group_id', DJANGO_TABLES.groups);
    groupPermissions.get(group)?.push(lookup(permissions, row, 'permission_id', DJANGO_TABLES.permissions));
  }
  const groups: ImportedGroup[] = [...groupPermissions].map(([name, list]) => ({ name, permissions: list }));
  const userOfLink = (row: DjangoRow): number => {
    const userId = idOf(row, model.linkColumn, row.values[model.linkColumn]);
    if (!userIds.has(userId)) throw new ImportRowError(row.label, `${model.linkColumn} ${userId} is not in ${model.table}`);
    return userId;
  };
  const userGroups = (await tables.rows(`${model.table}_groups`)).map((row) => ({
    userId: userOfLink(row),
    group: lookup(groupNames, row, 'group_id', DJANGO_TABLES.groups),
  }));
  const userPermissions = (await tables.rows(`${model.table}_user_permissions`)).map((row) => ({
    userId: userOfLink(row),
    permission: lookup(permissions, row, 'permission_id', DJANGO_TABLES.permissions),
  }));
  return { permissions: [...permissions.values()], groups, userGroups, userPermissions };
}

// ---- tokens ----

async function readTokens(tables: DjangoTables, now: Date, skipped: Skipped[]): Promise<ImportedToken[]> {
  for (const table of [DJANGO_TABLES.outstanding, DJANGO_TABLES.blacklisted]) {
    if (!(await tables.has(table))) {
      throw new ImportRowError(
        tables.description,
        `no ${table} table: is rest_framework_simplejwt.token_blacklist installed (and in the dump)?`,
      );
    }
  }
  const blacklistedAt = new Map<number, Date>();
  for (const row of await tables.rows(DJANGO_TABLES.blacklisted)) {
    blacklistedAt.set(idOf(row, 'token_id', row.values.token_id), dateOf(row, 'blacklisted_at', row.values.blacklisted_at));
  }
  const tokens: ImportedToken[] = [];
  const seen = new Set<string>();
  let expired = 0;
  for (const row of await tables.rows(DJANGO_TABLES.outstanding)) {
    const id = idOf(row, 'id', row.values.id);
    const jti = textOf(row, 'jti', row.values.jti, 255, false);
    if (seen.has(jti)) throw new ImportRowError(row.label, `jti ${jti} appears twice`);
    seen.add(jti);
    const expiresAt = dateOf(row, 'expires_at', row.values.expires_at);
    const userId = row.values.user_id === null || row.values.user_id === undefined ? null : idOf(row, 'user_id', row.values.user_id);
    const createdAt = nullableDateOf(row, 'created_at', row.values.created_at);
    // The raw `token` column is never read: the jti is all revocation needs (simplejwt #803).
    if (expiresAt.getTime() <= now.getTime()) {
      expired++;
      continue;
    }
    tokens.push({ source: row.label, jti, userId, createdAt, expiresAt, blacklistedAt: blacklistedAt.get(id) ?? null });
  }
  if (expired > 0) skipped.push({ what: `${expired} token${expired === 1 ? '' : 's'}`, reason: 'expired: nothing to carry over' });
  return tokens;
}

/** Reads and checks everything the options ask for. */
export async function buildImportBatch(tables: DjangoTables, options: BuildOptions): Promise<BuiltBatch> {
  const { userModel } = options;
  if (!(await tables.has(userModel.table))) {
    throw new ImportRowError(
      tables.description,
      `no ${userModel.table} table for the user model ${userModel.label} (name a custom one with --user-model app.Model)`,
    );
  }
  const userRows = await tables.rows(userModel.table);
  const users = userRows.map((row) => userOf(row, options.columnMap, options.now));
  checkUnique(users);
  const mapped = new Set(Object.values(options.columnMap));
  const logsInByEmail = userRows.length > 0 && !('username' in (userRows[0]?.values ?? {})) && !mapped.has('username');
  const skipped: Skipped[] = [];
  const groups = options.withGroups
    ? await readGroups(tables, userModel, new Set(users.map((user) => user.id)))
    : { permissions: [], groups: [], userGroups: [], userPermissions: [] };
  const tokens = options.withBlacklist ? await readTokens(tables, options.now, skipped) : [];
  return { batch: { users, ...groups, tokens }, skipped, logsInByEmail };
}
