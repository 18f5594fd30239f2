/**
 * What every Kysely store module shares: one database handle, the dialect's write transaction,
 * its unique-violation reading, and reads compiled once. `KyselyStore` builds one handle and
 * gives it to each concern's module (users, tokens and families, audit trail, console
 * sign-ins, signing keys).
 */
import { CompiledQuery, type Kysely, type QueryResult } from 'kysely';
import type { Database } from '../schema.js';

/** Django's and simplejwt's tables, by the names their migrations give them. */
export const USERS = 'auth_user';
export const OUTSTANDING = 'token_blacklist_outstandingtoken';
export const BLACKLISTED = 'token_blacklist_blacklistedtoken';
export const FAMILIES = 'tessera_token_family';

export interface SqlHandle {
  readonly db: Kysely<Database>;
  /**
   * Runs `work` in one transaction that serialises against every other writer, on this and
   * other processes, and commits it; rolls back and rethrows if `work` throws. `work` must use
   * only the handle it is given.
   */
  inWriteTransaction<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
  /** The user field whose unique index `error` violated, or `undefined` for any other error. */
  uniqueViolationField(error: unknown): 'username' | 'email' | undefined;
  /**
   * Runs a hot statement whose SQL is built and compiled by Kysely only once per store: the
   * builder and compiler cost ~60 µs a call against ~10 µs for the SQLite query itself
   * (measured with `node --cpu-prof` on POST /api/token/verify/, docs/decisions.md D7; a
   * rotation ran four such builds, D15). `build` must produce the same SQL for every call under
   * one `name`, and `parameters` must be what it binds, in order: the first call checks that
   * against Kysely's own compilation and throws on a mismatch, so a wrong order fails in the
   * tests instead of binding wrong values.
   */
  executeCompiled<Row>(
    db: Kysely<Database>,
    name: string,
    build: () => { compile(): CompiledQuery<Row> },
    parameters: readonly unknown[],
  ): Promise<QueryResult<Row>>;
  /**
   * A read of at most one row (a lookup by a unique key) through `executeCompiled`, on the
   * store's handle. Its SQL gets a trailing `limit 1`, which lets the SQLite adapter read the
   * row in one step (docs/decisions.md D24); `build` must not set a limit of its own.
   */
  selectFirst<Row>(name: string, build: () => { compile(): CompiledQuery<Row> }, parameters: readonly unknown[]): Promise<Row | undefined>;
}

/** `SqlHandle.executeCompiled` and `selectFirst` over `db`, with their own cache of SQL text. */
export function compiledStatements(db: Kysely<Database>): Pick<SqlHandle, 'executeCompiled' | 'selectFirst'> {
  const compiledSql = new Map<string, string>();
  const executeCompiled = async <Row>(
    on: Kysely<Database>,
    name: string,
    build: () => { compile(): CompiledQuery<Row> },
    parameters: readonly unknown[],
  ): Promise<QueryResult<Row>> => {
    let text = compiledSql.get(name);
    if (text === undefined) {
      const compiled = build().compile();
      const same =
        compiled.parameters.length === parameters.length &&
        compiled.parameters.every((value, index) => Object.is(value, parameters[index]));
      if (!same) throw new Error(`statement ${name}: the parameters given do not match what Kysely binds`);
      text = compiled.sql;
      compiledSql.set(name, text);
    }
    return on.executeQuery<Row>(CompiledQuery.raw(text, [...parameters]));
  };
  return {
    executeCompiled,
    selectFirst: async (name, build, parameters) => (await executeCompiled(db, name, limitedToOne(build), parameters)).rows[0],
  };
}

/** `build`'s query with `limit 1` appended (a literal: Kysely's `.limit(1)` binds a parameter). */
function limitedToOne<Row>(build: () => { compile(): CompiledQuery<Row> }): () => { compile(): CompiledQuery<Row> } {
  return () => ({
    compile: () => {
      const compiled = build().compile();
      return { ...compiled, sql: `${compiled.sql} limit 1` };
    },
  });
}

/** A listing window; `limit` absent means all rows. */
export interface Page {
  limit?: number;
  offset?: number;
}

/** Validated LIMIT/OFFSET. SQLite accepts OFFSET only after a LIMIT, hence the explicit "no limit". */
export function pageOf(options: Page): { limit: number; offset: number } {
  const limit = options.limit ?? Number.MAX_SAFE_INTEGER;
  const offset = options.offset ?? 0;
  if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
  if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError(`offset must be a non-negative integer, got ${offset}`);
  return { limit, offset };
}

/** A LIKE pattern matching `text` anywhere, with LIKE's wildcards in `text` taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}
