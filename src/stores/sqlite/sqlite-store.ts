/**
 * The embedded default store: one SQLite file through `libsql`, shared safely by any number of
 * Tessera processes on one machine.
 *
 * How processes share the file:
 * - WAL journal: readers never block the writer nor each other.
 * - Every write transaction starts with `BEGIN IMMEDIATE`, taking SQLite's single write lock
 *   before it reads anything, so concurrent writers (rotations of one token in two processes)
 *   run one after the other, each seeing the other's commit. A deferred `BEGIN` would let both
 *   read first and then fail with SQLITE_BUSY on upgrading to write.
 * - `busy_timeout = 5000`: a writer waits up to 5 s for the lock instead of failing at once.
 *   libsql's API is synchronous, so the wait blocks this process's event loop; transactions
 *   here are a few statements long, so the wait is short unless something holds the lock.
 * - Inside one process Kysely's SQLite driver owns one connection behind a mutex, so
 *   transactions from concurrent requests queue instead of interleaving.
 *
 * Durability: `synchronous = NORMAL`. In WAL mode a commit is written to the WAL file before the
 * call returns, but not fsync'ed. A killed process (SIGKILL, crash, OOM) loses nothing committed,
 * because the data is in the OS page cache, which survives the process. Only an OS crash or
 * power cut can lose the last transactions before a checkpoint, and even then the database stays
 * consistent. That is the trade SQLite recommends for WAL; `FULL` would add an fsync per commit.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CompiledQuery, Kysely, SqliteDialect } from 'kysely';
import Libsql from 'libsql';
import { KyselyStore } from '../kysely-store.js';
import type { MigrationDialect } from '../migrations/index.js';
import { EMAIL_UNIQUE_INDEX, type Database } from '../schema.js';
import { kyselySqliteDatabase, type LibsqlConnection } from './libsql-database.js';
import { querySpans } from '../../observability/query-spans.js';
import { ConfigError, missingSqliteFolderMessage } from '../../errors.js';

// Compiled once: a rotation is a write transaction, and rebuilding these per call added to it.
const BEGIN_IMMEDIATE = CompiledQuery.raw('begin immediate');
const COMMIT = CompiledQuery.raw('commit');
const ROLLBACK = CompiledQuery.raw('rollback');

/** How long a writer waits for another process's write lock, in milliseconds. */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/** The SQLite implementation of `Store`. Open it with `openSqliteStore`. */
export class SqliteStore extends KyselyStore {
  protected readonly dialect: MigrationDialect = 'sqlite';

  /** The journal mode SQLite settled on: `wal` for files, `memory` for `:memory:`. */
  readonly journalMode: string;

  constructor(db: Kysely<Database>, journalMode: string) {
    super(db);
    this.journalMode = journalMode;
  }

  protected async inWriteTransaction<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    // Kysely's own transaction() issues a deferred BEGIN; hold the connection and say IMMEDIATE.
    return this.db.connection().execute(async (connection) => {
      await connection.executeQuery(BEGIN_IMMEDIATE);
      let result: T;
      try {
        result = await work(connection);
      } catch (error) {
        await rollbackQuietly(connection);
        throw error;
      }
      try {
        await connection.executeQuery(COMMIT);
      } catch (error) {
        await rollbackQuietly(connection);
        throw error;
      }
      return result;
    });
  }

  protected async withMigrationLock(migrate: (db: Kysely<Database>) => Promise<void>): Promise<void> {
    // Kysely's migration lock is a no-op on SQLite and its migrator runs without a transaction
    // there, so two processes could both see a migration pending and both apply it. Running the
    // whole migrator inside one IMMEDIATE transaction makes the second process wait, then find
    // nothing to do. SQLite's DDL is transactional, so a failed migration leaves no trace.
    await this.inWriteTransaction(migrate);
  }

  protected uniqueViolationField(error: unknown): 'username' | 'email' | undefined {
    if (!(error instanceof Error) || (error as { code?: unknown }).code !== 'SQLITE_CONSTRAINT_UNIQUE') return undefined;
    // SQLite names plain column indexes "auth_user.username" and expression indexes by name.
    if (error.message.includes('auth_user.username')) return 'username';
    if (error.message.includes(EMAIL_UNIQUE_INDEX)) return 'email';
    return undefined;
  }
}

async function rollbackQuietly(connection: Kysely<Database>): Promise<void> {
  try {
    await connection.executeQuery(ROLLBACK);
  } catch {
    // SQLite already rolled back (some errors, e.g. SQLITE_FULL, end the transaction); the
    // original error is the one worth reporting.
  }
}

/** Runs a PRAGMA and returns the first column of its first row (its new value, for most). */
function pragma(connection: Libsql.Database, statement: string): unknown {
  // all(), not get(): libsql's get() adds a `_metadata` key to the row.
  const [row] = connection.prepare(`PRAGMA ${statement}`).all();
  return row !== null && typeof row === 'object' ? Object.values(row)[0] : undefined;
}

/**
 * Opens (creating it if missing) the SQLite database file at `path`, or a private in-memory
 * database for `:memory:`. The parent folder must exist: it is never created. Does not migrate: call
 * `store.migrate()`.
 *
 * @throws ConfigError (DATABASE_URL) when the folder is missing; Error when the file cannot be
 *   opened (not a database, no permission).
 */
// eslint-disable-next-line @typescript-eslint/require-await -- async, so that the throws below reach callers as rejections
export async function openSqliteStore(path: string): Promise<SqliteStore> {
  const inMemory = path === ':memory:';
  if (!inMemory) {
    if (path === '') throw new Error('SQLite database path is empty');
    const directory = dirname(resolve(path));
    if (!existsSync(directory) || !statSync(directory).isDirectory()) {
      throw new ConfigError('DATABASE_URL', missingSqliteFolderMessage(path, directory));
    }
  }
  const connection = new Libsql(path);
  let journalMode: string;
  try {
    // busy_timeout first: switching a new file to WAL needs a lock another process may hold.
    pragma(connection, `busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    journalMode = String(pragma(connection, 'journal_mode = WAL'));
    pragma(connection, 'synchronous = NORMAL');
    // Off by default in SQLite, per connection: without it ON DELETE CASCADE / SET NULL do nothing.
    pragma(connection, 'foreign_keys = ON');
  } catch (error) {
    connection.close();
    throw error;
  }
  const adapter: LibsqlConnection = connection;
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: kyselySqliteDatabase(adapter) }), log: querySpans('sqlite') });
  return new SqliteStore(db, journalMode);
}
