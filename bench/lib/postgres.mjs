/**
 * PostgreSQL for the `tessera-pg` server: the server named by BENCH_POSTGRES_URL (default the
 * local one, database `tessera_bench`, created when missing), a fresh schema per Tessera start
 * (through the URL's `search_path` option, which Tessera's store honours and `migrate` creates),
 * dropped when that server stops. The bench never changes the PostgreSQL server's settings.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/tessera_bench';
export const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? DEFAULT_URL;

/** Creates the default database when it is missing (a URL of your own must name one that exists). */
async function ensureDatabase() {
  if (process.env.BENCH_POSTGRES_URL !== undefined) return;
  const admin = new pg.Client({ connectionString: DEFAULT_URL.replace(/\/tessera_bench$/, '/postgres'), connectionTimeoutMillis: 5000 });
  await admin.connect();
  try {
    const { rowCount } = await admin.query("select 1 from pg_database where datname = 'tessera_bench'");
    if (rowCount === 0)
      await admin.query('create database tessera_bench').catch((error) => {
        // Two benches creating it at once: the other one won.
        if (error.code !== '42P04') throw error;
      });
  } finally {
    await admin.end();
  }
}

/** @returns {Promise<{ url: string, drop: () => Promise<void> }>} a database URL naming a new, empty schema */
export async function freshPostgresSchema() {
  try {
    await ensureDatabase();
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${POSTGRES_URL} (${error.message}); set BENCH_POSTGRES_URL`);
  }
  const schema = `bench_${process.pid}_${randomBytes(4).toString('hex')}`;
  const url = `${POSTGRES_URL}${POSTGRES_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const drop = async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      await client.query(`drop schema if exists "${schema}" cascade`);
    } finally {
      await client.end();
    }
  };
  return { url, drop };
}
