/**
 * Users in Django's `auth_user` table. A unique index decides `createUser`, never
 * check-then-insert.
 */
import { sql, type Kysely, type Selectable, type Updateable } from 'kysely';
import { UniqueViolationError, type NameRules, type UserStore } from '../../model/store.js';
import type { NewUser, User, UserLookupField, UserPatch } from '../../model/user.js';
import { claimFoldedNames, foldedEmailTaken, releaseFoldedNames } from '../name-keys.js';
import {
  booleanFromDb,
  nullableTimestampFromDb,
  timestampFromDb,
  TOKEN_CUTOFF_TABLE,
  type AuthUserTable,
  type Database,
} from '../schema.js';
import { containsPattern, OUTSTANDING, pageOf, USERS, type SqlHandle } from './sql-handle.js';

/** `findUser('id', ...)` accepts a number or a decimal string, as Django coerces the claim. */
function userIdFrom(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (!/^\d{1,15}$/.test(value)) return undefined;
  return Number(value);
}

/**
 * The `auth_user` columns `userFromRow` reads, by name rather than `*`: a select list that names
 * its columns lets the SQLite adapter read rows as arrays (docs/decisions.md D24).
 */
export const USER_COLUMNS = [
  'id',
  'password',
  'last_login',
  'is_superuser',
  'username',
  'first_name',
  'last_name',
  'email',
  'is_staff',
  'is_active',
  'date_joined',
] as const satisfies readonly (keyof AuthUserTable)[];

/** What `findUser(field, value)` binds, or `undefined` when `value` can name nobody. */
export function userLookupParameter(field: UserLookupField, value: string | number): string | number | undefined {
  if (field === 'id') return userIdFrom(value);
  const parameter = String(value);
  // An empty email is Django's "no email", shared by any number of users: it names nobody.
  return field === 'email' && parameter === '' ? undefined : parameter;
}

export function userFromRow(row: Selectable<AuthUserTable> & { token_version?: number | null }): User {
  const user: User = {
    id: row.id,
    username: row.username,
    email: row.email,
    firstName: row.first_name,
    lastName: row.last_name,
    password: row.password,
    isActive: booleanFromDb(row.is_active),
    isStaff: booleanFromDb(row.is_staff),
    isSuperuser: booleanFromDb(row.is_superuser),
    lastLogin: nullableTimestampFromDb(row.last_login),
    dateJoined: timestampFromDb(row.date_joined),
  };
  // Only reads that join the cut-off table know the version; a user who never had a cut-off
  // (no row: version 0) gets no field, as from every other read.
  if (row.token_version === undefined || row.token_version === null) return user;
  return { ...user, tokenVersion: row.token_version };
}

/** The `auth_user` columns a patch sets; keys outside `UserPatch` are ignored. */
function userColumnsFrom(patch: UserPatch): Updateable<AuthUserTable> {
  const columns: Updateable<AuthUserTable> = {};
  if (patch.password !== undefined) columns.password = patch.password;
  if (patch.username !== undefined) columns.username = patch.username;
  if (patch.email !== undefined) columns.email = patch.email;
  if (patch.firstName !== undefined) columns.first_name = patch.firstName;
  if (patch.lastName !== undefined) columns.last_name = patch.lastName;
  if (patch.isActive !== undefined) columns.is_active = patch.isActive;
  if (patch.isStaff !== undefined) columns.is_staff = patch.isStaff;
  if (patch.isSuperuser !== undefined) columns.is_superuser = patch.isSuperuser;
  if (patch.lastLogin !== undefined) columns.last_login = patch.lastLogin;
  return columns;
}

export class KyselyUserStore implements UserStore {
  readonly #sql: SqlHandle;
  /** The clock `date_joined` defaults to when the caller gives none. */
  readonly #now: () => Date;

  constructor(handle: SqlHandle, now: () => Date) {
    this.#sql = handle;
    this.#now = now;
  }

  async findUser(field: UserLookupField, value: string | number): Promise<User | undefined> {
    const parameter = userLookupParameter(field, value);
    if (parameter === undefined) return undefined;
    // The user's token version comes along (a left join), so the authentication that follows
    // can refuse tokens minted before the last cut-off without a second query.
    const row = await this.#sql.selectFirst(
      `findUser:${field}`,
      () =>
        this.#sql.db
          .selectFrom(USERS)
          .leftJoin(TOKEN_CUTOFF_TABLE, `${TOKEN_CUTOFF_TABLE}.user_id`, `${USERS}.id`)
          .select(USER_COLUMNS.map((column) => `${USERS}.${column}` as const))
          .select(`${TOKEN_CUTOFF_TABLE}.version as token_version`)
          .where(`${USERS}.${field}`, '=', parameter),
      [parameter],
    );
    return row === undefined ? undefined : userFromRow(row);
  }

  async createUser(user: NewUser, options: NameRules = {}): Promise<User> {
    try {
      return await this.#sql.inWriteTransaction(async (trx) => {
        const row = await trx
          .insertInto(USERS)
          .values({
            username: user.username,
            email: user.email ?? '',
            first_name: user.firstName ?? '',
            last_name: user.lastName ?? '',
            password: user.password,
            is_active: user.isActive ?? true,
            is_staff: user.isStaff ?? false,
            is_superuser: user.isSuperuser ?? false,
            last_login: null,
            date_joined: user.dateJoined ?? this.#now(),
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        // Equal after case folding to another user's name or email: refused when asked (issue 12 §7).
        await claimFoldedNames(trx, row.id, { username: user.username, email: user.email ?? '' }, options.uniqueAfterFolding === true);
        return userFromRow(row);
      });
    } catch (error) {
      throw this.#asUniqueViolation(error);
    }
  }

  async updateUser(id: number, patch: UserPatch, options: NameRules = {}): Promise<User | undefined> {
    const columns = userColumnsFrom(patch);
    if (Object.keys(columns).length === 0) return this.findUser('id', id);
    const renames = patch.username !== undefined || patch.email !== undefined;
    try {
      if (!renames) {
        const row = await this.#sql.db.updateTable(USERS).set(columns).where('id', '=', id).returningAll().executeTakeFirst();
        return row === undefined ? undefined : userFromRow(row);
      }
      return await this.#sql.inWriteTransaction(async (trx) => {
        const row = await trx.updateTable(USERS).set(columns).where('id', '=', id).returningAll().executeTakeFirst();
        if (row === undefined) return undefined;
        await claimFoldedNames(trx, id, { username: patch.username, email: patch.email }, options.uniqueAfterFolding === true);
        return userFromRow(row);
      });
    } catch (error) {
      throw this.#asUniqueViolation(error);
    }
  }

  async emailTaken(email: string): Promise<boolean> {
    if (email === '') return false;
    if (await foldedEmailTaken(this.#sql.db, email)) return true;
    // Written exactly as the unique index's expression and predicate, so the index serves it.
    const row = await this.#sql.db
      .selectFrom(USERS)
      .select('id')
      .where(sql<boolean>`lower(email) = lower(${email})`)
      .where(sql<boolean>`email <> ''`)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  async listUsers(options: { search?: string; limit?: number; offset?: number } = {}): Promise<User[]> {
    const { limit, offset } = pageOf(options);
    let query = this.#sql.db.selectFrom(USERS).selectAll();
    if (options.search !== undefined && options.search !== '') {
      // Case-insensitive on both dialects: PostgreSQL's LIKE is case-sensitive, SQLite's is not.
      const pattern = containsPattern(options.search);
      query = query.where((eb) =>
        eb.or(
          (['username', 'email', 'first_name', 'last_name'] as const).map(
            (column) => sql<boolean>`lower(${sql.ref(column)}) like lower(${pattern}) escape '\\'`,
          ),
        ),
      );
    }
    const rows = await query.orderBy('id').limit(limit).offset(offset).execute();
    return rows.map(userFromRow);
  }

  cutOffTokens(userId: number, now: Date): Promise<number> {
    return cutOffTokensIn(this.#sql.db, userId, now);
  }

  async deleteUser(id: number): Promise<boolean> {
    return this.#sql.inWriteTransaction(async (trx) => {
      // The schema says ON DELETE SET NULL, but a database Django created has no such action
      // (Django emulates it), so detach the tokens explicitly: their blacklisting must outlive
      // the user.
      await trx.updateTable(OUTSTANDING).set({ user_id: null }).where('user_id', '=', id).execute();
      await releaseFoldedNames(trx, id);
      const result = await trx.deleteFrom(USERS).where('id', '=', id).executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }

  #asUniqueViolation(error: unknown): unknown {
    if (error instanceof UniqueViolationError) return error;
    const field = this.#sql.uniqueViolationField(error);
    return field === undefined ? error : new UniqueViolationError(field);
  }
}

/**
 * Raises `userId`'s token version with `db` (a connection or a transaction: `tessera
 * import-django` cuts off inside its own) and returns the new version.
 */
export async function cutOffTokensIn(db: Kysely<Database>, userId: number, now: Date): Promise<number> {
  // One statement: concurrent cut-offs each raise the version, none is lost.
  const row = await db
    .insertInto(TOKEN_CUTOFF_TABLE)
    .values({ user_id: userId, version: 1, valid_after: now })
    .onConflict((conflict) =>
      conflict.column('user_id').doUpdateSet((eb) => ({ version: eb(`${TOKEN_CUTOFF_TABLE}.version`, '+', 1), valid_after: now })),
    )
    .returning('version')
    .executeTakeFirstOrThrow();
  return row.version;
}
