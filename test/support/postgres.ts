/**
 * PostgreSQL for suites that need a real server: the one `npm test` starts when stopped
 * (127.0.0.1:5432, database `test`), or `TESSERA_TEST_POSTGRES_URL`. Each caller gets a fresh
 * schema (through the URL's `options=-c search_path=...`, which Tessera's store honours and
 * `migrate` creates), so test files running in parallel never meet; `dropTestSchemas` removes
 * them afterwards.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const POSTGRES_URL = process.env.TESSERA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const created: string[] = [];

/** A database URL naming a new, empty schema. */
export function freshPostgresUrl(): string {
  const schema = `tessera_http_${process.pid}_${randomBytes(4).toString('hex')}`;
  created.push(schema);
  return `${POSTGRES_URL}${POSTGRES_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

/** Fails loudly (never skips) when PostgreSQL is not there: `npm test` starts it (scripts/test-setup.mjs). */
export async function requirePostgres(): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${POSTGRES_URL} (${(error as Error).message}); npm test starts it when it is installed here (scripts/test-setup.mjs), or set TESSERA_TEST_POSTGRES_URL.`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function dropTestSchemas(): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    for (const schema of created.splice(0)) await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}
