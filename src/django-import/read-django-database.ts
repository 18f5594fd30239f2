/**
 * Reads a Django database directly: an SQLite file (opened read-only: the import never writes
 * to its source) or PostgreSQL (one connection, only SELECTs).
 */
import Libsql from 'libsql';
import pg from 'pg';
import { TABLE_NAME, type DjangoRow, type DjangoTables } from './django-tables.js';

function checkedTable(table: string): string {
  if (!TABLE_NAME.test(table)) throw new Error(`not a Django table name: ${JSON.stringify(table)}`);
  return table;
}

/** A Django SQLite database file, read-only. */
export function readDjangoSqlite(path: string): DjangoTables {
  const connection = new Libsql(path, { readonly: true, fileMustExist: true });
  const columnsOf = (table: string): string[] =>
    (connection.prepare(`select name from pragma_table_info(?)`).all([table]) as { name: string }[]).map((row) => row.name);
  return {
    description: `sqlite:${path}`,
    // The reads are synchronous; `new Promise` turns their throws into rejections, as `async` would.
    has: (table) => new Promise((resolve) => resolve(columnsOf(checkedTable(table)).length > 0)),
    rows: (table) =>
      new Promise((resolve) => {
        const columns = columnsOf(checkedTable(table));
        const order = columns.includes('id') ? ' order by "id"' : '';
        const rows =
          columns.length === 0 ? [] : (connection.prepare(`select * from "${table}"${order}`).all([]) as Record<string, unknown>[]);
        resolve(rows.map((values) => labelled(table, values)));
      }),
    close: () =>
      new Promise((resolve) => {
        connection.close();
        resolve();
      }),
  };
}

/**
 * A Django PostgreSQL database. `?schema=NAME` (as Tessera's own DATABASE_URL) or
 * `?options=-c search_path=NAME` selects the schema Django's tables are in.
 */
export async function readDjangoPostgres(url: string): Promise<DjangoTables> {
  const [connectionString, schema] = withoutSchemaParameter(url);
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    if (schema !== undefined) await client.query(`set search_path to "${checkedTable(schema)}"`);
  } catch (error) {
    await client.end();
    throw error;
  }
  const columnsOf = async (table: string): Promise<string[]> => {
    const result = await client.query<{ name: string }>(
      'select column_name as name from information_schema.columns where table_schema = current_schema() and table_name = $1',
      [checkedTable(table)],
    );
    return result.rows.map((row) => row.name);
  };
  return {
    description: `PostgreSQL database ${describeWithoutPassword(url)}`,
    async has(table) {
      return (await columnsOf(table)).length > 0;
    },
    async rows(table) {
      const columns = await columnsOf(table);
      if (columns.length === 0) return [];
      const order = columns.includes('id') ? ' order by "id"' : '';
      const result = await client.query<Record<string, unknown>>(`select * from "${table}"${order}`);
      return result.rows.map((values) => labelled(table, values));
    },
    async close() {
      await client.end();
    },
  };
}

function labelled(table: string, values: Record<string, unknown>): DjangoRow {
  return { label: 'id' in values ? `${table} id=${String(values.id)}` : table, values };
}

function withoutSchemaParameter(url: string): [string, string | undefined] {
  const queryAt = url.indexOf('?');
  if (queryAt < 0) return [url, undefined];
  const params = new URLSearchParams(url.slice(queryAt + 1));
  const schema = params.get('schema') ?? undefined;
  params.delete('schema');
  const rest = params.toString();
  return [`${url.slice(0, queryAt)}${rest === '' ? '' : `?${rest}`}`, schema];
}

function describeWithoutPassword(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
