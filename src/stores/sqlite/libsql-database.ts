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
  get(parameters: unknown[]): unknown;
  run(parameters: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(parameters: unknown[]): IterableIterator<unknown>;
  /** Rows as arrays of values instead of objects keyed by column name. */
  raw(raw: boolean): unknown;
  columns(): readonly { name: string }[];
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
 * A cached statement and how its rows are read. libsql builds each row object in native code,
 * key by key (and `get` adds a `_metadata` key); reading rows as arrays and naming them here
 * costs less than half as much for a wide row (docs/decisions.md D24). Only for a select list
 * without `*`: its column names are fixed by the SQL text, whereas `*` follows the table's
 * current columns, which another process's migration may change under a cached statement.
 */
interface CachedStatement {
  readonly statement: LibsqlStatement;
  readonly reader: boolean;
  /** The column names of a raw-mode reader, in order; `undefined`: libsql's own row objects. */
  readonly names: readonly string[] | undefined;
  /**
   * The SQL ends with a top-level `limit 1`: at most one row, so libsql's `get` (one step)
   * reads it, cheaper than `all`'s row iterator.
   */
  readonly single: boolean;
}

/** A trailing `limit 1`, after everything else: nothing can follow it but the end of the text. */
const ENDS_WITH_LIMIT_ONE = /\slimit 1$/i;

function cacheEntry(statement: LibsqlStatement, source: string): CachedStatement {
  const reader = statement.reader;
  if (!reader || source.includes('*')) return { statement, reader, names: undefined, single: false };
  statement.raw(true);
  return { statement, reader, names: statement.columns().map((column) => column.name), single: ENDS_WITH_LIMIT_ONE.test(source) };
}

/**
 * A raw row named as libsql's `all` would: a name given twice keeps its last value, and a blob
 * is an ArrayBuffer (raw rows carry blobs as Buffers).
 */
function namedRow(names: readonly string[], values: readonly unknown[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (let index = 0; index < names.length; index++) {
    const value = values[index];
    row[names[index] ?? ''] =
      value instanceof Uint8Array ? value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength) : value;
  }
  return row;
}

function readAll(entry: CachedStatement, parameters: readonly unknown[]): unknown[] {
  const { statement, names } = entry;
  if (names === undefined) return statement.all(encodeAll(parameters));
  if (entry.single) {
    const values = statement.get(encodeAll(parameters)) as unknown[] | undefined;
    return values === undefined ? [] : [namedRow(names, values)];
  }
  return (statement.all(encodeAll(parameters)) as unknown[][]).map((values) => namedRow(names, values));
}

function* readEach(entry: CachedStatement, parameters: readonly unknown[]): IterableIterator<unknown> {
  const { statement, names } = entry;
  for (const values of statement.iterate(encodeAll(parameters))) yield names === undefined ? values : namedRow(names, values as unknown[]);
}

/**
 * Iterates `rows`, calling `drop` if a step fails or the iteration is left before its end (a
 * `break` in Kysely's `stream()`): libsql then leaves the statement midway, and its next `get`
 * answered the abandoned iteration's row instead of stepping with its own parameters.
 */
function* dropUnlessIteratedToEnd(rows: IterableIterator<unknown>, drop: () => void): IterableIterator<unknown> {
  let finished = false;
  try {
    yield* rows;
    finished = true;
  } finally {
    if (!finished) drop();
  }
}

/**
 * Wraps `connection` for Kysely's `SqliteDialect`. Prepared statements are cached by SQL text:
 * Kysely prepares every query anew, and preparing was 15% of a protected request's CPU in a
 * profile (`node --cpu-prof`, wrk on GET /protected/). Reuse is safe: Kysely runs one query at
 * a time on this single connection, and a statement not read to its end (a failed step, a
 * stream left midway) is dropped from the cache.
 */
export function kyselySqliteDatabase(connection: LibsqlConnection): SqliteDatabase {
  // Each statement with its `reader` flag, read once: libsql's getter asks the native side on
  // every access, and Kysely reads it per query (2.6% of a refresh's CPU, docs/decisions.md D15).
  // The wrapper Kysely gets is built once per statement too, not per query.
  const statements = new Map<string, SqliteStatement>();
  /**
   * `entry` as Kysely's statement. One whose step failed, or whose iteration was left midway, is
   * dropped from the cache, never reused: libsql leaves it halted with that call's parameters
   * bound, and the next `get` on it answered with that call's row (another user's row, for a
   * lookup by id) or its error.
   */
  const wrap = (source: string, entry: CachedStatement): SqliteStatement => {
    const drop = (): void => {
      if (statements.get(source) === wrapped) statements.delete(source);
    };
    const wrapped: SqliteStatement = {
      reader: entry.reader,
      all(parameters) {
        try {
          return readAll(entry, parameters);
        } catch (error) {
          drop();
          throw error;
        }
      },
      run(parameters) {
        try {
          return entry.statement.run(encodeAll(parameters));
        } catch (error) {
          drop();
          throw error;
        }
      },
      iterate: (parameters) => dropUnlessIteratedToEnd(readEach(entry, parameters), drop),
    };
    return wrapped;
  };
  return {
    close: () => {
      statements.clear();
      connection.close();
    },
    prepare(source: string): SqliteStatement {
      let statement = statements.get(source);
      if (statement === undefined) {
        statement = wrap(source, cacheEntry(connection.prepare(source), source));
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value ?? '');
        statements.set(source, statement);
      }
      return statement;
    },
  };
}
