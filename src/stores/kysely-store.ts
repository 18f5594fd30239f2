/**
 * The SQL behind `Store`, written once with Kysely for every SQL dialect Tessera supports.
 * A dialect subclass supplies only what genuinely differs:
 * - how to run a transaction that holds the write lock from its first statement
 *   (SQLite: `BEGIN IMMEDIATE` on its single connection; PostgreSQL: an ordinary transaction,
 *   because row locks and unique indexes already serialise the conflicting statements);
 * - how to run the migrator so that concurrent processes do not both apply a migration;
 * - how to recognise a unique-index violation and which user field it concerns.
 *
 * Races are settled by the database, never by check-then-act: a unique index on `auth_user`
 * decides `createUser`, and the UNIQUE `token_id` of the blacklist table decides `blacklist` and
 * `rotate` (an insert that does nothing on conflict, whose RETURNING row tells who won).
 */
import { CompiledQuery, Migrator, sql, type Kysely, type QueryResult, type Selectable, type Updateable } from 'kysely';
import type { NewUser, User, UserLookupField, UserPatch } from '../model/user.js';
import { MIGRATION_LOCK_TABLE, MIGRATION_TABLE, TesseraMigrationProvider, type MigrationDialect } from './migrations/index.js';
import {
  booleanFromDb,
  nullableTimestampFromDb,
  timestampFromDb,
  type AuthUserTable,
  type BigIdColumn,
  type Database,
  type TimestampColumn,
} from './schema.js';
import {
  UniqueViolationError,
  type AdminSession,
  type AuditEntry,
  type AuditQuery,
  type AuditStore,
  type NameRules,
  type OutstandingToken,
  type Store,
  type TokenRecord,
  type TokenState,
} from '../model/store.js';
import type { AccountStore, EmailAddress, KeyStore, SigningKeyState, StoredSigningKey } from '../model/store.js';
import { KyselyAccountQueries } from './account-queries.js';
import type { NullableTimestampColumn } from './schema.js';
import { claimFoldedNames, foldedEmailTaken, releaseFoldedNames } from './name-keys.js';
import type { DjangoImportBatch, DjangoImportCounts, DjangoImportStore, DjangoImportWriteOptions } from '../model/django-import.js';
import { writeDjangoImport } from './django-import-writer.js';

/** Thrown inside a dry run's transaction to roll it back, carrying what the run did. */
class DryRunRollback extends Error {
  constructor(readonly counts: DjangoImportCounts) {
    super('dry run: rolled back');
  }
}

const USERS = 'auth_user';
const OUTSTANDING = 'token_blacklist_outstandingtoken';
const BLACKLISTED = 'token_blacklist_blacklistedtoken';
const FAMILIES = 'tessera_token_family';

/** Ids per multi-row insert: well below SQLite's 32766 bound parameters and PostgreSQL's 65535. */
const INSERT_BATCH = 500;

/** Thrown inside `rotate`'s transaction to roll it back when another caller won. */
class RotationLost extends Error {
  constructor() {
    super('old token already blacklisted; rotation rolled back');
  }
}

/** A listing window; `limit` absent means all rows. */
interface Page {
  limit?: number;
  offset?: number;
}

/** Validated LIMIT/OFFSET. SQLite accepts OFFSET only after a LIMIT, hence the explicit "no limit". */
function pageOf(options: Page): { limit: number; offset: number } {
  const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
  const offset = options.offset ?? 0;
  if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`offset must be a non-negative integer, got ${offset}`);
  return { limit, offset };
}

/** A LIKE pattern matching `text` anywhere, with LIKE's wildcards in `text` taken literally. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** `findUser('id', ...)` accepts a number or a decimal string, as Django coerces the claim. */
function userIdFrom(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (!/^\d{1,15}$/.test(value)) return undefined;
  return Number(value);
}

export function userFromRow(row: Selectable<AuthUserTable>): User {
  return {
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

/**
 * `Store` over any Kysely dialect. Subclasses provide the dialect hooks; every query lives here
 * so that SQLite and PostgreSQL cannot drift apart.
 */
export abstract class KyselyStore implements Store, AuditStore, KeyStore, AccountStore, DjangoImportStore {
  /** Which flavour of the migrations to run. */
  protected abstract readonly dialect: MigrationDialect;
  readonly #accounts: KyselyAccountQueries;

  constructor(protected readonly db: Kysely<Database>) {
    this.#accounts = new KyselyAccountQueries(db, userFromRow);
  }

  // ---- accounts (src/stores/account-queries.ts) ----

  findUserByEmail(email: string): Promise<User | undefined> {
    return this.#accounts.findUserByEmail(email);
  }
  replacePassword(id: number, expected: string, next: string): Promise<boolean> {
    return this.#accounts.replacePassword(id, expected, next);
  }
  findEmailAddress(userId: number, email: string): Promise<EmailAddress | undefined> {
    return this.#accounts.findEmailAddress(userId, email);
  }
  findEmailAddressById(id: number): Promise<EmailAddress | undefined> {
    return this.#accounts.findEmailAddressById(id);
  }
  addEmailAddress(userId: number, email: string): Promise<EmailAddress> {
    return this.#accounts.addEmailAddress(userId, email);
  }
  verifyEmailAddress(id: number): Promise<boolean> {
    return this.#accounts.verifyEmailAddress(id);
  }
  listEmailAddresses(userIds: readonly number[]): Promise<EmailAddress[]> {
    return this.#accounts.listEmailAddresses(userIds);
  }

  /**
   * Runs `work` in one transaction that serialises against every other writer, on this and
   * other processes, and commits it; rolls back and rethrows if `work` throws. `work` must use
   * only the handle it is given.
   */
  protected abstract inWriteTransaction<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T>;

  /**
   * Runs `migrate` (Kysely's migrator over the handle it is given) so that two processes
   * migrating one database at once cannot both apply the same migration.
   */
  protected abstract withMigrationLock(migrate: (db: Kysely<Database>) => Promise<void>): Promise<void>;

  /** The user field whose unique index `error` violated, or `undefined` for any other error. */
  protected abstract uniqueViolationField(error: unknown): 'username' | 'email' | undefined;

  async migrate(): Promise<void> {
    await this.withMigrationLock(async (db) => {
      const { error, results } = await this.#migrator(db).migrateToLatest();
      if (error !== undefined) {
        const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'setup';
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`Database migration ${failed} failed: ${reason}`, { cause: error });
      }
    });
  }

  async ping(): Promise<boolean> {
    try {
      await sql`select 1`.execute(this.db);
      return true;
    } catch {
      return false;
    }
  }

  async pendingMigrations(): Promise<string[]> {
    const migrations = await this.#migrator(this.db).getMigrations();
    return migrations.filter((migration) => migration.executedAt === undefined).map((migration) => migration.name);
  }

  #migrator(db: Kysely<Database>): Migrator {
    return new Migrator({
      db,
      provider: new TesseraMigrationProvider(this.dialect),
      migrationTableName: MIGRATION_TABLE,
      migrationLockTableName: MIGRATION_LOCK_TABLE,
    });
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  // ---- users ----

  async findUser(field: UserLookupField, value: string | number): Promise<User | undefined> {
    let parameter: string | number;
    if (field === 'id') {
      const id = userIdFrom(value);
      if (id === undefined) return undefined;
      parameter = id;
    } else {
      parameter = String(value);
      // An empty email is Django's "no email", shared by any number of users: it names nobody.
      if (field === 'email' && parameter === '') return undefined;
    }
    const row = await this.#selectFirst(`findUser:${field}`, () => this.db.selectFrom(USERS).selectAll().where(field, '=', parameter), [parameter]);
    return row === undefined ? undefined : userFromRow(row);
  }

  async createUser(user: NewUser, options: NameRules = {}): Promise<User> {
    try {
      return await this.inWriteTransaction(async (trx) => {
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
            date_joined: user.dateJoined ?? new Date(),
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
        const row = await this.db.updateTable(USERS).set(columns).where('id', '=', id).returningAll().executeTakeFirst();
        return row === undefined ? undefined : userFromRow(row);
      }
      return await this.inWriteTransaction(async (trx) => {
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
    if (await foldedEmailTaken(this.db, email)) return true;
    // Written exactly as the unique index's expression and predicate, so the index serves it.
    const row = await this.db
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
    let query = this.db.selectFrom(USERS).selectAll();
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

  async deleteUser(id: number): Promise<boolean> {
    return this.inWriteTransaction(async (trx) => {
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
    const field = this.uniqueViolationField(error);
    return field === undefined ? error : new UniqueViolationError(field);
  }

  // ---- tokens ----

  async recordOutstanding(token: OutstandingToken): Promise<void> {
    await this.#insertOutstanding(this.db, token);
  }

  async isBlacklisted(jti: string): Promise<boolean> {
    const row = await this.#selectFirst(
      'isBlacklisted',
      () => this.db.selectFrom(`${BLACKLISTED} as b`).innerJoin(`${OUTSTANDING} as o`, 'o.id', 'b.token_id').select('b.id').where('o.jti', '=', jti),
      [jti],
    );
    return row !== undefined;
  }

  /** SQL text of the hot statements, compiled once (see `#executeCompiled`). */
  readonly #compiledSql = new Map<string, string>();

  /**
   * Runs a hot statement whose SQL is built and compiled by Kysely only once per store: the
   * builder and compiler cost ~60 µs a call against ~10 µs for the SQLite query itself
   * (measured with `node --cpu-prof` on POST /api/token/verify/, docs/decisions.md D7; a
   * rotation ran four such builds, D15). `build` must produce the same SQL for every call under
   * one `name`, and `parameters` must be what it binds, in order: the first call checks that
   * against Kysely's own compilation and throws on a mismatch, so a wrong order fails in the
   * tests instead of binding wrong values.
   */
  async #executeCompiled<Row>(
    db: Kysely<Database>,
    name: string,
    build: () => { compile(): CompiledQuery<Row> },
    parameters: readonly unknown[],
  ): Promise<QueryResult<Row>> {
    let text = this.#compiledSql.get(name);
    if (text === undefined) {
      const compiled = build().compile();
      const same = compiled.parameters.length === parameters.length && compiled.parameters.every((value, index) => Object.is(value, parameters[index]));
      if (!same) throw new Error(`statement ${name}: the parameters given do not match what Kysely binds`);
      text = compiled.sql;
      this.#compiledSql.set(name, text);
    }
    return db.executeQuery<Row>(CompiledQuery.raw(text, [...parameters]));
  }

  /** A single-row read through {@link KyselyStore.#executeCompiled}. */
  async #selectFirst<Row>(name: string, build: () => { compile(): CompiledQuery<Row> }, parameters: readonly unknown[]): Promise<Row | undefined> {
    return (await this.#executeCompiled(this.db, name, build, parameters)).rows[0];
  }

  async blacklist(token: OutstandingToken): Promise<boolean> {
    return this.inWriteTransaction(async (trx) => {
      await this.#insertOutstanding(trx, token);
      return this.#insertBlacklisted(trx, token.jti, new Date());
    });
  }

  async rotate(old: OutstandingToken, next: OutstandingToken): Promise<boolean> {
    try {
      return await this.inWriteTransaction(async (trx) => {
        await this.#insertOutstanding(trx, old);
        // The gate: of all concurrent rotations (and logouts) of `old`, exactly one inserts the
        // blacklist row; the unique token_id makes everyone else's insert a no-op.
        if (!(await this.#insertBlacklisted(trx, old.jti, new Date()))) throw new RotationLost();
        await this.#insertOutstanding(trx, next);
        // One statement: the successor's name, and for a token minted elsewhere (simplejwt, an
        // import) that had no family, the family its first rotation starts, so that replaying
        // it later revokes that family (COALESCE keeps a family it already had).
        await this.#executeCompiled(
          trx,
          'setReplacedByAndFamily',
          () =>
            trx
              .updateTable(OUTSTANDING)
              .set((eb) => ({ replaced_by: next.jti, family_id: eb.fn.coalesce('family_id', eb.val(old.familyId)) }))
              .where('jti', '=', old.jti),
          [next.jti, old.familyId, old.jti],
        );
        return true;
      });
    } catch (error) {
      if (error instanceof RotationLost) return false;
      throw error;
    }
  }

  async blacklistAllForUser(userId: number, now: Date): Promise<number> {
    return this.inWriteTransaction(async (trx) => {
      const live = await trx
        .selectFrom(`${OUTSTANDING} as o`)
        .leftJoin(`${BLACKLISTED} as b`, 'b.token_id', 'o.id')
        .select('o.id')
        .where('o.user_id', '=', userId)
        .where('o.expires_at', '>', now)
        .where('b.id', 'is', null)
        .execute();
      const blacklisted = await this.#blacklistRows(trx, live, now);
      await trx
        .updateTable(FAMILIES)
        .set({ revoked_at: now, revoke_reason: 'logout_all' })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .execute();
      return blacklisted;
    });
  }

  // ---- families ----

  async findTokenState(jti: string): Promise<TokenState | undefined> {
    const row = await this.#selectFirst(
      'findTokenState',
      () =>
        this.db
          .selectFrom(`${OUTSTANDING} as o`)
          .leftJoin(`${BLACKLISTED} as b`, 'b.token_id', 'o.id')
          .leftJoin(`${FAMILIES} as f`, 'f.id', 'o.family_id')
          .select(['o.jti', 'o.user_id', 'o.family_id', 'o.replaced_by', 'o.created_at', 'o.expires_at', 'b.blacklisted_at', 'f.created_at as family_created_at', 'f.revoked_at'])
          .where('o.jti', '=', jti),
      [jti],
    );
    if (row === undefined) return undefined;
    return {
      jti: row.jti,
      userId: row.user_id,
      familyId: row.family_id,
      familyCreatedAt: nullableTimestampFromDb(row.family_created_at),
      familyRevokedAt: nullableTimestampFromDb(row.revoked_at),
      blacklistedAt: nullableTimestampFromDb(row.blacklisted_at),
      replacedBy: row.replaced_by,
      createdAt: nullableTimestampFromDb(row.created_at),
      expiresAt: timestampFromDb(row.expires_at),
    };
  }

  async startFamily(family: { id: string; userId: number | null; createdAt: Date }): Promise<void> {
    const { userId } = family;
    await this.db
      .insertInto(FAMILIES)
      .values({
        id: family.id,
        user_id: userId === null ? null : (eb) => eb.selectFrom(USERS).select('auth_user.id').where('auth_user.id', '=', userId),
        created_at: family.createdAt,
        revoked_at: null,
        revoke_reason: null,
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
  }

  async revokeFamily(familyId: string, now: Date, reason: string): Promise<number> {
    return this.inWriteTransaction(async (trx) => {
      const live = await trx
        .selectFrom(`${OUTSTANDING} as o`)
        .leftJoin(`${BLACKLISTED} as b`, 'b.token_id', 'o.id')
        .select('o.id')
        .where('o.family_id', '=', familyId)
        .where('b.id', 'is', null)
        .execute();
      const blacklisted = await this.#blacklistRows(trx, live, now);
      await trx
        .updateTable(FAMILIES)
        .set({ revoked_at: now, revoke_reason: reason })
        .where('id', '=', familyId)
        .where('revoked_at', 'is', null)
        .execute();
      return blacklisted;
    });
  }

  async listTokens(options: { userId?: number; limit?: number; offset?: number } = {}): Promise<TokenRecord[]> {
    const { limit, offset } = pageOf(options);
    let query = this.db
      .selectFrom(`${OUTSTANDING} as o`)
      .leftJoin(`${BLACKLISTED} as b`, 'b.token_id', 'o.id')
      .select(['o.jti', 'o.user_id', 'o.family_id', 'o.created_at', 'o.expires_at', 'b.blacklisted_at']);
    if (options.userId !== undefined) query = query.where('o.user_id', '=', options.userId);
    const rows = await query
      // Newest first; tokens recorded without a creation time (blacklisted on sight) go last.
      .orderBy('o.created_at', (order) => order.desc().nullsLast())
      .orderBy('o.id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
    return rows.map((row) => ({
      jti: row.jti,
      userId: row.user_id,
      familyId: row.family_id,
      createdAt: nullableTimestampFromDb(row.created_at),
      expiresAt: timestampFromDb(row.expires_at),
      blacklistedAt: nullableTimestampFromDb(row.blacklisted_at),
    }));
  }

  async flushExpired(now: Date): Promise<number> {
    return this.inWriteTransaction(async (trx) => {
      // Blacklist rows first: the schema cascades, but a database Django created does not
      // (Django emulates CASCADE), and deleting the parents would then violate the foreign key.
      await trx
        .deleteFrom(BLACKLISTED)
        .where('token_id', 'in', (eb) => eb.selectFrom(OUTSTANDING).select('id').where('expires_at', '<=', now))
        .execute();
      const result = await trx.deleteFrom(OUTSTANDING).where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }

  /**
   * Inserts `token` unless its jti is recorded already (then the stored row wins, as simplejwt's
   * `get_or_create`). A `userId` naming no existing user is stored as NULL, as if that user had
   * been deleted: simplejwt can blacklist a deleted user's token, and so can Tessera.
   */
  async #insertOutstanding(db: Kysely<Database>, token: OutstandingToken): Promise<void> {
    const { userId } = token;
    const build = () =>
      db
        .insertInto(OUTSTANDING)
        .values({
          jti: token.jti,
          user_id: userId === null ? null : (eb) => eb.selectFrom(USERS).select('auth_user.id').where('auth_user.id', '=', userId),
          family_id: token.familyId,
          created_at: token.createdAt,
          expires_at: token.expiresAt,
        })
        .onConflict((oc) => oc.column('jti').doNothing());
    const parameters = [token.jti, userId, token.familyId, token.createdAt, token.expiresAt];
    await this.#executeCompiled(db, userId === null ? 'insertOutstanding:noUser' : 'insertOutstanding:user', build, parameters);
  }

  /** Blacklists outstanding rows by id, in batches; returns how many this call blacklisted. */
  async #blacklistRows(db: Kysely<Database>, rows: readonly { id: number | string }[], now: Date): Promise<number> {
    let blacklisted = 0;
    // One global order of row locks, so two revocations over overlapping rows cannot deadlock.
    const ordered = [...rows].sort((a, b) => Number(a.id) - Number(b.id));
    for (let start = 0; start < ordered.length; start += INSERT_BATCH) {
      const batch = ordered.slice(start, start + INSERT_BATCH).map((row) => ({ token_id: row.id, blacklisted_at: now }));
      const inserted = await db
        .insertInto(BLACKLISTED)
        .values(batch)
        .onConflict((oc) => oc.column('token_id').doNothing())
        .returning('id')
        .execute();
      blacklisted += inserted.length;
    }
    return blacklisted;
  }

  /** Blacklists the recorded token `jti`; `true` when this call did, `false` when it already was. */
  async #insertBlacklisted(db: Kysely<Database>, jti: string, now: Date): Promise<boolean> {
    const build = () =>
      db
        .insertInto(BLACKLISTED)
        .values({
          token_id: (eb) => eb.selectFrom(OUTSTANDING).select('id').where('jti', '=', jti),
          blacklisted_at: now,
        })
        .onConflict((oc) => oc.column('token_id').doNothing())
        .returning('id');
    const inserted = await this.#executeCompiled(db, 'insertBlacklisted', build, [jti, now]);
    return inserted.rows.length === 1;
  }

  // ---- admin console: audit trail and sessions (migration 0002) ----

  /** The handle with the admin tables typed; they are not part of `Database`, which is Django's and simplejwt's. */
  get #admin(): Kysely<Database & AdminTables> {
    return this.db.withTables<AdminTables>();
  }

  async recordAudit(entry: Omit<AuditEntry, 'id'>): Promise<void> {
    await this.#admin
      .insertInto(AUDIT)
      .values({
        created_at: entry.at,
        actor_id: entry.actorId,
        actor_username: entry.actorUsername.slice(0, 150),
        action: entry.action.slice(0, 64),
        target_user_id: entry.targetUserId,
        target: entry.target.slice(0, 255),
        detail: entry.detail,
        ip: entry.ip === null ? null : entry.ip.slice(0, 64),
      })
      .execute();
  }

  async pruneAudit(before: Date): Promise<number> {
    const result = await this.#admin.deleteFrom(AUDIT).where('created_at', '<', before).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async listAudit(options: AuditQuery = {}): Promise<AuditEntry[]> {
    const { limit, offset } = pageOf(options);
    let query = this.#admin.selectFrom(AUDIT).selectAll();
    if (options.targetUserId !== undefined) query = query.where('target_user_id', '=', options.targetUserId);
    if (options.action !== undefined) query = query.where('action', '=', options.action);
    const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute();
    return rows.map((row) => ({
      id: Number(row.id),
      at: timestampFromDb(row.created_at),
      actorId: row.actor_id,
      actorUsername: row.actor_username,
      action: row.action,
      targetUserId: row.target_user_id,
      target: row.target,
      detail: row.detail,
      ip: row.ip,
    }));
  }

  async createAdminSession(session: AdminSession): Promise<void> {
    await this.#admin
      .insertInto(ADMIN_SESSIONS)
      .values({
        id: session.idHash,
        user_id: session.userId,
        csrf_token: session.csrfToken,
        created_at: session.createdAt,
        last_seen_at: session.lastSeenAt,
        expires_at: session.expiresAt,
      })
      .execute();
  }

  async findAdminSession(idHash: string): Promise<AdminSession | undefined> {
    const row = await this.#admin.selectFrom(ADMIN_SESSIONS).selectAll().where('id', '=', idHash).executeTakeFirst();
    if (row === undefined) return undefined;
    return {
      idHash: row.id,
      userId: row.user_id,
      csrfToken: row.csrf_token,
      createdAt: timestampFromDb(row.created_at),
      lastSeenAt: timestampFromDb(row.last_seen_at),
      expiresAt: timestampFromDb(row.expires_at),
    };
  }

  async touchAdminSession(idHash: string, lastSeenAt: Date): Promise<void> {
    await this.#admin.updateTable(ADMIN_SESSIONS).set({ last_seen_at: lastSeenAt }).where('id', '=', idHash).execute();
  }

  async deleteAdminSession(idHash: string): Promise<void> {
    await this.#admin.deleteFrom(ADMIN_SESSIONS).where('id', '=', idHash).execute();
  }

  async deleteAdminSessionsOfUser(userId: number, keepIdHash?: string): Promise<number> {
    let query = this.#admin.deleteFrom(ADMIN_SESSIONS).where('user_id', '=', userId);
    if (keepIdHash !== undefined) query = query.where('id', '<>', keepIdHash);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteStaleAdminSessions(now: Date, idleSince: Date): Promise<number> {
    const result = await this.#admin
      .deleteFrom(ADMIN_SESSIONS)
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', idleSince)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  // ---- signing keys for rotation (migration 0003) ----

  /** The handle with the key table typed; it is not part of `Database`, which is Django's and simplejwt's. */
  get #keys(): Kysely<Database & SigningKeyTables> {
    return this.db.withTables<SigningKeyTables>();
  }

  async listSigningKeys(): Promise<StoredSigningKey[]> {
    const rows = await this.#keys.selectFrom(SIGNING_KEYS).selectAll().orderBy('created_at').orderBy('kid').execute();
    return rows.map((row) => ({
      kid: row.kid,
      algorithm: row.algorithm,
      state: row.state as SigningKeyState,
      publicJwk: row.public_jwk,
      encryptedPrivateKey: row.private_key,
      createdAt: timestampFromDb(row.created_at),
      activatedAt: nullableTimestampFromDb(row.activated_at),
      deactivatedAt: nullableTimestampFromDb(row.deactivated_at),
      retiredAt: nullableTimestampFromDb(row.retired_at),
    }));
  }

  async addSigningKey(key: StoredSigningKey): Promise<void> {
    await this.#keys
      .insertInto(SIGNING_KEYS)
      .values({
        kid: key.kid,
        algorithm: key.algorithm,
        state: key.state,
        public_jwk: key.publicJwk,
        private_key: key.encryptedPrivateKey,
        created_at: key.createdAt,
        activated_at: key.activatedAt,
        deactivated_at: key.deactivatedAt,
        retired_at: key.retiredAt,
      })
      .execute();
  }

  async activateSigningKey(kid: string, now: Date): Promise<boolean> {
    return this.inWriteTransaction(async (trx) => {
      const db = trx.withTables<SigningKeyTables>();
      const target = await db.selectFrom(SIGNING_KEYS).select('state').where('kid', '=', kid).executeTakeFirst();
      if (target === undefined || (target.state !== 'generated' && target.state !== 'inactive')) return false;
      // The old key first: the unique index on active rows would refuse two at once.
      await db.updateTable(SIGNING_KEYS).set({ state: 'inactive', deactivated_at: now }).where('state', '=', 'active').execute();
      await db.updateTable(SIGNING_KEYS).set({ state: 'active', activated_at: now, deactivated_at: null }).where('kid', '=', kid).execute();
      return true;
    });
  }

  async retireSigningKey(kid: string, now: Date): Promise<boolean> {
    const result = await this.#keys
      .updateTable(SIGNING_KEYS)
      .set({ state: 'retired', retired_at: now })
      .where('kid', '=', kid)
      .where('state', 'in', ['generated', 'inactive'])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  // ---- import from Django ----

  async importDjango(batch: DjangoImportBatch, options: DjangoImportWriteOptions): Promise<DjangoImportCounts> {
    try {
      return await this.inWriteTransaction(async (trx) => {
        const counts = await writeDjangoImport(trx, this.dialect, batch, options.onProgress);
        if (options.dryRun) throw new DryRunRollback(counts);
        return counts;
      });
    } catch (error) {
      if (error instanceof DryRunRollback) return error.counts;
      throw error;
    }
  }
}

const AUDIT = 'tessera_admin_audit';
const ADMIN_SESSIONS = 'tessera_admin_session';

/** The admin console's tables (migration 0002), in Kysely's terms. */
// A type alias, not an interface: `withTables` wants an index-signature-compatible record.
type AdminTables = {
  tessera_admin_audit: {
    id: BigIdColumn;
    created_at: TimestampColumn;
    actor_id: number | null;
    actor_username: string;
    action: string;
    target_user_id: number | null;
    target: string;
    detail: string;
    ip: string | null;
  };
  tessera_admin_session: {
    id: string;
    user_id: number;
    csrf_token: string;
    created_at: TimestampColumn;
    last_seen_at: TimestampColumn;
    expires_at: TimestampColumn;
  };
};

const SIGNING_KEYS = 'tessera_signing_key';

/** The signing-key table (migration 0003), in Kysely's terms. */
// A type alias, not an interface: `withTables` wants an index-signature-compatible record.
type SigningKeyTables = {
  tessera_signing_key: {
    kid: string;
    algorithm: string;
    state: string;
    public_jwk: string;
    private_key: string;
    created_at: TimestampColumn;
    activated_at: NullableTimestampColumn;
    deactivated_at: NullableTimestampColumn;
    retired_at: NullableTimestampColumn;
  };
};
