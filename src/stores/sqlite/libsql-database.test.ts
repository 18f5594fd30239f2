/**
 * The libsql adapter reads rows as arrays and names them itself when the select list names its
 * columns (docs/decisions.md D24): every row must come back exactly as libsql's own row objects,
 * and a `select *` must keep following the table's current columns.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Libsql from 'libsql';
import type { SqliteDatabase } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kyselySqliteDatabase } from './libsql-database.js';

let scratch: string;
let path: string;
let direct: Libsql.Database;
let adapter: SqliteDatabase;

/** What the adapter's `all` answers, next to what libsql's object rows say for the same SQL. */
function bothReads(sql: string, parameters: unknown[] = []): { adapter: unknown[]; libsql: unknown[] } {
  return { adapter: adapter.prepare(sql).all(parameters), libsql: direct.prepare(sql).all(parameters) };
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'tessera-libsql-'));
  path = join(scratch, 'db.sqlite3');
  direct = new Libsql(path);
  direct.exec(`create table t (id integer primary key, name text, score real, blob blob, note text)`);
  direct.exec(`insert into t (id, name, score, blob, note) values (1, 'a', 1.5, x'00ff', null), (2, 'b', -2, null, 'n')`);
  adapter = kyselySqliteDatabase(new Libsql(path));
});

afterAll(() => {
  adapter.close();
  direct.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('kyselySqliteDatabase', () => {
  it('answers a named select list exactly as libsql does: every type, every row, no extra key', () => {
    const { adapter: rows, libsql } = bothReads('select "id", "name", "score", "blob", "note" from "t" order by "id"');
    expect(rows).toEqual(libsql);
    expect(rows).toHaveLength(2);
    expect(Object.keys(rows[0] as object)).toEqual(['id', 'name', 'score', 'blob', 'note']);
  });

  it('keeps the last value of a name given twice, as libsql does', () => {
    const { adapter: rows, libsql } = bothReads('select 1 as "a", 2 as "a"');
    expect(rows).toEqual(libsql);
    expect(rows).toEqual([{ a: 2 }]);
  });

  it('reads a trailing limit 1 in one step: one row, or none', () => {
    expect(adapter.prepare('select "name" from "t" where "id" = ? limit 1').all([2])).toEqual([{ name: 'b' }]);
    expect(adapter.prepare('select "name" from "t" where "id" = ? limit 1').all([3])).toEqual([]);
  });

  it('reads every row when limit 1 is inside a subquery, not at the end', () => {
    const sql = 'select "id" from "t" where "id" >= (select "id" from "t" order by "id" limit 1) order by "id"';
    expect(adapter.prepare(sql).all([])).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('iterates a named select list as named rows', () => {
    expect([...adapter.prepare('select "id" from "t" order by "id"').iterate([])]).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it('answers the next call with its own parameters after a one-row read failed', () => {
    // abs() of the smallest integer overflows: the step fails after the parameters are bound.
    // libsql leaves such a statement halted with those parameters, and reusing it answered the
    // next call with the failed call's row (another user's row, for a lookup by id).
    const sql = 'select "name", abs(?) as "n" from "t" where "id" = ? limit 1';
    expect(() => adapter.prepare(sql).all([-9223372036854775808n, 1])).toThrow(/overflow/i);
    expect(adapter.prepare(sql).all([5, 2])).toEqual([{ name: 'b', n: 5 }]);
  });

  it('answers a one-row read with its own parameters after an iteration of the same SQL was left midway', () => {
    // Kysely's stream() iterates; a consumer that breaks out leaves libsql's statement midway,
    // and libsql's get() on it answered the abandoned iteration's row, not its own parameters'.
    const sql = 'select "name" from "t" where "id" >= ? order by "id" limit 1';
    for (const row of adapter.prepare(sql).iterate([2])) {
      expect(row).toEqual({ name: 'b' });
      break;
    }
    expect(adapter.prepare(sql).all([1])).toEqual([{ name: 'a' }]);
  });

  it('follows a column another connection adds under a cached select *', () => {
    const star = 'select * from "t" where "id" = ?';
    expect(Object.keys(adapter.prepare(star).all([1])[0] as object)).not.toContain('added');
    direct.exec(`alter table t add column added text default 'x'`);
    expect(adapter.prepare(star).all([1])).toEqual([
      { id: 1, name: 'a', score: 1.5, blob: new Uint8Array([0, 255]).buffer, note: null, added: 'x' },
    ]);
  });
});
