/**
 * What the import tests share: the fixtures real Django made (./make-fixtures.sh), the real
 * `tessera import-django` command, and direct reads of the target database.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { sql, type Kysely } from 'kysely';
import { openStore } from '../../src/stores/open-store.js';
import type { Database } from '../../src/stores/schema.js';
import { CLI, serveCli, type CliServerProcess } from '../support/cli-server.js';

const run = promisify(execFile);

export const FIXTURES = resolve(import.meta.dirname, 'fixtures');
/** The SECRET_KEY (and so SIGNING_KEY) the fixture tokens were issued with. */
export const FIXTURE_SECRET = 'django-import-fixture-secret-key-0123456789abcdef';

export interface FixtureUser {
  readonly id: number;
  readonly login: string;
  readonly password: string | null;
  readonly format: string;
  readonly is_active: boolean;
  readonly encoded: string;
}

export interface Manifest {
  readonly login_field: 'username' | 'email';
  readonly users: readonly FixtureUser[];
  readonly groups: Readonly<Record<string, readonly string[]>>;
  readonly tokens: { readonly user_id: number; readonly access: string; readonly refresh: string; readonly blacklisted_refresh: string };
}

export function manifest(name: string): Manifest {
  return JSON.parse(readFileSync(resolve(FIXTURES, name), 'utf8')) as Manifest;
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `tessera import-django <args>` against `databaseUrl`; never throws on a non-zero exit. */
export async function importDjango(databaseUrl: string, args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, 'import-django', ...args], {
      env: { ...process.env, TESSERA_SECRET_KEY: FIXTURE_SECRET, TESSERA_DATABASE_URL: databaseUrl, ...env },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** The JSON summary of a successful `import-django --json` run. */
export interface JsonReport {
  readonly counts: Record<
    'users' | 'groups' | 'permissions' | 'links' | 'tokens' | 'blacklisted',
    { created: number; updated: number; unchanged: number }
  >;
  readonly skipped: { what: string; reason: string }[];
  readonly notes: string[];
  /** Users already in Tessera whose tokens the import cut off. */
  readonly cutOff: { userId: number; username: string; changed: string[] }[];
}

export async function importJson(databaseUrl: string, args: readonly string[], env: Record<string, string> = {}): Promise<JsonReport> {
  const result = await importDjango(databaseUrl, [...args, '--json'], env);
  if (result.code !== 0) throw new Error(`import-django exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as JsonReport;
}

/** Runs `read` with a Kysely handle on the Tessera database at `databaseUrl`. */
export async function withDatabase<T>(databaseUrl: string, read: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const store = await openStore(databaseUrl);
  try {
    return await read((store as unknown as { db: Kysely<Database> }).db);
  } finally {
    await store.close();
  }
}

/** Every row of the tables an import writes, as text: equal snapshots mean an untouched database. */
export async function snapshot(databaseUrl: string): Promise<string> {
  const tables = [
    'auth_user',
    'django_content_type',
    'auth_permission',
    'auth_group',
    'auth_group_permissions',
    'auth_user_groups',
    'auth_user_user_permissions',
    'token_blacklist_outstandingtoken',
    'token_blacklist_blacklistedtoken',
    'tessera_token_family',
  ] as const;
  return withDatabase(databaseUrl, async (db) => {
    const parts: string[] = [];
    for (const table of tables) {
      const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table)} order by 1`.execute(db);
      parts.push(`${table}: ${JSON.stringify(rows.rows)}`);
    }
    return parts.join('\n');
  });
}

export async function post(
  baseUrl: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

export async function get(baseUrl: string, path: string, token: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/**
 * `tessera serve` on a free port. Retried once when the process exits at start-up: the free
 * port is picked before the server binds it, and on a machine shared by parallel test runs
 * another process can take it in between (the server then exits with EADDRINUSE).
 */
export async function serve(env: Record<string, string>): Promise<CliServerProcess> {
  try {
    return await serveCli(env);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('tessera serve exited')) throw error;
    return serveCli(env);
  }
}
