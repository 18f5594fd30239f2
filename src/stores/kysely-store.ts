/**
 * The SQL behind `Store`, written once with Kysely for every SQL dialect Tessera supports, one
 * module per concern in `./kysely/` (users, tokens and families, audit trail, console sign-ins,
 * signing keys) over one shared handle (`./kysely/sql-handle.ts`).
 * A dialect subclass supplies only what genuinely differs:
 * - how to run a transaction that holds the write lock from its first statement
 *   (SQLite: `BEGIN IMMEDIATE` on its single connection; PostgreSQL: an ordinary transaction,
 *   because row locks and unique indexes already serialise the conflicting statements);
 * - how to run the migrator so that concurrent processes do not both apply a migration;
 * - how to recognise a unique-index violation and which user field it concerns.
 *
 * Races are settled by the database, never by check-then-act (see each module).
 */
import { inspect } from 'node:util';
import { Migrator, sql, type Kysely } from 'kysely';
import type { DjangoImportBatch, DjangoImportStore, DjangoImportWriteOptions, DjangoImportWritten } from '../model/django-import.js';
import type {
  AccountStore,
  AuditTrail,
  ConsoleSignInStore,
  EmailAddress,
  KeyStore,
  NameRules,
  OutstandingToken,
  RefreshReadStore,
  RevocationStore,
  Store,
  TokenRecord,
  TokenState,
  TokenStateAndUser,
} from '../model/store.js';
import type { PermissionStore } from '../model/permissions.js';
import type { NewUser, User, UserLookupField, UserPatch } from '../model/user.js';
import { KyselyAuditTrail } from './kysely/audit-trail.js';
import { KyselyConsoleSignIns } from './kysely/console-sign-ins.js';
import { KyselyKeyStore } from './kysely/signing-keys.js';
import { KyselyPermissionStore } from './kysely/permissions.js';
import { KyselyRevocations } from './kysely/revocations.js';
import { compiledStatements, type SqlHandle } from './kysely/sql-handle.js';
import { findTokenStateAndUser } from './kysely/token-and-user.js';
import { KyselyTokenStore } from './kysely/tokens.js';
import { KyselyUserStore, userFromRow } from './kysely/users.js';
import { KyselyAccountQueries } from './account-queries.js';
import { writeDjangoImport } from './django-import-writer.js';
import { MIGRATION_LOCK_TABLE, MIGRATION_TABLE, TesseraMigrationProvider, type MigrationDialect } from './migrations/index.js';
import type { Database } from './schema.js';

/** Thrown inside a dry run's transaction to roll it back, carrying what the run did. */
class DryRunRollback extends Error {
  constructor(readonly counts: DjangoImportWritten) {
    super('dry run: rolled back');
  }
}

export interface KyselyStoreOptions {
  /** The clock `createUser` stamps `date_joined` with when the caller gives no date. @default the system clock */
  readonly now?: () => Date;
}

/**
 * `Store` over any Kysely dialect. Subclasses provide the dialect hooks; every query lives in
 * `./kysely/` so that SQLite and PostgreSQL cannot drift apart.
 */
export abstract class KyselyStore implements Store, AccountStore, DjangoImportStore, RefreshReadStore {
  readonly audit: AuditTrail;
  readonly consoleSignIns: ConsoleSignInStore;
  readonly keys: KeyStore;
  readonly permissions: PermissionStore;
  readonly revocations: RevocationStore;
  readonly #users: KyselyUserStore;
  readonly #tokens: KyselyTokenStore;
  readonly #accounts: KyselyAccountQueries;
  readonly #handle: SqlHandle;

  constructor(
    protected readonly db: Kysely<Database>,
    options: KyselyStoreOptions = {},
  ) {
    const handle: SqlHandle = {
      db,
      // Arrow functions: the subclass's hooks are called later, once it is fully built.
      inWriteTransaction: (work) => this.inWriteTransaction(work),
      uniqueViolationField: (error) => this.uniqueViolationField(error),
      ...compiledStatements(db),
    };
    this.#handle = handle;
    this.#users = new KyselyUserStore(handle, options.now ?? (() => new Date()));
    this.#tokens = new KyselyTokenStore(handle);
    this.audit = new KyselyAuditTrail(handle);
    this.consoleSignIns = new KyselyConsoleSignIns(handle);
    this.keys = new KyselyKeyStore(handle);
    this.permissions = new KyselyPermissionStore(handle);
    this.revocations = new KyselyRevocations(handle);
    this.#accounts = new KyselyAccountQueries(db, userFromRow);
  }

  /** Which flavour of the migrations to run. */
  protected abstract readonly dialect: MigrationDialect;

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
        const reason = error instanceof Error ? error.message : inspect(error);
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

  // ---- users (./kysely/users.ts) ----

  findUser(field: UserLookupField, value: string | number): Promise<User | undefined> {
    return this.#users.findUser(field, value);
  }
  createUser(user: NewUser, options?: NameRules): Promise<User> {
    return this.#users.createUser(user, options);
  }
  updateUser(id: number, patch: UserPatch, options?: NameRules): Promise<User | undefined> {
    return this.#users.updateUser(id, patch, options);
  }
  emailTaken(email: string): Promise<boolean> {
    return this.#users.emailTaken(email);
  }
  listUsers(options?: { search?: string; limit?: number; offset?: number }): Promise<User[]> {
    return this.#users.listUsers(options);
  }
  cutOffTokens(userId: number, now: Date): Promise<number> {
    return this.#users.cutOffTokens(userId, now);
  }

  deleteUser(id: number): Promise<boolean> {
    return this.#users.deleteUser(id);
  }

  // ---- tokens and families (./kysely/tokens.ts) ----

  recordOutstanding(token: OutstandingToken): Promise<void> {
    return this.#tokens.recordOutstanding(token);
  }
  isBlacklisted(jti: string): Promise<boolean> {
    return this.#tokens.isBlacklisted(jti);
  }
  findTokenState(jti: string): Promise<TokenState | undefined> {
    return this.#tokens.findTokenState(jti);
  }
  startFamily(family: { id: string; userId: number | null; createdAt: Date }): Promise<void> {
    return this.#tokens.startFamily(family);
  }
  revokeFamily(familyId: string, now: Date, reason: string): Promise<number> {
    return this.#tokens.revokeFamily(familyId, now, reason);
  }
  blacklist(token: OutstandingToken, now: Date): Promise<boolean> {
    return this.#tokens.blacklist(token, now);
  }
  rotate(old: OutstandingToken, next: OutstandingToken, now: Date): Promise<boolean> {
    return this.#tokens.rotate(old, next, now);
  }
  blacklistAllForUser(userId: number, now: Date): Promise<number> {
    return this.#tokens.blacklistAllForUser(userId, now);
  }
  listTokens(options?: { userId?: number; limit?: number; offset?: number }): Promise<TokenRecord[]> {
    return this.#tokens.listTokens(options);
  }
  flushExpired(now: Date): Promise<number> {
    return this.#tokens.flushExpired(now);
  }

  // ---- a refresh's reads (./kysely/token-and-user.ts) ----

  findTokenStateAndUser(jti: string, field: UserLookupField, value: string | number): Promise<TokenStateAndUser> {
    return findTokenStateAndUser(this.#handle, jti, field, value, (id) => this.#tokens.findTokenState(id));
  }

  // ---- accounts (./account-queries.ts) ----

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

  // ---- import from Django (./django-import-writer.ts) ----

  async importDjango(batch: DjangoImportBatch, options: DjangoImportWriteOptions): Promise<DjangoImportWritten> {
    try {
      return await this.inWriteTransaction(async (trx) => {
        const counts = await writeDjangoImport(trx, this.dialect, batch, options);
        if (options.dryRun) throw new DryRunRollback(counts);
        return counts;
      });
    } catch (error) {
      if (error instanceof DryRunRollback) return error.counts;
      throw error;
    }
  }
}
