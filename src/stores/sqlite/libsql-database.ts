/**
 * Adapts a `libsql` connection to Kysely's `SqliteDatabase` and encodes parameter values the way
 * Tessera stores them in SQLite.
 *
 * Why an adapter: libsql binds only numbers, strings, bigints, buffers and null. A `Date` makes
 * it throw, and a `boolean` makes its native code panic, which aborts the whole process (checked
 * with libsql 0.5.29). Encoding both here lets the shared query code (`../kysely-store.ts`) pass
 * `Date` and `boolean` exactly as it will to `pg`, which takes them natively.
 */
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { formatSqliteTimestamp } from '../schema.js';

/** The part of libsql's (better-sqlite3-compatible) API this adapter uses. */
export interface LibsqlConnection {
  prepare(source: string): LibsqlStatement;
  close(): void;
}

interface LibsqlStatement {
  readonly reader: boolean;
  all(parameters: unknown[]): unknown[];
  run(parameters: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(parameters: unknown[]): IterableIterator<unknown>;
}

/** Encodes one parameter for SQLite: `Date` as UTC text (see `../schema.ts`), `boolean` as 1/0. */
export function encodeSqliteParameter(value: unknown): unknown {
  if (value instanceof Date) return formatSqliteTimestamp(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value === undefined) throw new TypeError('Cannot bind undefined to an SQLite parameter');
  return value;
}

function encodeAll(parameters: ReadonlyArray<unknown>): unknown[] {
  return parameters.map(encodeSqliteParameter);
}

/** Distinct SQL texts whose prepared statements are kept; Tessera issues a few dozen. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Wraps `connection` for Kysely's `SqliteDialect`. Prepared statements are cached by SQL text:
 * Kysely prepares every query anew, and preparing was 15% of a protected request's CPU in a
 * profile (`node --cpu-prof`, wrk on GET /protected/). Reuse is safe: Kysely runs one query at
 * a time on this single connection and reads each result to the end.
 */
export function kyselySqliteDatabase(connection: LibsqlConnection): SqliteDatabase {
  // Each statement with its `reader` flag, read once: libsql's getter asks the native side on
  // every access, and Kysely reads it per query (2.6% of a refresh's CPU, docs/decisions.md D15).
  const statements = new Map<string, { statement: LibsqlStatement; reader: boolean }>();
  const prepared = (source: string): { statement: LibsqlStatement; reader: boolean } => {
    let entry = statements.get(source);
    if (entry === undefined) {
      const statement = connection.prepare(source);
      entry = { statement, reader: statement.reader };
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value ?? '');
      statements.set(source, entry);
    }
    return entry;
  };
  return {
    close: () => {
      statements.clear();
      connection.close();
    },
    prepare(source: string): SqliteStatement {
      const { statement, reader } = prepared(source);
      return {
        reader,
        all: (parameters) => statement.all(encodeAll(parameters)),
        run: (parameters) => statement.run(encodeAll(parameters)),
        iterate: (parameters) => statement.iterate(encodeAll(parameters)),
      };
    },
  };
}
