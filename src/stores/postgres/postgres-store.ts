/**
 * The PostgreSQL store: the shared Kysely queries (`../kysely-store.ts`, `../kysely/`) over a `pg` pool, for
 * deployments that run several Tessera processes on several machines.
 *
 * Why the races `Store` promises to settle are settled here (READ COMMITTED, no table locks):
 * - `rotate` and `blacklist` hinge on one statement, `INSERT INTO blacklistedtoken (token_id, ...)
 *   ... ON CONFLICT (token_id) DO NOTHING RETURNING id`, against the UNIQUE index on `token_id`.
 *   PostgreSQL guarantees that statement an atomic insert-or-nothing at any isolation level: a
 *   second inserter of the same `token_id` finds the first one's index entry and, if that
 *   transaction is still open, waits for it to end. If it committed, the second insert does
 *   nothing and returns no row (that caller lost, and `rotate` rolls its transaction back); if
 *   it rolled back, the second insert goes ahead. So of N concurrent calls, in any number of
 *   processes, exactly one gets a row back. No snapshot is involved, which is why READ
 *   COMMITTED suffices and SERIALIZABLE would only add retries.
 * - The outstanding row it points at is written just before by `INSERT ... ON CONFLICT (jti) DO
 *   NOTHING`, which waits the same way for a concurrent inserter of that jti. When it returns,
 *   the row is either this transaction's own or committed, and the next statement (a new
 *   snapshot under READ COMMITTED) sees it.
 * - `createUser` relies on the unique indexes on `username` and `lower(email)`; the loser gets
 *   SQLSTATE 23505 naming the index, mapped to `UniqueViolationError`.
 * Multi-row writes (`blacklistAllForUser`, `revokeFamily`) can still deadlock with each other,
 * since their rows are not inserted in a guaranteed order; PostgreSQL then aborts one of them
 * (40P01), and `inWriteTransaction` reruns it, as it does for serialization failures (40001).
 *
 * Migrations: see `withMigrationLock`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  PostgresIntrospector,
  sql,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type DatabaseMetadataOptions,
  type SchemaMetadata,
  type TableMetadata,
} from 'kysely';
import { Pool } from 'pg';
import { KyselyStore } from '../kysely-store.js';
import type { MigrationDialect } from '../migrations/index.js';
import { EMAIL_UNIQUE_INDEX, NAME_KEY_UNIQUE_INDEX, USERNAME_UNIQUE_INDEX, type Database } from '../schema.js';
import { querySpans } from '../../observability/query-spans.js';

/**
 * First key of the advisory lock `migrate()` takes: `pg_advisory_xact_lock(this,
 * hashtext(current_setting('search_path')))`. Exported so operators (and tests) can recognise
 * it in `pg_locks`, or hold it to keep Tessera from migrating.
 */
export const POSTGRES_MIGRATION_LOCK_CLASS = 0x7e55e7a;

/** How long connecting may take (and how long a query may wait for a free pooled connection). */
export const POSTGRES_CONNECT_TIMEOUT_MS = 10_000;

/** SQLSTATEs after which a whole transaction may simply be run again. */
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01']);
const MAX_TRANSACTION_ATTEMPTS = 5;

/** Constraint names PostgreSQL reports for the unique user fields. */
const UNIQUE_USER_CONSTRAINTS: Readonly<Record<string, 'username' | 'email'>> = {
  [USERNAME_UNIQUE_INDEX]: 'username',
  [EMAIL_UNIQUE_INDEX]: 'email',
  // The name Django gives `username`'s constraint, for an `auth_user` Django created.
  auth_user_username_key: 'username',
};

/** Unquoted-identifier characters only, so the name needs no escaping anywhere. */
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** The SQLSTATE of a `pg` error, or `undefined` for anything else. */
function sqlStateOf(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code: unknown = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Kysely's PostgreSQL introspector lists tables in every schema, and its migrator asks it
 * whether `tessera_migration` exists. With two Tessera schemas in one database the second
 * would find the first one's table, skip creating its own, and fail. This one answers only
 * for `current_schema()`, the schema unqualified names are created in.
 */
class CurrentSchemaIntrospector implements DatabaseIntrospector {
  readonly #db: Kysely<unknown>;
  readonly #all: PostgresIntrospector;

  constructor(db: Kysely<unknown>) {
    this.#db = db;
    this.#all = new PostgresIntrospector(db);
  }

  getSchemas(): Promise<SchemaMetadata[]> {
    return this.#all.getSchemas();
  }

  async getTables(options?: DatabaseMetadataOptions): Promise<TableMetadata[]> {
    const [tables, current] = await Promise.all([
      this.#all.getTables(options),
      sql<{ name: string | null }>`select current_schema() as name`.execute(this.#db),
    ]);
    const schema = current.rows[0]?.name ?? null;
    return tables.filter((table) => table.schema === schema);
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) };
  }
}

/** `PostgresDialect` with the schema-aware introspector. */
class TesseraPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}

/** The PostgreSQL implementation of `Store`. Open it with `openPostgresStore`. */
export class PostgresStore extends KyselyStore {
  protected readonly dialect: MigrationDialect = 'postgres';

  /** The schema every connection uses (its `search_path`), or `undefined` for the server's default. */
  readonly schema: string | undefined;

  /** Serialises this process's own `migrate()` calls (see `withMigrationLock`). */
  #migrating: Promise<void> = Promise.resolve();

  constructor(db: Kysely<Database>, schema: string | undefined) {
    super(db);
    this.schema = schema;
  }

  protected async inWriteTransaction<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        // Explicit, so a server whose default_transaction_isolation is stricter does not turn
        // every lost race into a serialization failure (see the module comment for why READ
        // COMMITTED is enough).
        return await this.db.transaction().setIsolationLevel('read committed').execute(work);
      } catch (error) {
        const state = sqlStateOf(error);
        if (attempt >= MAX_TRANSACTION_ATTEMPTS || state === undefined || !RETRYABLE_SQLSTATES.has(state)) throw error;
        // Jittered, so the two sides of a deadlock do not collide again in step.
        await sleep(Math.random() * 20 * attempt);
      }
    }
  }

  /**
   * Holds `pg_advisory_xact_lock` in a transaction on one pooled connection while Kysely's
   * migrator runs on others; processes migrating the same schema queue on the lock, and each
   * later one finds nothing left to do.
   *
   * Kysely's migrator has a PostgreSQL lock of its own, but it takes it only after creating its
   * bookkeeping tables, and a fresh schema must exist before that; both steps race across
   * processes without this lock. The migrator cannot run inside the lock's transaction (it
   * opens and commits its own), hence the separate connection. A transaction-scoped lock goes
   * away with the session, so a process killed mid-migration never leaves it held; the
   * migrations themselves run in the migrator's transaction, so they leave no trace either.
   *
   * Within this process `migrate()` calls queue first: each holds one pooled connection while
   * it waits, so enough concurrent calls could otherwise starve the pool of the connection the
   * lock holder's migrator needs.
   */
  protected async withMigrationLock(migrate: (db: Kysely<Database>) => Promise<void>): Promise<void> {
    const run = this.#migrating.then(() =>
      this.db.transaction().execute(async (lock) => {
        // A server-wide idle timeout would otherwise end the lock's session while it waits idle.
        await sql`set local idle_in_transaction_session_timeout = 0`.execute(lock);
        await sql`select pg_advisory_xact_lock(${POSTGRES_MIGRATION_LOCK_CLASS}::int4, hashtext(current_setting('search_path')))`.execute(
          lock,
        );
        if (this.schema !== undefined) await this.#ensureSchema();
        await migrate(this.db);
      }),
    );
    this.#migrating = run.catch(() => undefined);
    await run;
  }

  protected uniqueViolationField(error: unknown): 'username' | 'email' | undefined {
    if (sqlStateOf(error) !== '23505') return undefined;
    const constraint: unknown = (error as { constraint?: unknown }).constraint;
    // Two concurrent registrations of folded-equal names (migration 0009): the loser's insert
    // waits on the index, then fails; PostgreSQL's detail names the key, "(kind, folded)=(email, ...)".
    if (constraint === NAME_KEY_UNIQUE_INDEX)
      return String((error as { detail?: unknown }).detail).includes('=(email,') ? 'email' : 'username';
    return typeof constraint === 'string' ? UNIQUE_USER_CONSTRAINTS[constraint] : undefined;
  }

  /**
   * Creates the configured schema when it is missing. Checked first because CREATE SCHEMA needs
   * the CREATE privilege on the database even with IF NOT EXISTS, which a role that was given
   * a ready-made schema may lack. Runs under the migration lock, so processes do not race here.
   */
  async #ensureSchema(): Promise<void> {
    const schema = this.schema;
    if (schema === undefined) return;
    const existing = await sql`select 1 from pg_namespace where nspname = ${schema}`.execute(this.db);
    if (existing.rows.length === 0) await sql`create schema ${sql.id(schema)}`.execute(this.db);
  }
}

/**
 * Opens a PostgreSQL store over a connection pool to `url` (`postgres://user:password@host:port/db`,
 * with any parameter `pg` understands), and checks that the server answers. Does not migrate:
 * call `store.migrate()`.
 *
 * @param options.schema Use this schema (created by `migrate()` if missing) instead of the
 *   server's default `search_path`: set on every connection, so all of Tessera's tables and
 *   bookkeeping live there. Letters, digits and `_` only, case-sensitive.
 * @throws RangeError for an unusable schema name.
 * @throws Error from `pg` when the server cannot be reached or refuses the connection.
 */
export async function openPostgresStore(url: string, options: { schema?: string } = {}): Promise<PostgresStore> {
  const { schema } = options;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new RangeError(
      `PostgreSQL schema name must be 1-63 letters, digits or _, not starting with a digit; got ${JSON.stringify(schema)}`,
    );
  }
  const pool = new Pool({ connectionString: url, connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS });
  // Without a listener, an idle pooled connection that breaks (server restart, network cut)
  // would crash the process with an unhandled 'error' event. The pool has already discarded
  // that connection; the next query opens a new one, and reports any lasting failure itself.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({
    dialect: new TesseraPostgresDialect({
      pool,
      // Per connection rather than as a startup option, so that an `options` parameter in the
      // URL (which `pg` lets override its config) cannot silently undo it.
      onCreateConnection:
        schema === undefined
          ? undefined
          : async (connection) => {
              await connection.executeQuery(CompiledQuery.raw(`set search_path to "${schema}"`));
            },
    }),
    log: querySpans('postgresql'),
  });
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return new PostgresStore(db, schema);
}
